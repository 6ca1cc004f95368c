package org.aelab.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Line;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Loss curves from a training history table: one line per {@code train <term>} and
 * {@code test <term>} column against {@code epoch}; train solid, test dashed, one colour per term.
 *
 * <pre>{@code
 * LossPlot.of(history.table()).title("Autoencoder").logScale(true).figure()
 * }</pre>
 *
 * <p>Like every builder of the helper jar, each setting returns a new {@code LossPlot} and leaves
 * the one it was called on unchanged.
 */
public final class LossPlot {

    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    private final Table history;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logScale;
    private final List<String> terms;
    private final int height;

    private LossPlot(Table history, String title, String xLabel, String yLabel, boolean logScale, List<String> terms,
            int height) {
        this.history = history;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logScale = logScale;
        this.terms = terms;
        this.height = height;
    }

    /** Curves of the history table a {@code Fit} produced (or any table with an epoch column). */
    public static LossPlot of(Table history) {
        return new LossPlot(Objects.requireNonNull(history, "history"), "Loss per epoch", "epoch", "loss", false,
                null, 380);
    }

    /** The chart title. */
    public LossPlot title(String title) {
        return new LossPlot(history, Objects.requireNonNull(title, "title"), xLabel, yLabel, logScale, terms, height);
    }

    /** Axis labels (default "epoch" and "loss"). */
    public LossPlot axisLabels(String x, String y) {
        return new LossPlot(history, title, Objects.requireNonNull(x, "x"), Objects.requireNonNull(y, "y"), logScale,
                terms, height);
    }

    /** A logarithmic loss axis, for losses that fall over orders of magnitude. */
    public LossPlot logScale(boolean logScale) {
        return new LossPlot(history, title, xLabel, yLabel, logScale, terms, height);
    }

    /** Only these loss terms (default: all), e.g. {@code terms("reconstruction", "kl")}. */
    public LossPlot terms(String... terms) {
        return new LossPlot(history, title, xLabel, yLabel, logScale, List.of(terms), height);
    }

    /** Chart height in pixels (default 380; the width follows the page). */
    public LossPlot height(int pixels) {
        if (pixels < 100) {
            throw new IllegalArgumentException("Height must be at least 100 pixels, got " + pixels);
        }
        return new LossPlot(history, title, xLabel, yLabel, logScale, terms, pixels);
    }

    /** Builds the figure. */
    public Figure figure() {
        if (!history.containsColumn("epoch")) {
            throw new IllegalArgumentException("The table has no 'epoch' column; columns are " + history.columnNames());
        }
        Column<?> epoch = history.column("epoch");
        List<String> available = new ArrayList<>();
        for (String name : history.columnNames()) {
            if (name.startsWith("train ")) {
                available.add(name.substring("train ".length()));
            }
        }
        List<String> chosen = terms == null ? available : terms;
        for (String term : chosen) {
            if (!available.contains(term)) {
                throw new IllegalArgumentException("No loss term '" + term + "'; the history has " + available);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("The table has no 'train <term>' columns to plot; columns are "
                    + history.columnNames());
        }
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            String term = chosen.get(i);
            String colour = COLOURS[i % COLOURS.length];
            traces.add(line(epoch, "train " + term, colour, Line.Dash.SOLID));
            if (history.containsColumn("test " + term)) {
                traces.add(line(epoch, "test " + term, colour, Line.Dash.DASH));
            }
        }
        Layout layout = Layout.builder()
                .title(title)
                .height(height)
                .margin(Margin.builder().left(70).right(30).top(50).bottom(50).build())
                .xAxis(Axis.builder().title(xLabel).build())
                .yAxis(Axis.builder().title(logScale ? yLabel + " (log scale)" : yLabel)
                        .type(logScale ? Axis.Type.LOG : Axis.Type.LINEAR).build())
                .build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    private ScatterTrace line(Column<?> epoch, String column, String colour, Line.Dash dash) {
        Column<?> values = history.column(column);
        if (!(values instanceof NumericColumn)) {
            throw new IllegalArgumentException("Column '" + column + "' is not numeric.");
        }
        return ScatterTrace.builder(epoch, values)
                .name(column)
                // Markers help read a short history; on a long one they only clutter the line.
                .mode(history.rowCount() <= 30 ? ScatterTrace.Mode.LINE_AND_MARKERS : ScatterTrace.Mode.LINE)
                .line(Line.builder().color(colour).dash(dash).width(2).build())
                .build();
    }
}
