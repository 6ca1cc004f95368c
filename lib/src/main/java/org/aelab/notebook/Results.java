package org.aelab.notebook;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A notebook's machine-readable results: the metrics of each model it trains, which the main job
 * collects into {@code build/site/results.json} and the results table of the site.
 *
 * <pre>{@code
 * Results.forNotebook("02-autoencoder")
 *        .model("Dense AE (20-d)")
 *        .metric("test_sse_per_image", sse)
 *        .metric("test_bce_per_pixel", bce)
 *        .epochSeconds(history.epochSeconds())
 *        .save();
 * }</pre>
 *
 * {@code Results} and its {@link ModelResult}s are values: each call returns a new one and changes
 * nothing else, so results built in several steps are reassigned,
 * {@code results = results.model("PCA k=20").metric(...).results();}.
 *
 *
 * The file is {@code <results dir>/<notebook>.json}, where the results directory is the setting
 * {@code RESULTS_DIR} ({@code AELAB_RESULTS_DIR} or {@code -Daelab.results_dir}, see
 * {@link Settings}), else {@code build/results}. Saving replaces that notebook's file and nothing
 * else, so the other notebooks' latest results stay. Each file says when it was produced and
 * under which knobs ({@link Knobs#values()}: every knob the notebook read; {@code overridden}:
 * those not at their default). Its schema:
 * <pre>{@code
 * {"notebook": "02-autoencoder",
 *  "produced": "2026-11-27T13:05:00Z",
 *  "knobs": {"EPOCHS": "100", "TRAIN_LIMIT": "60000", ...},
 *  "overridden": [],
 *  "models": {"Dense AE (20-d)": {"metrics": {"test_sse_per_image": 7.8, ...},
 *                                 "epochs": 100, "epoch_seconds": [1.7, ...],
 *                                 "total_seconds": 171.0,
 *                                 "references": {"test_sse_per_image":
 *                                                {"value": 7.79, "source": "PyTorch twin"}}}}}
 * }</pre>
 * Metric names in use: {@code test_sse_per_image} (sum of squared pixel errors per test image),
 * {@code test_bce_per_pixel} (mean binary cross-entropy per test pixel), {@code test_neg_elbo}
 * (negative ELBO per test image, in nats), {@code explained_variance}.
 */
public final class Results {

    /** Column labels of the known metrics, in the order {@link #compare} shows them. */
    private static final List<Map.Entry<String, String>> METRIC_LABELS = List.of(
            Map.entry("test_sse_per_image", "SSE/img"),
            Map.entry("test_bce_per_pixel", "BCE/pixel"),
            Map.entry("test_neg_elbo", "−ELBO"),
            Map.entry("explained_variance", "explained variance"));

    private final String notebook;
    private final Map<String, ModelResult> models;

    private Results(String notebook, Map<String, ModelResult> models) {
        this.notebook = notebook;
        this.models = models;
    }

    /** Starts the results of the notebook whose file name (without {@code .ipynb}) is {@code notebook}. */
    public static Results forNotebook(String notebook) {
        if (notebook == null || !notebook.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("Notebook name '" + notebook
                    + "' must be a file name without extension, such as 02-autoencoder");
        }
        return new Results(notebook, Map.of());
    }

    /**
     * The entry of one model, to add its metrics to: the one these results hold under {@code name},
     * or an empty one. Like every builder of the helper jar it is a value: its settings return new
     * entries, and {@link ModelResult#results()} the results with that entry in them.
     */
    public ModelResult model(String name) {
        Objects.requireNonNull(name, "model name");
        ModelResult held = models.get(name);
        return held != null ? held.in(this) : new ModelResult(this, name);
    }

    /** These results with {@code model}'s entry added or replaced; the models keep their first order. */
    private Results with(ModelResult model) {
        Map<String, ModelResult> next = new LinkedHashMap<>(models);
        next.put(model.name, model);
        return new Results(notebook, java.util.Collections.unmodifiableMap(next));
    }

    /** The directory results are written to (see the class comment). */
    public static Path directory() {
        return ProjectPaths.directory("RESULTS_DIR", "results");
    }

    /**
     * A table comparing saved models on their test metrics, one row per {@code "notebook/model"}
     * reference, e.g. {@code compare("01-pca/PCA k=20", "02-autoencoder/Dense AE (20-d)")}. Its
     * last column, {@code settings}, lists the knobs each row was produced under that differ from
     * the notebook's defaults ("defaults" if none), so rows from runs at other settings stand out.
     * A model whose notebook has not saved results yet gets an empty row and a printed note
     * saying which notebook to run.
     */
    public static Table compare(String... references) {
        StringColumn names = StringColumn.create("model");
        StringColumn settings = StringColumn.create("settings");
        Map<String, DoubleColumn> columns = new LinkedHashMap<>();
        METRIC_LABELS.forEach(label -> columns.put(label.getKey(), DoubleColumn.create(label.getValue())));
        List<Map<String, Double>> rows = new ArrayList<>();
        for (String reference : references) {
            int slash = reference.indexOf('/');
            if (slash <= 0 || slash == reference.length() - 1) {
                throw new IllegalArgumentException("'" + reference + "' should be notebook/model, e.g. 01-pca/PCA k=20");
            }
            String notebook = reference.substring(0, slash);
            String model = reference.substring(slash + 1);
            names.append(model);
            JsonObject saved = saved(notebook);
            Map<String, Double> metrics = savedMetrics(saved, notebook, model);
            if (metrics.isEmpty()) {
                System.out.println("No saved results for '" + model + "' yet: run notebooks/" + notebook
                        + ".ipynb to fill its row.");
            }
            settings.append(metrics.isEmpty() ? "" : settingsOf(saved));
            metrics.keySet().forEach(metric -> columns.computeIfAbsent(metric, DoubleColumn::create));
            rows.add(metrics);
        }
        Table table = Table.create("Test metrics", names);
        columns.forEach((metric, column) -> {
            if (rows.stream().anyMatch(row -> row.containsKey(metric))) {
                rows.forEach(row -> column.append(row.getOrDefault(metric, Double.NaN)));
                table.addColumns(column);
            }
        });
        return table.addColumns(settings);
    }

    /** The saved file of {@code notebook}, or null if it has none. */
    private static JsonObject saved(String notebook) {
        Path file = directory().resolve(notebook + ".json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not read " + file + " (" + e.getMessage()
                    + "); delete it and run notebooks/" + notebook + ".ipynb again", e);
        }
    }

    private static Map<String, Double> savedMetrics(JsonObject saved, String notebook, String model) {
        if (saved == null) {
            return Map.of();
        }
        try {
            JsonObject models = saved.getAsJsonObject("models");
            if (models == null || !models.has(model)) {
                return Map.of();
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            models.getAsJsonObject(model).getAsJsonObject("metrics").entrySet()
                    .forEach(e -> metrics.put(e.getKey(), e.getValue().getAsDouble()));
            return metrics;
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not read the results of " + model + " in "
                    + directory().resolve(notebook + ".json") + " (" + e.getMessage() + "); delete it and run notebooks/"
                    + notebook + ".ipynb again", e);
        }
    }

    /** "EPOCHS=2, TRAIN_LIMIT=2000" for the knobs a saved file names as overridden, else "defaults". */
    private static String settingsOf(JsonObject saved) {
        if (!saved.has("overridden") || !saved.has("knobs")) {
            return "unknown";
        }
        JsonObject knobs = saved.getAsJsonObject("knobs");
        List<String> parts = new ArrayList<>();
        saved.getAsJsonArray("overridden").forEach(name -> parts.add(name.getAsString() + "="
                + (knobs.has(name.getAsString()) ? knobs.get(name.getAsString()).getAsString() : "?")));
        return parts.isEmpty() ? "defaults" : String.join(", ", parts);
    }

    /**
     * Writes {@code <notebook>.json} atomically, replacing only this notebook's earlier results,
     * and returns its path.
     */
    public Path save() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("notebook", notebook);
        json.put("produced", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        json.put("knobs", Knobs.values());
        json.put("overridden", new ArrayList<>(Knobs.overrides().keySet()));
        Map<String, Object> modelsJson = new LinkedHashMap<>();
        models.forEach((name, model) -> modelsJson.put(name, model.toJson()));
        json.put("models", modelsJson);
        Path directory = directory();
        Path target = directory.resolve(notebook + ".json");
        try {
            Files.createDirectories(directory);
            // Created like any other file (mode from the umask, 0644 as a rule), not with
            // createTempFile's 0600: the main job publishes this file with the site.
            Path temporary = directory.resolve("." + notebook + ".json." + ProcessHandle.current().pid() + "."
                    + System.nanoTime() + ".tmp");
            Files.writeString(temporary, new GsonBuilder().setPrettyPrinting()
                    .create().toJson(json), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write results to " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /** The metrics and timings of one model: a value, each setting returns a new entry. */
    public static final class ModelResult {
        private final Results owner;
        private final String name;
        private final Map<String, Double> metrics;
        private final List<Double> epochSeconds;
        private final Map<String, List<Double>> series;
        private final Map<String, Map<String, Object>> references;
        private final Integer epochs;
        private final Double totalSeconds;

        private ModelResult(Results owner, String name) {
            this(owner, name, Map.of(), List.of(), Map.of(), Map.of(), null, null);
        }

        private ModelResult(Results owner, String name, Map<String, Double> metrics, List<Double> epochSeconds,
                Map<String, List<Double>> series, Map<String, Map<String, Object>> references, Integer epochs,
                Double totalSeconds) {
            this.owner = owner;
            this.name = name;
            this.metrics = metrics;
            this.epochSeconds = epochSeconds;
            this.series = series;
            this.references = references;
            this.epochs = epochs;
            this.totalSeconds = totalSeconds;
        }

        private ModelResult in(Results results) {
            return new ModelResult(results, name, metrics, epochSeconds, series, references, epochs, totalSeconds);
        }

        private static <K, V> Map<K, V> plus(Map<K, V> map, K key, V value) {
            Map<K, V> next = new LinkedHashMap<>(map);
            next.put(key, value);
            return java.util.Collections.unmodifiableMap(next);
        }

        /** Records a metric; non-finite values are rejected because they mean the run went wrong. */
        public ModelResult metric(String name, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("Metric " + name + " is " + value
                        + ": the model diverged or the metric was computed on empty data");
            }
            return new ModelResult(owner, this.name, plus(metrics, name, value), epochSeconds, series, references,
                    epochs, totalSeconds);
        }

        /**
         * Seconds each training epoch took; also sets {@code epochs} and, unless set explicitly,
         * {@code total_seconds} to their count and sum.
         */
        public ModelResult epochSeconds(List<? extends Number> seconds) {
            List<Double> copy = seconds.stream().map(Number::doubleValue).toList();
            return new ModelResult(owner, name, metrics, copy, series, references, seconds.size(), totalSeconds);
        }

        /** A per-epoch series worth keeping, e.g. the test loss after each epoch. */
        public ModelResult series(String name, List<? extends Number> values) {
            List<Double> copy = values.stream().map(Number::doubleValue).toList();
            return new ModelResult(owner, this.name, metrics, epochSeconds,
                    plus(series, Objects.requireNonNull(name, "series name"), copy), references, epochs, totalSeconds);
        }

        /**
         * The value another implementation or the book reports for metric {@code name}, and where it
         * comes from, e.g. {@code reference("test_sse_per_image", 7.79, "PyTorch twin, 100 epochs")};
         * the site's results table shows how far the measured value is from it.
         */
        public ModelResult reference(String name, double value, String source) {
            Objects.requireNonNull(name, "metric name");
            if (!Double.isFinite(value) || source == null || source.isBlank()) {
                throw new IllegalArgumentException("Reference for " + name + " needs a finite value and a source, got "
                        + value + " from '" + source + "'");
            }
            Map<String, Object> reference = new LinkedHashMap<>();
            reference.put("value", value);
            reference.put("source", source);
            return new ModelResult(owner, this.name, metrics, epochSeconds, series,
                    plus(references, name, java.util.Collections.unmodifiableMap(reference)), epochs, totalSeconds);
        }

        /** Total seconds to fit the model (for PCA: covariance plus eigendecomposition). */
        public ModelResult totalSeconds(double seconds) {
            return new ModelResult(owner, name, metrics, epochSeconds, series, references, epochs, seconds);
        }

        /** The notebook's results with this entry in them. */
        public Results results() {
            return owner.with(this);
        }

        /** Another model of the same notebook, in results that hold this entry. */
        public ModelResult model(String name) {
            return results().model(name);
        }

        /** Writes the notebook's results with this entry in them; see {@link Results#save()}. */
        public Path save() {
            return results().save();
        }

        private Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("metrics", metrics);
            json.put("epochs", epochs == null ? 0 : epochs);
            json.put("epoch_seconds", epochSeconds);
            double total = totalSeconds != null ? totalSeconds
                    : epochSeconds.stream().mapToDouble(Double::doubleValue).sum();
            json.put("total_seconds", total);
            if (!series.isEmpty()) {
                json.put("series", series);
            }
            if (!references.isEmpty()) {
                json.put("references", references);
            }
            return json;
        }
    }
}
