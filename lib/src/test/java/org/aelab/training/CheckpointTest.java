package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;
    private NDManager manager;
    private NDArray train;
    private NDArray test;

    @BeforeEach
    void setUp() {
        System.setProperty(Checkpoints.DIR_PROPERTY, dir.toString());
        manager = NDManager.newBaseManager();
        train = TinyModels.data(manager, 256, 3);
        test = TinyModels.data(manager, 320, 3).get("256:");
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(Checkpoints.DIR_PROPERTY);
        manager.close();
    }

    private Fit fit(Model model, int epochs) {
        return Fit.model(model).data(train, test).loss(TrainingLoss.meanSquaredError())
                .adam(1e-2).batchSize(32).epochs(epochs).seed(11).progress(false).checkpoint("tiny");
    }

    @Test
    void savesThenSkipsTrainingWhenTheSettingsMatch() {
        float[] trained;
        TrainingHistory first;
        try (Model model = TinyModels.autoencoder()) {
            first = fit(model, 4).run();
            trained = FitTest.parameters(model);
        }
        assertFalse(first.restored());
        Checkpoint checkpoint = first.checkpoint().orElseThrow();
        assertTrue(checkpoint.directory().startsWith(dir.resolve("tiny")));
        assertTrue(Files.exists(checkpoint.directory().resolve("tiny-0004.params")));
        assertTrue(checkpoint.settings().contains("epochs: 4"));

        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory again = fit(model, 4).run();
            assertTrue(again.restored());
            assertArrayEquals(trained, FitTest.parameters(model));
            assertEquals(first.table().columnNames(), again.table().columnNames());
            assertArrayEquals(first.table().doubleColumn("test loss").asDoubleArray(),
                    again.table().doubleColumn("test loss").asDoubleArray(), 1e-12);
        }

        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory forced = fit(model, 4).retrain(true).run();
            assertFalse(forced.restored());
            assertArrayEquals(trained, FitTest.parameters(model), "same seed, same result");
        }

        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory longer = fit(model, 5).run();
            assertFalse(longer.restored(), "other settings, other checkpoint");
            assertNotEquals(checkpoint.key(), longer.checkpoint().orElseThrow().key());
        }
    }

    @Test
    void laterNotebookLoadsTheLatestCheckpoint() {
        float[] trained;
        try (Model model = TinyModels.autoencoder()) {
            fit(model, 2).run();
            trained = FitTest.parameters(model);
        }
        try (Model model = TinyModels.autoencoder()) {
            // Build the same architecture; initialise it to the right shapes, then load.
            model.getBlock().initialize(model.getNDManager(), model.getDataType(),
                    new ai.djl.ndarray.types.Shape(1, TinyModels.FEATURES));
            Checkpoint loaded = Checkpoints.loadLatest(model, "tiny");
            assertArrayEquals(trained, FitTest.parameters(model));
            assertEquals(2, loaded.history().rowCount());
        }
        try (Model model = TinyModels.autoencoder()) {
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> Checkpoints.loadLatest(model, "never-trained"));
            assertTrue(missing.getMessage().contains("never-trained"), missing.getMessage());
        }
    }

    @Test
    void anInterruptedRunSavesNoCheckpoint() {
        try (Model model = TinyModels.autoencoder()) {
            Thread.currentThread().interrupt();
            TrainingHistory history = fit(model, 3).run();
            assertTrue(history.interrupted());
            assertEquals(0, history.epochs());
            assertTrue(history.checkpoint().isEmpty());
            assertTrue(Checkpoints.latest("tiny").isEmpty());
        }
    }
}
