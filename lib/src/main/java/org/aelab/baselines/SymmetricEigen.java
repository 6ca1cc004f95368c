package org.aelab.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The eigendecomposition A = V Λ Vᵀ of a real symmetric matrix, in double precision, with the
 * eigenvalues in descending order and the eigenvectors as the orthonormal columns of V:
 *
 * <pre>{@code
 * SymmetricEigen eigen = SymmetricEigen.of(covariance);     // (d, d), float32 or float64
 * double[] lambda = eigen.eigenvalues();                    // λ₁ ≥ λ₂ ≥ … ≥ λ_d
 * NDArray v = eigen.eigenvectors(manager);                  // (d, d) float64, column j belongs to λ_j
 * }</pre>
 *
 * <p>It is LAPACK's divide-and-conquer routine {@code dsyevd}, the one {@code numpy.linalg.eigh}
 * calls, taken from the Intel oneMKL inside the PyTorch library that DJL has loaded (see
 * {@link Backend#LAPACK}). Where that library does not export it (another engine build, another
 * operating system), EJML's pure-Java symmetric eigensolver does the same job, several times
 * slower; {@link #backend()} says which one ran. Both see the same input, the average of the
 * matrix's two triangles, and give the same eigenpairs up to rounding.
 *
 * <p>An eigenvector is only defined up to its sign, so each one is signed to make its entry of
 * largest magnitude positive: both backends, and every run, then give the same vectors. Within an
 * eigenvalue of multiplicity m, any orthonormal basis of its m-dimensional eigenspace is as good as
 * another, and the backends may pick different ones.
 */
public final class SymmetricEigen {

    /** Which solver computed the eigenpairs. */
    public enum Backend {
        /** LAPACK {@code dsyevd} in the engine's native library (Intel oneMKL inside {@code libtorch_cpu.so}). */
        LAPACK,
        /** EJML's symmetric QR algorithm, pure Java: used where the engine exports no LAPACK. */
        EJML
    }

    private final double[] eigenvalues;
    private final double[] vectors;
    private final Backend backend;

    private SymmetricEigen(double[] eigenvalues, double[] vectors, Backend backend) {
        this.eigenvalues = eigenvalues;
        this.vectors = vectors;
        this.backend = backend;
    }

    /**
     * Decomposes the symmetric matrix {@code symmetric}, shape (d, d), float32 or float64, with
     * finite entries that are symmetric up to rounding: |a_ij − a_ji| ≤ √ε · max |a| (ε of the
     * matrix's data type). The matrix is copied to the host; it is not changed.
     *
     * @throws IllegalArgumentException if the matrix is not square, is empty, has another data
     *                                  type, holds a value that is not finite or is not symmetric
     * @throws IllegalStateException if the solver does not converge
     */
    public static SymmetricEigen of(NDArray symmetric) {
        return of(symmetric, Lapack.engine());
    }

    /** As {@link #of(NDArray)}, with EJML where {@code lapack} is empty: how the tests force the fallback. */
    static SymmetricEigen of(NDArray symmetric, Optional<Lapack> lapack) {
        Objects.requireNonNull(symmetric, "symmetric");
        Shape shape = symmetric.getShape();
        if (shape.dimension() != 2 || shape.get(0) != shape.get(1)) {
            throw new IllegalArgumentException("An eigendecomposition needs a square matrix (d, d), got shape " + shape
                    + "; for PCA, decompose the covariance Xᵀ X / (n − 1) of the centred samples X, not X itself.");
        }
        if (shape.get(0) == 0) {
            throw new IllegalArgumentException("The matrix is empty (0, 0); there is nothing to decompose.");
        }
        if (shape.get(0) * shape.get(0) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("A " + shape.get(0) + " x " + shape.get(0)
                    + " matrix has more entries than one Java array holds; decompose a smaller matrix.");
        }
        int d = Math.toIntExact(shape.get(0));
        DataType type = symmetric.getDataType();
        double[] a;
        double epsilon;
        if (type == DataType.FLOAT64) {
            a = symmetric.toDoubleArray();
            epsilon = Math.ulp(1.0);
        } else if (type == DataType.FLOAT32) {
            float[] entries = symmetric.toFloatArray();
            a = new double[entries.length];
            for (int i = 0; i < entries.length; i++) {
                a[i] = entries[i];
            }
            epsilon = Math.ulp(1.0f);
        } else {
            throw new IllegalArgumentException("The matrix holds " + type + " values; convert it with"
                    + " toType(DataType.FLOAT64, false) first (float32 and float64 are accepted).");
        }
        symmetrise(a, d, Math.sqrt(epsilon));
        return lapack.map(solver -> byLapack(solver, a, d)).orElseGet(() -> byEjml(a, d));
    }

    /** Checks the entries and replaces both triangles by their average, so both backends see one matrix. */
    private static void symmetrise(double[] a, int d, double tolerance) {
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                throw new IllegalArgumentException("The matrix holds " + a[i] + " at (" + i / d + ", " + i % d
                        + "); an eigendecomposition needs finite numbers.");
            }
            largest = Math.max(largest, Math.abs(a[i]));
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double lower = a[i * d + j];
                double upper = a[j * d + i];
                if (Math.abs(lower - upper) > tolerance * largest) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "The matrix is not symmetric: a[%d][%d] = %g but a[%d][%d] = %g; pass a symmetric"
                                    + " matrix such as a covariance, or (A + Aᵀ) / 2.", i, j, lower, j, i, upper));
                }
                a[i * d + j] = a[j * d + i] = (lower + upper) / 2;
            }
        }
    }

    private static SymmetricEigen byLapack(Lapack lapack, double[] a, int d) {
        double[] ascending = new double[d];
        lapack.dsyevd(d, a, ascending);
        double[] values = new double[d];
        double[] vectors = new double[d * d];
        for (int j = 0; j < d; j++) {
            int k = d - 1 - j;
            values[j] = ascending[k];
            for (int p = 0; p < d; p++) {
                vectors[p * d + j] = a[k * d + p];
            }
        }
        return signed(values, vectors, Backend.LAPACK);
    }

    private static SymmetricEigen byEjml(double[] a, int d) {
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eigen.decompose(DMatrixRMaj.wrap(d, d, a))) {
            throw new IllegalStateException("EJML could not diagonalise the " + d + " x " + d
                    + " matrix; check that it is not badly scaled.");
        }
        // EJML returns the eigenpairs in no particular order.
        int[] order = IntStream.range(0, d).boxed()
                .sorted(Comparator.comparingDouble(i -> -eigen.getEigenvalue(i).getReal()))
                .mapToInt(Integer::intValue).toArray();
        double[] values = new double[d];
        double[] vectors = new double[d * d];
        for (int j = 0; j < d; j++) {
            values[j] = eigen.getEigenvalue(order[j]).getReal();
            DMatrixRMaj direction = eigen.getEigenVector(order[j]);
            for (int p = 0; p < d; p++) {
                vectors[p * d + j] = direction.get(p);
            }
        }
        return signed(values, vectors, Backend.EJML);
    }

    private static SymmetricEigen signed(double[] values, double[] vectors, Backend backend) {
        int d = values.length;
        for (int j = 0; j < d; j++) {
            int largest = 0;
            for (int p = 1; p < d; p++) {
                if (Math.abs(vectors[p * d + j]) > Math.abs(vectors[largest * d + j])) {
                    largest = p;
                }
            }
            if (vectors[largest * d + j] < 0) {
                for (int p = 0; p < d; p++) {
                    vectors[p * d + j] = -vectors[p * d + j];
                }
            }
        }
        return new SymmetricEigen(values, vectors, backend);
    }

    /** The eigenvalues λ₁ ≥ λ₂ ≥ … ≥ λ_d (a copy). */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The unit eigenvector of the {@code j}-th largest eigenvalue, j counted from 0: column j of V (a copy). */
    public double[] eigenvector(int j) {
        if (j < 0 || j >= size()) {
            throw new IllegalArgumentException("Eigenvector " + j + " asked for; choose 0 to " + (size() - 1) + ".");
        }
        double[] column = new double[size()];
        for (int p = 0; p < column.length; p++) {
            column[p] = vectors[p * size() + j];
        }
        return column;
    }

    /** V, the eigenvectors as orthonormal columns, shape (d, d), float64, created in {@code manager}. */
    public NDArray eigenvectors(NDManager manager) {
        Objects.requireNonNull(manager, "manager");
        return manager.create(vectors, new Shape(size(), size()));
    }

    /** The number of rows d of the matrix. */
    public int size() {
        return eigenvalues.length;
    }

    /** The solver that computed the eigenpairs. */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "eigendecomposition of a %d x %d symmetric matrix by %s, largest eigenvalues %s",
                size(), size(), backend == Backend.LAPACK ? "LAPACK dsyevd" : "EJML",
                Arrays.toString(Arrays.copyOf(eigenvalues, Math.min(3, size()))));
    }
}
