package org.aelab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.loss.Loss;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A loss the notebook supplies: model outputs and targets of one batch in, named scalar terms out.
 * The model may return several arrays (a VAE returns logits, mean and log-variance); simple
 * losses use the first.
 *
 * <pre>{@code
 * TrainingLoss vae = (out, x) -> {
 *     NDArray logits = out.get(0), mu = out.get(1), logVar = out.get(2);
 *     NDArray rec = ...; NDArray kl = ...;
 *     return LossTerms.of("total", rec.add(kl)).and("reconstruction", rec).and("kl", kl);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface TrainingLoss {

    /**
     * Computes the loss terms of one batch.
     *
     * @param predictions the model's outputs for the batch
     * @param targets what the model should produce (for an autoencoder, the clean inputs)
     * @return scalar terms (batch means), the optimised one first
     */
    LossTerms evaluate(NDList predictions, NDArray targets);

    /**
     * A single-term loss on the model's first output.
     *
     * @param name the term's name in the history (e.g. {@code "loss"})
     * @param loss (prediction, target) to a scalar
     */
    static TrainingLoss of(String name, BiFunction<NDArray, NDArray, NDArray> loss) {
        Objects.requireNonNull(loss, "loss");
        return (predictions, targets) -> LossTerms.of(name, loss.apply(predictions.get(0), targets));
    }

    /**
     * Binary cross-entropy of the model's first output read as logits against targets in [0, 1],
     * averaged over pixels and batch; named {@code "loss"}. Computed from logits as
     * {@code softplus(z) - z*t}, so the model ends without a sigmoid: the engine's softplus is
     * stable for large |z|, and one operation where {@code max(z,0) - z*t + log(1 + exp(-|z|))}
     * needs seven (each a pass over the batch, forward and backward).
     */
    static TrainingLoss sigmoidBinaryCrossEntropy() {
        return of("loss", (logits, targets) -> Activation.softPlus(logits)
                .sub(logits.mul(targets))
                .mean());
    }

    /** Mean squared error of the model's first output, averaged over elements and batch; named {@code "loss"}. */
    static TrainingLoss meanSquaredError() {
        return of("loss", (prediction, targets) -> prediction.sub(targets).square().mean());
    }

    /** Wraps a DJL {@link Loss} (called as {@code loss.evaluate(targets, predictions)}); the term takes its name. */
    static TrainingLoss from(Loss loss) {
        Objects.requireNonNull(loss, "loss");
        return (predictions, targets) ->
                LossTerms.of(loss.getName(), loss.evaluate(new NDList(targets), predictions));
    }
}
