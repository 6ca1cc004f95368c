package org.aelab.exercises;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.aelab.training.Models;

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

    /** The closed-form KL(N(μ_j, σ_j²) ‖ N(0, 1)) of each row and latent dimension, from μ and log σ²: shape (n, d). */
    static NDArray klPerDimension(NDArray mu, NDArray logVariance) {
        return logVariance.add(1f).sub(mu.square()).sub(logVariance.exp()).mul(-0.5f);
    }

    /** The closed-form KL(N(μ, σ²) ‖ N(0, I)) of each row, from μ and log σ² (n, d): shape (n). */
    static NDArray klToStandardNormal(NDArray mu, NDArray logVariance) {
        return klPerDimension(mu, logVariance).sum(new int[] {1});
    }

    /**
     * A VAE's outputs on {@code images} in batches: the logits ℓ, μ and log σ² (notebooks 04 and 06);
     * {@code what} names the model in the error when it returns fewer.
     */
    static NDList vaeOutputs(Model model, NDArray images, String what) {
        NDList outputs = Models.forward(model, images, Models.DEFAULT_BATCH_SIZE);
        if (outputs.size() < 3) {
            throw new IllegalArgumentException(what + " returns " + outputs.size() + " output(s); a VAE of notebooks 04 "
                    + "and 06 returns three: the logits ℓ, μ and log σ²");
        }
        return outputs;
    }

    /** A VAE's test reconstruction term (one sampled z, summed cross-entropy) and KL, nats per image. */
    static double[] reconstructionAndKl(NDList outputs, NDArray images) {
        NDArray logits = outputs.get(0);
        NDArray reconstruction = Activation.softPlus(logits).sub(logits.mul(images)).sum(new int[] {1});
        return new double[] {mean(reconstruction), mean(klToStandardNormal(outputs.get(1), outputs.get(2)))};
    }
}
