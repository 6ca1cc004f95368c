package org.aelab.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import ai.djl.Model;
import org.aelab.notebook.ProjectPaths;
import org.aelab.notebook.Settings;

/**
 * Where checkpoints live and how to find them.
 *
 * <p>The root directory is the setting {@code CHECKPOINT_DIR} (environment variable
 * {@value #DIR_ENV} or system property {@value #DIR_PROPERTY}, see
 * {@link org.aelab.notebook.Settings}), else {@code checkpoints/} in the project's build directory
 * ({@link ProjectPaths#buildDir()}), so notebooks in {@code notebooks/} and builds in the root
 * share one store.
 *
 * <p>Each checkpoint is {@code <root>/<name>/<key>/}, where the key hashes the training settings.
 * {@link Fit} skips training when a complete checkpoint for its settings exists, unless the switch
 * {@code RETRAIN} (environment variable {@value #RETRAIN_ENV} or system property
 * {@value #RETRAIN_PROPERTY}) is true, or {@link Fit#retrain(boolean)} says so.
 */
public final class Checkpoints {

    /** System property naming the checkpoint root directory. */
    public static final String DIR_PROPERTY = "aelab.checkpoint_dir";
    /** Environment variable naming the checkpoint root directory. */
    public static final String DIR_ENV = "AELAB_CHECKPOINT_DIR";
    /** System property that, when true, makes every fit train even if a checkpoint exists. */
    public static final String RETRAIN_PROPERTY = "aelab.retrain";
    /** Environment variable that, when 1/true, makes every fit train even if a checkpoint exists. */
    public static final String RETRAIN_ENV = "AELAB_RETRAIN";

    private Checkpoints() {
    }

    /** The checkpoint root directory (see the class comment for how it is chosen). */
    public static Path root() {
        return ProjectPaths.directory("CHECKPOINT_DIR", "checkpoints");
    }

    /** True when the retrain switch (property or environment variable) is on. */
    public static boolean retrainRequested() {
        return Settings.flag("RETRAIN", false);
    }

    /** The checkpoint for {@code name} and settings {@code key}, whether or not it exists yet. */
    static Checkpoint at(String name, String key) {
        return new Checkpoint(name, root().resolve(checkName(name)).resolve(key));
    }

    /** The most recently written complete checkpoint called {@code name}, if any. */
    public static Optional<Checkpoint> latest(String name) {
        Path dir = root().resolve(checkName(name));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> keys = Files.list(dir)) {
            return keys.filter(Files::isDirectory)
                    .map(p -> new Checkpoint(name, p))
                    .filter(Checkpoint::isComplete)
                    .max(Comparator.comparing(Checkpoints::modified));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list checkpoints in " + dir, e);
        }
    }

    /**
     * Loads the latest checkpoint called {@code name} into {@code model} (whose block must be built
     * as when it was trained), for notebooks that reuse a model an earlier notebook trained.
     *
     * @return the checkpoint that was loaded (its {@link Checkpoint#history()} has the loss curve)
     */
    public static Checkpoint loadLatest(Model model, String name) {
        Checkpoint checkpoint = latest(name).orElseThrow(() -> new IllegalStateException(
                "No checkpoint called '" + name + "' under " + root()
                        + ". Run the notebook that trains it first (it saves with .checkpoint(\"" + name + "\")),"
                        + " or point " + DIR_ENV + " at the directory that holds it."));
        checkpoint.loadInto(model);
        return checkpoint;
    }

    private static FileTime modified(Checkpoint checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.directory().resolve(Checkpoint.HISTORY_FILE));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("Checkpoint name '" + name
                    + "' must be letters, digits, '.', '_' or '-' (it becomes a directory name).");
        }
        return name;
    }
}
