package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.aelab.notebook.DisplaySink;
import org.aelab.notebook.Notebook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class FitTest {

    private NDManager manager;
    private NDArray train;
    private NDArray test;

    @BeforeEach
    void data() {
        manager = NDManager.newBaseManager();
        train = TinyModels.data(manager, 512, 1);
        test = TinyModels.data(manager, 128, 1).add(0); // same subspace, different draw below
        test = TinyModels.data(manager, 640, 1).get("512:");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private Fit tinyFit(Model model) {
        return Fit.model(model).data(train, test).loss(TrainingLoss.meanSquaredError())
                .adam(1e-2).batchSize(32).epochs(8).seed(7).progress(false);
    }

    @Test
    void summaryNamesALossSpike() {
        float[] scale = {1f};
        TrainingLoss spiking = (outputs, images) -> {
            LossTerms terms = TrainingLoss.meanSquaredError().evaluate(outputs, images);
            return LossTerms.of("loss", terms.optimised().mul(scale[0]));
        };
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        try (Model model = TinyModels.autoencoder()) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            tinyFit(model).loss(spiking).epochs(4).progress(true)
                    .afterEpoch(epoch -> scale[0] = epoch == 2 ? 10f : scale[0])
                    .run();
        } finally {
            System.setOut(console);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Done: 4 epochs") && out.contains("The train loss rose ")
                && out.contains("% at epoch 3 ("), out);
    }

    @Test
    void summaryOfSmoothTrainingHasNoSpike() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        try (Model model = TinyModels.autoencoder()) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            tinyFit(model).progress(true).run();
        } finally {
            System.setOut(console);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Done: 8 epochs") && !out.contains("rose"), out);
    }

    @Test
    void lossDecreasesAndHistoryHasOneRowPerEpoch() {
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory history = tinyFit(model).run();
            Table table = history.table();
            assertEquals(List.of("epoch", "train loss", "test loss", "seconds"), table.columnNames());
            assertEquals(8, table.rowCount());
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), table.intColumn("epoch").asList());
            double first = table.doubleColumn("train loss").get(0);
            double lastTrain = history.last("train loss");
            double lastTest = history.last("test loss");
            assertTrue(lastTrain < first / 3, "train loss fell from " + first + " to " + lastTrain);
            assertTrue(lastTest < first / 3, "test loss fell from " + first + " to " + lastTest);
            assertTrue(table.doubleColumn("seconds").min() > 0);
            assertFalse(history.interrupted());
            assertEquals(7, history.seed());
        }
    }

    @Test
    void testLossMatchesAnIndependentEvaluation() {
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory history = tinyFit(model).epochs(2).run();
            try (NDManager scratch = manager.newSubManager()) {
                NDArray out = model.getBlock()
                        .forward(new ParameterStore(scratch, false), new NDList(test), false).singletonOrThrow();
                double mse = out.sub(test).square().mean().getFloat();
                assertEquals(mse, history.last("test loss"), 1e-5 * Math.max(1, mse));
            }
        }
    }

    @Test
    void sameSeedRepeatsTheRunAndAnotherSeedDoesNot() {
        double[] a;
        double[] b;
        double[] c;
        try (Model model = TinyModels.autoencoder()) {
            a = tinyFit(model).epochs(3).run().table().doubleColumn("test loss").asDoubleArray();
        }
        try (Model model = TinyModels.autoencoder()) {
            b = tinyFit(model).epochs(3).run().table().doubleColumn("test loss").asDoubleArray();
        }
        try (Model model = TinyModels.autoencoder()) {
            c = tinyFit(model).epochs(3).seed(8).run().table().doubleColumn("test loss").asDoubleArray();
        }
        assertArrayEquals(a, b);
        assertNotEquals(a[2], c[2]);
    }

    @Test
    void multiTermLossRecordsEveryTermAndOptimisesTheFirst() {
        TrainingLoss loss = (out, target) -> {
            NDArray mse = out.get(0).sub(target).square().mean();
            NDArray size = out.get(0).abs().mean().mul(0.1f);
            return LossTerms.of("total", mse.add(size)).and("mse", mse).and("size", size);
        };
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory history = tinyFit(model).loss(loss).run();
            Table table = history.table();
            assertEquals(List.of("epoch", "train total", "train mse", "train size",
                    "test total", "test mse", "test size", "seconds"), table.columnNames());
            assertEquals(List.of("total", "mse", "size"), history.terms());
            for (String set : List.of("train ", "test ")) {
                for (int row = 0; row < table.rowCount(); row++) {
                    double total = table.doubleColumn(set + "total").get(row);
                    double sum = table.doubleColumn(set + "mse").get(row) + table.doubleColumn(set + "size").get(row);
                    assertEquals(sum, total, 1e-5 * total);
                }
            }
            assertTrue(history.last("train total") < table.doubleColumn("train total").get(0));
        }
    }

    @Test
    void separateTargetsAndInputTransformDenoise() {
        AtomicInteger transformed = new AtomicInteger();
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory history = tinyFit(model)
                    .data(train, train, test, test)
                    .inputTransform(x -> {
                        transformed.incrementAndGet();
                        return x.add(x.getManager().randomNormal(0f, 0.1f, x.getShape(), x.getDataType()));
                    })
                    .epochs(3).run();
            // 512/32 = 16 training steps and one evaluation batch per epoch.
            assertEquals(3 * (16 + 1), transformed.get());
            assertTrue(history.last("test loss") < history.table().doubleColumn("test loss").get(0));
        }
    }

    @Test
    void arrayDatasetsWork() {
        ArrayDataset trainSet = new ArrayDataset.Builder().setData(train).setSampling(32, false).build();
        ArrayDataset testSet = new ArrayDataset.Builder().setData(test).setSampling(32, false).build();
        try (Model model = TinyModels.autoencoder()) {
            TrainingHistory history = Fit.model(model).data(trainSet, testSet).loss(TrainingLoss.meanSquaredError())
                    .adam(1e-2).batchSize(32).epochs(2).seed(7).progress(false).run();
            assertEquals(2, history.epochs());
        }
    }

    @Test
    void interruptStopsAtTheNextStepKeepingParametersAndHistory() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger steps = new AtomicInteger();
        TrainingLoss loss = (out, target) -> {
            if (steps.incrementAndGet() == 60) { // well into epoch 4 (17 loss calls per epoch)
                running.countDown();
            }
            return LossTerms.of("loss", out.get(0).sub(target).square().mean());
        };
        try (Model model = TinyModels.autoencoder()) {
            AtomicReference<TrainingHistory> result = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> flagAfter = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    result.set(tinyFit(model).loss(loss).epochs(100_000).run());
                    flagAfter.set(Thread.currentThread().isInterrupted());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            worker.start();
            assertTrue(running.await(60, TimeUnit.SECONDS), "training did not start");
            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(worker.isAlive(), "training did not stop after the interrupt");
            assertEquals(null, failure.get());
            TrainingHistory history = result.get();
            assertTrue(history.interrupted());
            int epochs = history.epochs();
            assertTrue(epochs >= 3 && epochs < 100_000, "completed epochs: " + epochs);
            assertEquals(epochs, history.table().intColumn("epoch").max());
            assertFalse(flagAfter.get(), "the interrupt was consumed, not left to break the next cell");
            assertTrue(steps.get() < 60 + 20, "stopped within a step or two, after " + steps.get() + " loss calls");
            // Parameters survive and are trained: the model reproduces data better than at the start.
            try (NDManager scratch = manager.newSubManager()) {
                NDArray out = model.getBlock()
                        .forward(new ParameterStore(scratch, false), new NDList(test), false).singletonOrThrow();
                double mse = out.sub(test).square().mean().getFloat();
                assertTrue(mse < history.table().doubleColumn("test loss").get(0), "mse " + mse);
            }
        }
    }

    @Test
    void badInputsGetClearMessages() {
        try (Model model = TinyModels.autoencoder()) {
            IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                    () -> tinyFit(model).data(train, train.get("0:100"), test, test).run());
            assertTrue(sizes.getMessage().contains("512") && sizes.getMessage().contains("100"), sizes.getMessage());
            IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class,
                    () -> tinyFit(model).loss((out, t) -> LossTerms.of("loss", out.get(0).sub(t).square())).run());
            assertTrue(notScalar.getMessage().contains("scalar"), notScalar.getMessage());
            IllegalStateException noLoss = assertThrows(IllegalStateException.class,
                    () -> Fit.model(model).data(train, test).run());
            assertTrue(noLoss.getMessage().contains("loss("), noLoss.getMessage());
            assertThrows(IllegalArgumentException.class, () -> tinyFit(model).epochs(0));
            assertThrows(IllegalArgumentException.class, () -> tinyFit(model).checkpoint("../up"));
            assertThrows(IllegalArgumentException.class, () -> LossTerms.of("a", train).and("a", train));
        }
        try (Model empty = Model.newInstance("empty")) {
            IllegalStateException noBlock = assertThrows(IllegalStateException.class,
                    () -> Fit.model(empty).data(train, test).loss(TrainingLoss.meanSquaredError()).run());
            assertTrue(noBlock.getMessage().contains("setBlock"), noBlock.getMessage());
        }
    }

    @Test
    void notebookProgressUpdatesOneOutputInPlace() {
        List<String> shown = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        Notebook.install(new DisplaySink() {
            @Override
            public String show(Map<String, String> bundle) {
                if (!bundle.get("text/plain").startsWith("Training ")) {
                    return "chart";             // the live loss chart: ProgressTest checks it
                }
                shown.add(bundle.get("text/html"));
                return "progress";
            }

            @Override
            public void update(String id, Map<String, String> bundle) {
                if (id.equals("chart")) {
                    return;
                }
                assertEquals("progress", id);
                assertTrue(bundle.get("text/html").startsWith("<div"));
                updates.add(bundle.get("text/plain"));
            }

            @Override
            public boolean isNotebook() {
                return true;
            }
        });
        try (Model model = TinyModels.autoencoder()) {
            tinyFit(model).epochs(3).progress(true).run();
        } finally {
            Notebook.install(null);
        }
        assertEquals(1, shown.size());
        List<String> epochLines = updates.stream().filter(u -> u.contains("test loss")).toList();
        assertEquals(4, epochLines.size(), "one line per epoch plus the final summary: " + updates);
        for (int epoch = 1; epoch <= 3; epoch++) {
            assertTrue(epochLines.get(epoch - 1).startsWith("epoch " + epoch + "/3 · train loss"), epochLines.toString());
            assertTrue(epochLines.get(epoch - 1).contains("samples/s"), epochLines.toString());
        }
        assertTrue(epochLines.get(1).contains("ETA"), epochLines.toString());
        assertTrue(updates.get(updates.size() - 1).contains("Done: 3 epochs"), updates.toString());
    }
}
