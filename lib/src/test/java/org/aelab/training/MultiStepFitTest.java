package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** A tiny adversarial autoencoder trained with three steps per batch. */
class MultiStepFitTest {

    @TempDir
    Path dir;
    private NDManager manager;
    private NDArray train;
    private NDArray test;

    @BeforeEach
    void data() {
        System.setProperty(Checkpoints.DIR_PROPERTY, dir.toString());
        manager = NDManager.newBaseManager();
        train = TinyModels.data(manager, 256, 5);
        test = TinyModels.data(manager, 320, 5).get("256:");
    }

    @AfterEach
    void close() {
        System.clearProperty(Checkpoints.DIR_PROPERTY);
        manager.close();
    }

    /** Encoder 12 -> 3, decoder 3 -> 12, discriminator 3 -> 8 -> 1, initialised with seed 3. */
    static final class Aae implements AutoCloseable {
        final Model model = Model.newInstance("tiny-aae");
        final SequentialBlock encoder = new SequentialBlock()
                .add(Linear.builder().setUnits(8).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(3).build());
        final SequentialBlock decoder = new SequentialBlock()
                .add(Linear.builder().setUnits(8).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(TinyModels.FEATURES).build());
        final SequentialBlock discriminator = new SequentialBlock()
                .add(Linear.builder().setUnits(8).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(1).build());

        Aae(boolean initialise) {
            model.setBlock(new SequentialBlock().add(encoder).add(decoder));
            if (initialise) {
                Engine.getInstance().setRandomSeed(3);
                model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, TinyModels.FEATURES));
                discriminator.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
            }
        }

        static NDArray bceFromLogits(NDArray logits, float label) {
            // max(z,0) - z*t + log(1 + exp(-|z|))
            return logits.maximum(0f).sub(logits.mul(label)).add(Activation.softPlus(logits.abs().neg())).mean();
        }

        Step reconstruction() {
            return Step.named("reconstruction").blocks(encoder, decoder).adam(1e-2)
                    .loss(b -> LossTerms.of("reconstruction",
                            b.forward(decoder, b.forward(encoder, b.input())).sub(b.target()).square().mean()));
        }

        Step discriminatorStep() {
            return Step.named("discriminator").blocks(discriminator).adam(1e-2).loss(b -> {
                NDArray codes = b.forward(encoder, b.input());
                NDArray prior = b.manager().randomNormal(codes.getShape());
                NDArray real = b.forward(discriminator, prior);
                NDArray fake = b.forward(discriminator, codes);
                NDArray loss = bceFromLogits(real, 1f).add(bceFromLogits(fake, 0f)).mul(0.5f);
                NDArray accuracy = real.gt(0).toType(DataType.FLOAT32, false).mean()
                        .add(fake.lte(0).toType(DataType.FLOAT32, false).mean()).mul(0.5f);
                return LossTerms.of("discriminator", loss).and("D accuracy", accuracy);
            });
        }

        /** The discriminator on prior samples only: its updates do not depend on the encoder. */
        Step discriminatorOnPrior() {
            return Step.named("discriminator").blocks(discriminator).adam(1e-2).loss(b -> {
                NDArray prior = b.manager().randomNormal(new Shape(b.size(), 3));
                return LossTerms.of("discriminator", bceFromLogits(b.forward(discriminator, prior), 1f));
            });
        }

        Step regularisation() {
            return Step.named("regularisation").blocks(encoder).adam(1e-2)
                    .loss(b -> LossTerms.of("generator",
                            bceFromLogits(b.forward(discriminator, b.forward(encoder, b.input())), 1f)));
        }

        @Override
        public void close() {
            model.close();
        }
    }

    private Fit fit(Aae aae, Step... steps) {
        return Fit.model(aae.model).data(train, test).steps(steps).batchSize(32).epochs(3).seed(9).progress(false);
    }

    @Test
    void everyStepsTermsAreRecordedAndTheAutoencoderLearns() {
        try (Aae aae = new Aae(false)) {
            TrainingHistory history = fit(aae, aae.reconstruction(), aae.discriminatorStep(), aae.regularisation())
                    .epochs(6).run();
            Table table = history.table();
            assertEquals(List.of("epoch", "train reconstruction", "train discriminator", "train D accuracy",
                    "train generator", "test reconstruction", "test discriminator", "test D accuracy",
                    "test generator", "seconds"), table.columnNames());
            assertEquals(6, table.rowCount());
            assertTrue(history.last("test reconstruction") < table.doubleColumn("test reconstruction").get(0) / 2,
                    table.print());
            for (String set : List.of("train ", "test ")) {
                double accuracy = history.last(set + "D accuracy");
                assertTrue(accuracy >= 0 && accuracy <= 1, set + accuracy);
            }
            assertTrue(aae.discriminator.isInitialized(), "the discriminator was initialised by its step");
        }
    }

    @Test
    void eachStepUpdatesOnlyItsOwnParametersAndNoGradientLeaks() {
        float[] encoder0;
        float[] decoder0;
        float[] critic0;
        try (Aae aae = new Aae(true)) {
            encoder0 = TinyModels.parameterValues(aae.encoder);
            decoder0 = TinyModels.parameterValues(aae.decoder);
            critic0 = TinyModels.parameterValues(aae.discriminator);
        }
        float[] criticAlone;
        try (Aae aae = new Aae(true)) {
            fit(aae, aae.discriminatorOnPrior()).run();
            assertArrayEquals(encoder0, TinyModels.parameterValues(aae.encoder), "the discriminator's step changed the encoder");
            assertArrayEquals(decoder0, TinyModels.parameterValues(aae.decoder), "the discriminator's step changed the decoder");
            criticAlone = TinyModels.parameterValues(aae.discriminator);
            assertFalse(java.util.Arrays.equals(critic0, criticAlone), "the discriminator did not learn");
        }
        try (Aae aae = new Aae(true)) {
            fit(aae, aae.regularisation()).run();
            assertArrayEquals(decoder0, TinyModels.parameterValues(aae.decoder), "the regularisation step changed the decoder");
            assertArrayEquals(critic0, TinyModels.parameterValues(aae.discriminator),
                    "the regularisation step changed the discriminator it runs through");
            assertFalse(java.util.Arrays.equals(encoder0, TinyModels.parameterValues(aae.encoder)), "the encoder did not learn");
        }
        try (Aae aae = new Aae(true)) {
            // The regularisation step back-propagates through the discriminator before its own step;
            // if those gradients leaked, the discriminator would end elsewhere than when trained alone.
            fit(aae, aae.regularisation(), aae.discriminatorOnPrior()).run();
            assertArrayEquals(criticAlone, TinyModels.parameterValues(aae.discriminator), 1e-6f);
            assertArrayEquals(decoder0, TinyModels.parameterValues(aae.decoder));
        }
    }

    @Test
    void oneStepIsTheSameFitAsOneLoss() {
        double[] withLoss;
        double[] withStep;
        try (Model model = TinyModels.autoencoder()) {
            withLoss = Fit.model(model).data(train, test).loss(TrainingLoss.meanSquaredError()).adam(1e-2)
                    .batchSize(32).epochs(3).seed(4).progress(false).run()
                    .table().doubleColumn("test loss").asDoubleArray();
        }
        try (Model model = TinyModels.autoencoder()) {
            Block block = model.getBlock();
            Engine.getInstance().setRandomSeed(4);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(32, TinyModels.FEATURES));
            withStep = Fit.model(model).data(train, test)
                    .steps(Step.named("only").blocks(block).adam(1e-2)
                            .loss(b -> LossTerms.of("loss", b.forward(block, b.input()).sub(b.target()).square().mean())))
                    .batchSize(32).epochs(3).seed(4).progress(false).run()
                    .table().doubleColumn("test loss").asDoubleArray();
        }
        assertArrayEquals(withLoss, withStep, 1e-9);
    }

    @Test
    void sameSeedRepeatsTheRun() {
        double[] a;
        double[] b;
        try (Aae aae = new Aae(false)) {
            a = fit(aae, aae.reconstruction(), aae.discriminatorStep(), aae.regularisation()).run()
                    .table().doubleColumn("test discriminator").asDoubleArray();
        }
        try (Aae aae = new Aae(false)) {
            b = fit(aae, aae.reconstruction(), aae.discriminatorStep(), aae.regularisation()).run()
                    .table().doubleColumn("test discriminator").asDoubleArray();
        }
        assertArrayEquals(a, b);
    }

    @Test
    void checkpointHoldsEverySubNetworkAndRestoresIt() {
        float[] encoder;
        float[] decoder;
        float[] critic;
        TrainingHistory first;
        try (Aae aae = new Aae(false)) {
            first = fit(aae, aae.reconstruction(), aae.discriminatorStep(), aae.regularisation())
                    .checkpoint("tiny-aae").run();
            encoder = TinyModels.parameterValues(aae.encoder);
            decoder = TinyModels.parameterValues(aae.decoder);
            critic = TinyModels.parameterValues(aae.discriminator);
        }
        Checkpoint checkpoint = first.checkpoint().orElseThrow();
        assertTrue(Files.isRegularFile(checkpoint.directory().resolve(Checkpoint.STEP_BLOCKS_FILE)));
        String settings = checkpoint.settings();
        assertTrue(settings.contains("step discriminator: adam(lr=0.01)"), settings);
        assertTrue(settings.contains("loss discriminator / D accuracy"), settings);
        try (Aae aae = new Aae(false)) {
            TrainingHistory again = fit(aae, aae.reconstruction(), aae.discriminatorStep(), aae.regularisation())
                    .checkpoint("tiny-aae").run();
            assertTrue(again.restored());
            assertArrayEquals(encoder, TinyModels.parameterValues(aae.encoder));
            assertArrayEquals(decoder, TinyModels.parameterValues(aae.decoder));
            assertArrayEquals(critic, TinyModels.parameterValues(aae.discriminator));
            assertEquals(first.table().columnNames(), again.table().columnNames());
        }
        try (Aae aae = new Aae(false)) {
            Step slower = Step.named("discriminator").blocks(aae.discriminator).adam(1e-3)
                    .loss(aae.discriminatorStep().stepLoss());
            TrainingHistory other = fit(aae, aae.reconstruction(), slower, aae.regularisation())
                    .checkpoint("tiny-aae").run();
            assertFalse(other.restored(), "another learning rate of one step is another model");
        }
    }

    @Test
    void interruptKeepsTheHistoryOfEveryStep() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (Aae aae = new Aae(false)) {
            Step reconstruction = aae.reconstruction();
            StepLoss counted = b -> {
                if (calls.incrementAndGet() == 40) {
                    running.countDown();
                }
                return reconstruction.stepLoss().evaluate(b);
            };
            Step steps0 = Step.named("reconstruction").blocks(aae.encoder, aae.decoder).adam(1e-2).loss(counted);
            AtomicReference<TrainingHistory> result = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    result.set(fit(aae, steps0, aae.discriminatorStep(), aae.regularisation())
                            .epochs(100_000).checkpoint("interrupted").run());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            worker.start();
            assertTrue(running.await(60, TimeUnit.SECONDS), "training did not start");
            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(worker.isAlive(), "training did not stop after the interrupt");
            assertNull(failure.get());
            TrainingHistory history = result.get();
            assertTrue(history.interrupted());
            assertTrue(history.epochs() >= 2, "completed epochs: " + history.epochs());
            assertEquals(List.of("reconstruction", "discriminator", "D accuracy", "generator"), history.terms());
            assertTrue(history.checkpoint().isEmpty());
            assertTrue(Checkpoints.latest("interrupted").isEmpty(), "an interrupted run saves no checkpoint");
        }
    }

    @Test
    void badStepsGetClearMessages() {
        try (Aae aae = new Aae(false)) {
            assertThrows(IllegalArgumentException.class, () -> fit(aae, aae.reconstruction(), aae.reconstruction()));
            IllegalStateException both = assertThrows(IllegalStateException.class,
                    () -> fit(aae, aae.reconstruction()).loss(TrainingLoss.meanSquaredError()).run());
            assertTrue(both.getMessage().contains("not both"), both.getMessage());
            IllegalStateException optimiser = assertThrows(IllegalStateException.class,
                    () -> fit(aae, aae.reconstruction()).adam(1e-3).run());
            assertTrue(optimiser.getMessage().contains("own optimiser"), optimiser.getMessage());
            IllegalStateException noBlocks = assertThrows(IllegalStateException.class,
                    () -> fit(aae, Step.named("x").loss(b -> LossTerms.of("x", b.input().mean()))).run());
            assertTrue(noBlocks.getMessage().contains("blocks("), noBlocks.getMessage());
            Step twice = Step.named("again").blocks(aae.encoder)
                    .loss(b -> LossTerms.of("reconstruction", b.forward(aae.encoder, b.input()).mean()));
            IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                    () -> fit(aae, aae.reconstruction(), twice).run());
            assertTrue(duplicate.getMessage().contains("'reconstruction'"), duplicate.getMessage());
        }
        assertNotEquals(null, Step.named("x").toString());
    }
}
