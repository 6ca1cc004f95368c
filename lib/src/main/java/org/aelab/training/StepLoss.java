package org.aelab.training;

/**
 * The loss of one {@link Step}: runs the networks it needs on the batch (with
 * {@link TrainingBatch#forward}) and returns named scalar terms, the minimised one first. Further
 * terms are only recorded, e.g. the discriminator's accuracy next to its cross-entropy.
 *
 * <pre>{@code
 * StepLoss reconstruction = b -> {
 *     NDArray logits = b.forward(decoder, b.forward(encoder, b.input()));
 *     return LossTerms.of("reconstruction", bceFromLogits(logits, b.target()));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface StepLoss {

    /**
     * Computes the step's loss terms for one batch.
     *
     * @param batch the batch, its target, and the way to run blocks on it
     * @return scalar terms (batch means), the minimised one first
     */
    LossTerms evaluate(TrainingBatch batch);
}
