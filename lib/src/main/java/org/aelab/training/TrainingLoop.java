package org.aelab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import tech.tablesaw.api.Table;

/**
 * The epochs of one run: shuffle, train batch by batch (each step of the plan with its own
 * parameter group and optimiser), evaluate on the test set, append a history row, report
 * progress; stops between batches when asked to. One instance per run; it reads the
 * {@link Fit}, which does not change.
 */
final class TrainingLoop {

    private final Fit fit;
    private final List<RunStep> plan;
    private final long trainSize;
    private final long testSize;
    private final int seed;
    private final int batchSize;
    private final int epochs;
    private final NDArray trainInputs;
    private final NDArray trainTargets;
    private final NDArray testInputs;
    private final NDArray testTargets;
    private final SplittableRandom shuffler;
    private final boolean sameTargets;
    private final boolean sameTestTargets;
    private final Progress progress;
    private final StopRequests stops;
    private final NDManager root;
    private final Engine engine;
    /** The same for every epoch: random draws in evaluation (input noise, prior samples) repeat, so test curves compare. */
    private final int evaluationSeed;
    private final long trainingSeeds;
    private final List<Parameter> all = new ArrayList<>();
    /** For each step, which of {@link #all} it trains. */
    private boolean[][] groups;
    /** Which of {@link #all} record gradients right now. */
    private boolean[] recording;
    private Optimizer[] optimisers;
    private boolean[] optimiserZeroesGradients;
    private List<String> termNames;
    private boolean interrupted;
    private final HistoryTable history;

    TrainingLoop(Fit fit, List<RunStep> plan, int seed, StopRequests stops) {
        this.fit = fit;
        this.plan = plan;
        this.seed = seed;
        this.batchSize = fit.batchSize();
        this.epochs = fit.epochs();
        this.trainInputs = fit.trainInputs();
        this.trainTargets = fit.trainTargets();
        this.testInputs = fit.testInputs();
        this.testTargets = fit.testTargets();
        this.trainSize = trainInputs.getShape().get(0);
        this.testSize = testInputs.getShape().get(0);
        this.sameTargets = trainTargets == trainInputs;
        this.sameTestTargets = testTargets == testInputs;
        this.shuffler = new SplittableRandom(seed);
        SplittableRandom seeds = new SplittableRandom(seed).split();
        this.evaluationSeed = seeds.nextInt();
        this.trainingSeeds = seeds.nextLong();
        int stepsPerEpoch = (int) ((trainSize + batchSize - 1) / batchSize);
        this.progress = new Progress(fit.showsProgress(), epochs, stepsPerEpoch);
        this.stops = stops;
        this.root = fit.model().getNDManager();
        this.engine = root.getEngine();
        this.history = new HistoryTable(fit.historyName());
    }

    /** True when a stop ended the run before its last epoch. */
    boolean interrupted() {
        return interrupted;
    }

    /** Trains every epoch (or until a stop) and returns the history table. */
    Table train() {
        long[] order = new long[Math.toIntExact(trainSize)];
        Arrays.setAll(order, i -> i);
        optimisers = new Optimizer[plan.size()];
        optimiserZeroesGradients = new boolean[plan.size()];
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < plan.size(); i++) {
            optimisers[i] = plan.get(i).optimiserFactory.get();
            // DJL's PyTorch Adam and SGD clear the gradient as they apply it; others leave it.
            optimiserZeroesGradients[i] = optimisers[i] instanceof Adam || optimisers[i] instanceof Sgd;
            for (Parameter p : plan.get(i).group) {
                if (seen.add(p)) {
                    all.add(p);
                }
            }
        }
        groups = new boolean[plan.size()][all.size()];
        for (int i = 0; i < plan.size(); i++) {
            Set<Parameter> group = Collections.newSetFromMap(new IdentityHashMap<>());
            group.addAll(plan.get(i).group);
            for (int k = 0; k < all.size(); k++) {
                groups[i][k] = group.contains(all.get(k));
            }
        }
        recording = new boolean[all.size()];
        progress.start(startMessage());
        int epoch = 0;
        try {
            clearGradients();
            ParameterStore store = new ParameterStore(root, false);
            for (epoch = 1; epoch <= epochs; epoch++) {
                long start = System.nanoTime();
                shuffle(order);
                engine.setRandomSeed(trainingSeed(epoch));
                Map<String, Double> train = trainEpoch(store, order, epoch, start);
                if (train == null) {
                    break;
                }
                double trainSeconds = (System.nanoTime() - start) / 1e9;
                engine.setRandomSeed(evaluationSeed);
                Map<String, Double> test = evaluate(store);
                if (test == null) {
                    break;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                history.add(epoch, train, test, seconds);
                progress.epochDone(epoch, train, test, seconds, trainSize / trainSeconds);
                if (fit.afterEpoch() != null) {
                    fit.afterEpoch().accept(epoch);
                }
                // A stop during the last epoch's callback ends nothing early: the run is complete.
                if (stops.requested() && epoch < epochs) {
                    interrupted = true;
                    epoch++;
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            if (!stops.isStop(e)) {
                throw e;
            }
            interrupted = true; // a step ran past the kernel's grace period; the epochs before it stand
        } finally {
            restoreRecording();
        }
        Table table = history.table(termNames);
        if (interrupted) {
            progress.finish(String.format(Locale.ROOT,
                    "Interrupted in epoch %d: kept the parameters and the history of %d completed epoch%s.",
                    Math.min(epoch, epochs), table.rowCount(), table.rowCount() == 1 ? "" : "s"),
                    (double) table.rowCount() / epochs);
        } else {
            String done = String.format(Locale.ROOT, "Done: %d epochs in %s.", epochs,
                    Progress.duration(table.doubleColumn(TrainingHistory.SECONDS).sum()));
            if (plan.size() == 1 && termNames != null) {   // adversarial steps' losses rise and fall by design
                done += TrainingHistory.spikeNote(table, termNames.get(0)).map(note -> " " + note).orElse("");
            }
            progress.finish(done, 1);
        }
        return table;
    }

    /**
     * The engine seed of an epoch's training: its own for each epoch, so that neither
     * initialisation, probing nor evaluation shifts what training draws.
     */
    private int trainingSeed(int epoch) {
        return new SplittableRandom(trainingSeeds + epoch).nextInt();
    }

    private String startMessage() {
        StringBuilder how = new StringBuilder();
        if (fit.steps() == null) {
            how.append(plan.get(0).optimiserDescription);
        } else {
            how.append(plan.size()).append(" steps per batch: ");
            for (int i = 0; i < plan.size(); i++) {
                how.append(i == 0 ? "" : ", ").append(plan.get(i).name).append(' ')
                        .append(plan.get(i).optimiserDescription);
            }
        }
        return String.format(Locale.ROOT, "Training %d epochs of %,d samples in batches of %d (%s; seed %d)",
                epochs, trainSize, batchSize, how, seed);
    }

    /** Returns the epoch's sample-weighted mean losses, or null when interrupted. */
    private Map<String, Double> trainEpoch(ParameterStore store, long[] order, int epoch, long start) {
        try (NDManager epochManager = root.newSubManager()) {
            NDArray[] sums = null;
            long seen = 0;
            int step = 0;
            for (long from = 0; from < trainSize; from += batchSize) {
                if (stops.requested()) {
                    interrupted = true;
                    return null;
                }
                int to = (int) Math.min(trainSize, from + batchSize);
                try (NDManager stepManager = epochManager.newSubManager()) {
                    NDArray index = stepManager.create(Arrays.copyOfRange(order, (int) from, to));
                    NDArray x = trainInputs.get(stepManager, new NDIndex("{}", index));
                    NDArray y = sameTargets ? x : trainTargets.get(stepManager, new NDIndex("{}", index));
                    TrainingBatch batch = new TrainingBatch(stepManager, fit.transformed(x), y, true, store,
                            root, fit.model().getDataType());
                    List<LossTerms> results = new ArrayList<>(plan.size());
                    for (int i = 0; i < plan.size(); i++) {
                        results.add(update(i, batch));
                    }
                    if (termNames == null) {
                        termNames = checkTerms(results);
                    }
                    if (sums == null) {
                        sums = zeros(epochManager);
                    }
                    accumulate(sums, results, to - from);
                }
                seen += to - from;
                step++;
                long now = System.nanoTime();
                if (progress.stepUpdateDue(now)) {
                    progress.step(epoch, step, means(sums, seen), seen / ((now - start) / 1e9), now);
                }
            }
            return means(sums, seen);
        }
    }

    /** One step: its loss with gradients recorded for its own parameters only, then its optimiser. */
    private LossTerms update(int i, TrainingBatch batch) {
        RunStep step = plan.get(i);
        if (plan.size() > 1) {
            recordOnly(groups[i]);
        }
        LossTerms terms;
        try (GradientCollector collector = engine.newGradientCollector()) {
            terms = step.loss.evaluate(batch);
            if (terms == null) {
                throw new IllegalStateException("The loss of step '" + step.name + "' returned null; return LossTerms.");
            }
            collector.backward(terms.optimised());
        }
        Optimizer optimiser = optimisers[i];
        boolean clear = !optimiserZeroesGradients[i];
        for (Parameter p : step.group) {
            NDArray weight = p.getArray();
            try (NDArray gradient = weight.getGradient()) {
                optimiser.update(p.getId(), weight, gradient);
                if (clear) {
                    gradient.subi(gradient);
                }
            }
        }
        return terms;
    }

    /** Freezes every parameter outside the step's group, so it records no gradient this step. */
    private void recordOnly(boolean[] group) {
        for (int k = 0; k < recording.length; k++) {
            if (recording[k] != group[k]) {
                all.get(k).getArray().setRequiresGradient(group[k]);
                recording[k] = group[k];
            }
        }
    }

    /** Parameters loaded from a file may come without gradient tracking; and no step may start with old gradients. */
    private void clearGradients() {
        for (int k = 0; k < all.size(); k++) {
            NDArray array = all.get(k).getArray();
            if (!array.hasGradient()) {
                array.setRequiresGradient(true);
            }
            recording[k] = true;
            try (NDArray gradient = array.getGradient()) {
                gradient.subi(gradient);
            }
        }
    }

    private void restoreRecording() {
        if (recording == null) {
            return;
        }
        for (int k = 0; k < all.size(); k++) {
            if (!recording[k]) {
                all.get(k).getArray().setRequiresGradient(true);
                recording[k] = true;
            }
        }
    }

    /** Test-set losses with the current parameters, or null when interrupted. */
    private Map<String, Double> evaluate(ParameterStore store) {
        long evalBatch = Math.max(batchSize, 1024);
        try (NDManager evalManager = root.newSubManager()) {
            NDArray[] sums = zeros(evalManager);
            for (long from = 0; from < testSize; from += evalBatch) {
                if (stops.requested()) {
                    interrupted = true;
                    return null;
                }
                long to = Math.min(testSize, from + evalBatch);
                try (NDManager stepManager = evalManager.newSubManager()) {
                    NDIndex range = new NDIndex().addSliceDim(from, to);
                    NDArray x = testInputs.get(stepManager, range);
                    NDArray y = sameTestTargets ? x : testTargets.get(stepManager, range);
                    TrainingBatch batch = new TrainingBatch(stepManager, fit.transformed(x), y, false, store,
                            root, fit.model().getDataType());
                    List<LossTerms> results = new ArrayList<>(plan.size());
                    for (RunStep step : plan) {
                        results.add(step.loss.evaluate(batch));
                    }
                    List<String> names = results.stream().flatMap(t -> t.names().stream()).toList();
                    if (!names.equals(termNames)) {
                        throw new IllegalStateException("The loss returned terms " + names
                                + " on the test set but " + termNames + " in training; keep them the same.");
                    }
                    accumulate(sums, results, to - from);
                }
            }
            return means(sums, testSize);
        }
    }

    private NDArray[] zeros(NDManager manager) {
        NDArray[] sums = new NDArray[termNames.size()];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = manager.zeros(new Shape(), DataType.FLOAT64);
        }
        return sums;
    }

    /** Adds batch-mean times batch size to each sum, in place, on the engine side (no read-back). */
    private static void accumulate(NDArray[] sums, List<LossTerms> results, long batch) {
        int i = 0;
        for (LossTerms terms : results) {
            for (NDArray value : terms.asMap().values()) {
                sums[i++].addi(value.toType(DataType.FLOAT64, false).mul(batch));
            }
        }
    }

    private Map<String, Double> means(NDArray[] sums, long count) {
        Map<String, Double> means = new LinkedHashMap<>();
        for (int i = 0; i < sums.length; i++) {
            means.put(termNames.get(i), sums[i].getDouble() / count);
        }
        return means;
    }

    private void shuffle(long[] order) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = shuffler.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** The term names of one batch, optimised first per step; each must be a scalar and unique. */
    private List<String> checkTerms(List<LossTerms> results) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            for (Map.Entry<String, NDArray> term : results.get(i).asMap().entrySet()) {
                if (term.getValue().size() != 1) {
                    throw new IllegalArgumentException("Loss term '" + term.getKey() + "' has shape "
                            + term.getValue().getShape() + " but must be a scalar: take the mean over the batch.");
                }
                if (names.contains(term.getKey())) {
                    throw new IllegalArgumentException("Loss term '" + term.getKey() + "' is returned by two steps"
                            + (fit.steps() == null ? "" : " (the second is '" + fit.steps().get(i).name() + "')")
                            + "; name the terms of each step differently.");
                }
                names.add(term.getKey());
            }
        }
        return names;
    }
}
