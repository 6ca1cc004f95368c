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

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

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
            trained = TinyModels.parameterValues(model.getBlock());
        }
        assertFalse(first.restored());
        Checkpoint checkpoint = first.checkpoint().orElseThrow();
        assertTrue(checkpoint.directory().startsWith(dir.resolve("tiny")));
        assertTrue(Files.exists(checkpoint.directory().resolve("tiny-0004.params")));
        assertTrue(checkpoint.settings().contains("epochs: 4"));

        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory again = fit(model, 4).run();
            assertTrue(again.restored());
            assertArrayEquals(trained, TinyModels.parameterValues(model.getBlock()));
            assertEquals(first.table().columnNames(), again.table().columnNames());
            assertArrayEquals(first.table().doubleColumn("test loss").asDoubleArray(),
                    again.table().doubleColumn("test loss").asDoubleArray(), 1e-12);
        }

        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory forced = fit(model, 4).retrain(true).run();
            assertFalse(forced.restored());
            assertArrayEquals(trained, TinyModels.parameterValues(model.getBlock()), "same seed, same result");
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
            trained = TinyModels.parameterValues(model.getBlock());
        }
        try (Model model = TinyModels.autoencoder()) {
            // Build the same architecture; initialise it to the right shapes, then load.
            model.getBlock().initialize(model.getNDManager(), model.getDataType(),
                    new ai.djl.ndarray.types.Shape(1, TinyModels.FEATURES));
            Checkpoint loaded = Checkpoints.loadLatest(model, "tiny");
            assertArrayEquals(trained, TinyModels.parameterValues(model.getBlock()));
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

    private static UnaryOperator<NDArray> noise(double level) {
        return x -> x.add(x.getManager().randomNormal(0f, (float) level, x.getShape(), x.getDataType()));
    }

    private double noiseField = 0.1;

    @Test
    void editingTheLossCellTrainsAgain() {
        try (Model model = TinyModels.autoencoder()) {
            assertFalse(fit(model, 2).run().restored());
        }
        try (Model model = TinyModels.autoencoder()) {
            assertTrue(fit(model, 2).run().restored(), "the same code reuses the checkpoint");
        }
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory edited = fit(model, 2)
                    .loss(TrainingLoss.of("loss", (p, t) -> p.sub(t).abs().mean())).run();
            assertFalse(edited.restored(), "another loss under the same term name is another model");
        }
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory scaled = fit(model, 2)
                    .loss(TrainingLoss.of("loss", (p, t) -> p.sub(t).square().mean().mul(1.001f))).run();
            assertFalse(scaled.restored(), "a loss scaled by 1.001 is another loss");
        }
    }

    @Test
    void changingTheNoiseLevelOfTheInputTransformTrainsAgain() {
        try (Model model = TinyModels.autoencoder()) {
            assertFalse(fit(model, 2).inputTransform(noise(0.1)).run().restored());
        }
        try (Model model = TinyModels.autoencoder()) {
            assertTrue(fit(model, 2).inputTransform(noise(0.1)).run().restored());
        }
        try (Model model = TinyModels.autoencoder()) {
            assertFalse(fit(model, 2).inputTransform(noise(0.2)).run().restored(), "captured variable 0.1 -> 0.2");
        }
        try (Model model = TinyModels.autoencoder()) {
            assertFalse(fit(model, 2).inputTransform(
                    x -> x.add(x.getManager().randomNormal(0f, 0.3f, x.getShape(), x.getDataType()))).run().restored(),
                    "a literal 0.3");
        }
        try (Model model = TinyModels.autoencoder()) {
            noiseField = 0.1;
            assertTrue(fit(model, 2).inputTransform(
                    x -> x.add(x.getManager().randomNormal(0f, (float) noiseField, x.getShape(), x.getDataType())))
                    .run().restored(), "a field of the same value: the same transform");
        }
        try (Model model = TinyModels.autoencoder()) {
            noiseField = 0.15;
            assertFalse(fit(model, 2).inputTransform(
                    x -> x.add(x.getManager().randomNormal(0f, (float) noiseField, x.getShape(), x.getDataType())))
                    .run().restored(), "a field 0.1 -> 0.15");
        }
    }

    @Test
    void changingTheInitialiserTrainsAgain() {
        try (Model model = TinyModels.autoencoder()) {
            assertFalse(fit(model, 2).run().restored());
        }
        try (Model model = TinyModels.autoencoder()) {
            model.getBlock().getChildren().values().forEach(b -> {
                if (b instanceof Linear) {
                    b.setInitializer(new NormalInitializer(0.05f), Parameter.Type.WEIGHT);
                }
            });
            assertFalse(fit(model, 2).run().restored(), "another initialiser is another model");
        }
    }

    @Test
    void reRunningTheTrainingCellAloneContinuesAndIsNeverSavedAsAFreshRun() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        TrainingHistory fresh;
        TrainingHistory continued;
        try (Model model = TinyModels.autoencoder()) {
            fresh = fit(model, 2).run();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                continued = fit(model, 2).progress(true).run();  // the same cell, the same (now trained) model
            } finally {
                System.setOut(original);
            }
        }
        assertFalse(continued.restored(), "continuing never loads the fresh run's checkpoint");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Continuing from trained parameters (2 epochs, checkpoint tiny)"), printed);
        Checkpoint first = fresh.checkpoint().orElseThrow();
        Checkpoint second = continued.checkpoint().orElseThrow();
        assertNotEquals(first.key(), second.key());
        assertTrue(first.settings().contains("start: as initialised"), first.settings());
        assertTrue(second.settings().contains("start: continued from an earlier fit's parameters"), second.settings());
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory again = fit(model, 2).run();
            assertTrue(again.restored());
            assertEquals(first.key(), again.checkpoint().orElseThrow().key(), "a fresh model gets the fresh run");
        }
    }

    @Test
    void loadingSaysWhatItWasTrainedOnWithoutAbsolutePaths() {
        try (Model model = TinyModels.autoencoder()) {
            fit(model, 3).run();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (Model model = TinyModels.autoencoder()) {
            assertTrue(fit(model, 3).progress(true).run().restored());
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.startsWith("Loaded checkpoint $AELAB_CHECKPOINT_DIR/tiny/"), printed);
        assertTrue(printed.contains("3 epochs on 256 training samples of shape (12)"), printed);
        assertFalse(printed.contains(dir.toString()), printed);
    }

    @Test
    void retrainFalseLoadsEvenUnderTheRetrainSwitch() {
        try (Model model = TinyModels.autoencoder()) {
            fit(model, 2).run();
        }
        System.setProperty(Checkpoints.RETRAIN_PROPERTY, "true");
        try (Model model = TinyModels.autoencoder(); Model other = TinyModels.autoencoder()) {
            assertFalse(fit(model, 2).run().restored(), "the switch retrains");
            assertTrue(fit(other, 2).retrain(false).run().restored(), "retrain(false) reuses another notebook's model");
        } finally {
            System.clearProperty(Checkpoints.RETRAIN_PROPERTY);
        }
    }

    @Test
    void probingLeavesTheRunAsItWouldBeWithoutACheckpoint() {
        double[] with;
        double[] without;
        try (Model model = TinyModels.autoencoder()) {
            with = fit(model, 2).inputTransform(noise(0.1)).run().table().doubleColumn("test loss").asDoubleArray();
        }
        try (Model model = TinyModels.autoencoder()) {
            without = Fit.model(model).data(train, test).loss(TrainingLoss.meanSquaredError()).inputTransform(noise(0.1))
                    .adam(1e-2).batchSize(32).epochs(2).seed(11).progress(false).run()
                    .table().doubleColumn("test loss").asDoubleArray();
        }
        assertArrayEquals(with, without);
    }
}
