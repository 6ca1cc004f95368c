package org.aelab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.util.Objects;

/**
 * What a {@link StepLoss} sees of one batch: the input (after the fit's input transform), its
 * target, and {@link #forward} to run any block on it in the right mode. Everything created here
 * lives in the step's {@link #manager()} and is freed when the step ends.
 *
 * <pre>{@code
 * b -> {
 *     NDArray codes = b.forward(encoder, b.input());                       // q(z|x)
 *     NDArray prior = b.manager().randomNormal(codes.getShape());          // z ~ N(0, I), seeded by the fit
 *     ...
 * }
 * }</pre>
 *
 * <p>During training {@link #training()} is true and blocks run in training mode (dropout on);
 * the same loss is evaluated on the test set with it false, without gradients or updates.
 */
public final class TrainingBatch {

    private final NDManager manager;
    private final NDArray input;
    private final NDArray target;
    private final boolean training;
    private final ParameterStore parameters;
    private final NDManager parameterManager;
    private final DataType dataType;

    TrainingBatch(NDManager manager, NDArray input, NDArray target, boolean training, ParameterStore parameters,
            NDManager parameterManager, DataType dataType) {
        this.manager = manager;
        this.input = input;
        this.target = target;
        this.training = training;
        this.parameters = parameters;
        this.parameterManager = parameterManager;
        this.dataType = dataType;
    }

    /** The input batch, after the fit's input transform (e.g. noisy images). */
    public NDArray input() {
        return input;
    }

    /** The target batch (for an autoencoder the clean inputs). */
    public NDArray target() {
        return target;
    }

    /** Samples in the batch. */
    public long size() {
        return input.getShape().get(0);
    }

    /** True while training; false when the loss is evaluated on the test set. */
    public boolean training() {
        return training;
    }

    /**
     * The step's manager: arrays made here (say, prior samples with {@code randomNormal}) are freed
     * at the end of the step. Random draws come from the engine, which the fit seeds.
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * Runs {@code block} on {@code inputs} and returns its first output. The block is initialised
     * for these input shapes on first use (with the fit's seed) if it is not yet.
     */
    public NDArray forward(Block block, NDArray... inputs) {
        return forwardAll(block, inputs).get(0);
    }

    /** Runs {@code block} on {@code inputs} and returns all its outputs (a VAE's encoder returns mean and log-variance). */
    public NDList forwardAll(Block block, NDArray... inputs) {
        Objects.requireNonNull(block, "block");
        if (inputs.length == 0) {
            throw new IllegalArgumentException("forward needs at least one input array");
        }
        NDList list = new NDList(inputs);
        if (!block.isInitialized()) {
            Shape[] shapes = list.getShapes();
            block.initialize(parameterManager, dataType, shapes);
        }
        NDList outputs = block.forward(parameters, list, training);
        if (outputs.isEmpty()) {
            throw new IllegalStateException("The block " + block.getClass().getSimpleName() + " returned no output.");
        }
        return outputs;
    }
}
