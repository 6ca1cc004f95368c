package org.aelab.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;

import ai.djl.nn.Block;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * One saved training result: a directory holding the model parameters ({@code <name>-NNNN.params},
 * written by DJL's {@link Model#save}), the parameters of blocks that only a {@link Step} trains
 * ({@code step-blocks.params}, e.g. a discriminator), the loss history ({@code history.csv}), the
 * settings and probe values it was trained with ({@code settings.txt}, whose hash is the
 * directory name) and one line on what it was trained on ({@code trained.txt}). Optimiser state
 * (Adam's moments) is not saved: a checkpoint is a finished model, not a paused run.
 */
public final class Checkpoint {

    static final String HISTORY_FILE = "history.csv";
    static final String SETTINGS_FILE = "settings.txt";
    static final String STEP_BLOCKS_FILE = "step-blocks.params";
    static final String TRAINED_FILE = "trained.txt";

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

    /**
     * The directory as a reader should see it: relative to the project root (the folder holding
     * {@code pom.xml} and {@code notebooks/}), never the build machine's absolute path.
     */
    public String displayPath() {
        Path root = projectRoot();
        Path absolute = directory.toAbsolutePath().normalize();
        if (root != null && absolute.startsWith(root)) {
            return root.relativize(absolute).toString();
        }
        return "$" + Checkpoints.DIR_ENV + "/" + name + "/" + key();
    }

    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("notebooks"))) {
                return dir;
            }
        }
        return null;
    }

    /** What it was trained on and when, e.g. "100 epochs on 60,000 training samples of shape (784), 2026-11-27 12:41 UTC". */
    public String describeTraining(int epochs) {
        Path file = directory.resolve(TRAINED_FILE);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            return epochs + " epochs, saved " + DATE.format(
                    Files.getLastModifiedTime(directory.resolve(HISTORY_FILE)).toInstant().atZone(ZoneOffset.UTC));
        } catch (IOException e) {
            return epochs + " epochs";
        }
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

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
        loadInto(model, List.of());
    }

    /** Loads the model's parameters and, in order, those of {@code stepBlocks} (initialised, built as when trained). */
    void loadInto(Model model, List<Block> stepBlocks) {
        if (model.getBlock() == null) {
            throw new IllegalStateException("Set the model's block (model.setBlock(...)) before loading checkpoint "
                    + directory + ": the file holds parameters, not the architecture.");
        }
        try {
            model.load(directory, name);
            if (!stepBlocks.isEmpty()) {
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                        Files.newInputStream(directory.resolve(STEP_BLOCKS_FILE))))) {
                    int count = in.readInt();
                    if (count != stepBlocks.size()) {
                        throw new IllegalStateException("it holds " + count + " step blocks, the fit has "
                                + stepBlocks.size());
                    }
                    for (Block block : stepBlocks) {
                        block.loadParameters(model.getNDManager(), in);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read checkpoint " + directory + ": " + e.getMessage()
                    + ". Delete the directory to train again.", e);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IllegalStateException("Checkpoint " + directory + " does not fit this model's block ("
                    + e.getMessage() + "). Was the architecture changed? Delete the directory or retrain.", e);
        }
    }

    static void writeSettings(Checkpoint checkpoint, String settings) {
        try {
            Files.createDirectories(checkpoint.directory());
            Files.writeString(checkpoint.directory().resolve(SETTINGS_FILE), settings);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint directory " + checkpoint.displayPath()
                    + ": " + e.getMessage() + ". Set " + Checkpoints.DIR_ENV + " to a writable directory.", e);
        }
    }

    /** Saves parameters (model, then step blocks), what it was trained on, and last the history, which marks it complete. */
    void save(Model model, List<Block> stepBlocks, Table table, int epochs, long trainSamples, String sampleShape) {
        try {
            Files.deleteIfExists(directory.resolve(HISTORY_FILE));
            model.setProperty("Epoch", String.valueOf(epochs));
            model.save(directory, name);
            if (!stepBlocks.isEmpty()) {
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(directory.resolve(STEP_BLOCKS_FILE))))) {
                    out.writeInt(stepBlocks.size());
                    for (Block block : stepBlocks) {
                        block.saveParameters(out);
                    }
                }
            }
            Files.writeString(directory.resolve(TRAINED_FILE), String.format(Locale.ROOT,
                    "%d epochs on %,d training samples of shape %s, %s%n", epochs, trainSamples, sampleShape,
                    DATE.format(ZonedDateTime.now(ZoneOffset.UTC))));
            table.write().csv(directory.resolve(HISTORY_FILE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Training finished but saving checkpoint " + displayPath() + " failed: "
                    + e.getMessage() + ". The trained parameters are still in the model.", e);
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
        return "Checkpoint " + name + " at " + displayPath();
    }
}
