package org.aelab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void ssePerImageSumsOverPixelsAndAveragesOverImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Image 0 errs by 0.5 on two pixels (0.25 + 0.25), image 1 by 0.5 on one (0.25): (0.5 + 0.25) / 2.
            NDArray reconstructions = manager.create(new float[] {0.5f, 0.5f, 1f, 0f, 0f, 0f, 0f, 0f}, new Shape(2, 4));
            NDArray originals = manager.create(new float[] {0f, 1f, 1f, 0f, 0f, 0f, 0f, 0.5f}, new Shape(2, 4));
            assertEquals(0.375, Metrics.ssePerImage(reconstructions, originals), 1e-15);
            assertEquals(0.375, Metrics.ssePerImage(reconstructions.reshape(2, 2, 2), originals.reshape(2, 2, 2)),
                    1e-15, "any (n, ...) shape");
            assertEquals(0.0, Metrics.ssePerImage(originals, originals), 0.0);
        }
    }

    @Test
    void ssePerImageMatchesADoubleLoopOnALargeBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(7);
            int n = 2000;
            float[] a = new float[n * 784];
            float[] b = new float[n * 784];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextFloat();
                b[i] = random.nextFloat();
            }
            double expected = 0;
            for (int i = 0; i < a.length; i++) {
                double d = (double) a[i] - (double) b[i];
                expected += d * d;
            }
            expected /= n;
            // Two uniform pixels differ by 1/6 in square on average: about 784 / 6 = 130.7 per image.
            assertEquals(784 / 6.0, expected, 1.0);
            double actual = Metrics.ssePerImage(manager.create(a, new Shape(n, 784)),
                    manager.create(b, new Shape(n, 784)));
            assertEquals(expected, actual, 1e-9 * expected);
        }
    }

    @Test
    void bcePerPixelClipsProbabilitiesOutsideTheOpenUnitInterval() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray probabilities = manager.create(new float[] {0.5f, 0.75f, 0f, 1.25f, -0.5f, 0.5f}, new Shape(2, 3));
            NDArray targets = manager.create(new float[] {1f, 0f, 0f, 1f, 1f, 0.5f}, new Shape(2, 3));
            // -log 0.5, -log 0.25, -log(1 - 1e-7) twice (0 and 1.25 clipped), -log 1e-7 (-0.5 clipped),
            // and -(0.5 log 0.5 + 0.5 log 0.5) = log 2.
            double expected = (4 * Math.log(2) + 7 * Math.log(10) - 2 * Math.log(1 - 1e-7)) / 6;
            assertEquals(expected, Metrics.bcePerPixel(probabilities, targets), 1e-12);
            assertEquals(3.1484474288663518, expected, 1e-15);
        }
    }

    @Test
    void bceFromLogitsIsExactAndStableForLargeLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new float[] {0f, 2f, -3f, 40f, -40f, 0.5f, 100f, -100f}, new Shape(4, 2));
            NDArray targets = manager.create(new float[] {1f, 0f, 1f, 1f, 0f, 0.5f, 0f, 1f}, new Shape(4, 2));
            // Per pixel: log 2; 2 + log(1 + e^-2); 3 + log(1 + e^-3); ~0; ~0; 0.5 - 0.25 + log(1 + e^-0.5);
            // and 100 twice (a confident wrong answer), where sigmoid-then-log would give infinity.
            double expected = (Math.log(2) + 2 + Math.log(1 + Math.exp(-2)) + 3 + Math.log(1 + Math.exp(-3))
                    + 0.25 + Math.log(1 + Math.exp(-0.5)) + 200) / 8;
            double actual = Metrics.bcePerPixelFromLogits(logits, targets);
            assertEquals(expected, actual, 1e-12);
            assertEquals(25.824092440919596, actual, 1e-12);
        }
    }

    @Test
    void bceFromLogitsAgreesWithBceOfTheSigmoid() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new float[] {-4f, -1f, 0f, 0.3f, 1f, 4f}, new Shape(3, 2));
            NDArray targets = manager.create(new float[] {0f, 0.2f, 1f, 0.7f, 0.5f, 1f}, new Shape(3, 2));
            NDArray probabilities = logits.toType(DataType.FLOAT64, true).neg().exp().add(1).pow(-1);
            assertEquals(Metrics.bcePerPixel(probabilities, targets), Metrics.bcePerPixelFromLogits(logits, targets),
                    1e-9);
        }
    }

    @Test
    void inputsAreLeftOpenAndUnchangedAndNothingLeaks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new double[] {0.25, 0.5, 0.75, 1.0}, new Shape(2, 2));
            NDArray b = manager.create(new double[] {0.5, 0.5, 0.5, 0.5}, new Shape(2, 2));
            int before = manager.getManagedArrays().size();
            Metrics.ssePerImage(a, b);
            Metrics.bcePerPixel(a, b);
            Metrics.bcePerPixelFromLogits(a, b);
            assertEquals(before, manager.getManagedArrays().size(), "no arrays left behind in the caller's manager");
            assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, a.toDoubleArray(), 0.0);
            assertEquals(DataType.FLOAT64, a.getDataType());
            assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5}, b.toDoubleArray(), 0.0);
        }
    }

    @Test
    void mismatchedOrEmptyShapesAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.zeros(new Shape(3, 784));
            NDArray b = manager.zeros(new Shape(3, 28, 28));
            String message = assertThrows(IllegalArgumentException.class, () -> Metrics.ssePerImage(a, b))
                    .getMessage();
            assertTrue(message.contains("(3, 784)") && message.contains("(3, 28, 28)"), message);
            assertThrows(IllegalArgumentException.class, () -> Metrics.bcePerPixel(a, b));
            assertThrows(IllegalArgumentException.class, () -> Metrics.bcePerPixelFromLogits(a, b));
            NDArray empty = manager.zeros(new Shape(0, 784));
            String none = assertThrows(IllegalArgumentException.class, () -> Metrics.ssePerImage(empty, empty))
                    .getMessage();
            assertTrue(none.contains("(0, 784)"), none);
        }
    }
}
