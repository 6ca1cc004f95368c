package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OnePassAdam} against Adam computed in double precision in the test, against DJL's own
 * Adam, and for what it must not do: lose an update to a strided array, keep an old gradient, or
 * give different bits for the same inputs.
 */
class OnePassAdamTest {

    private static final int STEPS = 30;
    /** Below, at and across one chunk, and the sizes of notebook 02's weights. */
    private static final long[][] SHAPES = {{7}, {OnePassAdam.CHUNK}, {OnePassAdam.CHUNK + 1}, {3, 5000},
            {256, 784}, {20}};

    /** The gradients of each step, the same for every optimiser compared. */
    private static float[][] gradients(int n, long seed) {
        Random random = new Random(seed);
        float[][] g = new float[STEPS][n];
        for (float[] step : g) {
            for (int i = 0; i < n; i++) {
                // mostly small, some large, some exactly zero: Adam's ratio m/√v over its whole range
                step[i] = i % 11 == 0 ? 0f : (float) (random.nextGaussian() * (i % 5 == 0 ? 3 : 1e-3));
            }
        }
        return g;
    }

    private static float[] start(int n) {
        Random random = new Random(n);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = random.nextFloat() - 0.5f;
        }
        return w;
    }

    /** Runs {@code optimiser} for STEPS steps from {@code start}; the weights after. */
    private static float[] run(Optimizer optimiser, Shape shape, float[] start, float[][] gradients) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return train(optimiser, manager.create(start, shape), gradients, false);
        }
    }

    /**
     * Trains {@code weight} with {@code optimiser}, each gradient recorded by the engine (the gradient
     * of sum(w·G) is G exactly) and handed over as the training loop does, or as a copy as DJL's
     * {@code Trainer.step()} does; checks that the weight's own gradient is cleared; the weights after.
     */
    private static float[] train(Optimizer optimiser, NDArray weight, float[][] gradients, boolean copy) {
        weight.setRequiresGradient(true);
        for (float[] g : gradients) {
            record(weight, weight.getManager().create(g, weight.getShape()));
            try (NDArray own = weight.getGradient(); NDArray handed = copy ? own.duplicate() : null) {
                optimiser.update("w", weight, copy ? handed : own);
            }
            try (NDArray after = weight.getGradient()) {
                assertTrue(after.eq(0f).all().getBoolean(), "the weight's gradient is cleared by the update");
            }
        }
        return weight.toFloatArray();
    }

    private static void record(NDArray weight, NDArray g) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(weight.mul(g).sum());
        }
        g.close();
    }

    /** Adam as DJL documents it, in double precision. */
    private static double[] reference(float[] start, float[][] gradients, double lr, double beta1, double beta2) {
        int n = start.length;
        double[] w = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = start[i];
        }
        for (int t = 1; t <= gradients.length; t++) {
            double rate = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            for (int i = 0; i < n; i++) {
                double g = gradients[t - 1][i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                w[i] -= rate * m[i] / (Math.sqrt(v[i]) + 1e-8);
            }
        }
        return w;
    }

    @Test
    void followsAdamInDoublePrecisionAndAgreesWithDjlsAdam() {
        for (float[] betas : new float[][] {{0.9f, 0.999f}, {0.5f, 0.999f}}) {
            for (long[] dims : SHAPES) {
                Shape shape = new Shape(dims);
                int n = (int) shape.size();
                float[] w0 = start(n);
                float[][] g = gradients(n, 42 + n);
                float[] ours = run(OnePassAdam.of(1e-3f, betas[0], betas[1]), shape, w0, g);
                float[] djl = run(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f))
                        .optBeta1(betas[0]).optBeta2(betas[1]).build(), shape, w0, g);
                double[] exact = reference(w0, g, 1e-3f, betas[0], betas[1]);
                double worstOurs = 0;
                double worstDjl = 0;
                for (int i = 0; i < n; i++) {
                    // an update moves a weight by at most about lr per step: errors measured against that scale
                    worstOurs = Math.max(worstOurs, Math.abs(ours[i] - exact[i]));
                    worstDjl = Math.max(worstDjl, Math.abs(djl[i] - exact[i]));
                    assertEquals(djl[i], ours[i], 2e-6, "shape " + shape + ", element " + i + ", betas " + betas[0]);
                }
                assertTrue(worstOurs < 1e-6, "shape " + shape + ": |ours - exact| up to " + worstOurs);
                assertTrue(worstOurs <= 2 * worstDjl + 1e-7, "shape " + shape + ": ours " + worstOurs
                        + " against DJL's " + worstDjl + " from the double-precision update");
            }
        }
    }

    @Test
    void sameInputsGiveTheSameBits() {
        Shape shape = new Shape(256, 784);
        float[] w0 = start((int) shape.size());
        float[][] g = gradients((int) shape.size(), 7);
        float[] first = run(OnePassAdam.of(1e-3f, 0.9f, 0.999f), shape, w0, g);
        float[] second = run(OnePassAdam.of(1e-3f, 0.9f, 0.999f), shape, w0, g);
        assertArrayEquals(first, second);
    }

    @Test
    void aStridedParameterIsUpdatedByDjlsAdamInstead() {
        Shape shape = new Shape(40, 60);
        int n = (int) shape.size();
        float[] w0 = start(n);
        float[][] g = gradients(n, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            // the transpose is a view of a 60 x 40 array: a direct buffer would be a copy of it
            NDArray weight = manager.create(w0, new Shape(60, 40)).transpose();
            float[] viewStart = weight.toFloatArray();
            train(OnePassAdam.of(1e-3f, 0.9f, 0.999f), weight, g, false);
            float[] expected = run(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), shape,
                    viewStart, g);
            assertArrayEquals(expected, weight.toFloatArray(), 1e-6f, "every step reached the strided weight");
            assertFalse(Arrays.equals(viewStart, weight.toFloatArray()), "the weight moved");
        }
    }

    @Test
    void aCopiedGradientAsDjlsTrainerPassesStillClearsTheWeightsOwn() {
        Shape shape = new Shape(3, 5000);
        float[] w0 = start((int) shape.size());
        float[][] g = gradients((int) shape.size(), 11);
        float[] expected = run(OnePassAdam.of(1e-3f, 0.9f, 0.999f), shape, w0, g);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] copied = train(OnePassAdam.of(1e-3f, 0.9f, 0.999f), manager.create(w0, shape), g, true);
            assertArrayEquals(expected, copied, "no gradient left over from a step before");
        }
    }

    @Test
    void refusesBadSettingsAndAChangedParameter() {
        assertThrows(IllegalArgumentException.class, () -> OnePassAdam.of(0f, 0.9f, 0.999f));
        assertThrows(IllegalArgumentException.class, () -> OnePassAdam.of(1e-3f, 1f, 0.999f));
        OnePassAdam optimiser = OnePassAdam.of(1e-3f, 0.9f, 0.999f);
        try (NDManager manager = NDManager.newBaseManager()) {
            optimiser.update("w", manager.zeros(new Shape(10)), manager.ones(new Shape(10)));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> optimiser.update("w", manager.zeros(new Shape(12)), manager.ones(new Shape(12))));
            assertTrue(e.getMessage().contains("build a new optimiser"), e.getMessage());
        }
    }
}
