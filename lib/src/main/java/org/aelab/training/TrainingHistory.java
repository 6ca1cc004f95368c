package org.aelab.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.aelab.plots.LossPlot;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * What a {@link Fit} did: one row per completed epoch with columns {@code epoch},
 * {@code train <term>} and {@code test <term>} for each loss term, and {@code seconds} (wall
 * time of the epoch, training plus evaluation).
 */
public final class TrainingHistory {

    /** Name of the epoch column. */
    public static final String EPOCH = "epoch";
    /** Name of the seconds column. */
    public static final String SECONDS = "seconds";
    /** Prefix of training-set loss columns. */
    public static final String TRAIN = "train ";
    /** Prefix of test-set loss columns. */
    public static final String TEST = "test ";

    private final Table table;
    private final boolean interrupted;
    private final int seed;
    private final Checkpoint checkpoint;
    private final boolean restored;

    TrainingHistory(Table table, boolean interrupted, int seed, Checkpoint checkpoint, boolean restored) {
        this.table = table;
        this.interrupted = interrupted;
        this.seed = seed;
        this.checkpoint = checkpoint;
        this.restored = restored;
    }

    /** The history table (shown as an HTML table when it is a cell's last expression). */
    public Table table() {
        return table;
    }

    /** Loss curves of every term, train and test, linear scale. */
    public Figure plot() {
        return LossPlot.of(table).figure();
    }

    /** Loss curves with a logarithmic loss axis when {@code logScale}. */
    public Figure plot(boolean logScale) {
        return LossPlot.of(table).logScale(logScale).figure();
    }

    /** Completed epochs. */
    public int epochs() {
        return table.rowCount();
    }

    /** The loss term names, optimised first. */
    public List<String> terms() {
        List<String> terms = new ArrayList<>();
        for (String column : table.columnNames()) {
            if (column.startsWith(TRAIN)) {
                terms.add(column.substring(TRAIN.length()));
            }
        }
        return terms;
    }

    /** The last epoch's value of a column, e.g. {@code last("test loss")}. */
    public double last(String column) {
        if (table.rowCount() == 0) {
            throw new IllegalStateException("No epoch completed, so there is no '" + column + "' value.");
        }
        if (!table.containsColumn(column)) {
            throw new IllegalArgumentException("No column '" + column + "'; the history has " + table.columnNames());
        }
        return ((Number) table.column(column).get(table.rowCount() - 1)).doubleValue();
    }

    /** True when training was interrupted; the table then holds the epochs completed before. */
    public boolean interrupted() {
        return interrupted;
    }

    /** The seed the run used (pass it to {@link Fit#seed(int)} to repeat the run). */
    public int seed() {
        return seed;
    }

    /** The checkpoint written or restored, if the fit was named. */
    public Optional<Checkpoint> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    /** True when the parameters came from an existing checkpoint instead of training. */
    public boolean restored() {
        return restored;
    }

    /**
     * Rises of the training loss from one epoch to the next larger than this fraction of the
     * previous value are reported; smooth training stays well below it (our VAE's and AE's quiet
     * epochs move by under 0.1%), while the loss spikes seen in notebook 04 rose by 1.3% and 100%.
     */
    static final double SPIKE_FRACTION = 0.01;

    /**
     * A sentence on the largest rise of {@code train <term>} between consecutive epochs, when it
     * is over {@link #SPIKE_FRACTION} of the value before it; empty otherwise.
     */
    static Optional<String> spikeNote(Table table, String term) {
        String column = TRAIN + term;
        if (!table.columnNames().contains(column)) {
            return Optional.empty();
        }
        var values = table.doubleColumn(column);
        int worst = -1;
        double worstRise = 0;
        for (int i = 1; i < values.size(); i++) {
            double before = values.getDouble(i - 1);
            double rise = (values.getDouble(i) - before) / Math.abs(before);
            if (Double.isFinite(rise) && rise > SPIKE_FRACTION && rise > worstRise) {
                worst = i;
                worstRise = rise;
            }
        }
        if (worst < 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "The train %s rose %.1f%% at epoch %d (%.4g to %.4g): a loss spike; the history shows what followed.",
                term, 100 * worstRise, (int) table.intColumn(EPOCH).getInt(worst),
                values.getDouble(worst - 1), values.getDouble(worst)));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(restored ? "Restored " : "Trained ").append(epochs()).append(epochs() == 1 ? " epoch" : " epochs");
        if (interrupted) {
            s.append(" (interrupted)");
        }
        if (epochs() > 0) {
            for (String term : terms()) {
                s.append(String.format(Locale.ROOT, ", %s %.4g/%.4g", term,
                        last(TRAIN + term), last(TEST + term)));
            }
            s.append(" (train/test)");
        }
        return s.toString();
    }
}
