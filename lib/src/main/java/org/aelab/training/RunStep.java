package org.aelab.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One update per batch as a run carries it out: its name, loss, the blocks it trains, how to build
 * its optimiser and, once the blocks are initialised, its parameter group. A fit with one loss has
 * one, called {@code loss}; a fit with {@link Step}s has one per step.
 */
final class RunStep {

    final String name;
    final StepLoss loss;
    final List<Block> blocks;
    final Supplier<Optimizer> optimiserFactory;
    final String optimiserDescription;
    /** The trainable parameters of {@link #blocks}, each once; set by {@link #collectGroup()}. */
    List<Parameter> group;

    private RunStep(String name, StepLoss loss, List<Block> blocks, Supplier<Optimizer> optimiserFactory,
            String optimiserDescription) {
        this.name = name;
        this.loss = loss;
        this.blocks = blocks;
        this.optimiserFactory = optimiserFactory;
        this.optimiserDescription = optimiserDescription;
    }

    /** The steps of {@code fit} on the model's {@code block}, in the order they run. */
    static List<RunStep> plan(Fit fit, Block block) {
        if (fit.steps() == null) {
            TrainingLoss single = fit.loss();
            StepLoss stepLoss = b -> single.evaluate(b.forwardAll(block, b.input()), b.target());
            return List.of(new RunStep("loss", stepLoss, List.of(block), fit.optimiser(), fit.optimiserDescription()));
        }
        List<RunStep> plan = new ArrayList<>();
        for (Step step : fit.steps()) {
            plan.add(new RunStep(step.name(), step.stepLoss(), step.trainedBlocks(), step::newOptimiser,
                    step.optimiserDescription()));
        }
        return plan;
    }

    /** The model's block, then every step block that is not part of it, each once: what a checkpoint holds. */
    static List<Block> savedBlocks(Block block, List<RunStep> plan) {
        Set<Block> inModel = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(block, inModel);
        List<Block> saved = new ArrayList<>(List.of(block));
        for (RunStep step : plan) {
            for (Block b : step.blocks) {
                if (!inModel.contains(b) && saved.stream().noneMatch(s -> s == b)) {
                    saved.add(b);
                }
            }
        }
        return saved;
    }

    private static void collect(Block block, Set<Block> into) {
        if (into.add(block)) {
            block.getChildren().values().forEach(child -> collect(child, into));
        }
    }

    /** Sets {@link #group}: every parameter of the step's blocks that records gradients, each once. */
    void collectGroup() {
        List<Parameter> parameters = new ArrayList<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Block b : blocks) {
            for (Parameter p : b.getParameters().values()) {
                if (p.requiresGradient() && seen.add(p)) {
                    parameters.add(p);
                }
            }
        }
        if (parameters.isEmpty()) {
            throw new IllegalStateException("Step '" + name + "' has no trainable parameters in its blocks.");
        }
        group = parameters;
    }
}
