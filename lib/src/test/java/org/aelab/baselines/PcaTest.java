package org.aelab.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PcaTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * n points in 3-d: independent coordinates along three orthonormal directions (a rotation of the
     * axes) with standard deviations 3, 2 and 0.5, shifted by a mean of (1, -2, 5).
     */
    private static final double[][] DIRECTIONS = {
        {2 / 3.0, 2 / 3.0, 1 / 3.0},
        {-2 / 3.0, 1 / 3.0, 2 / 3.0},
        {1 / 3.0, -2 / 3.0, 2 / 3.0},
    };
    private static final double[] STDDEVS = {3, 2, 0.5};
    private static final double[] MEAN = {1, -2, 5};

    private static double[][] points(int n) {
        SplittableRandom random = new SplittableRandom(7);
        double[][] points = new double[n][3];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                double amount = STDDEVS[c] * gaussian(random);
                for (int p = 0; p < 3; p++) {
                    points[i][p] += amount * DIRECTIONS[c][p];
                }
            }
            for (int p = 0; p < 3; p++) {
                points[i][p] += MEAN[p];
            }
        }
        return points;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private NDArray matrix(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[0].length; j++) {
                flat[i * rows[0].length + j] = (float) rows[i][j];
            }
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    /** The sample covariance in double precision, the textbook formula. */
    private static double[][] covariance(double[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        double[] mean = new double[d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] c = new double[d][d];
        for (double[] row : rows) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / (n - 1);
                }
            }
        }
        return c;
    }

    @Test
    void findsTheDirectionsAndVariancesOfTheData() {
        double[][] rows = points(20_000);
        try (Pca pca = Pca.fit(matrix(rows))) {
            double[] eigenvalues = pca.eigenvalues();
            assertEquals(3, pca.dimensions());
            for (int c = 0; c < 3; c++) {
                assertEquals(STDDEVS[c] * STDDEVS[c], eigenvalues[c], 0.05 * STDDEVS[c] * STDDEVS[c], "eigenvalue " + c);
                // Each column is a unit vector along the true direction, up to its sign.
                float[] column = pca.components().get(":, " + c).toFloatArray();
                double dot = 0;
                for (int p = 0; p < 3; p++) {
                    dot += column[p] * DIRECTIONS[c][p];
                }
                assertEquals(1, Math.abs(dot), 1e-3, "direction " + c);
            }
            assertArrayEquals(new float[] {1, -2, 5}, pca.mean().toFloatArray(), 0.05f);
        }
    }

    @Test
    void eigenpairsDiagonaliseTheSampleCovariance() {
        double[][] rows = points(500);
        double[][] c = covariance(rows);
        try (Pca pca = Pca.fit(matrix(rows))) {
            double[] eigenvalues = pca.eigenvalues();
            float[] v = pca.components().toFloatArray();
            for (int j = 0; j < 3; j++) {
                // C v_j = λ_j v_j, with C computed independently in double precision.
                for (int a = 0; a < 3; a++) {
                    double cv = 0;
                    for (int b = 0; b < 3; b++) {
                        cv += c[a][b] * v[b * 3 + j];
                    }
                    assertEquals(eigenvalues[j] * v[a * 3 + j], cv, 1e-4 * eigenvalues[0], "C v_" + j + " row " + a);
                }
            }
            assertTrue(eigenvalues[0] >= eigenvalues[1] && eigenvalues[1] >= eigenvalues[2], "sorted, largest first");
            double trace = c[0][0] + c[1][1] + c[2][2];
            assertEquals((eigenvalues[0] + eigenvalues[1]) / trace, pca.explainedVariance(2), 1e-5);
            assertEquals(1.0, pca.explainedVariance(3), 1e-9);
        }
    }

    @Test
    void reconstructionIsExactWithEveryComponentAndLosesTheDroppedVariance() {
        double[][] rows = points(2_000);
        NDArray samples = matrix(rows);
        try (Pca pca = Pca.fit(samples)) {
            NDArray full = pca.reconstruct(samples, 3);
            assertTrue(full.sub(samples).abs().max().getFloat() < 1e-3f, "rank-3 reconstruction of 3-d data is the data");
            // The squared error per sample of a rank-k reconstruction is (n-1)/n times the dropped eigenvalues.
            double[] eigenvalues = pca.eigenvalues();
            double sse = pca.reconstruct(samples, 1).sub(samples).square().sum().getFloat() / rows.length;
            double expected = (eigenvalues[1] + eigenvalues[2]) * (rows.length - 1) / rows.length;
            assertEquals(expected, sse, 1e-3 * expected);
            // encode then decode is reconstruct.
            NDArray viaCodes = pca.decode(pca.encode(samples, 2));
            assertTrue(viaCodes.sub(pca.reconstruct(samples, 2)).abs().max().getFloat() < 1e-4f);
            assertEquals(new Shape(2_000, 2), pca.encode(samples, 2).getShape());
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        IllegalArgumentException notMatrix = assertThrows(IllegalArgumentException.class,
                () -> Pca.fit(manager.zeros(new Shape(10, 28, 28))));
        assertTrue(notMatrix.getMessage().contains("(n, d)"), notMatrix.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pca.fit(manager.zeros(new Shape(1, 3))));
        NDArray withNaN = manager.create(new float[] {1, 2, Float.NaN, 4, 5, 6}, new Shape(2, 3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Pca.fit(withNaN)).getMessage().contains("NaN"));
        try (Pca pca = Pca.fit(matrix(points(50)))) {
            IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                    () -> pca.reconstruct(matrix(points(5)), 4));
            assertTrue(k.getMessage().contains("1 to 3"), k.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pca.explainedVariance(0));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> pca.reconstruct(manager.zeros(new Shape(5, 4)), 2));
            assertTrue(shape.getMessage().contains("(n, 3)"), shape.getMessage());
        }
    }

    @Test
    void covarianceInBlocksOfRowsIsTheTextbookCovariance() {
        // 5,000 rows: two full blocks and a partial one; 100 rows: a single partial block.
        for (int n : new int[] {5_000, 100, Pca.BLOCK_ROWS}) {
            double[][] rows = points(n);
            double[][] expected = covariance(rows);
            NDArray samples = matrix(rows);
            NDArray covariance = Pca.covariance(samples, samples.mean(new int[] {0}));
            assertEquals(new Shape(3, 3), covariance.getShape());
            float[] c = covariance.toFloatArray();
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    assertEquals(expected[a][b], c[a * 3 + b], 1e-5 * expected[0][0], n + " rows: C[" + a + "][" + b + "]");
                }
            }
            NDArray centred = samples.sub(samples.mean(new int[] {0}));
            NDArray oneProduct = centred.transpose().matMul(centred).div(n - 1);
            assertTrue(oneProduct.sub(covariance).abs().max().getFloat() < 1e-5f * expected[0][0],
                    "the same as one product of the centred samples");
            float[] transposed = covariance.transpose().toFloatArray();
            assertArrayEquals(c, transposed, 0f, "exactly symmetric");
        }
        NDArray samples = matrix(points(10));
        IllegalArgumentException mean = assertThrows(IllegalArgumentException.class,
                () -> Pca.covariance(samples, manager.zeros(new Shape(3, 1))));
        assertTrue(mean.getMessage().contains("one entry per column"), mean.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pca.covariance(manager.zeros(new Shape(1, 3)),
                manager.zeros(new Shape(3))));
    }

    @Test
    void fitUsesTheEnginesLapackAndAgreesWithEjml() {
        double[][] rows = points(3_000);
        NDArray samples = matrix(rows);
        NDArray covariance = Pca.covariance(samples, samples.mean(new int[] {0}));
        SymmetricEigen reference = SymmetricEigen.of(covariance, java.util.Optional.empty());
        try (Pca pca = Pca.fit(samples)) {
            double[] eigenvalues = pca.eigenvalues();
            double[] expected = reference.eigenvalues();
            float[] v = pca.components().toFloatArray();
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[j], eigenvalues[j], 1e-9 * expected[0], "eigenvalue " + j);
                double[] w = reference.eigenvector(j);
                for (int p = 0; p < 3; p++) {
                    assertEquals(w[p], v[p * 3 + j], 1e-6, "component " + j + " entry " + p);
                }
            }
        }
        assertEquals(SymmetricEigen.Backend.LAPACK, SymmetricEigen.of(covariance).backend());
    }

    @Test
    void closingFreesOnlyWhatPcaOwns() {
        NDArray samples = matrix(points(100));
        Pca pca = Pca.fit(samples);
        NDArray codes = pca.encode(samples, 2);
        pca.close();
        assertEquals(100, samples.getShape().get(0));
        assertEquals(3, samples.toFloatArray().length / 100);
        assertEquals(200, codes.toFloatArray().length, "results belong to the input's manager");
    }
}
