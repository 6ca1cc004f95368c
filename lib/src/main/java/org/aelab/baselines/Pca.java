package org.aelab.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Principal component analysis of samples in the rows of a matrix, as notebook 01 derives it step
 * by step: centre on the mean, form the covariance with matrix products on the engine (float32,
 * {@link #covariance}) and diagonalise it in float64 ({@link SymmetricEigen}: LAPACK, or EJML where
 * the engine has no LAPACK), largest eigenvalue first. Later notebooks use it to put PCA's
 * reconstructions beside a network's:
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

    /** Rows centred and multiplied at a time by {@link #covariance}: 4,096 of 784 pixels are 12.8 MB of float32. */
    static final int BLOCK_ROWS = 4096;

    /** Strips of columns whose products with the columns from the strip on {@link #covariance} forms. */
    static final int STRIPS = 4;

    /**
     * Fits PCA to the rows of {@code samples}, shape (n, d) with n ≥ 2.
     *
     * @throws IllegalArgumentException if {@code samples} is not a matrix of at least two rows, or
     *                                  holds a value that is not finite
     * @throws IllegalStateException if the eigendecomposition of the covariance does not converge
     */
    public static Pca fit(NDArray samples) {
        Objects.requireNonNull(samples, "samples");
        checkRows(samples.getShape());
        NDManager owner = samples.getManager().newSubManager();
        try (NDManager scratch = samples.getManager().newSubManager()) {
            samples.tempAttach(scratch);
            NDArray data = samples.toType(DataType.FLOAT32, false);
            NDArray mean = data.mean(new int[] {0});
            // A NaN or an infinity in a column makes its mean NaN or infinite, so checking d means
            // stands in for checking n × d samples.
            if (!mean.isInfinite().logicalOr(mean.isNaN()).none().getBoolean()) {
                throw new IllegalArgumentException("The samples hold NaN or infinite values (or values so large that"
                        + " their mean overflows float32); PCA needs finite numbers.");
            }
            SymmetricEigen eigen = SymmetricEigen.of(covariance(data, mean));
            NDArray keptMean = mean.duplicate();
            keptMean.attach(owner);
            NDArray basis = eigen.eigenvectors(scratch).toType(DataType.FLOAT32, false);
            basis.attach(owner);
            return new Pca(owner, keptMean, basis, eigen.eigenvalues());
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /**
     * The sample covariance C = (X − 1μᵀ)ᵀ (X − 1μᵀ) / (n − 1) of the rows of {@code samples} X,
     * shape (n, d) with n ≥ 2, around their mean {@code mean} μ, shape (d): a symmetric (d, d)
     * matrix in the data type of {@code samples}, on its device and in its manager.
     *
     * <p>Two things make it faster than the one product of the formula, and neither changes what
     * is computed, only the order in which the sums are rounded:
     * <ul>
     *   <li>The rows are centred and multiplied in blocks of 4,096, whose products
     *       are summed. One centred copy of all of them would be as large as the samples (188 MB
     *       for Fashion-MNIST's 60,000 training images), and on the 2-core development machine
     *       allocating and first touching that much memory took longer (about 0.7 s) than the
     *       product; the blocks reuse memory the allocator hands out again and again.</li>
     *   <li>C is symmetric, so only its lower triangle is multiplied out, in four strips
     *       of columns (5/8 of the full product's work), and mirrored. This
     *       is what BLAS's {@code syrk}, which numpy uses for {@code X.T @ X}, does; the engine's
     *       library does not export it.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if {@code samples} is not a matrix of at least two rows or
     *                                  {@code mean} does not have one entry per column
     */
    public static NDArray covariance(NDArray samples, NDArray mean) {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(mean, "mean");
        Shape shape = samples.getShape();
        checkRows(shape);
        long n = shape.get(0);
        int d = Math.toIntExact(shape.get(1));
        if (!mean.getShape().equals(new Shape(d)) && !mean.getShape().equals(new Shape(1, d))) {
            throw new IllegalArgumentException("The mean must have one entry per column of the samples, shape (" + d
                    + "), got " + mean.getShape() + "; compute it with samples.mean(new int[] {0}).");
        }
        int width = (d + STRIPS - 1) / STRIPS;
        int strips = (d + width - 1) / width;
        NDManager owner = samples.getManager();
        try (NDManager sums = owner.newSubManager()) {
            // sum[j]: rows from strip j's first column to d, columns of strip j, of Σ blocks Bᵀ B.
            NDArray[] sum = new NDArray[strips];
            for (long start = 0; start < n; start += BLOCK_ROWS) {
                try (NDManager block = owner.newSubManager()) {
                    NDArray rows = samples.get(new NDIndex("{}:{}", start, Math.min(n, start + BLOCK_ROWS)));
                    rows.attach(block);
                    NDArray centred = rows.sub(mean);
                    for (int j = 0; j < strips; j++) {
                        int first = j * width;
                        NDArray product = centred.get(new NDIndex(":, {}:", first)).transpose()
                                .matMul(centred.get(new NDIndex(":, {}:{}", first, Math.min(d, first + width))));
                        if (sum[j] == null) {
                            sum[j] = product;
                            sum[j].attach(sums);
                        } else {
                            sum[j].addi(product);
                        }
                    }
                }
            }
            double[] c = new double[d * d];
            for (int j = 0; j < strips; j++) {
                int first = j * width;
                int last = Math.min(d, first + width);
                double[] strip = sum[j].toType(DataType.FLOAT64, false).toDoubleArray();
                for (int row = first; row < d; row++) {
                    for (int column = first; column < Math.min(last, row + 1); column++) {
                        double entry = strip[(row - first) * (last - first) + column - first] / (n - 1);
                        c[row * d + column] = entry;
                        c[column * d + row] = entry;
                    }
                }
            }
            NDArray covariance = sums.create(c, new Shape(d, d)).toType(samples.getDataType(), false);
            covariance.attach(owner);
            return covariance;
        }
    }

    private static void checkRows(Shape shape) {
        if (shape.dimension() != 2 || shape.get(0) < 2 || shape.get(1) < 1) {
            throw new IllegalArgumentException("PCA needs samples as the rows of a matrix (n, d) with n >= 2, got shape "
                    + shape + "; flatten images to (n, pixels) first.");
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
