package org.aelab.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.aelab.notebook.DisplaySink;
import org.junit.jupiter.api.Test;

class LiveLossChartTest {

    /** Records what a notebook front end would receive. */
    static final class RecordingSink implements DisplaySink {
        final boolean notebook;
        final List<Map<String, String>> shown = new ArrayList<>();
        final List<String> updatedIds = new ArrayList<>();
        final Map<String, Map<String, String>> current = new LinkedHashMap<>();

        RecordingSink(boolean notebook) {
            this.notebook = notebook;
        }

        @Override
        public String show(Map<String, String> bundle) {
            shown.add(bundle);
            String id = "output-" + shown.size();
            current.put(id, bundle);
            return id;
        }

        @Override
        public void update(String displayId, Map<String, String> bundle) {
            assertTrue(current.containsKey(displayId), "update of an output never shown: " + displayId);
            updatedIds.add(displayId);
            current.put(displayId, bundle);
        }

        @Override
        public boolean isNotebook() {
            return notebook;
        }
    }

    static Map<String, Double> losses(double loss) {
        return Map.of("loss", loss);
    }

    /** The y values of the trace named {@code name} in a drawn chart. */
    static List<Double> yValues(String html, String name) {
        Matcher trace = Pattern.compile("\"name\":\"" + Pattern.quote(name) + "\",\"x\":\\[[^\\]]*\\],\"y\":\\[([^\\]]*)\\]")
                .matcher(html);
        assertTrue(trace.find(), "no trace " + name + " in " + html);
        List<Double> values = new ArrayList<>();
        for (String v : trace.group(1).split(",")) {
            values.add(Double.parseDouble(v));
        }
        return values;
    }

    @Test
    void showsAfterTheFirstEpochAndKeepsOneOutputOfTheWholeRun() {
        PlotHtml.resetSession();
        RecordingSink sink = new RecordingSink(true);
        LiveLossChart chart = LiveLossChart.create(sink, 5, "Loss per epoch");
        chart.add(1, losses(0.5), losses(0.6));
        // The first chart of the session puts plotly.js in an output of its own, which stays.
        assertEquals(2, sink.shown.size());
        assertTrue(sink.shown.get(0).get("text/html").contains(PlotHtmlTest.BUNDLE_MARKER));
        String chartId = "output-2";
        assertTrue(sink.current.get(chartId).get("text/plain").startsWith("Loss per epoch: 1 of 5 epochs"));
        // Epochs faster than half a second: no redraw until finish.
        chart.add(2, losses(0.4), losses(0.45));
        chart.add(3, losses(0.3), losses(0.35));
        assertEquals(List.of(), sink.updatedIds);
        chart.finish();
        assertEquals(List.of(chartId), sink.updatedIds);
        assertEquals(2, sink.shown.size());
        String html = sink.current.get(chartId).get("text/html");
        assertEquals(0, PlotHtmlTest.count(html, PlotHtmlTest.BUNDLE_MARKER), "redraws stay light");
        assertTrue(html.length() < 20_000, html.length() + " chars");
        assertEquals(List.of(0.5, 0.4, 0.3), yValues(html, "train loss"));
        assertEquals(List.of(0.6, 0.45, 0.35), yValues(html, "test loss"));
        assertTrue(html.contains("\"range\":[0.5,5.5]"), "epoch axis 1..5: " + html);
        assertEquals(1, PlotHtmlTest.count(html, "Plotly.newPlot("), "one chart");
        assertEquals(3, chart.epochs());
        assertEquals(2, chart.draws());
        chart.finish();
        assertEquals(1, sink.updatedIds.size(), "nothing new, nothing sent");
    }

    @Test
    void redrawsEachEpochWhenEpochsTakeLongerThanHalfASecond() throws InterruptedException {
        PlotHtml.claimBundle();
        RecordingSink sink = new RecordingSink(true);
        LiveLossChart chart = LiveLossChart.create(sink, 3, "VAE");
        for (int epoch = 1; epoch <= 3; epoch++) {
            Map<String, Double> train = new LinkedHashMap<>();
            train.put("total", 300.0 - epoch);
            train.put("reconstruction", 280.0 - epoch);
            train.put("kl", 20.0 + epoch);
            chart.add(epoch, train, train);
            Thread.sleep(LiveLossChart.MIN_UPDATE_NANOS / 1_000_000 + 20);
        }
        chart.finish();
        assertEquals(1, sink.shown.size(), "plotly.js was already on the page: only the chart is shown");
        assertEquals(List.of("output-1", "output-1"), sink.updatedIds);
        String html = sink.current.get("output-1").get("text/html");
        for (String term : List.of("total", "reconstruction", "kl")) {
            assertEquals(3, yValues(html, "train " + term).size(), term);
            assertEquals(3, yValues(html, "test " + term).size(), term);
        }
        assertTrue(chart.nanosSpent() > 0);
    }

    @Test
    void doesNothingOutsideANotebook() {
        RecordingSink terminal = new RecordingSink(false);
        LiveLossChart chart = LiveLossChart.create(terminal, 2, "loss");
        chart.add(1, losses(1), losses(1));
        chart.finish();
        assertEquals(List.of(), terminal.shown);
        assertEquals(0, chart.draws());
    }

    @Test
    void termsMustStayTheSame() {
        PlotHtml.claimBundle();
        LiveLossChart chart = LiveLossChart.create(new RecordingSink(true), 3, "loss");
        chart.add(1, losses(1), losses(1));
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class,
                () -> chart.add(2, Map.of("other", 1.0), Map.of("other", 1.0)));
        assertTrue(changed.getMessage().contains("[loss]"), changed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LiveLossChart.create(new RecordingSink(true), 0, "x"));
    }
}
