package org.aelab.training;

import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One update of a {@link Fit} with several steps per batch: a loss, the blocks whose parameters it
 * trains (its parameter group) and its own optimiser. The adversarial autoencoder has three:
 *
 * <pre>{@code
 * Step reconstruction = Step.named("reconstruction").blocks(encoder, decoder).adam(1e-3)
 *         .loss(b -> LossTerms.of("reconstruction", bce(b.forward(decoder, b.forward(encoder, b.input())), b.target())));
 * Step discriminator = Step.named("discriminator").blocks(critic).adam(1e-3)
 *         .loss(b -> { ... return LossTerms.of("discriminator", bce).and("D accuracy", accuracy); });
 * Step regularisation = Step.named("regularisation").blocks(encoder).adam(1e-3)
 *         .loss(b -> LossTerms.of("generator", ...));
 * Fit.model(model).data(train, test).steps(reconstruction, discriminator, regularisation)...run();
 * }</pre>
 *
 * <p>In each batch the steps run in the order given, each on the same (transformed) input batch:
 * its loss is evaluated with gradients recorded, and its optimiser updates the parameters of its
 * blocks only. While a step runs, every other parameter of the fit is frozen (it records no
 * gradient), so a step can run any network forward, say the discriminator inside the encoder's
 * step, without training it, and no gradient leaks into the next step. Codes that the
 * discriminator's step computes with the (frozen) encoder therefore need no {@code stopGradient()}.
 *
 * <p>A step is a value, like a {@link Fit}: every setting returns a new {@code Step} and leaves the
 * one it was called on unchanged, so one step can be the start of several. Each {@link Fit#run()}
 * builds its optimiser afresh, so running the training cell again never continues with the
 * optimiser state of an earlier run.
 */
public final class Step {

    private final String name;
    private final List<Block> blocks;
    private final StepLoss loss;
    private final Supplier<Optimizer> optimiser;
    private final String optimiserDescription;

    private Step(String name, List<Block> blocks, StepLoss loss, Supplier<Optimizer> optimiser,
            String optimiserDescription) {
        this.name = name;
        this.blocks = blocks;
        this.loss = loss;
        this.optimiser = optimiser;
        this.optimiserDescription = optimiserDescription;
    }

    /** Starts describing the step called {@code name} (shown in the progress and the checkpoint key). */
    public static Step named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A step needs a non-blank name, e.g. Step.named(\"discriminator\").");
        }
        return new Step(name, List.of(), null, null, null).adam(1e-3);
    }

    /** The blocks whose parameters this step trains (required; a block may belong to several steps). */
    public Step blocks(Block... blocks) {
        if (blocks.length == 0) {
            throw new IllegalArgumentException("Step '" + name + "' needs at least one block to train.");
        }
        for (Block block : blocks) {
            Objects.requireNonNull(block, "a block of step '" + name + "'");
        }
        return new Step(name, List.of(blocks), loss, optimiser, optimiserDescription);
    }

    /** The loss of one batch (required); its first term is minimised, the others are only recorded. */
    public Step loss(StepLoss loss) {
        return new Step(name, blocks, Objects.requireNonNull(loss, "loss"), optimiser, optimiserDescription);
    }

    /** Adam ({@link OnePassAdam}) with a fixed learning rate and DJL's default betas (the default: Adam 1e-3). */
    public Step adam(double learningRate) {
        return adam(learningRate, 0.9, 0.999);
    }

    /** Adam with a fixed learning rate and the given betas (adversarial training often uses beta1 = 0.5). */
    public Step adam(double learningRate, double beta1, double beta2) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Learning rate of step '" + name + "' must be positive, got "
                    + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam's betas must lie in [0, 1), got " + beta1 + " and " + beta2);
        }
        Supplier<Optimizer> adam = () -> OnePassAdam.of((float) learningRate, (float) beta1, (float) beta2);
        String description = beta1 == 0.9 && beta2 == 0.999
                ? "adam(lr=" + learningRate + ")"
                : "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ")";
        return new Step(name, blocks, loss, adam, description);
    }

    /**
     * Any DJL optimiser, built afresh for each run by {@code factory}; {@code description} (e.g.
     * {@code "sgd(lr=0.1)"}) names its settings in the checkpoint key, which cannot see inside it.
     */
    public Step optimiser(Supplier<Optimizer> factory, String description) {
        return new Step(name, blocks, loss, Objects.requireNonNull(factory, "factory"),
                Objects.requireNonNull(description, "description"));
    }

    /** The step's name. */
    public String name() {
        return name;
    }

    List<Block> trainedBlocks() {
        return blocks;
    }

    StepLoss stepLoss() {
        return loss;
    }

    Optimizer newOptimiser() {
        return optimiser.get();
    }

    String optimiserDescription() {
        return optimiserDescription;
    }

    void checkComplete() {
        if (blocks.isEmpty()) {
            throw new IllegalStateException("Step '" + name + "' trains no blocks: call blocks(...), e.g. blocks(encoder, decoder).");
        }
        if (loss == null) {
            throw new IllegalStateException("Step '" + name + "' has no loss: call loss(b -> ...).");
        }
    }

    @Override
    public String toString() {
        return "Step " + name + " (" + optimiserDescription + ")";
    }
}
