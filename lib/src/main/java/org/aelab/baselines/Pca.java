package org.aelab.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component analysis of samples in the rows of a matrix, as notebook 01 derives it step
 * by step: centre on the mean, form the covariance with one matrix product on the engine (float32),
 * diagonalise it with EJML's symmetric eigendecomposition (float64) and sort the eigenpairs,
 * largest eigenvalue first. Later notebooks use it to put PCA's reconstructions beside a network's:
 *
 * <pre>{@code
 * try (Pca pca = Pca.fit(trainImages)) {                // (n, 784)
 *     NDArray shown = pca.reconstruct(testImages, 20);  // μ + V_k V_kᵀ (x − μ)
 *     double kept = pca.explainedVariance(20);
 * }
 * }</pre>
 *
 * <p>The mean and the components live in a manager of their own, a child of the samples' manager,
 * which {@link #close()} frees. Arrays returned by {@link #encode}, {@link #decode} and
 * {@link #reconstruct} belong to the manager of their input, like any DJL operation's result.
 */
public final class Pca implements AutoCloseable {

    private final NDManager manager;
    private final NDArray mean;
    private final NDArray components;
    private final double[] eigenvalues;
    private final double totalVariance;

    private Pca(NDManager manager, NDArray mean, NDArray components, double[] eigenvalues) {
        this.manager = manager;
        this.mean = mean;
        this.components = components;
        this.eigenvalues = eigenvalues;
        this.totalVariance = Arrays.stream(eigenvalues).sum();
    }

    /**
     * Fits PCA to the rows of {@code samples}, shape (n, d) with n ≥ 2.
     *
     * @throws IllegalArgumentException if {@code samples} is not a matrix of at least two rows, or
     *                                  holds a value that is not finite
     * @throws IllegalStateException if EJML cannot diagonalise the covariance
     */
    public static Pca fit(NDArray samples) {
        Objects.requireNonNull(samples, "samples");
        Shape shape = samples.getShape();
        if (shape.dimension() != 2 || shape.get(0) < 2 || shape.get(1) < 1) {
            throw new IllegalArgumentException("PCA needs samples as the rows of a matrix (n, d) with n >= 2, got shape "
                    + shape + "; flatten images to (n, pixels) first.");
        }
        int d = Math.toIntExact(shape.get(1));
        NDManager owner = samples.getManager().newSubManager();
        try (NDManager scratch = samples.getManager().newSubManager()) {
            samples.tempAttach(scratch);
            NDArray data = samples.toType(DataType.FLOAT32, false);
            if (!data.isInfinite().logicalOr(data.isNaN()).none().getBoolean()) {
                throw new IllegalArgumentException("The samples hold NaN or infinite values; PCA needs finite numbers.");
            }
            NDArray mean = data.mean(new int[] {0});
            NDArray centred = data.sub(mean);
            NDArray covariance = centred.transpose().matMul(centred).div(shape.get(0) - 1);
            double[] entries = covariance.toType(DataType.FLOAT64, false).toDoubleArray();
            EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(d, true, true);
            if (!eigen.decompose(DMatrixRMaj.wrap(d, d, entries))) {
                throw new IllegalStateException("EJML could not diagonalise the " + d + " x " + d + " covariance matrix.");
            }
            int[] order = IntStream.range(0, d).boxed()
                    .sorted(Comparator.comparingDouble(i -> -eigen.getEigenvalue(i).getReal()))
                    .mapToInt(Integer::intValue).toArray();
            double[] values = new double[d];
            float[] columns = new float[d * d];
            for (int j = 0; j < d; j++) {
                values[j] = eigen.getEigenvalue(order[j]).getReal();
                DMatrixRMaj direction = eigen.getEigenVector(order[j]);
                for (int p = 0; p < d; p++) {
                    columns[p * d + j] = (float) direction.get(p);
                }
            }
            NDArray keptMean = mean.duplicate();
            keptMean.attach(owner);
            NDArray basis = owner.create(columns, new Shape(d, d));
            return new Pca(owner, keptMean, basis, values);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** The sample mean μ, shape (d). */
    public NDArray mean() {
        return mean;
    }

    /** The principal directions as the orthonormal columns of V, shape (d, d), largest variance first. */
    public NDArray components() {
        return components;
    }

    /** The covariance's eigenvalues λ₁ ≥ λ₂ ≥ …, the variance along each component. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The number of dimensions d of a sample. */
    public int dimensions() {
        return eigenvalues.length;
    }

    /** The fraction of the total variance the first {@code k} components keep, Σ_{j≤k} λ_j / Σ_j λ_j. */
    public double explainedVariance(int k) {
        checkK(k);
        double kept = 0;
        for (int j = 0; j < k; j++) {
            kept += eigenvalues[j];
        }
        return kept / totalVariance;
    }

    /** The codes z = V_kᵀ (x − μ) of the rows of {@code samples} (n, d): shape (n, k). */
    public NDArray encode(NDArray samples, int k) {
        checkK(k);
        checkSamples(samples);
        return samples.sub(mean).matMul(components.get(":, :" + k));
    }

    /** The reconstructions μ + V_k z of codes {@code codes} (n, k): shape (n, d). */
    public NDArray decode(NDArray codes) {
        Objects.requireNonNull(codes, "codes");
        if (codes.getShape().dimension() != 2) {
            throw new IllegalArgumentException("Codes must be a matrix (n, k), got shape " + codes.getShape());
        }
        int k = Math.toIntExact(codes.getShape().get(1));
        checkK(k);
        return codes.matMul(components.get(":, :" + k).transpose()).add(mean);
    }

    /** The rank-k reconstructions μ + V_k V_kᵀ (x − μ) of the rows of {@code samples} (n, d). */
    public NDArray reconstruct(NDArray samples, int k) {
        checkK(k);
        checkSamples(samples);
        NDArray basis = components.get(":, :" + k);
        return samples.sub(mean).matMul(basis).matMul(basis.transpose()).add(mean);
    }

    private void checkK(int k) {
        if (k < 1 || k > eigenvalues.length) {
            throw new IllegalArgumentException("k = " + k + " components asked for; choose 1 to " + eigenvalues.length + ".");
        }
    }

    private void checkSamples(NDArray samples) {
        Objects.requireNonNull(samples, "samples");
        Shape shape = samples.getShape();
        if (shape.dimension() != 2 || shape.get(1) != eigenvalues.length) {
            throw new IllegalArgumentException("Samples must have shape (n, " + eigenvalues.length
                    + ") like the data PCA was fitted to, got " + shape + ".");
        }
    }

    /** Frees the mean and the components. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PCA of %d dimensions, largest eigenvalues %s", eigenvalues.length,
                Arrays.toString(Arrays.copyOf(eigenvalues, Math.min(3, eigenvalues.length))));
    }
}
