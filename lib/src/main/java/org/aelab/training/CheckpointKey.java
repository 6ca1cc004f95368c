package org.aelab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text whose hash names a fit's checkpoint: its settings, the data's fingerprints, the
 * parameters at the start, and what the code does on a probe batch under a fixed seed (the input
 * transform's output, the model's output, every loss term), rounded so that float noise cannot
 * tell two runs of the same code apart.
 */
final class CheckpointKey {

    /** Engine seed of the probe, the same in every run, so that the probe sees the code and not the seed. */
    static final int PROBE_SEED = 0x5EED;

    private CheckpointKey() {
    }

    /** The key's text; {@link #of} hashes it. */
    static String settings(Fit fit, int runSeed, Block block, List<Block> saved, List<RunStep> plan,
            String parameters, boolean continuing) {
        StringBuilder s = new StringBuilder();
        s.append("name: ").append(fit.checkpointName()).append('\n');
        for (RunStep step : plan) {
            // the class too: the same settings in another implementation round differently
            s.append("step ").append(step.name).append(": ").append(step.optimiserDescription)
                    .append(" (").append(step.optimiserFactory.get().getClass().getName()).append(")")
                    .append(", ").append(step.group.size()).append(" parameter arrays\n");
        }
        s.append("batch size: ").append(fit.batchSize()).append('\n');
        s.append("epochs: ").append(fit.epochs()).append('\n');
        s.append("seed: ").append(runSeed).append('\n');
        NDArray trainInputs = fit.trainInputs();
        NDArray testInputs = fit.testInputs();
        s.append("train inputs: ").append(Fingerprints.data(trainInputs)).append('\n');
        s.append("train targets: ").append(fit.trainTargets() == trainInputs ? "inputs"
                : Fingerprints.data(fit.trainTargets())).append('\n');
        s.append("test inputs: ").append(Fingerprints.data(testInputs)).append('\n');
        s.append("test targets: ").append(fit.testTargets() == testInputs ? "inputs"
                : Fingerprints.data(fit.testTargets())).append('\n');
        s.append("start: ").append(continuing ? "continued from an earlier fit's parameters" : "as initialised")
                .append(", parameters ").append(parameters).append('\n');
        probe(s, fit, block, plan);
        for (Block b : saved) {
            s.append("block:\n").append(b).append('\n');
        }
        return s.toString();
    }

    /** The key itself: 16 hex digits of the settings' hash. */
    static String of(String settings) {
        return Fingerprints.sha256(settings).substring(0, 16);
    }

    /**
     * Runs the input transform, the model and every loss on the first training samples under a
     * fixed seed, in training mode without gradients, and records rounded summaries. Parameters
     * that a forward pass may change (batch-norm statistics) are put back afterwards.
     */
    private static void probe(StringBuilder s, Fit fit, Block block, List<RunStep> plan) {
        NDManager root = fit.model().getNDManager();
        Engine engine = root.getEngine();
        try (NDManager scratch = root.newSubManager()) {
            List<Parameter> untrained = new ArrayList<>();
            List<NDArray> kept = new ArrayList<>();
            for (RunStep step : plan) {
                for (Block b : step.blocks) {
                    for (Parameter p : b.getParameters().values()) {
                        if (!p.requiresGradient() && p.isInitialized()) {
                            untrained.add(p);
                            NDArray copy = p.getArray().duplicate();
                            copy.attach(scratch);
                            kept.add(copy);
                        }
                    }
                }
            }
            ParameterStore store = new ParameterStore(scratch, false);
            engine.setRandomSeed(PROBE_SEED);
            TrainingBatch batch = Initialisation.probeBatch(fit, scratch, store, true);
            s.append("input transform: ").append(!fit.hasInputTransform() ? "none"
                    : Fingerprints.summary(batch.input())).append('\n');
            if (fit.steps() == null) {
                engine.setRandomSeed(PROBE_SEED);
                s.append("model output: ").append(Fingerprints.summary(batch.forward(block, batch.input()))).append('\n');
            }
            for (RunStep step : plan) {
                engine.setRandomSeed(PROBE_SEED);
                LossTerms terms = step.loss.evaluate(batch);
                for (Map.Entry<String, NDArray> term : terms.asMap().entrySet()) {
                    s.append("loss ").append(step.name).append(" / ").append(term.getKey()).append(": ")
                            .append(Fingerprints.summary(term.getValue())).append('\n');
                }
            }
            for (int i = 0; i < untrained.size(); i++) {
                kept.get(i).copyTo(untrained.get(i).getArray());
            }
        }
    }
}
