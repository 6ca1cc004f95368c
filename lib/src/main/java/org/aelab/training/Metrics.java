package org.aelab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * Reconstruction metrics measured on a whole test set, so that models of different chapters (PCA,
 * dense and convolutional autoencoders) are compared on the same numbers:
 *
 * <pre>{@code
 * double sse = Metrics.ssePerImage(reconstructions, testImages);     // squared error of one image
 * double bce = Metrics.bcePerPixel(reconstructions, testImages);     // for outputs that are probabilities
 * double bce = Metrics.bcePerPixelFromLogits(logits, testImages);    // for a decoder without a final sigmoid
 * }</pre>
 *
 * <p>Both arrays have the images on axis 0, shape (n, 784) or any (n, ...), with the same shape.
 * Every sum is taken in float64: a test set has millions of pixels, and a float32 running sum of
 * that many terms loses digits the chapters print. The arrays passed in are left as they were, and
 * the intermediate arrays are closed before the method returns.
 */
public final class Metrics {

    /**
     * The probability clipping of {@link #bcePerPixel}: probabilities are kept in
     * [{@code BCE_EPSILON}, 1 - {@code BCE_EPSILON}], the value Keras uses, so that a pixel
     * predicted as exactly 0 or 1 costs at most -log(1e-7) = 16.1 instead of infinity.
     */
    public static final double BCE_EPSILON = 1e-7;

    private Metrics() {
    }

    /**
     * The sum of squared pixel errors of an image, averaged over the images:
     * (1/n) &Sigma;<sub>i</sub> &Sigma;<sub>p</sub> (x&#770;<sub>ip</sub> - x<sub>ip</sub>)&sup2;.
     * For PCA this is the squared distance of each image from its projection, the quantity PCA
     * minimises.
     *
     * @param reconstructions the model's outputs, shape (n, ...)
     * @param originals       the images they reconstruct, the same shape
     * @throws IllegalArgumentException if the shapes differ or there are no images
     */
    public static double ssePerImage(NDArray reconstructions, NDArray originals) {
        long images = checkShapes(reconstructions, originals, "reconstructions", "originals");
        try (NDManager scope = reconstructions.getManager().newSubManager()) {
            NDArray predicted = float64(reconstructions, scope);
            NDArray actual = float64(originals, scope);
            return predicted.sub(actual).square().sum().getDouble() / images;
        }
    }

    /**
     * The mean binary cross-entropy per pixel,
     * -mean(t log p + (1 - t) log(1 - p)), between predicted pixel probabilities {@code p} and target
     * pixel values {@code t} in [0, 1]. It reads each pixel as the probability of being white, as an
     * autoencoder with a sigmoid output does.
     *
     * <p>Probabilities are first clipped to [{@link #BCE_EPSILON}, 1 - {@link #BCE_EPSILON}]: outputs
     * that are not probabilities, such as PCA reconstructions, which leave [0, 1], or a sigmoid that
     * rounded to exactly 0 or 1 in float32, would otherwise give the logarithm of zero or of a negative
     * number, and the mean would be infinite or NaN. Note that for targets strictly between 0 and 1
     * (grey pixels) the cross-entropy is not 0 even for a perfect reconstruction; its minimum is the
     * targets' entropy.
     *
     * @param probabilities the model's outputs, shape (n, ...)
     * @param targets       the images, pixels in [0, 1], the same shape
     * @throws IllegalArgumentException if the shapes differ or there are no images
     */
    public static double bcePerPixel(NDArray probabilities, NDArray targets) {
        checkShapes(probabilities, targets, "probabilities", "targets");
        try (NDManager scope = probabilities.getManager().newSubManager()) {
            NDArray p = float64(probabilities, scope).clip(BCE_EPSILON, 1 - BCE_EPSILON);
            NDArray t = float64(targets, scope);
            NDArray logLikelihood = t.mul(p.log()).add(t.neg().add(1).mul(p.neg().add(1).log()));
            return -logLikelihood.sum().getDouble() / probabilities.size();
        }
    }

    /**
     * The mean binary cross-entropy per pixel of {@code sigmoid(logits)} against {@code targets},
     * computed from the logits z as max(z, 0) - z t + log(1 + exp(-|z|)). That form equals the
     * cross-entropy exactly, never takes the logarithm of zero and never overflows, so it needs no
     * clipping: use it for a decoder whose last layer has no sigmoid, which is how the chapters train
     * (on logits, for the same reason).
     *
     * @param logits  the model's outputs before the sigmoid, shape (n, ...)
     * @param targets the images, pixels in [0, 1], the same shape
     * @throws IllegalArgumentException if the shapes differ or there are no images
     */
    public static double bcePerPixelFromLogits(NDArray logits, NDArray targets) {
        checkShapes(logits, targets, "logits", "targets");
        try (NDManager scope = logits.getManager().newSubManager()) {
            NDArray z = float64(logits, scope);
            NDArray t = float64(targets, scope);
            NDArray loss = z.maximum(0).sub(z.mul(t)).add(z.abs().neg().exp().add(1).log());
            return loss.sum().getDouble() / logits.size();
        }
    }

    /** A float64 copy of {@code array} in {@code scope}, so that the caller's array stays open and unchanged. */
    private static NDArray float64(NDArray array, NDManager scope) {
        // toType(..., true) always copies; with false it would hand back the caller's own float64 array.
        NDArray copy = array.toType(DataType.FLOAT64, true);
        copy.attach(scope);
        return copy;
    }

    /** Checks that both arrays hold the same non-empty batch; returns the number of images. */
    private static long checkShapes(NDArray first, NDArray second, String firstName, String secondName) {
        Objects.requireNonNull(first, firstName);
        Objects.requireNonNull(second, secondName);
        Shape shape = first.getShape();
        Shape other = second.getShape();
        if (!shape.equals(other)) {
            throw new IllegalArgumentException(firstName + " have shape " + shape + " but " + secondName
                    + " have shape " + other + "; they must match, one output per image, for example (n, 784)"
                    + " for both (reshape one of them)");
        }
        if (shape.dimension() == 0 || shape.get(0) == 0 || shape.size() == 0) {
            throw new IllegalArgumentException(firstName + " have shape " + shape
                    + "; expected a non-empty batch of shape (n, ...) with the images on axis 0");
        }
        return shape.get(0);
    }
}
