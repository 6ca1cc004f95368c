package org.aelab.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.List;

/**
 * Initialises what a fit trains and is not initialised yet, with the run seed: the model's block
 * for the data's shape, and for steps every block a step's loss runs, by evaluating each loss once
 * on a few training samples (blocks take their input shapes from that first call). Then collects
 * each step's parameter group.
 */
final class Initialisation {

    /** Samples of the probe batch that initialisation and checkpoint keys run the code on. */
    static final int PROBE_SAMPLES = 16;

    private Initialisation() {
    }

    static void run(Fit fit, Block block, List<RunStep> plan) {
        Model model = fit.model();
        boolean steps = fit.steps() != null;
        Shape sample = fit.trainInputs().getShape().slice(1);
        if (!block.isInitialized() && !steps) {
            block.initialize(model.getNDManager(), model.getDataType(), new Shape(fit.batchSize()).addAll(sample));
        }
        boolean uninitialised = plan.stream().flatMap(s -> s.blocks.stream()).anyMatch(b -> !parametersReady(b));
        if (steps && (uninitialised || !parametersReady(block))) {
            try (NDManager scratch = model.getNDManager().newSubManager()) {
                ParameterStore store = new ParameterStore(scratch, false);
                TrainingBatch batch = probeBatch(fit, scratch, store, false);
                for (RunStep step : plan) {
                    step.loss.evaluate(batch);
                }
            }
            if (!parametersReady(block)) {
                throw new IllegalStateException("No step's loss ran the model's block, so it is still not initialised;"
                        + " initialise it yourself (block.initialize(...)) or make the model's block one that a step runs.");
            }
        }
        if (!block.isInitialized()) {
            // Its parts were initialised one by one (by the steps, or by the notebook); mark the whole
            // initialised too, for Models.forward and Models.summary. Initialised parameters are kept.
            try {
                block.initialize(model.getNDManager(), model.getDataType(), new Shape(fit.batchSize()).addAll(sample));
            } catch (RuntimeException e) {
                throw new IllegalStateException("The model's block does not take the training inputs (shape "
                        + sample + " per sample): " + e.getMessage() + ". Make it what the notebook runs on the"
                        + " data afterwards, e.g. encoder then decoder; blocks only a step uses need not be in it.", e);
            }
        }
        for (RunStep step : plan) {
            for (Block b : step.blocks) {
                if (!parametersReady(b)) {
                    throw new IllegalStateException("Step '" + step.name + "' trains a block that its loss never runs"
                            + " (it is still not initialised): run it with b.forward(block, ...) or remove it.");
                }
            }
        }
        for (RunStep step : plan) {
            step.collectGroup();
        }
    }

    /** True when every parameter of the block (and its children) has its values. */
    private static boolean parametersReady(Block block) {
        return block.getParameters().values().stream().allMatch(Parameter::isInitialized);
    }

    /** The first few training samples, input-transformed, as a batch in {@code manager}. */
    static TrainingBatch probeBatch(Fit fit, NDManager manager, ParameterStore store, boolean training) {
        NDArray inputs = fit.trainInputs();
        long n = Math.min(PROBE_SAMPLES, inputs.getShape().get(0));
        NDIndex first = new NDIndex().addSliceDim(0, n);
        NDArray x = inputs.get(manager, first);
        NDArray y = fit.trainTargets() == inputs ? x : fit.trainTargets().get(manager, first);
        NDArray input = fit.transformed(x);
        Model model = fit.model();
        return new TrainingBatch(manager, input, y, training, store, model.getNDManager(), model.getDataType());
    }
}
