package org.aelab.training;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Fits a DJL {@link Model} whose block the notebook built, for a number of epochs, evaluating
 * on the test set after each and recording a {@link TrainingHistory}:
 *
 * <pre>{@code
 * TrainingHistory history = Fit.model(model)
 *         .data(trainImages, testImages)              // an autoencoder: targets = inputs
 *         .loss(TrainingLoss.sigmoidBinaryCrossEntropy())
 *         .adam(1e-3).batchSize(512).epochs(20).seed(42)
 *         .checkpoint("autoencoder")
 *         .run();
 * history.plot();
 * }</pre>
 *
 * <p>Both data sets stay whole on the engine side; each step gathers its shuffled batch by index,
 * runs in its own {@link NDManager} that is closed at the end of the step, and adds its losses to
 * engine-side sums that are read back once per epoch (in a notebook also at most twice a second
 * for the live display). No DJL training listeners are attached.
 *
 * <p><b>Interrupting</b> (the kernel's interrupt, i.e. {@link Thread#interrupt()} of the running
 * thread) stops at the next step: parameters and the history of the completed epochs are kept, a
 * one-line message says so and {@link #run()} returns normally. An interrupted run writes no
 * checkpoint.
 *
 * <p><b>Seeds</b>: {@link #seed(int)} seeds the engine (parameter initialisation, random numbers an
 * input transform draws) and the shuffling, so a run repeats on the same machine. The block is
 * initialised here only if it is not yet initialised; a block already initialised keeps its
 * parameters and training continues from them.
 *
 * <p><b>Checkpoints</b>: with {@link #checkpoint(String)} the parameters and history are saved when
 * training completes, under {@link Checkpoints#root()}{@code /<name>/<key>}, where the key is a
 * hash of the name, the block's structure, optimiser, batch size, epochs, seed, the data shapes
 * and sums, and {@link #tag(String)}. When that checkpoint already exists the fit loads it instead
 * of training (unless {@link #retrain(boolean)} or {@code AELAB_RETRAIN=1}). The loss and the input
 * transform are code and cannot be hashed: change the tag when you change them.
 */
public final class Fit {

    private final Model model;
    private NDArray trainInputs;
    private NDArray trainTargets;
    private NDArray testInputs;
    private NDArray testTargets;
    private UnaryOperator<NDArray> inputTransform;
    private TrainingLoss loss;
    private Optimizer optimizer;
    private String optimizerDescription;
    private int batchSize = 128;
    private int epochs = 10;
    private Integer seed;
    private String checkpointName;
    private String tag = "";
    private Boolean retrain;
    private boolean showProgress = true;
    private IntConsumer afterEpoch;

    private Fit(Model model) {
        this.model = Objects.requireNonNull(model, "model");
        adam(1e-3);
    }

    /** Starts configuring a fit of {@code model}; its block must be set. */
    public static Fit model(Model model) {
        return new Fit(model);
    }

    /** Autoencoder data: each set is its own target. The first axis indexes samples. */
    public Fit data(NDArray trainInputs, NDArray testInputs) {
        return data(trainInputs, trainInputs, testInputs, testInputs);
    }

    /** Inputs and targets given separately (the first axis indexes samples in all four). */
    public Fit data(NDArray trainInputs, NDArray trainTargets, NDArray testInputs, NDArray testTargets) {
        this.trainInputs = Objects.requireNonNull(trainInputs, "trainInputs");
        this.trainTargets = Objects.requireNonNull(trainTargets, "trainTargets");
        this.testInputs = Objects.requireNonNull(testInputs, "testInputs");
        this.testTargets = Objects.requireNonNull(testTargets, "testTargets");
        return this;
    }

    /**
     * Data from two {@link ArrayDataset}s: the first data array is the input; the first label array
     * the target, or the input itself when the dataset has no labels.
     */
    public Fit data(ArrayDataset train, ArrayDataset test) {
        NDArray[] trainArrays = whole(train, "train");
        NDArray[] testArrays = whole(test, "test");
        return data(trainArrays[0], trainArrays[1], testArrays[0], testArrays[1]);
    }

    private NDArray[] whole(ArrayDataset dataset, String which) {
        Objects.requireNonNull(dataset, which);
        // A range over the whole set is a view of the dataset's arrays, not a copy.
        Batch all = dataset.getByRange(model.getNDManager(), 0, dataset.size());
        NDArray input = all.getData().get(0);
        NDList labels = all.getLabels();
        NDArray target = labels == null || labels.isEmpty() ? input : labels.get(0);
        return new NDArray[] {input, target};
    }

    /**
     * Applies {@code transform} to every input batch before the model sees it, in training and
     * evaluation alike (the denoising autoencoder adds noise here; targets stay clean). It runs in
     * the step's manager, so arrays it creates are freed with the step.
     */
    public Fit inputTransform(UnaryOperator<NDArray> transform) {
        this.inputTransform = transform;
        return this;
    }

    /** The loss (required). */
    public Fit loss(TrainingLoss loss) {
        this.loss = Objects.requireNonNull(loss, "loss");
        return this;
    }

    /** Adam with a fixed learning rate and DJL's default betas (the default: Adam 1e-3). */
    public Fit adam(double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Learning rate must be positive, got " + learningRate);
        }
        this.optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build();
        this.optimizerDescription = "adam(lr=" + learningRate + ")";
        return this;
    }

    /**
     * Any DJL optimiser; {@code description} (e.g. {@code "sgd(lr=0.1, momentum=0.9)"}) names its
     * settings in checkpoint keys, which cannot see inside the optimiser.
     */
    public Fit optimizer(Optimizer optimizer, String description) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.optimizerDescription = Objects.requireNonNull(description, "description");
        return this;
    }

    /** Samples per step (default 128). */
    public Fit batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Passes over the training set (default 10). */
    public Fit epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /** Makes the run repeatable; without it a seed is drawn and reported in the history. */
    public Fit seed(int seed) {
        this.seed = seed;
        return this;
    }

    /** Saves the result as checkpoint {@code name} and reuses it when the settings match. */
    public Fit checkpoint(String name) {
        this.checkpointName = Checkpoints.checkName(name);
        return this;
    }

    /** Free text hashed into the checkpoint key: describe the loss, transform, anything else that matters. */
    public Fit tag(String tag) {
        this.tag = Objects.requireNonNull(tag, "tag");
        return this;
    }

    /** Trains even if a matching checkpoint exists (default: the {@code AELAB_RETRAIN} switch). */
    public Fit retrain(boolean retrain) {
        this.retrain = retrain;
        return this;
    }

    /** Shows the live progress (default true). */
    public Fit progress(boolean show) {
        this.showProgress = show;
        return this;
    }

    /**
     * Calls {@code action} with the epoch number after each completed epoch (and its history row),
     * e.g. to show reconstructions as the model learns. Not called when a checkpoint is restored.
     */
    public Fit afterEpoch(IntConsumer action) {
        this.afterEpoch = action;
        return this;
    }

    /** Trains (or restores the checkpoint) and returns the history. */
    public TrainingHistory run() {
        Block block = model.getBlock();
        if (block == null) {
            throw new IllegalStateException("The model has no block: call model.setBlock(...) before fitting.");
        }
        if (trainInputs == null) {
            throw new IllegalStateException("No data: call data(trainInputs, testInputs) before run().");
        }
        if (loss == null) {
            throw new IllegalStateException("No loss: call loss(...), e.g. loss(TrainingLoss.sigmoidBinaryCrossEntropy()).");
        }
        long trainSize = samples(trainInputs, "training inputs");
        long testSize = samples(testInputs, "test inputs");
        if (samples(trainTargets, "training targets") != trainSize) {
            throw new IllegalArgumentException("Training inputs have " + trainSize + " samples but targets "
                    + trainTargets.getShape().get(0) + "; the first axes must match.");
        }
        if (samples(testTargets, "test targets") != testSize) {
            throw new IllegalArgumentException("Test inputs have " + testSize + " samples but targets "
                    + testTargets.getShape().get(0) + "; the first axes must match.");
        }
        int runSeed = seed != null ? seed : new SplittableRandom().nextInt();
        Engine.getInstance().setRandomSeed(runSeed);
        if (!block.isInitialized()) {
            Shape sample = trainInputs.getShape().slice(1);
            block.initialize(model.getNDManager(), model.getDataType(),
                    new Shape(batchSize).addAll(sample));
        }

        Checkpoint checkpoint = null;
        if (checkpointName != null) {
            String settings = settings(runSeed);
            checkpoint = Checkpoints.at(checkpointName, sha256(settings).substring(0, 16));
            boolean force = retrain != null ? retrain : Checkpoints.retrainRequested();
            if (!force && checkpoint.isComplete()) {
                checkpoint.loadInto(model);
                Table table = checkpoint.history();
                String message = "Loaded checkpoint " + checkpoint.directory() + " (" + table.rowCount()
                        + " epochs trained earlier) instead of training. To train again: "
                        + Checkpoints.RETRAIN_ENV + "=1 or .retrain(true).";
                if (showProgress) {
                    Progress.notice(message);
                }
                return new TrainingHistory(table, false, runSeed, checkpoint, true);
            }
            writeSettings(checkpoint, settings);
        }

        Loop loop = new Loop(trainSize, testSize, runSeed);
        Table table = loop.train();
        if (checkpoint != null && !loop.interrupted) {
            save(checkpoint, table);
        }
        return new TrainingHistory(table, loop.interrupted, runSeed, loop.interrupted ? null : checkpoint, false);
    }

    private static long samples(NDArray array, String what) {
        Shape shape = array.getShape();
        if (shape.dimension() < 1 || shape.get(0) < 1) {
            throw new IllegalArgumentException("The " + what + " are empty (shape " + shape
                    + "); the first axis must index at least one sample.");
        }
        return shape.get(0);
    }

    /** The training loop proper: one instance per run. */
    private final class Loop {
        private final long trainSize;
        private final long testSize;
        private final SplittableRandom shuffler;
        private final boolean sameTargets = trainTargets == trainInputs;
        private final boolean sameTestTargets = testTargets == testInputs;
        private final int stepsPerEpoch;
        private final Progress progress;
        private List<String> termNames;
        private boolean interrupted;

        Loop(long trainSize, long testSize, int seed) {
            this.trainSize = trainSize;
            this.testSize = testSize;
            this.shuffler = new SplittableRandom(seed);
            this.stepsPerEpoch = (int) ((trainSize + batchSize - 1) / batchSize);
            this.progress = new Progress(showProgress, epochs, stepsPerEpoch);
        }

        Table train() {
            Table table = null;
            long[] order = new long[Math.toIntExact(trainSize)];
            Arrays.setAll(order, i -> i);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new OptimisedTermLoss(loss))
                    .optOptimizer(optimizer);
            enableGradients(model.getBlock());
            progress.start(String.format(Locale.ROOT, "Training %d epochs of %,d samples in batches of %d (%s, seed %d)",
                    epochs, trainSize, batchSize, optimizerDescription, seedOf()));
            int epoch = 0;
            try (Trainer trainer = model.newTrainer(config)) {
                NDManager root = trainer.getManager();
                for (epoch = 1; epoch <= epochs; epoch++) {
                    long start = System.nanoTime();
                    shuffle(order);
                    Map<String, Double> train = trainEpoch(trainer, root, order, epoch, start);
                    if (train == null) {
                        break;
                    }
                    double trainSeconds = (System.nanoTime() - start) / 1e9;
                    Map<String, Double> test = evaluate(trainer, root);
                    if (test == null) {
                        break;
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (table == null) {
                        table = emptyTable();
                    }
                    addRow(table, epoch, train, test, seconds);
                    progress.epochDone(epoch, train, test, seconds, trainSize / trainSeconds);
                    if (afterEpoch != null) {
                        afterEpoch.accept(epoch);
                    }
                }
            }
            if (table == null) {
                table = emptyTable();
            }
            if (interrupted) {
                progress.finish(String.format(Locale.ROOT,
                        "Interrupted in epoch %d: kept the parameters and the history of %d completed epoch%s.",
                        epoch, table.rowCount(), table.rowCount() == 1 ? "" : "s"),
                        (double) table.rowCount() / epochs);
            } else {
                progress.finish(String.format(Locale.ROOT, "Done: %d epochs in %s.", epochs,
                        Progress.duration(table.doubleColumn(TrainingHistory.SECONDS).sum())), 1);
            }
            return table;
        }

        private int seedOf() {
            return Engine.getInstance().getSeed() == null ? 0 : Engine.getInstance().getSeed();
        }

        /** Returns the epoch's sample-weighted mean losses, or null when interrupted. */
        private Map<String, Double> trainEpoch(Trainer trainer, NDManager root, long[] order, int epoch,
                long start) {
            try (NDManager epochManager = root.newSubManager()) {
                NDArray[] sums = null;
                long seen = 0;
                int step = 0;
                for (long from = 0; from < trainSize; from += batchSize) {
                    if (Thread.interrupted()) {
                        interrupted = true;
                        return null;
                    }
                    int to = (int) Math.min(trainSize, from + batchSize);
                    try (NDManager stepManager = epochManager.newSubManager()) {
                        NDArray index = stepManager.create(Arrays.copyOfRange(order, (int) from, to));
                        NDArray x = trainInputs.get(stepManager, new NDIndex("{}", index));
                        NDArray y = sameTargets ? x : trainTargets.get(stepManager, new NDIndex("{}", index));
                        NDArray input = transform(x);
                        LossTerms terms;
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList output = trainer.forward(new NDList(input));
                            terms = loss.evaluate(output, y);
                            if (sums == null) {
                                termNames = checkTerms(terms);
                            }
                            collector.backward(terms.optimised());
                        }
                        trainer.step();
                        if (sums == null) {
                            sums = zeros(epochManager);
                        }
                        accumulate(sums, terms, to - from);
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

        /** Test-set losses with the current parameters, or null when interrupted. */
        private Map<String, Double> evaluate(Trainer trainer, NDManager root) {
            long evalBatch = Math.max(batchSize, 1024);
            try (NDManager evalManager = root.newSubManager()) {
                NDArray[] sums = zeros(evalManager);
                for (long from = 0; from < testSize; from += evalBatch) {
                    if (Thread.interrupted()) {
                        interrupted = true;
                        return null;
                    }
                    long to = Math.min(testSize, from + evalBatch);
                    try (NDManager stepManager = evalManager.newSubManager()) {
                        NDIndex range = new NDIndex().addSliceDim(from, to);
                        NDArray x = testInputs.get(stepManager, range);
                        NDArray y = sameTestTargets ? x : testTargets.get(stepManager, range);
                        NDList output = trainer.evaluate(new NDList(transform(x)));
                        LossTerms terms = loss.evaluate(output, y);
                        if (!terms.names().equals(termNames)) {
                            throw new IllegalStateException("The loss returned terms " + terms.names()
                                    + " on the test set but " + termNames + " in training; keep them the same.");
                        }
                        accumulate(sums, terms, to - from);
                    }
                }
                return means(sums, testSize);
            }
        }

        private NDArray transform(NDArray x) {
            if (inputTransform == null) {
                return x;
            }
            NDArray transformed = inputTransform.apply(x);
            if (transformed == null) {
                throw new IllegalStateException("The input transform returned null; return the transformed batch.");
            }
            return transformed;
        }

        private NDArray[] zeros(NDManager manager) {
            NDArray[] sums = new NDArray[termNames.size()];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = manager.zeros(new Shape(), ai.djl.ndarray.types.DataType.FLOAT64);
            }
            return sums;
        }

        /** Adds batch-mean times batch size to each sum, in place, on the engine side (no read-back). */
        private void accumulate(NDArray[] sums, LossTerms terms, long batch) {
            int i = 0;
            for (NDArray value : terms.asMap().values()) {
                sums[i++].addi(value.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).mul(batch));
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

        private Table emptyTable() {
            Table table = Table.create(checkpointName == null ? "training history" : checkpointName);
            table.addColumns(IntColumn.create(TrainingHistory.EPOCH));
            List<String> names = termNames == null ? List.of("loss") : termNames;
            for (String term : names) {
                table.addColumns(DoubleColumn.create(TrainingHistory.TRAIN + term));
            }
            for (String term : names) {
                table.addColumns(DoubleColumn.create(TrainingHistory.TEST + term));
            }
            table.addColumns(DoubleColumn.create(TrainingHistory.SECONDS));
            return table;
        }

        private void addRow(Table table, int epoch, Map<String, Double> train, Map<String, Double> test,
                double seconds) {
            table.intColumn(TrainingHistory.EPOCH).append(epoch);
            train.forEach((term, value) -> table.doubleColumn(TrainingHistory.TRAIN + term).append(value));
            test.forEach((term, value) -> table.doubleColumn(TrainingHistory.TEST + term).append(value));
            table.doubleColumn(TrainingHistory.SECONDS).append(seconds);
        }
    }

    private static List<String> checkTerms(LossTerms terms) {
        for (Map.Entry<String, NDArray> term : terms.asMap().entrySet()) {
            if (term.getValue().size() != 1) {
                throw new IllegalArgumentException("Loss term '" + term.getKey() + "' has shape "
                        + term.getValue().getShape() + " but must be a scalar: take the mean over the batch.");
            }
        }
        return terms.names();
    }

    /** Parameters loaded from a file may come without gradient tracking; training needs it back. */
    private static void enableGradients(Block block) {
        for (Parameter parameter : block.getParameters().values()) {
            if (parameter.requiresGradient() && parameter.isInitialized() && !parameter.getArray().hasGradient()) {
                parameter.getArray().setRequiresGradient(true);
            }
        }
    }

    private String settings(int runSeed) {
        StringBuilder s = new StringBuilder();
        s.append("name: ").append(checkpointName).append('\n');
        s.append("tag: ").append(tag).append('\n');
        s.append("optimizer: ").append(optimizerDescription).append('\n');
        s.append("batch size: ").append(batchSize).append('\n');
        s.append("epochs: ").append(epochs).append('\n');
        s.append("seed: ").append(runSeed).append('\n');
        s.append("input transform: ").append(inputTransform == null ? "none" : "yes").append('\n');
        s.append("train inputs: ").append(fingerprint(trainInputs)).append('\n');
        s.append("train targets: ").append(trainTargets == trainInputs ? "inputs" : fingerprint(trainTargets)).append('\n');
        s.append("test inputs: ").append(fingerprint(testInputs)).append('\n');
        s.append("test targets: ").append(testTargets == testInputs ? "inputs" : fingerprint(testTargets)).append('\n');
        s.append("block:\n").append(model.getBlock()).append('\n');
        return s.toString();
    }

    private static String fingerprint(NDArray array) {
        try (NDArray sum = array.sum(); NDArray wide = sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
            return array.getShape() + " " + array.getDataType() + " sum " + wide.getDouble();
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void writeSettings(Checkpoint checkpoint, String settings) {
        try {
            Files.createDirectories(checkpoint.directory());
            Files.writeString(checkpoint.directory().resolve(Checkpoint.SETTINGS_FILE), settings);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint directory " + checkpoint.directory()
                    + ": " + e.getMessage() + ". Set " + Checkpoints.DIR_ENV + " to a writable directory.", e);
        }
    }

    private void save(Checkpoint checkpoint, Table table) {
        Path dir = checkpoint.directory();
        try {
            model.setProperty("Epoch", String.valueOf(epochs));
            model.save(dir, checkpoint.name());
            // The history goes last: its presence marks the checkpoint complete.
            table.write().csv(dir.resolve(Checkpoint.HISTORY_FILE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Training finished but saving checkpoint " + dir + " failed: "
                    + e.getMessage() + ". The trained parameters are still in the model.", e);
        }
    }

    /** DJL's Trainer insists on a Loss; this one hands it the optimised term (the loop itself never calls it). */
    private static final class OptimisedTermLoss extends Loss {
        private final TrainingLoss loss;

        OptimisedTermLoss(TrainingLoss loss) {
            super("loss");
            this.loss = loss;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            return loss.evaluate(predictions, labels.singletonOrThrow()).optimised();
        }
    }
}
