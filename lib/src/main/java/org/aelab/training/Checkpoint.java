package org.aelab.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * One saved training result: a directory holding the model parameters ({@code <name>-NNNN.params},
 * written by DJL's {@link Model#save}), the loss history ({@code history.csv}) and the settings it
 * was trained with ({@code settings.txt}, whose hash is the directory name).
 */
public final class Checkpoint {

    static final String HISTORY_FILE = "history.csv";
    static final String SETTINGS_FILE = "settings.txt";

    private final String name;
    private final Path directory;

    Checkpoint(String name, Path directory) {
        this.name = name;
        this.directory = directory;
    }

    /** The checkpoint name given to {@link Fit#checkpoint(String)}. */
    public String name() {
        return name;
    }

    /** The hash of the training settings (the directory's name). */
    public String key() {
        return directory.getFileName().toString();
    }

    /** Where the files are. */
    public Path directory() {
        return directory;
    }

    /** True when the parameter file and the history are both there. */
    public boolean isComplete() {
        return Files.isRegularFile(directory.resolve(HISTORY_FILE)) && parameterFileExists();
    }

    private boolean parameterFileExists() {
        try (var files = Files.list(directory)) {
            return files.anyMatch(p -> {
                String f = p.getFileName().toString();
                return f.startsWith(name + "-") && f.endsWith(".params");
            });
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Loads the saved parameters into {@code model}, whose block must have the same architecture
     * as the one that was trained (build it with the same code first).
     */
    public void loadInto(Model model) {
        if (model.getBlock() == null) {
            throw new IllegalStateException("Set the model's block (model.setBlock(...)) before loading checkpoint "
                    + directory + ": the file holds parameters, not the architecture.");
        }
        try {
            model.load(directory, name);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read checkpoint " + directory + ": " + e.getMessage()
                    + ". Delete the directory to train again.", e);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IllegalStateException("Checkpoint " + directory + " does not fit this model's block ("
                    + e.getMessage() + "). Was the architecture changed? Delete the directory or retrain.", e);
        }
    }

    /** The loss history recorded when the checkpoint was trained. */
    public Table history() {
        Path file = directory.resolve(HISTORY_FILE);
        try {
            return Table.read().csv(CsvReadOptions.builder(file.toFile()).tableName(name).build());
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not read " + file + " (" + e.getMessage()
                    + "). Delete " + directory + " to train again.", e);
        }
    }

    /** The settings text that was hashed into {@link #key()}. */
    public String settings() {
        try {
            return Files.readString(directory.resolve(SETTINGS_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read settings of checkpoint " + directory, e);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint " + name + " at " + directory;
    }
}
