package org.aelab.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import java.util.SplittableRandom;
import org.aelab.baselines.SymmetricEigen.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** A random symmetric d × d matrix with entries drawn from [-1, 1). */
    private static double[] randomSymmetric(int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * d + j] = a[j * d + i] = 2 * random.nextDouble() - 1;
            }
        }
        return a;
    }

    /** Q diag(values) Qᵀ for a random orthogonal Q (Gram–Schmidt on a random matrix). */
    private static double[] withEigenvalues(double[] values, long seed) {
        int d = values.length;
        SplittableRandom random = new SplittableRandom(seed);
        double[][] q = new double[d][d];
        for (int k = 0; k < d; k++) {
            for (int p = 0; p < d; p++) {
                q[k][p] = 2 * random.nextDouble() - 1;
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int l = 0; l < k; l++) {
                    double dot = 0;
                    for (int p = 0; p < d; p++) {
                        dot += q[k][p] * q[l][p];
                    }
                    for (int p = 0; p < d; p++) {
                        q[k][p] -= dot * q[l][p];
                    }
                }
            }
            double norm = 0;
            for (int p = 0; p < d; p++) {
                norm += q[k][p] * q[k][p];
            }
            for (int p = 0; p < d; p++) {
                q[k][p] /= Math.sqrt(norm);
            }
        }
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += q[k][i] * values[k] * q[k][j];
                }
                a[i * d + j] = sum;
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                a[i * d + j] = a[j * d + i];
            }
        }
        return a;
    }

    private NDArray matrix(double[] a) {
        int d = (int) Math.round(Math.sqrt(a.length));
        return manager.create(a, new Shape(d, d));
    }

    private static SymmetricEigen lapack(NDArray a) {
        SymmetricEigen eigen = SymmetricEigen.of(a);
        assertEquals(Backend.LAPACK, eigen.backend(),
                "the PyTorch engine's libtorch_cpu.so exports LAPACK on linux-x86_64; without it PCA falls back to EJML");
        return eigen;
    }

    private static SymmetricEigen ejml(NDArray a) {
        SymmetricEigen eigen = SymmetricEigen.of(a, Optional.empty());
        assertEquals(Backend.EJML, eigen.backend());
        return eigen;
    }

    /** A V = V Λ, Vᵀ V = I and λ descending, each to {@code tolerance} relative to the largest |λ|. */
    private static void assertDecomposes(double[] a, SymmetricEigen eigen, double tolerance) {
        int d = eigen.size();
        double[] values = eigen.eigenvalues();
        double scale = Math.max(Math.abs(values[0]), Math.abs(values[d - 1]));
        double[][] v = new double[d][];
        for (int j = 0; j < d; j++) {
            v[j] = eigen.eigenvector(j);
            if (j > 0) {
                assertTrue(values[j - 1] >= values[j], "descending at " + j);
            }
        }
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) {
                double av = 0;
                for (int p = 0; p < d; p++) {
                    av += a[i * d + p] * v[j][p];
                }
                assertEquals(values[j] * v[j][i], av, tolerance * scale, "(A v)_" + i + " of eigenpair " + j);
            }
            for (int k = 0; k <= j; k++) {
                double dot = 0;
                for (int p = 0; p < d; p++) {
                    dot += v[j][p] * v[k][p];
                }
                assertEquals(j == k ? 1 : 0, dot, tolerance, "v_" + j + " · v_" + k);
            }
        }
    }

    @Test
    void lapackAgreesWithEjmlOnRandomSymmetricMatrices() {
        for (int d : new int[] {1, 2, 5, 40, 200}) {
            double[] a = randomSymmetric(d, d);
            SymmetricEigen fast = lapack(matrix(a));
            SymmetricEigen reference = ejml(matrix(a));
            assertDecomposes(a, fast, 1e-11);
            assertDecomposes(a, reference, 1e-11);
            double[] lambda = fast.eigenvalues();
            double[] expected = reference.eigenvalues();
            double scale = Math.abs(expected[0]) + Math.abs(expected[d - 1]);
            for (int j = 0; j < d; j++) {
                assertEquals(expected[j], lambda[j], 1e-12 * scale, d + " x " + d + ": eigenvalue " + j);
            }
            // Random eigenvalues are distinct, so with the sign convention the vectors themselves agree.
            for (int j = 0; j < d; j++) {
                double[] v = fast.eigenvector(j);
                double[] w = reference.eigenvector(j);
                for (int p = 0; p < d; p++) {
                    assertEquals(w[p], v[p], 1e-9, d + " x " + d + ": eigenvector " + j + " entry " + p);
                }
            }
        }
    }

    @Test
    void repeatedEigenvaluesGiveTheSameEigenspacesOnBothBackends() {
        double[] values = {5, 3, 3, 3, 1, 1, 0, 0, 0, -2};
        double[] a = withEigenvalues(values, 11);
        SymmetricEigen fast = lapack(matrix(a));
        SymmetricEigen reference = ejml(matrix(a));
        for (SymmetricEigen eigen : new SymmetricEigen[] {fast, reference}) {
            assertDecomposes(a, eigen, 1e-12);
            double[] lambda = eigen.eigenvalues();
            for (int j = 0; j < values.length; j++) {
                assertEquals(values[j], lambda[j], 1e-12 * 5, eigen.backend() + ": eigenvalue " + j);
            }
        }
        // Within an eigenspace the bases may differ; the projections V_S V_Sᵀ onto it may not.
        int[][] spaces = {{0}, {1, 2, 3}, {4, 5}, {6, 7, 8}, {9}};
        int d = values.length;
        for (int[] space : spaces) {
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    double mine = 0;
                    double theirs = 0;
                    for (int j : space) {
                        mine += fast.eigenvector(j)[p] * fast.eigenvector(j)[q];
                        theirs += reference.eigenvector(j)[p] * reference.eigenvector(j)[q];
                    }
                    assertEquals(theirs, mine, 1e-10, "projection onto the eigenspace of " + values[space[0]]);
                }
            }
        }
    }

    @Test
    void float32InputAndTheNdArrayOfEigenvectors() {
        double[] a = randomSymmetric(30, 3);
        float[] single = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            single[i] = (float) a[i];
        }
        NDArray input = manager.create(single, new Shape(30, 30));
        SymmetricEigen eigen = lapack(input);
        double[] widened = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            widened[i] = single[i];
        }
        assertDecomposes(widened, eigen, 1e-11);
        NDArray v = eigen.eigenvectors(manager);
        assertEquals(new Shape(30, 30), v.getShape());
        assertEquals(DataType.FLOAT64, v.getDataType());
        double[] column = v.get(":, 4").toDoubleArray();
        double[] expected = eigen.eigenvector(4);
        for (int p = 0; p < 30; p++) {
            assertEquals(expected[p], column[p], 0.0, "column 4 of V is eigenvector 4");
        }
        assertEquals(DataType.FLOAT32, input.getDataType(), "the input is left as it was");
    }

    @Test
    void eachEigenvectorHasItsLargestEntryPositive() {
        double[] a = randomSymmetric(25, 5);
        for (SymmetricEigen eigen : new SymmetricEigen[] {lapack(matrix(a)), ejml(matrix(a))}) {
            for (int j = 0; j < 25; j++) {
                double largest = 0;
                for (double entry : eigen.eigenvector(j)) {
                    if (Math.abs(entry) > Math.abs(largest)) {
                        largest = entry;
                    }
                }
                assertTrue(largest > 0, eigen.backend() + ": eigenvector " + j);
            }
        }
    }

    @Test
    void withoutTheNativeRoutineEjmlDoesTheWork() {
        assertTrue(Lapack.find(Lapack.ENGINE_LIBRARY, Lapack.EIGENSOLVER).isPresent(),
                "dsyevd_ should be found in the loaded " + Lapack.ENGINE_LIBRARY);
        assertTrue(Lapack.find(Lapack.ENGINE_LIBRARY, "no_such_routine_").isEmpty());
        assertTrue(Lapack.find("libno_such_library.so", Lapack.EIGENSOLVER).isEmpty(),
                "a library that is not loaded yet is not loaded by the lookup");
        double[] a = randomSymmetric(12, 17);
        SymmetricEigen eigen = SymmetricEigen.of(matrix(a),
                Lapack.find(Lapack.ENGINE_LIBRARY, "no_such_routine_"));
        assertEquals(Backend.EJML, eigen.backend());
        assertDecomposes(a, eigen, 1e-12);
        assertTrue(eigen.toString().contains("EJML"), eigen.toString());
        assertTrue(lapack(matrix(a)).toString().contains("LAPACK dsyevd"));
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        IllegalArgumentException notSquare = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(manager.zeros(new Shape(3, 4))));
        assertTrue(notSquare.getMessage().contains("square matrix (d, d)"), notSquare.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(manager.zeros(new Shape(4))));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(manager.zeros(new Shape(2, 2, 2))));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(manager.zeros(new Shape(0, 0))));

        IllegalArgumentException integers = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(manager.create(new int[] {1, 2, 2, 1}, new Shape(2, 2))));
        assertTrue(integers.getMessage().contains("int32") && integers.getMessage().contains("toType"),
                integers.getMessage());

        double[] a = randomSymmetric(4, 1);
        a[6] = Double.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(matrix(a)));
        assertTrue(nan.getMessage().contains("NaN at (1, 2)") && nan.getMessage().contains("finite"), nan.getMessage());
        a[6] = Double.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(matrix(a)));

        double[] lopsided = randomSymmetric(4, 2);
        lopsided[1] += 0.01;
        IllegalArgumentException asymmetric = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(matrix(lopsided)));
        assertTrue(asymmetric.getMessage().contains("not symmetric"), asymmetric.getMessage());
        // Rounding-sized differences between the triangles are accepted, as in a float32 covariance.
        double[] rounded = randomSymmetric(4, 2);
        rounded[1] += 1e-9;
        assertEquals(4, SymmetricEigen.of(matrix(rounded)).size());

        SymmetricEigen eigen = SymmetricEigen.of(matrix(randomSymmetric(3, 4)));
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class, () -> eigen.eigenvector(3));
        assertTrue(index.getMessage().contains("0 to 2"), index.getMessage());
    }
}
