package org.aelab.notebook;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one lookup for every setting of the project, with one naming rule: the setting {@code NAME}
 * (upper case, digits and underscores) is the system property {@code aelab.name} (the name in
 * lower case) or else the environment variable {@code AELAB_NAME}. An empty value counts as unset.
 *
 * <table>
 *   <caption>The settings</caption>
 *   <tr><th>kind</th><th>names</th><th>read by</th></tr>
 *   <tr><td>knobs</td><td>EPOCHS, TRAIN_LIMIT, SEED, BATCH_SIZE, LEARNING_RATE, ...</td>
 *       <td>{@link Knobs}, in a notebook's knobs cell</td></tr>
 *   <tr><td>directories</td><td>BUILD_DIR, CHECKPOINT_DIR, RESULTS_DIR, FASHION_MNIST_DIR</td>
 *       <td>{@link #directory}, e.g. through {@link ProjectPaths}</td></tr>
 *   <tr><td>switches</td><td>RETRAIN</td><td>{@link #flag}</td></tr>
 * </table>
 *
 * <p>The system property wins over the environment variable, so {@code -Daelab.epochs=3} on a
 * command line beats an exported {@code AELAB_EPOCHS}. A relative directory is taken relative to
 * the project root ({@link ProjectPaths#projectRoot()}), so the same value means the same place in
 * a notebook's kernel (which runs in {@code notebooks/}), in the main job and in the tests.
 *
 * <p>The property names of earlier versions ({@code aelab.buildDir}, {@code aelab.resultsDir},
 * {@code aelab.checkpoint.dir}, {@code aelab.fashionMnist.dir}) still work, with a warning.
 */
public final class Settings {

    /** A setting's value and where it came from ({@code -Daelab.name} or {@code $AELAB_NAME}). */
    public record Value(String name, String text, String source) {
    }

    private static final Map<String, String> DEPRECATED_PROPERTIES = Map.of(
            "BUILD_DIR", "aelab.buildDir",
            "RESULTS_DIR", "aelab.resultsDir",
            "CHECKPOINT_DIR", "aelab.checkpoint.dir",
            "FASHION_MNIST_DIR", "aelab.fashionMnist.dir");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private Settings() {
    }

    /** The system property of setting {@code name}: {@code aelab.} and the name in lower case. */
    public static String systemProperty(String name) {
        return "aelab." + checkName(name).toLowerCase(Locale.ROOT);
    }

    /** The environment variable of setting {@code name}: {@code AELAB_} and the name in upper case. */
    public static String environmentVariable(String name) {
        return "AELAB_" + checkName(name).toUpperCase(Locale.ROOT);
    }

    /** The value of setting {@code name}, if the system property or the environment variable sets it. */
    public static Optional<Value> lookup(String name) {
        name = checkName(name).toUpperCase(Locale.ROOT);
        String property = systemProperty(name);
        String text = System.getProperty(property);
        if (isSet(text)) {
            return Optional.of(new Value(name, text, "-D" + property));
        }
        String old = DEPRECATED_PROPERTIES.get(name);
        if (old != null && isSet(System.getProperty(old))) {
            if (WARNED.add(old)) {
                System.err.println("warning: -D" + old + " is deprecated; use -D" + property
                        + " (or the environment variable " + environmentVariable(name) + ")");
            }
            return Optional.of(new Value(name, System.getProperty(old), "-D" + old));
        }
        String variable = environmentVariable(name);
        text = System.getenv(variable);
        return isSet(text) ? Optional.of(new Value(name, text, "$" + variable)) : Optional.empty();
    }

    /**
     * The directory setting {@code name} names, absolute and normalised; a relative value is
     * resolved against the project root (or the working directory outside the project).
     */
    public static Optional<Path> directory(String name) {
        return lookup(name).map(value -> {
            Path path;
            try {
                path = Path.of(value.text().trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Setting " + name + " = '" + value.text() + "' (from "
                        + value.source() + ") is not a path: " + e.getMessage(), e);
            }
            Path base = ProjectPaths.projectRoot().orElse(Path.of("").toAbsolutePath());
            return base.resolve(path).toAbsolutePath().normalize();
        });
    }

    /**
     * A switch such as {@code RETRAIN}: {@code true/false}, {@code 1/0} or {@code yes/no}; any other
     * value is an error that names the variable.
     */
    public static boolean flag(String name, boolean defaultValue) {
        Optional<Value> value = lookup(name);
        return value.isEmpty() ? defaultValue : parseFlag(value.get());
    }

    static boolean parseFlag(Value value) {
        switch (value.text().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes":
                return true;
            case "false", "0", "no":
                return false;
            default:
                throw invalid(value, "is not true/false (also 1/0, yes/no)");
        }
    }

    static IllegalArgumentException invalid(Value value, String problem) {
        return new IllegalArgumentException("Setting " + value.name() + " = '" + value.text() + "' (from "
                + value.source() + ") " + problem + ". Fix or unset " + environmentVariable(value.name())
                + " / " + systemProperty(value.name()) + ".");
    }

    private static boolean isSet(String text) {
        return text != null && !text.isBlank();
    }

    private static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("Setting name '" + name
                    + "' must be letters, digits and underscores, e.g. TRAIN_LIMIT");
        }
        return name;
    }
}
