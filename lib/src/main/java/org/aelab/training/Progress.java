package org.aelab.training;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.aelab.notebook.DisplaySink;
import org.aelab.notebook.Notebook;
import org.aelab.plots.LiveLossChart;

/**
 * Live training progress. In a notebook one line is shown and replaced in place at most
 * {@link #MIN_UPDATE_NANOS} apart, and below it a {@link LiveLossChart} of the completed epochs;
 * in a terminal one line is printed per epoch.
 */
final class Progress {

    /** Two updates a second at most: each update reads the running losses back from the engine. */
    static final long MIN_UPDATE_NANOS = 500_000_000L;

    private final boolean enabled;
    private final DisplaySink sink;
    private final boolean notebook;
    private final int epochs;
    private final int stepsPerEpoch;
    private final LiveLossChart chart;
    private final long startNanos = System.nanoTime();
    private String displayId;
    private long lastUpdate;
    private String lastEpochSummary = "";

    Progress(boolean enabled, int epochs, int stepsPerEpoch) {
        this.enabled = enabled;
        this.sink = Notebook.sink();
        this.notebook = sink.isNotebook();
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.chart = enabled && notebook ? LiveLossChart.create(sink, epochs, "Loss per epoch") : null;
        this.lastUpdate = System.nanoTime();
    }

    /** True when the caller should read the running losses back and call {@link #step} now. */
    boolean stepUpdateDue(long now) {
        return enabled && notebook && now - lastUpdate >= MIN_UPDATE_NANOS;
    }

    /** A one-off message (e.g. "loaded a checkpoint instead of training"). */
    static void notice(String message) {
        if (Notebook.isNotebook()) {
            Notebook.showHtml("<div style=\"font-family:monospace;font-size:13px\">" + escape(message) + "</div>",
                    message);
        } else {
            System.out.println(message);
        }
    }

    void start(String message) {
        if (!enabled) {
            return;
        }
        if (notebook) {
            displayId = sink.show(bundle(message, message, 0));
        } else {
            System.out.println(message);
        }
    }

    /** Mid-epoch state (notebook only). */
    void step(int epoch, int step, Map<String, Double> runningTrain, double samplesPerSecond, long now) {
        lastUpdate = now;
        double done = (epoch - 1 + (double) step / stepsPerEpoch) / epochs;
        String text = String.format(Locale.ROOT, "epoch %d/%d · step %d/%d · %s · %s samples/s · ETA %s",
                epoch, epochs, step, stepsPerEpoch, terms("train", runningTrain),
                count(samplesPerSecond), eta(done, now));
        update(text, done);
    }

    void epochDone(int epoch, Map<String, Double> train, Map<String, Double> test, double seconds,
            double samplesPerSecond) {
        long now = System.nanoTime();
        lastUpdate = now;
        double done = (double) epoch / epochs;
        lastEpochSummary = String.format(Locale.ROOT, "epoch %d/%d · %s · %s · %.2f s · %s samples/s",
                epoch, epochs, terms("train", train), terms("test", test), seconds, count(samplesPerSecond));
        if (!enabled) {
            return;
        }
        if (notebook) {
            update(lastEpochSummary + (epoch < epochs ? " · ETA " + eta(done, now) : ""), done);
            chart.add(epoch, train, test);
        } else {
            System.out.println(lastEpochSummary + (epoch < epochs ? " · ETA " + eta(done, now) : ""));
        }
    }

    /** The final word: the last epoch line plus {@code message}. */
    void finish(String message, double fractionDone) {
        if (!enabled) {
            return;
        }
        if (notebook) {
            String text = lastEpochSummary.isEmpty() ? message : lastEpochSummary + "\n" + message;
            update(text, fractionDone);
            chart.finish();
        } else {
            System.out.println(message);
        }
    }

    private void update(String text, double fractionDone) {
        if (!enabled || !notebook) {
            return;
        }
        Map<String, String> bundle = bundle(text, text, fractionDone);
        if (displayId == null) {
            displayId = sink.show(bundle);
        } else {
            sink.update(displayId, bundle);
        }
    }

    private static Map<String, String> bundle(String plain, String text, double fractionDone) {
        StringBuilder html = new StringBuilder(
                "<div style=\"font-family:monospace;font-size:13px;line-height:1.5\">");
        html.append(String.format(Locale.ROOT,
                "<progress value=\"%.4f\" max=\"1\" style=\"width:240px;vertical-align:middle\"></progress> ",
                Math.max(0, Math.min(1, fractionDone))));
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            html.append(i == 0 ? "" : "<br>").append(escape(lines.get(i)));
        }
        html.append("</div>");
        return Map.of("text/plain", plain, "text/html", html.toString());
    }

    private String eta(double fractionDone, long now) {
        if (fractionDone <= 0) {
            return "…";
        }
        double elapsed = (now - startNanos) / 1e9;
        return duration(elapsed / fractionDone - elapsed);
    }

    static String terms(String set, Map<String, Double> values) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(set).append(' ').append(e.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%.4g", e.getValue()));
        }
        return s.toString();
    }

    static String count(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
