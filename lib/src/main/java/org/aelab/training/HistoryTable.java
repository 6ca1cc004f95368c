package org.aelab.training;

import java.util.List;
import java.util.Map;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The rows of a {@link TrainingHistory} as a run appends them: {@code epoch}, {@code train <term>}
 * and {@code test <term>} for each loss term, and {@code seconds}.
 */
final class HistoryTable {

    private final String name;
    private Table table;

    HistoryTable(String name) {
        this.name = name;
    }

    /** Appends one completed epoch; the first row fixes the columns from its terms. */
    void add(int epoch, Map<String, Double> train, Map<String, Double> test, double seconds) {
        if (table == null) {
            table = empty(List.copyOf(train.keySet()));
        }
        table.intColumn(TrainingHistory.EPOCH).append(epoch);
        train.forEach((term, value) -> table.doubleColumn(TrainingHistory.TRAIN + term).append(value));
        test.forEach((term, value) -> table.doubleColumn(TrainingHistory.TEST + term).append(value));
        table.doubleColumn(TrainingHistory.SECONDS).append(seconds);
    }

    /** The table so far; with no row yet, its columns for {@code terms} (or a term called loss when null). */
    Table table(List<String> terms) {
        if (table == null) {
            table = empty(terms == null ? List.of("loss") : terms);
        }
        return table;
    }

    private Table empty(List<String> terms) {
        Table empty = Table.create(name);
        empty.addColumns(IntColumn.create(TrainingHistory.EPOCH));
        for (String term : terms) {
            empty.addColumns(DoubleColumn.create(TrainingHistory.TRAIN + term));
        }
        for (String term : terms) {
            empty.addColumns(DoubleColumn.create(TrainingHistory.TEST + term));
        }
        empty.addColumns(DoubleColumn.create(TrainingHistory.SECONDS));
        return empty;
    }
}
