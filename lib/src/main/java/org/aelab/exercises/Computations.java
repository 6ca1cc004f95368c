package org.aelab.exercises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Small computations the exercises share. */
final class Computations {

    private Computations() {
    }

    /** The first output of {@code block} on {@code input}, with dropout on or off as {@code training} says. */
    static NDArray apply(Block block, NDArray input, boolean training) {
        return block.forward(new ParameterStore(input.getManager(), false), new NDList(input), training).head();
    }

    /** The mean of {@code array} as a double, summed in float64. */
    static double mean(NDArray array) {
        return array.toType(DataType.FLOAT64, false).mean().getDouble();
    }

    /** The rank-k PCA reconstructions μ + V_k V_kᵀ (x − μ) of the rows of {@code images}. */
    static NDArray pcaReconstruct(NDArray images, NDArray mean, NDArray components, int k) {
        NDArray basis = components.get(":, :" + k);
        return images.sub(mean).matMul(basis).matMul(basis.transpose()).add(mean);
    }

    /** The closed-form KL(N(μ, σ²) ‖ N(0, I)) of each row, from μ and log σ² (n, d): shape (n). */
    static NDArray klToStandardNormal(NDArray mu, NDArray logVariance) {
        return logVariance.add(1f).sub(mu.square()).sub(logVariance.exp()).sum(new int[] {1}).mul(-0.5f);
    }
}
