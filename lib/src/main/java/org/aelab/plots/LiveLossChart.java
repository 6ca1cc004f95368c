package org.aelab.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.google.gson.Gson;
import org.aelab.notebook.DisplaySink;
import org.aelab.notebook.Notebook;

/**
 * Loss curves that grow while a model trains. The chart appears after the first epoch and is
 * redrawn in place (the notebook's update-display message) after each further one, at most
 * {@link #MIN_UPDATE_NANOS twice a second}; {@link #finish()} draws the last state. A saved notebook
 * therefore holds one chart, of the whole run. {@code Fit} shows one below its progress line; a
 * hand-written loop can use it the same way:
 *
 * <pre>{@code
 * LiveLossChart chart = LiveLossChart.create(epochs);
 * for (int epoch = 1; epoch <= epochs; epoch++) {
 *     ...
 *     chart.add(epoch, Map.of("loss", trainLoss), Map.of("loss", testLoss));
 * }
 * chart.finish();
 * }</pre>
 *
 * <p>Each loss term gets a colour, train solid and test dashed, as in {@link LossPlot}. The epoch
 * axis spans the planned epochs from the start, so the curve fills its frame as training goes.
 * Outside a notebook (a terminal, a test) the chart does nothing.
 *
 * <p>If no figure of the kernel session has carried plotly.js yet, the chart first shows a separate,
 * invisible output holding it, which is never replaced: the redrawn chart then stays light (a few
 * kilobytes per update), and later charts of the notebook still find Plotly in the saved page.
 */
public final class LiveLossChart {

    /** Two redraws a second at most, however short the epochs. */
    public static final long MIN_UPDATE_NANOS = 500_000_000L;

    private static final int HEIGHT = 380;
    private static final String TRAIN = "train ";
    private static final String TEST = "test ";
    private static final Gson JSON = new Gson();

    private final DisplaySink sink;
    private final int plannedEpochs;
    private final String title;
    private final List<Integer> epochNumbers = new ArrayList<>();
    private final Map<String, List<Double>> curves = new LinkedHashMap<>();
    private List<String> terms;
    private String displayId;
    private long lastDrawn;
    private boolean behind;
    private long nanosSpent;
    private int redraws;

    private LiveLossChart(DisplaySink sink, int plannedEpochs, String title) {
        if (plannedEpochs < 1) {
            throw new IllegalArgumentException("Planned epochs must be at least 1, got " + plannedEpochs);
        }
        this.sink = Objects.requireNonNull(sink, "sink");
        this.plannedEpochs = plannedEpochs;
        this.title = Objects.requireNonNull(title, "title");
    }

    /** A chart for a run of {@code plannedEpochs} epochs, shown in the current notebook. */
    public static LiveLossChart create(int plannedEpochs) {
        return new LiveLossChart(Notebook.sink(), plannedEpochs, "Loss per epoch");
    }

    /** A chart shown through {@code sink} (tests, other front ends). */
    public static LiveLossChart create(DisplaySink sink, int plannedEpochs, String title) {
        return new LiveLossChart(sink, plannedEpochs, title);
    }

    /**
     * Adds the losses of a completed epoch, term by term (the same terms every epoch), and shows or
     * redraws the chart unless it was redrawn less than half a second ago.
     */
    public void add(int epoch, Map<String, Double> train, Map<String, Double> test) {
        if (!sink.isNotebook()) {
            return;
        }
        long start = System.nanoTime();
        append(epoch, train, test);
        if (displayId == null) {
            String bundle = PlotHtml.claimBundle();
            if (bundle != null) {
                sink.show(Map.of("text/html", bundle, "text/plain", ""));
            }
            displayId = sink.show(bundle());
            lastDrawn = System.nanoTime();
        } else if (start - lastDrawn >= MIN_UPDATE_NANOS) {
            redraw();
        } else {
            behind = true;
        }
        nanosSpent += System.nanoTime() - start;
    }

    /** Draws the epochs added since the last redraw, if any: call it when training ends or stops. */
    public void finish() {
        if (behind && displayId != null) {
            long start = System.nanoTime();
            redraw();
            nanosSpent += System.nanoTime() - start;
        }
    }

    /** Epochs added so far. */
    public int epochs() {
        return epochNumbers.size();
    }

    /** Times the chart was shown or redrawn. */
    public int draws() {
        return displayId == null ? 0 : 1 + redraws;
    }

    /** Wall time spent building and sending the chart so far, in nanoseconds: its cost to training. */
    public long nanosSpent() {
        return nanosSpent;
    }

    private void redraw() {
        sink.update(displayId, bundle());
        lastDrawn = System.nanoTime();
        behind = false;
        redraws++;
    }

    private void append(int epoch, Map<String, Double> train, Map<String, Double> test) {
        if (terms == null) {
            if (train.isEmpty()) {
                throw new IllegalArgumentException("No training loss terms to chart for epoch " + epoch);
            }
            terms = List.copyOf(train.keySet());
            terms.forEach(term -> curves.put(TRAIN + term, new ArrayList<>()));
            terms.stream().filter(test::containsKey).forEach(term -> curves.put(TEST + term, new ArrayList<>()));
        } else if (!train.keySet().equals(Set.copyOf(terms))) {
            throw new IllegalArgumentException("Epoch " + epoch + " has loss terms " + train.keySet()
                    + " but the chart has " + terms + "; keep them the same every epoch.");
        }
        epochNumbers.add(epoch);
        for (String term : terms) {
            curves.get(TRAIN + term).add(finiteOrNull(train.get(term)));
            List<Double> testCurve = curves.get(TEST + term);
            if (testCurve != null) {
                testCurve.add(finiteOrNull(test.get(term)));
            }
        }
    }

    private static Double finiteOrNull(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;   // plotly leaves a gap
    }

    /**
     * The chart as plotly JSON, written directly: a Tablesaw figure renders its JavaScript through
     * templates, which costs tens of milliseconds for a hundred epochs; this costs well under one.
     */
    private Map<String, String> bundle() {
        List<Map<String, Object>> traces = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            String colour = LossPlot.COLOURS[i % LossPlot.COLOURS.length];
            for (String set : List.of(TRAIN, TEST)) {
                List<Double> values = curves.get(set + terms.get(i));
                if (values == null) {
                    continue;
                }
                Map<String, Object> trace = new LinkedHashMap<>();
                trace.put("name", set + terms.get(i));
                trace.put("x", epochNumbers);
                trace.put("y", values);
                trace.put("type", "scatter");
                trace.put("mode", plannedEpochs <= 30 ? "lines+markers" : "lines");
                trace.put("line", Map.of("color", colour, "width", 2, "dash", set.equals(TRAIN) ? "solid" : "dash"));
                traces.add(trace);
            }
        }
        Map<String, Object> xAxis = new LinkedHashMap<>();
        xAxis.put("title", Map.of("text", "epoch"));
        xAxis.put("range", List.of(0.5, plannedEpochs + 0.5));   // the frame the run will fill
        if (plannedEpochs <= 10) {
            xAxis.put("dtick", 1);
        }
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("title", Map.of("text", title));
        layout.put("height", HEIGHT);
        layout.put("margin", Map.of("l", 70, "r", 30, "t", 50, "b", 50));
        layout.put("xaxis", xAxis);
        layout.put("yaxis", Map.of("title", Map.of("text", "loss")));
        String html = PlotHtml.withoutBundle(JSON.toJson(traces), JSON.toJson(layout));

        StringBuilder plain = new StringBuilder(title).append(String.format(Locale.ROOT, ": %d of %d epochs",
                epochNumbers.size(), plannedEpochs));
        curves.forEach((name, values) -> {
            Double last = values.get(values.size() - 1);
            plain.append(", ").append(name).append(' ')
                    .append(last == null ? "–" : String.format(Locale.ROOT, "%.4g", last));
        });
        return Map.of("text/html", html, "text/plain", plain.toString());
    }
}
