package org.aelab.notebook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A notebook's settings ("knobs"): each has the chapter's default and can be overridden, for a
 * fast test run, by the environment variable {@code AELAB_<NAME>} or the system property
 * {@code aelab.<name>} in lower case (for example {@code AELAB_TRAIN_LIMIT} or {@code aelab.train_limit}),
 * looked up by {@link Settings}, like every other setting of the project.
 *
 * <pre>{@code
 * int epochs = Knobs.integer("EPOCHS", 100, 1, 10_000);
 * int trainLimit = Knobs.integer("TRAIN_LIMIT", 60_000, 1, 60_000);
 * Knobs.table()   // shows every knob, its value and where the value came from
 * }</pre>
 *
 * A value that does not parse or lies outside its range is an error that names the variable,
 * instead of a silent fallback to the default. The knobs a notebook read are saved with its
 * {@link Results}, so every result says under which settings it was produced.
 */
public final class Knobs {

    private record Setting(String value, String defaultValue, String source) {
    }

    private static final Map<String, Setting> READ = new LinkedHashMap<>();

    private Knobs() {
    }

    /** An integer knob in {@code [min, max]}. */
    public static int integer(String name, int defaultValue, int min, int max) {
        String raw = lookup(name, Integer.toString(defaultValue));
        int value;
        try {
            value = Integer.parseInt(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(name, raw, "is not an integer", Integer.toString(defaultValue));
        }
        if (value < min || value > max) {
            throw invalid(name, raw, "is outside [" + min + ", " + max + "]", Integer.toString(defaultValue));
        }
        return value;
    }

    /** A floating-point knob in {@code [min, max]}. */
    public static double decimal(String name, double defaultValue, double min, double max) {
        String raw = lookup(name, Double.toString(defaultValue));
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, raw, "is not a number", Double.toString(defaultValue));
        }
        if (!(value >= min && value <= max)) {
            throw invalid(name, raw, "is outside [" + min + ", " + max + "]", Double.toString(defaultValue));
        }
        return value;
    }

    /** A yes/no knob: {@code true/false}, {@code 1/0}, {@code yes/no}. */
    public static boolean flag(String name, boolean defaultValue) {
        String raw = lookup(name, Boolean.toString(defaultValue));
        try {
            return Settings.parseFlag(new Settings.Value(name, raw, "knob"));
        } catch (IllegalArgumentException e) {
            throw invalid(name, raw, "is not true/false (also 1/0, yes/no)", Boolean.toString(defaultValue));
        }
    }

    /** The environment variable that overrides knob {@code name}. */
    public static String environmentVariable(String name) {
        return Settings.environmentVariable(name);
    }

    /** Every knob read so far in this JVM and its value, in reading order. */
    public static synchronized Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        READ.forEach((name, setting) -> values.put(name, setting.value()));
        return values;
    }

    /** The knobs read so far whose value was set by a property or variable rather than the default. */
    public static synchronized Map<String, String> overrides() {
        Map<String, String> values = new LinkedHashMap<>();
        READ.forEach((name, setting) -> {
            if (!setting.source().equals("default")) {
                values.put(name, setting.value());
            }
        });
        return values;
    }

    /** Every knob read so far in this JVM: name, value, default and where the value came from. */
    public static synchronized Table table() {
        StringColumn names = StringColumn.create("knob");
        StringColumn values = StringColumn.create("value");
        StringColumn defaults = StringColumn.create("default");
        StringColumn sources = StringColumn.create("set by");
        READ.forEach((name, setting) -> {
            names.append(name);
            values.append(setting.value());
            defaults.append(setting.defaultValue());
            sources.append(setting.source());
        });
        return Table.create("Knobs", names, values, defaults, sources);
    }

    private static synchronized String lookup(String name, String defaultValue) {
        Optional<Settings.Value> set = Settings.lookup(name);
        String value = set.map(Settings.Value::text).orElse(defaultValue);
        READ.put(name, new Setting(value, defaultValue, set.map(Settings.Value::source).orElse("default")));
        return value;
    }

    private static IllegalArgumentException invalid(String name, String raw, String problem, String defaultValue) {
        return new IllegalArgumentException("Knob " + name + " = '" + raw + "' " + problem + ". Fix or unset "
                + environmentVariable(name) + " (default " + defaultValue + ").");
    }
}
