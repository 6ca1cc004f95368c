package org.aelab.plots;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.plotly.components.Figure;

/**
 * Self-contained HTML for notebook outputs ({@code text/html}): Tablesaw figures drawn by a
 * plotly.js that ships inside this jar, and tables.
 *
 * <p>Figures work offline in classic Notebook, JupyterLab / Notebook 7 and nbconvert's HTML. The
 * first figure of a JVM (a kernel session) carries the plotly.js bundle (about 1 MB), which
 * defines {@code window.Plotly} for the whole page; later figures only draw, or wait for Plotly if
 * their output happens to run first. In classic Notebook the bundle is run with RequireJS's
 * {@code define} hidden, so that it sets {@code window.Plotly} instead of registering an anonymous
 * AMD module. If a saved notebook no longer holds the output that carried the bundle (that cell
 * was re-run or cleared), its charts say so; restart the kernel and run all cells.
 */
public final class PlotHtml {

    private static final String BUNDLE_RESOURCE = "plotly.min.js";
    private static final String SESSION = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private static final AtomicLong FIGURES = new AtomicLong();
    private static final AtomicBoolean BUNDLE_SENT = new AtomicBoolean();
    private static final Pattern SCRIPT_TAGS = Pattern.compile("(?is)^\\s*<script[^>]*>|</script>\\s*$");
    private static final Pattern JS_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    /** Rows a table shows before it summarises the rest. */
    public static final int DEFAULT_MAX_ROWS = 20;

    private static volatile String bundle;

    private PlotHtml() {
    }

    /** The HTML for a figure; the first one in this JVM also defines Plotly. */
    public static String of(Figure figure) {
        Objects.requireNonNull(figure, "figure");
        return fragment(figure, BUNDLE_SENT.compareAndSet(false, true));
    }

    /**
     * The script that defines Plotly, if no figure of this JVM has carried it yet (and from now on
     * none will); otherwise null. For an output that stays put while charts after it are redrawn.
     */
    static String claimBundle() {
        return BUNDLE_SENT.compareAndSet(false, true) ? loaderScript() : null;
    }

    /**
     * The HTML that draws a plotly chart given as JSON ({@code data}: the traces, {@code layout})
     * once Plotly is defined, without the bundle. Cheaper than a Tablesaw figure: no templates.
     */
    static String withoutBundle(String dataJson, String layoutJson) {
        String divName = newDivName();
        return wrap(divName, "    Plotly.newPlot(div, " + dataJson + ", " + layoutJson + ", {responsive: true});", false);
    }

    /** Makes the next figure carry the plotly.js bundle again (e.g. after the page was reloaded). */
    public static void resetSession() {
        BUNDLE_SENT.set(false);
    }

    /** A complete standalone HTML page (plotly.js included) showing {@code figures} one below another. */
    public static String page(String title, Figure... figures) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n")
                .append("<title>").append(escape(title)).append("</title>\n</head>\n<body>\n")
                .append(loaderScript());
        for (Figure figure : figures) {
            html.append(fragment(figure, false));
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static String fragment(Figure figure, boolean withBundle) {
        String divName = newDivName();
        return wrap(divName, SCRIPT_TAGS.matcher(figure.asJavascript(divName)).replaceAll(""), withBundle);
    }

    private static String newDivName() {
        String divName = "aelab_plot_" + SESSION + "_" + FIGURES.incrementAndGet();
        if (!JS_IDENTIFIER.matcher(divName).matches()) {
            throw new AssertionError("div name must be a JS identifier: " + divName);
        }
        return divName;
    }

    /** The div and the script that runs {@code drawCode} (which may use {@code div}) once Plotly is defined. */
    private static String wrap(String divName, String drawCode, boolean withBundle) {
        StringBuilder html = new StringBuilder();
        html.append("<div id=\"").append(divName).append("\" class=\"aelab-plot\"></div>\n");
        if (withBundle) {
            html.append(loaderScript());
        }
        html.append("<script type=\"text/javascript\">\n(function () {\n")
                .append("  var divId = '").append(divName).append("';\n")
                .append("  function draw() {\n")
                .append("    var div = document.getElementById(divId);\n")
                .append("    if (!div) { return; }\n")
                .append("    div.textContent = '';\n")
                .append(drawCode).append('\n')
                .append("  }\n")
                .append("  if (window.Plotly) { draw(); return; }\n")
                .append("  (window.aelabPlotlyWaiting = window.aelabPlotlyWaiting || []).push(draw);\n")
                .append("  setTimeout(function () {\n")
                .append("    var div = document.getElementById(divId);\n")
                .append("    if (!window.Plotly && div && !div.hasChildNodes()) {\n")
                .append("      div.textContent = 'This chart needs plotly.js, which the first chart of the kernel session"
                        + " carries and this page lacks (was that output cleared?). Restart the kernel and run all"
                        + " cells to see it.';\n")
                .append("    }\n")
                .append("  }, 5000);\n")
                .append("})();\n</script>\n");
        return html.toString();
    }

    private static String loaderScript() {
        return "<script type=\"text/javascript\">\n(function () {\n"
                + "  if (!window.Plotly) {\n"
                // RequireJS (classic Notebook) defines `define`; plotly's UMD header would then register an
                // anonymous AMD module instead of setting window.Plotly, so hide it while the bundle runs.
                + "    var amdDefine = window.define;\n"
                + "    window.define = undefined;\n"
                + "    try {\n"
                + plotlyBundle() + "\n"
                + "    } finally {\n"
                + "      window.define = amdDefine;\n"
                + "    }\n"
                + "  }\n"
                + "  var waiting = window.aelabPlotlyWaiting || [];\n"
                + "  window.aelabPlotlyWaiting = [];\n"
                + "  waiting.forEach(function (draw) { draw(); });\n"
                + "})();\n</script>\n";
    }

    /** The plotly.js bundle shipped in the jar. */
    static String plotlyBundle() {
        String cached = bundle;
        if (cached == null) {
            try (InputStream in = PlotHtml.class.getResourceAsStream(BUNDLE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("plotly.js is missing from the class path (resource org/aelab/plots/"
                            + BUNDLE_RESOURCE + "). Build lib/ with Maven, which fetches it with npm.");
                }
                // "</script" inside the bundle would end the script element early; "<\/" means the same in JS strings.
                cached = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the plotly.js bundle", e);
            }
            bundle = cached;
        }
        return cached;
    }

    /** A table as HTML with at most {@value #DEFAULT_MAX_ROWS} rows. */
    public static String of(Table table) {
        return of(table, DEFAULT_MAX_ROWS);
    }

    /**
     * A table as HTML: caption from its name, escaped cells, numbers right-aligned with four
     * significant digits (integers in full), and a "… N more rows" line after {@code maxRows} rows.
     */
    public static String of(Table table, int maxRows) {
        Objects.requireNonNull(table, "table");
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must be at least 0, got " + maxRows);
        }
        StringBuilder html = new StringBuilder(
                "<table class=\"aelab-table\" style=\"border-collapse:collapse;font-size:13px\">\n");
        if (table.name() != null && !table.name().isBlank()) {
            html.append("<caption style=\"text-align:left;font-weight:bold;padding:4px 0\">")
                    .append(escape(table.name())).append("</caption>\n");
        }
        html.append("<thead><tr>");
        for (Column<?> column : table.columns()) {
            html.append("<th style=\"").append(align(column))
                    .append(";padding:3px 10px;border-bottom:1px solid #999\">")
                    .append(escape(column.name())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        int shown = Math.min(maxRows, table.rowCount());
        for (int row = 0; row < shown; row++) {
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                html.append("<td style=\"").append(align(column)).append(";padding:2px 10px\">")
                        .append(escape(cell(column, row))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        int hidden = table.rowCount() - shown;
        if (hidden > 0) {
            html.append("<div style=\"font-size:12px;color:#666\">… ").append(String.format(Locale.ROOT, "%,d", hidden))
                    .append(hidden == 1 ? " more row" : " more rows").append(" (")
                    .append(String.format(Locale.ROOT, "%,d", table.rowCount())).append(" in all)</div>\n");
        }
        return html.toString();
    }

    private static boolean numeric(Column<?> column) {
        ColumnType type = column.type();
        return type == ColumnType.DOUBLE || type == ColumnType.FLOAT || type == ColumnType.INTEGER
                || type == ColumnType.LONG || type == ColumnType.SHORT;
    }

    private static String align(Column<?> column) {
        return numeric(column) ? "text-align:right" : "text-align:left";
    }

    private static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "";
        }
        Object value = column.get(row);
        if (value instanceof Double || value instanceof Float) {
            return formatReal(((Number) value).doubleValue());
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }

    static String formatReal(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e7 || a < 1e-4) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
