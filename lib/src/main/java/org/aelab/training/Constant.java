package org.aelab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A number to multiply, divide or raise by in code that is differentiated: a loss, a model's
 * forward pass, anything a {@link ai.djl.training.GradientCollector} records. Write
 * {@code x.mul(Constant.of(x, 0.5f))} where {@code x.mul(0.5f)} would read more naturally.
 *
 * <p>Why: DJL 0.36's PyTorch engine turns the number of {@code mul(Number)}, {@code div(Number)}
 * and {@code pow(Number)} into a tensor that views a Java direct buffer, without a copy, and closes
 * that tensor as soon as the product is made. The backward pass reads the number again. If the
 * garbage collector has freed the buffer in between, its memory may hold anything, and the gradient
 * is silently wrong: a VAE's training then jumped at random epochs, and no two runs of one seed
 * agreed (docs/benchmarks.md, "Repeatability"). A constant from here is a 0-d array that the engine
 * allocates itself, in the manager of the array it goes with, so it lives at least as long as the
 * batch it is used on. {@code add(Number)} and {@code sub(Number)} are safe as they are: their
 * backward pass does not read the number.
 */
public final class Constant {

    private Constant() {
    }

    /**
     * The number {@code value} as a 0-d array of {@code like}'s data type, in {@code like}'s
     * manager and device.
     *
     * @param like the array the constant will be combined with
     * @param value the number
     * @return a scalar array that broadcasts against {@code like}
     */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }
}
