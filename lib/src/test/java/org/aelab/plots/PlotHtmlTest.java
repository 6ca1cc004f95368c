package org.aelab.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

class PlotHtmlTest {

    /** The first line of the bundle's licence header: present once per copy of plotly.js. */
    static final String BUNDLE_MARKER = "plotly.js (basic - minified) v";

    @TempDir
    Path dir;

    static Table history(int epochs) {
        Table table = Table.create("history");
        IntColumn epoch = IntColumn.create("epoch");
        DoubleColumn trainLoss = DoubleColumn.create("train loss");
        DoubleColumn testLoss = DoubleColumn.create("test loss");
        DoubleColumn seconds = DoubleColumn.create("seconds");
        for (int e = 1; e <= epochs; e++) {
            epoch.append(e);
            trainLoss.append(0.5 / Math.sqrt(e) + 0.2);
            testLoss.append(0.5 / Math.sqrt(e) + 0.22);
            seconds.append(1.7);
        }
        return table.addColumns(epoch, trainLoss, testLoss, seconds);
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void bundleComesOnceThenFiguresOnlyDraw() {
        PlotHtml.resetSession();
        Figure figure = LossPlot.of(history(5)).figure();
        String first = PlotHtml.of(figure);
        String second = PlotHtml.of(figure);
        String third = PlotHtml.of(LossPlot.of(history(3)).logScale(true).figure());
        assertEquals(1, count(first, BUNDLE_MARKER));
        assertEquals(0, count(second, BUNDLE_MARKER));
        assertEquals(0, count(third, BUNDLE_MARKER));
        assertTrue(first.length() > 1_000_000 && second.length() < 20_000, second.length() + " chars");
        assertTrue(third.contains("type: 'log'"), "log axis type");
        PlotHtml.resetSession();
        assertEquals(1, count(PlotHtml.of(figure), BUNDLE_MARKER));
    }

    @Test
    void figureIdsAreUniqueJavaScriptIdentifiers() {
        Figure figure = LossPlot.of(history(4)).figure();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Matcher m = Pattern.compile("<div id=\"([^\"]+)\"").matcher(PlotHtml.of(figure));
            assertTrue(m.find());
            ids.add(m.group(1));
        }
        for (String id : ids) {
            assertTrue(id.matches("[A-Za-z_$][A-Za-z0-9_$]*"), id);
        }
        assertEquals(3, ids.stream().distinct().count(), ids.toString());
    }

    @Test
    void everyScriptIsValidJavaScript() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")), "node is not installed");
        PlotHtml.resetSession();
        Figure figure = LossPlot.of(history(4)).title("It's <b>\"quoted\"</b>").figure();
        String html = PlotHtml.of(figure) + PlotHtml.of(figure);
        Matcher m = Pattern.compile("(?s)<script[^>]*>(.*?)</script>").matcher(html);
        int scripts = 0;
        while (m.find()) {
            Path file = dir.resolve("script" + scripts++ + ".js");
            Files.writeString(file, m.group(1));
            Process node = new ProcessBuilder("/usr/bin/node", "--check", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(node.getInputStream().readAllBytes());
            assertTrue(node.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, node.exitValue(), "script " + scripts + ": " + out);
        }
        assertEquals(3, scripts, "bundle loader + two figures");
    }

    @Test
    void tablesAreEscapedFormattedAndCapped() {
        Table table = Table.create("a <table> & more").addColumns(
                IntColumn.create("n", 1, 60000, 3),
                DoubleColumn.create("loss", 0.283123456, 1.7e-6, Double.NaN),
                StringColumn.create("note", "<script>", "ok", "x & y"));
        table.doubleColumn("loss").setMissing(2);
        String html = PlotHtml.of(table, 2);
        assertTrue(html.contains("a &lt;table&gt; &amp; more"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains(">0.2831<"), html);
        assertTrue(html.contains(">1.700e-06<"), html);
        assertTrue(html.contains(">60,000<"), html);
        assertFalse(html.contains("x &amp; y"), "third row is cut");
        assertTrue(html.contains("… 1 more row (3 in all)"), html);
        assertEquals(3, count(PlotHtml.of(table), "<tr>") - 1, "header + 3 rows");
    }

    @Test
    void lossPlotValidatesItsTable() {
        Table noEpoch = Table.create("x").addColumns(DoubleColumn.create("train loss", 1.0));
        assertTrue(assertThrowsMessage(() -> LossPlot.of(noEpoch).figure()).contains("epoch"));
        assertTrue(assertThrowsMessage(() -> LossPlot.of(history(2)).terms("kl").figure()).contains("kl"));
    }

    private static String assertThrowsMessage(Runnable r) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    static String chromium(Path page, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/chromium", "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + Files.createTempDirectory("chromium"),
                // No network: every host resolves nowhere, so a CDN fetch would fail rather than hide a bug.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--virtual-time-budget=5000"));
        command.addAll(List.of(extra));
        command.add(page.toUri().toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish");
        }
        return out;
    }

    @Test
    void chartsDrawOfflineInChromiumWithAndWithoutRequireJs() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "/usr/bin/chromium is not installed");
        Figure figure = LossPlot.of(history(10)).title("Loss per epoch").figure();

        Path standalone = dir.resolve("standalone.html");
        Files.writeString(standalone, PlotHtml.page("loss", figure));
        String dom = chromium(standalone, "--dump-dom");
        assertTrue(count(dom, "class=\"main-svg\"") >= 2, "plotly drew the standalone page");

        // Notebook-like page: outputs in cell order, an AMD `define` present as in classic Notebook
        // (RequireJS), and the second chart's output placed before the first (which carries plotly.js).
        PlotHtml.resetSession();
        String withBundle = PlotHtml.of(figure);
        String later = PlotHtml.of(LossPlot.of(history(6)).logScale(true).figure());
        String page = "<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><script>"
                + "window.define = function () { window.amdCalls = (window.amdCalls || 0) + 1; };"
                + "window.define.amd = {};</script></head><body>"
                + "<div class=\"output\">" + later + "</div><div class=\"output\">" + withBundle + "</div>"
                + "<script>document.body.setAttribute('data-plotly', typeof window.Plotly);"
                + "document.body.setAttribute('data-amd', String(window.amdCalls || 0));"
                + "document.body.setAttribute('data-define-restored', String(typeof window.define === 'function'));"
                + "</script></body></html>";
        Path notebook = dir.resolve("notebook.html");
        Files.writeString(notebook, page);
        String notebookDom = chromium(notebook, "--dump-dom");
        assertTrue(notebookDom.contains("data-plotly=\"object\""), "window.Plotly is defined");
        assertTrue(notebookDom.contains("data-amd=\"0\""), "plotly did not register with RequireJS");
        assertTrue(notebookDom.contains("data-define-restored=\"true\""), "RequireJS's define is back");
        int svgs = count(notebookDom, "class=\"main-svg\"");
        // Plotly draws two main-svg layers per chart.
        assertTrue(svgs >= 4, "both charts drew: " + svgs + " main-svg elements");
        assertFalse(notebookDom.contains(">This chart needs plotly.js"), "no missing-plotly notice");
    }

    @Test
    void chartWithoutBundleExplainsWhatToDo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "/usr/bin/chromium is not installed");
        PlotHtml.resetSession();
        PlotHtml.of(LossPlot.of(history(3)).figure()); // the output with the bundle, then "cleared"
        String orphan = PlotHtml.of(LossPlot.of(history(3)).figure());
        Path page = dir.resolve("orphan.html");
        Files.writeString(page, "<!DOCTYPE html><html><head><meta charset=\"UTF-8\"></head><body>" + orphan
                + "</body></html>");
        String dom = chromium(page, "--dump-dom", "--virtual-time-budget=8000");
        assertTrue(dom.contains("class=\"aelab-plot\">This chart needs plotly.js"), dom);
    }
}
