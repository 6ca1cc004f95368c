package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class TrainingHistoryTest {

    private static Table history(double... trainTotal) {
        int[] epochs = new int[trainTotal.length];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        return Table.create("history", IntColumn.create(TrainingHistory.EPOCH, epochs),
                DoubleColumn.create("train total", trainTotal), DoubleColumn.create("test total", trainTotal));
    }

    @Test
    void smoothTrainingHasNoSpike() {
        // notebook 04's epochs 35-40 of a healthy run: falling, with rounding-size rises
        assertEquals(Optional.empty(),
                TrainingHistory.spikeNote(history(244.6, 244.5, 244.4, 244.45, 244.3, 244.2), "total"));
    }

    @Test
    void reportsTheLargestRiseWithItsEpochAndValues() {
        // a run of notebook 04 (seed 7): small spike at epoch 3, the large one at epoch 5
        Optional<String> note = TrainingHistory.spikeNote(history(250.0, 248.0, 252.0, 244.4, 492.7, 687.3), "total");
        assertEquals(Optional.of("The train total rose 101.6% at epoch 5 (244.4 to 492.7): a loss spike;"
                + " the history shows what followed."), note);
    }

    @Test
    void aRiseJustOverOnePercentCounts() {
        Optional<String> note = TrainingHistory.spikeNote(history(247.0, 249.6), "total");
        assertTrue(note.orElseThrow().contains("rose 1.1% at epoch 2"), note.orElseThrow());
    }

    @Test
    void unknownTermOrTooFewEpochsHaveNoNote() {
        assertEquals(Optional.empty(), TrainingHistory.spikeNote(history(1.0, 5.0), "loss"));
        assertEquals(Optional.empty(), TrainingHistory.spikeNote(history(1.0), "total"));
    }

    @Test
    void nonFiniteValuesAreSkipped() {
        assertEquals(Optional.empty(), TrainingHistory.spikeNote(history(Double.NaN, 2.0, 1.9), "total"));
    }
}
