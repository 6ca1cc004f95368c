package org.aelab.training;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.WeakHashMap;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
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
 * <p><b>Several optimisers</b>: instead of one loss, {@link #steps(Step...)} runs several named
 * {@link Step}s per batch, each with its own loss, parameter group and optimiser (the adversarial
 * autoencoder's reconstruction, discriminator and regularisation updates). Every term of every
 * step gets its train and test columns in the history, the progress and the curves. A step's
 * loss runs the networks it needs itself, through {@link TrainingBatch#forward}. The model's
 * block should be what the notebook uses afterwards (say encoder and decoder); blocks that only a
 * step trains (the discriminator) are saved in the checkpoint with it.
 *
 * <p>Both data sets stay whole on the engine side; each step gathers its shuffled batch by index,
 * runs in its own {@link NDManager} that is closed at the end of the step, and adds its losses to
 * engine-side sums that are read back once per epoch (in a notebook also at most twice a second
 * for the live display). No DJL training listeners are attached.
 *
 * <p><b>Interrupting</b> (the kernel's interrupt, or {@link Thread#interrupt()} of the running
 * thread outside the kernel) stops at the next batch: parameters and the history of the completed
 * epochs are kept, a one-line message says so and {@link #run()} returns normally, so
 * {@code TrainingHistory h = Fit...run();} still assigns {@code h}. In the kernel the rest of the
 * cell is then stopped as usual. An interrupted run writes no checkpoint.
 *
 * <p><b>Seeds</b>: {@link #seed(int)} seeds the engine (parameter initialisation, random numbers
 * an input transform or a step draws) and the shuffling, so a run repeats on the same machine.
 * The test set's random draws (a denoising autoencoder's noise, a discriminator's prior samples)
 * are the same in every epoch, like a noisy test set drawn once, so the test curves compare
 * epochs and not noise draws. The block is initialised here only if it is not yet initialised; a block already initialised
 * keeps its parameters and training continues from them. If they are what an earlier fit left
 * (the training cell was run again without the cell that builds the model), a line says that
 * training continues from trained parameters.
 *
 * <p><b>Checkpoints</b>: with {@link #checkpoint(String)} the parameters and history are saved when
 * training completes, under {@link Checkpoints#root()}{@code /<name>/<key>}. The key hashes what
 * the code does, not only its settings: the block's structure and its parameter values at the
 * start (so a changed initialiser, or a run that continues from trained parameters, gets its own
 * key), the loss's values on a fixed probe batch, the input transform's output on that batch
 * under a fixed probe seed (a changed noise level is a different key whether it is a literal, a
 * variable or a field), the model's output on it, the optimiser(s), batch size, epochs, seed and
 * the data. Probe values are rounded to 5 significant digits, so float noise cannot make two runs
 * of the same code disagree in practice; a mismatch would only retrain. When the checkpoint
 * exists the fit loads it instead of training and says so in one line, with what it was trained
 * on; {@code AELAB_RETRAIN=1} (or {@link #retrain(boolean) retrain(true)}) trains anyway.
 *
 * <p><b>Reusing another notebook's model</b>: build it with the same code, run the same fit with
 * the same checkpoint name and settings, plus {@code .retrain(false)}: the checkpoint the other
 * notebook saved is loaded even under the main job's {@code AELAB_RETRAIN=1}, and if it is absent
 * the model trains here. Notebook 03 reuses notebook 02's autoencoder this way:
 *
 * <pre>{@code
 * Fit.model(model).data(trainImages, testImages).loss(sigmoidCrossEntropy)
 *         .adam(learningRate).batchSize(batchSize).epochs(epochs).seed(seed)
 *         .checkpoint("02-autoencoder").retrain(false).run();
 * }</pre>
 */
public final class Fit {

    /** Samples of the probe batch that checkpoint keys run the code on. */
    static final int PROBE_SAMPLES = 16;
    /** Engine seed of the probe, the same in every run, so that the probe sees the code and not the seed. */
    static final int PROBE_SEED = 0x5EED;

    /** The parameters each block held when a fit last left it, to recognise a continued run. */
    private static final Map<Block, Trained> TRAINED = Collections.synchronizedMap(new WeakHashMap<>());

    private record Trained(String parameters, String description) {
    }

    private final Model model;
    private NDArray trainInputs;
    private NDArray trainTargets;
    private NDArray testInputs;
    private NDArray testTargets;
    private UnaryOperator<NDArray> inputTransform;
    private TrainingLoss loss;
    private List<Step> steps;
    private Supplier<Optimizer> optimizer;
    private String optimizerDescription;
    private boolean optimizerChosen;
    private int batchSize = 128;
    private int epochs = 10;
    private Integer seed;
    private String checkpointName;
    private Boolean retrain;
    private boolean showProgress = true;
    private IntConsumer afterEpoch;

    private Fit(Model model) {
        this.model = Objects.requireNonNull(model, "model");
        adam(1e-3);
        optimizerChosen = false;
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
     * the step's manager, so arrays it creates are freed with the step. Its random draws come from
     * the engine, which the fit seeds: fresh for every training batch, and the same in every
     * epoch's evaluation (the test set's noise is drawn as if once).
     */
    public Fit inputTransform(UnaryOperator<NDArray> transform) {
        this.inputTransform = transform;
        return this;
    }

    /** The loss (required, unless the fit has {@link #steps(Step...)}). */
    public Fit loss(TrainingLoss loss) {
        this.loss = Objects.requireNonNull(loss, "loss");
        return this;
    }

    /**
     * Several updates per batch, run in this order, each with its own loss, blocks and optimiser
     * (instead of {@link #loss} and the fit's optimiser). Term names must be unique across steps.
     */
    public Fit steps(Step... steps) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("steps(...) needs at least one Step.");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Step step : steps) {
            Objects.requireNonNull(step, "step");
            if (!names.add(step.name())) {
                throw new IllegalArgumentException("Two steps are called '" + step.name() + "'; name each step differently.");
            }
        }
        this.steps = List.of(steps);
        return this;
    }

    /** Adam with a fixed learning rate and DJL's default betas (the default: Adam 1e-3). */
    public Fit adam(double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Learning rate must be positive, got " + learningRate);
        }
        this.optimizer = () -> Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build();
        this.optimizerDescription = "adam(lr=" + learningRate + ")";
        this.optimizerChosen = true;
        return this;
    }

    /**
     * Any DJL optimiser; {@code description} (e.g. {@code "sgd(lr=0.1, momentum=0.9)"}) names its
     * settings in checkpoint keys, which cannot see inside the optimiser. Use it for one run only:
     * it keeps its state (Adam's moments) from run to run.
     */
    public Fit optimizer(Optimizer optimizer, String description) {
        Objects.requireNonNull(optimizer, "optimizer");
        this.optimizer = () -> optimizer;
        this.optimizerDescription = Objects.requireNonNull(description, "description");
        this.optimizerChosen = true;
        return this;
    }

    /** Samples per batch (default 128). */
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

    /** Saves the result as checkpoint {@code name} and reuses it when the code and settings match. */
    public Fit checkpoint(String name) {
        this.checkpointName = Checkpoints.checkName(name);
        return this;
    }

    /**
     * {@code true}: train even if a matching checkpoint exists; {@code false}: load a matching
     * checkpoint even under {@code AELAB_RETRAIN=1} (for a model another notebook trains). Default:
     * the {@code AELAB_RETRAIN} switch.
     */
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
        if (steps != null && loss != null) {
            throw new IllegalStateException("Give either loss(...) (one loss, one optimiser) or steps(...), not both.");
        }
        if (steps != null && optimizerChosen) {
            throw new IllegalStateException("With steps(...) each Step has its own optimiser: set it on the Step"
                    + " (e.g. Step.named(\"...\").adam(1e-3)), not on the Fit.");
        }
        if (steps == null && loss == null) {
            throw new IllegalStateException("No loss: call loss(...), e.g. loss(TrainingLoss.sigmoidBinaryCrossEntropy()).");
        }
        if (steps != null) {
            steps.forEach(Step::checkComplete);
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
        // Tablesaw's Table scans the class path when its class initialises, which an interrupt would
        // break for the rest of the session; have that happen now, not while a stop winds the fit up.
        Table.create(checkpointName == null ? "training history" : checkpointName);
        try (StopRequests stops = StopRequests.open()) {
            return run(block, trainSize, testSize, stops);
        }
    }

    private TrainingHistory run(Block block, long trainSize, long testSize, StopRequests stops) {
        int runSeed = seed != null ? seed : new SplittableRandom().nextInt();
        Engine engine = model.getNDManager().getEngine();
        engine.setRandomSeed(runSeed);
        List<RunStep> plan = plan(block);
        List<Block> saved = savedBlocks(block, plan);
        initialise(block, plan, trainSize);
        String parameters = Fingerprints.parameters(saved);
        Trained before = TRAINED.get(block);
        boolean continuing = before != null && before.parameters().equals(parameters);

        Checkpoint checkpoint = null;
        if (checkpointName != null) {
            String settings = settings(runSeed, block, saved, plan, parameters, continuing);
            checkpoint = Checkpoints.at(checkpointName, Fingerprints.sha256(settings).substring(0, 16));
            boolean force = retrain != null ? retrain : Checkpoints.retrainRequested();
            if (!force && checkpoint.isComplete()) {
                checkpoint.loadInto(model, extraBlocks(block, saved));
                Table table = checkpoint.history();
                if (showProgress) {
                    Progress.notice("Loaded checkpoint " + checkpoint.displayPath() + " instead of training: "
                            + checkpoint.describeTraining(table.rowCount()) + ". To train again: "
                            + Checkpoints.RETRAIN_ENV + "=1 or .retrain(true).");
                }
                remember(block, saved, table.rowCount() + " epochs restored from " + checkpoint.displayPath());
                return new TrainingHistory(table, false, runSeed, checkpoint, true);
            }
            Checkpoint.writeSettings(checkpoint, settings);
        }
        if (continuing && showProgress) {
            Progress.notice("Continuing from trained parameters (" + before.description() + "), not from a fresh"
                    + " initialisation" + (checkpoint != null ? "; saved as its own checkpoint" : "")
                    + ". Run the cell that builds the model again to start afresh.");
        }

        Loop loop = new Loop(plan, trainSize, testSize, runSeed, stops);
        Table table = loop.train();
        remember(block, saved, table.rowCount() + (table.rowCount() == 1 ? " epoch" : " epochs")
                + (loop.interrupted ? ", interrupted" : "")
                + (checkpoint != null && !loop.interrupted ? ", checkpoint " + checkpoint.name() : ""));
        boolean keep = checkpoint != null && !loop.interrupted;
        if (keep) {
            keep = save(checkpoint, block, saved, table, trainSize, stops);
        }
        return new TrainingHistory(table, loop.interrupted, runSeed, keep ? checkpoint : null, false);
    }

    /** Saves a completed run; a stop that arrives now ends the saving, not the run (the history is kept). */
    private boolean save(Checkpoint checkpoint, Block block, List<Block> saved, Table table, long trainSize,
            StopRequests stops) {
        // Clears the thread's interrupt flag, which would close the files being written.
        stops.requested();
        try {
            checkpoint.save(model, extraBlocks(block, saved), table, epochs, trainSize,
                    trainInputs.getShape().slice(1).toString());
            return true;
        } catch (RuntimeException | Error e) {
            boolean interruptedIo = e instanceof java.io.UncheckedIOException
                    && e.getCause() instanceof java.nio.channels.ClosedByInterruptException;
            if (!interruptedIo && !stops.isStop(e)) {
                throw e;
            }
            if (showProgress) {
                Progress.notice("Stopped while saving checkpoint " + checkpoint.displayPath()
                        + ": it was not saved. The trained parameters are in the model.");
            }
            return false;
        }
    }

    private void remember(Block block, List<Block> saved, String description) {
        TRAINED.put(block, new Trained(Fingerprints.parameters(saved), description));
    }

    private static long samples(NDArray array, String what) {
        Shape shape = array.getShape();
        if (shape.dimension() < 1 || shape.get(0) < 1) {
            throw new IllegalArgumentException("The " + what + " are empty (shape " + shape
                    + "); the first axis must index at least one sample.");
        }
        return shape.get(0);
    }

    /** One step as the loop runs it. */
    private static final class RunStep {
        final String name;
        final StepLoss loss;
        final List<Block> blocks;
        final Supplier<Optimizer> optimizerFactory;
        final String optimizerDescription;
        List<Parameter> group;

        RunStep(String name, StepLoss loss, List<Block> blocks, Supplier<Optimizer> optimizerFactory,
                String optimizerDescription) {
            this.name = name;
            this.loss = loss;
            this.blocks = blocks;
            this.optimizerFactory = optimizerFactory;
            this.optimizerDescription = optimizerDescription;
        }
    }

    private List<RunStep> plan(Block block) {
        if (steps == null) {
            TrainingLoss single = loss;
            StepLoss stepLoss = b -> single.evaluate(b.forwardAll(block, b.input()), b.target());
            return List.of(new RunStep("loss", stepLoss, List.of(block), optimizer, optimizerDescription));
        }
        List<RunStep> plan = new ArrayList<>();
        for (Step step : steps) {
            plan.add(new RunStep(step.name(), step.stepLoss(), step.trainedBlocks(), step::newOptimizer,
                    step.optimizerDescription()));
        }
        return plan;
    }

    /** The model's block, then every step block that is not part of it, each once. */
    private static List<Block> savedBlocks(Block block, List<RunStep> plan) {
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

    private static List<Block> extraBlocks(Block block, List<Block> saved) {
        return saved.subList(1, saved.size());
    }

    /**
     * Initialises what is not initialised yet, with the run seed: the model's block for the data's
     * shape, and for steps every block a step's loss runs, by evaluating each loss once on a few
     * training samples (blocks take their input shapes from that first call).
     */
    private void initialise(Block block, List<RunStep> plan, long trainSize) {
        if (!block.isInitialized() && steps == null) {
            Shape sample = trainInputs.getShape().slice(1);
            block.initialize(model.getNDManager(), model.getDataType(), new Shape(batchSize).addAll(sample));
        }
        boolean uninitialised = plan.stream().flatMap(s -> s.blocks.stream()).anyMatch(b -> !parametersReady(b));
        if (steps != null && (uninitialised || !parametersReady(block))) {
            try (NDManager scratch = model.getNDManager().newSubManager()) {
                ParameterStore store = new ParameterStore(scratch, false);
                TrainingBatch batch = probeBatch(scratch, store, false, trainSize);
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
            Shape sample = trainInputs.getShape().slice(1);
            try {
                block.initialize(model.getNDManager(), model.getDataType(), new Shape(batchSize).addAll(sample));
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
            List<Parameter> group = new ArrayList<>();
            Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Block b : step.blocks) {
                for (Parameter p : b.getParameters().values()) {
                    if (p.requiresGradient() && seen.add(p)) {
                        group.add(p);
                    }
                }
            }
            if (group.isEmpty()) {
                throw new IllegalStateException("Step '" + step.name + "' has no trainable parameters in its blocks.");
            }
            step.group = group;
        }
    }

    /** True when every parameter of the block (and its children) has its values. */
    private static boolean parametersReady(Block block) {
        return block.getParameters().values().stream().allMatch(Parameter::isInitialized);
    }

    private TrainingBatch probeBatch(NDManager manager, ParameterStore store, boolean training, long trainSize) {
        long n = Math.min(PROBE_SAMPLES, trainSize);
        NDIndex first = new NDIndex().addSliceDim(0, n);
        NDArray x = trainInputs.get(manager, first);
        NDArray y = trainTargets == trainInputs ? x : trainTargets.get(manager, first);
        NDArray input = applyTransform(x);
        return new TrainingBatch(manager, input, y, training, store, model.getNDManager(), model.getDataType());
    }

    private NDArray applyTransform(NDArray x) {
        if (inputTransform == null) {
            return x;
        }
        NDArray transformed = inputTransform.apply(x);
        if (transformed == null) {
            throw new IllegalStateException("The input transform returned null; return the transformed batch.");
        }
        return transformed;
    }

    /** The text whose hash is the checkpoint key: settings, plus what the code does on a probe batch. */
    private String settings(int runSeed, Block block, List<Block> saved, List<RunStep> plan, String parameters,
            boolean continuing) {
        StringBuilder s = new StringBuilder();
        s.append("name: ").append(checkpointName).append('\n');
        for (RunStep step : plan) {
            s.append("step ").append(step.name).append(": ").append(step.optimizerDescription)
                    .append(", ").append(step.group.size()).append(" parameter arrays\n");
        }
        s.append("batch size: ").append(batchSize).append('\n');
        s.append("epochs: ").append(epochs).append('\n');
        s.append("seed: ").append(runSeed).append('\n');
        s.append("train inputs: ").append(Fingerprints.data(trainInputs)).append('\n');
        s.append("train targets: ").append(trainTargets == trainInputs ? "inputs" : Fingerprints.data(trainTargets)).append('\n');
        s.append("test inputs: ").append(Fingerprints.data(testInputs)).append('\n');
        s.append("test targets: ").append(testTargets == testInputs ? "inputs" : Fingerprints.data(testTargets)).append('\n');
        s.append("start: ").append(continuing ? "continued from an earlier fit's parameters" : "as initialised")
                .append(", parameters ").append(parameters).append('\n');
        probe(s, block, plan);
        for (Block b : saved) {
            s.append("block:\n").append(b).append('\n');
        }
        return s.toString();
    }

    /**
     * Runs the input transform, the model and every loss on the first training samples under a
     * fixed seed, in training mode without gradients, and records rounded summaries. Parameters
     * that a forward pass may change (batch-norm statistics) are put back afterwards.
     */
    private void probe(StringBuilder s, Block block, List<RunStep> plan) {
        Engine engine = model.getNDManager().getEngine();
        long trainSize = trainInputs.getShape().get(0);
        try (NDManager scratch = model.getNDManager().newSubManager()) {
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
            TrainingBatch batch = probeBatch(scratch, store, true, trainSize);
            s.append("input transform: ").append(inputTransform == null ? "none"
                    : Fingerprints.summary(batch.input())).append('\n');
            if (steps == null) {
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

    /** The training loop proper: one instance per run. */
    private final class Loop {
        private final List<RunStep> plan;
        private final long trainSize;
        private final long testSize;
        private final int seed;
        private final SplittableRandom shuffler;
        private final boolean sameTargets = trainTargets == trainInputs;
        private final boolean sameTestTargets = testTargets == testInputs;
        private final int stepsPerEpoch;
        private final Progress progress;
        private final StopRequests stops;
        private final Engine engine = model.getNDManager().getEngine();
        /** The same for every epoch: random draws in evaluation (input noise, prior samples) repeat, so test curves compare. */
        private final int evaluationSeed;
        private final long trainingSeeds;
        private final List<Parameter> all = new ArrayList<>();
        /** For each step, which of {@link #all} it trains. */
        private boolean[][] groups;
        /** Which of {@link #all} record gradients right now. */
        private boolean[] recording;
        private Optimizer[] optimizers;
        private boolean[] optimiserZeroesGradients;
        private List<String> termNames;
        private boolean interrupted;
        private Table table;

        Loop(List<RunStep> plan, long trainSize, long testSize, int seed, StopRequests stops) {
            this.plan = plan;
            this.trainSize = trainSize;
            this.testSize = testSize;
            this.seed = seed;
            this.shuffler = new SplittableRandom(seed);
            SplittableRandom seeds = new SplittableRandom(seed).split();
            this.evaluationSeed = seeds.nextInt();
            this.trainingSeeds = seeds.nextLong();
            this.stepsPerEpoch = (int) ((trainSize + batchSize - 1) / batchSize);
            this.progress = new Progress(showProgress, epochs, stepsPerEpoch);
            this.stops = stops;
        }

        Table train() {
            long[] order = new long[Math.toIntExact(trainSize)];
            Arrays.setAll(order, i -> i);
            optimizers = new Optimizer[plan.size()];
            optimiserZeroesGradients = new boolean[plan.size()];
            Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < plan.size(); i++) {
                optimizers[i] = plan.get(i).optimizerFactory.get();
                // DJL's PyTorch Adam and SGD clear the gradient as they apply it; others leave it.
                optimiserZeroesGradients[i] = optimizers[i] instanceof Adam || optimizers[i] instanceof Sgd;
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
                ParameterStore store = new ParameterStore(model.getNDManager(), false);
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
                    addRow(epoch, train, test, seconds);
                    progress.epochDone(epoch, train, test, seconds, trainSize / trainSeconds);
                    if (afterEpoch != null) {
                        afterEpoch.accept(epoch);
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
            if (table == null) {
                table = emptyTable();
            }
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
            if (steps == null) {
                how.append(plan.get(0).optimizerDescription);
            } else {
                how.append(plan.size()).append(" steps per batch: ");
                for (int i = 0; i < plan.size(); i++) {
                    how.append(i == 0 ? "" : ", ").append(plan.get(i).name).append(' ')
                            .append(plan.get(i).optimizerDescription);
                }
            }
            return String.format(Locale.ROOT, "Training %d epochs of %,d samples in batches of %d (%s; seed %d)",
                    epochs, trainSize, batchSize, how, seed);
        }

        /** Returns the epoch's sample-weighted mean losses, or null when interrupted. */
        private Map<String, Double> trainEpoch(ParameterStore store, long[] order, int epoch, long start) {
            NDManager root = model.getNDManager();
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
                        TrainingBatch batch = new TrainingBatch(stepManager, applyTransform(x), y, true, store,
                                root, model.getDataType());
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
            try (GradientCollector collector = model.getNDManager().getEngine().newGradientCollector()) {
                terms = step.loss.evaluate(batch);
                if (terms == null) {
                    throw new IllegalStateException("The loss of step '" + step.name + "' returned null; return LossTerms.");
                }
                collector.backward(terms.optimised());
            }
            Optimizer optimizer = optimizers[i];
            boolean clear = !optimiserZeroesGradients[i];
            for (Parameter p : step.group) {
                NDArray weight = p.getArray();
                try (NDArray gradient = weight.getGradient()) {
                    optimizer.update(p.getId(), weight, gradient);
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
            try (NDManager evalManager = model.getNDManager().newSubManager()) {
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
                        TrainingBatch batch = new TrainingBatch(stepManager, applyTransform(x), y, false, store,
                                model.getNDManager(), model.getDataType());
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
        private void accumulate(NDArray[] sums, List<LossTerms> results, long batch) {
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

        private Table emptyTable() {
            Table empty = Table.create(checkpointName == null ? "training history" : checkpointName);
            empty.addColumns(IntColumn.create(TrainingHistory.EPOCH));
            List<String> names = termNames == null ? List.of("loss") : termNames;
            for (String term : names) {
                empty.addColumns(DoubleColumn.create(TrainingHistory.TRAIN + term));
            }
            for (String term : names) {
                empty.addColumns(DoubleColumn.create(TrainingHistory.TEST + term));
            }
            empty.addColumns(DoubleColumn.create(TrainingHistory.SECONDS));
            return empty;
        }

        private void addRow(int epoch, Map<String, Double> train, Map<String, Double> test, double seconds) {
            if (table == null) {
                table = emptyTable();
            }
            table.intColumn(TrainingHistory.EPOCH).append(epoch);
            train.forEach((term, value) -> table.doubleColumn(TrainingHistory.TRAIN + term).append(value));
            test.forEach((term, value) -> table.doubleColumn(TrainingHistory.TEST + term).append(value));
            table.doubleColumn(TrainingHistory.SECONDS).append(seconds);
        }
    }

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
                            + (steps == null ? "" : " (the second is '" + steps.get(i).name() + "')")
                            + "; name the terms of each step differently.");
                }
                names.add(term.getKey());
            }
        }
        return names;
    }
}
