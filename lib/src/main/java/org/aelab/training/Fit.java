package org.aelab.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import tech.tablesaw.api.Table;

/**
 * What to train and how: a DJL {@link Model} whose block the notebook built, its data, its loss
 * (or several {@link Step}s), the optimiser and the settings. {@link #run()} trains it for a
 * number of epochs, evaluating on the test set after each, and returns a {@link TrainingHistory}:
 *
 * <pre>{@code
 * Fit fit = Fit.model(model)
 *         .data(trainImages, testImages)              // an autoencoder: targets = inputs
 *         .loss(TrainingLoss.sigmoidBinaryCrossEntropy())
 *         .adam(1e-3).batchSize(512).epochs(20).seed(42)
 *         .checkpoint("autoencoder");
 * TrainingHistory history = fit.run();
 * history.plot();
 * }</pre>
 *
 * <p><b>A Fit is a value.</b> Every setting returns a new {@code Fit} and leaves the one it was
 * called on as it was, so a cell can hold {@code fit} and another cell (or a benchmark) can run a
 * variation of it without changing it: {@code fit.epochs(1).progress(false).run()}. Settings are
 * checked when they are given; what depends on several of them (a loss or steps, but not both)
 * when {@link #run()} starts. Running a Fit trains the model it names, so running it twice
 * continues from the parameters the first run left (see <i>Seeds</i>).
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
 * runs in its own {@code NDManager} that is closed at the end of the step, and adds its losses to
 * engine-side sums that are read back once per epoch (in a notebook also at most twice a second
 * for the live display). No DJL training listeners are attached.
 *
 * <p><b>Interrupting</b> (the kernel's interrupt, or {@link Thread#interrupt()} of the running
 * thread outside the kernel) stops at the next batch: parameters and the history of the completed
 * epochs are kept, a one-line message says so and {@link #run()} returns normally, so
 * {@code TrainingHistory h = fit.run();} still assigns {@code h}. In the kernel the rest of the
 * cell is then stopped as usual. An interrupted run writes no checkpoint.
 *
 * <p><b>Seeds</b>: {@link #seed(int)} seeds the engine (parameter initialisation, random numbers
 * an input transform or a step draws) and the shuffling, so a run repeats on the same machine.
 * The test set's random draws (a denoising autoencoder's noise, a discriminator's prior samples)
 * are the same in every epoch, like a noisy test set drawn once, so the test curves compare
 * epochs and not noise draws. The block is initialised here only if it is not yet initialised; a
 * block already initialised keeps its parameters and training continues from them. If they are
 * what an earlier fit left (the training cell was run again without the cell that builds the
 * model), a line says that training continues from trained parameters.
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
 *
 * <p>The parts: this class is the specification and its checks; {@link FitRun} carries out one
 * run (initialisation, the checkpoint, saving), {@link TrainingLoop} the epochs and steps,
 * {@link CheckpointKey} the key, {@link HistoryTable} the history's rows.
 */
public final class Fit {

    private final Model model;
    private NDArray trainInputs;
    private NDArray trainTargets;
    private NDArray testInputs;
    private NDArray testTargets;
    private UnaryOperator<NDArray> inputTransform;
    private TrainingLoss loss;
    private List<Step> steps;
    private Supplier<Optimizer> optimiser;
    private String optimiserDescription;
    private boolean optimiserChosen;
    private int batchSize = 128;
    private int epochs = 10;
    private Integer seed;
    private String checkpointName;
    private Boolean retrain;
    private boolean showProgress = true;
    private IntConsumer afterEpoch;

    private Fit(Model model) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimiser = adamFactory(1e-3);
        this.optimiserDescription = adamDescription(1e-3);
    }

    /** A copy to change one setting of; the copy is returned only once it is complete. */
    private Fit(Fit other) {
        this.model = other.model;
        this.trainInputs = other.trainInputs;
        this.trainTargets = other.trainTargets;
        this.testInputs = other.testInputs;
        this.testTargets = other.testTargets;
        this.inputTransform = other.inputTransform;
        this.loss = other.loss;
        this.steps = other.steps;
        this.optimiser = other.optimiser;
        this.optimiserDescription = other.optimiserDescription;
        this.optimiserChosen = other.optimiserChosen;
        this.batchSize = other.batchSize;
        this.epochs = other.epochs;
        this.seed = other.seed;
        this.checkpointName = other.checkpointName;
        this.retrain = other.retrain;
        this.showProgress = other.showProgress;
        this.afterEpoch = other.afterEpoch;
    }

    /** Starts a fit of {@code model} with the defaults (Adam 1e-3, batches of 128, 10 epochs); its block must be set. */
    public static Fit model(Model model) {
        return new Fit(model);
    }

    /** Autoencoder data: each set is its own target. The first axis indexes samples. */
    public Fit data(NDArray trainInputs, NDArray testInputs) {
        return data(trainInputs, trainInputs, testInputs, testInputs);
    }

    /** Inputs and targets given separately (the first axis indexes samples in all four). */
    public Fit data(NDArray trainInputs, NDArray trainTargets, NDArray testInputs, NDArray testTargets) {
        Fit next = new Fit(this);
        next.trainInputs = Objects.requireNonNull(trainInputs, "trainInputs");
        next.trainTargets = Objects.requireNonNull(trainTargets, "trainTargets");
        next.testInputs = Objects.requireNonNull(testInputs, "testInputs");
        next.testTargets = Objects.requireNonNull(testTargets, "testTargets");
        return next;
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
     * evaluation alike (the denoising autoencoder adds noise here; targets stay clean); {@code null}
     * for none. It runs in the step's manager, so arrays it creates are freed with the step. Its
     * random draws come from the engine, which the fit seeds: fresh for every training batch, and
     * the same in every epoch's evaluation (the test set's noise is drawn as if once).
     */
    public Fit inputTransform(UnaryOperator<NDArray> transform) {
        Fit next = new Fit(this);
        next.inputTransform = transform;
        return next;
    }

    /** The loss (required, unless the fit has {@link #steps(Step...)}). */
    public Fit loss(TrainingLoss loss) {
        Fit next = new Fit(this);
        next.loss = Objects.requireNonNull(loss, "loss");
        return next;
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
        Fit next = new Fit(this);
        next.steps = List.of(steps);
        return next;
    }

    /** Adam ({@link OnePassAdam}) with a fixed learning rate and DJL's default betas (the default: Adam 1e-3). */
    public Fit adam(double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Learning rate must be positive, got " + learningRate);
        }
        Fit next = new Fit(this);
        next.optimiser = adamFactory(learningRate);
        next.optimiserDescription = adamDescription(learningRate);
        next.optimiserChosen = true;
        return next;
    }

    private static Supplier<Optimizer> adamFactory(double learningRate) {
        return () -> OnePassAdam.of((float) learningRate, 0.9f, 0.999f);
    }

    private static String adamDescription(double learningRate) {
        return "adam(lr=" + learningRate + ")";
    }

    /**
     * Any DJL optimiser, built afresh for each run by {@code factory}, so that a second run never
     * continues with the first one's state (Adam's moments); {@code description} (e.g.
     * {@code "sgd(lr=0.1, momentum=0.9)"}) names its settings in checkpoint keys, which cannot see
     * inside the optimiser.
     */
    public Fit optimiser(Supplier<Optimizer> factory, String description) {
        Fit next = new Fit(this);
        next.optimiser = Objects.requireNonNull(factory, "factory");
        next.optimiserDescription = Objects.requireNonNull(description, "description");
        next.optimiserChosen = true;
        return next;
    }

    /** Samples per batch (default 128). */
    public Fit batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize);
        }
        Fit next = new Fit(this);
        next.batchSize = batchSize;
        return next;
    }

    /** Passes over the training set (default 10). */
    public Fit epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
        }
        Fit next = new Fit(this);
        next.epochs = epochs;
        return next;
    }

    /** Makes the run repeatable; without it a seed is drawn and reported in the history. */
    public Fit seed(int seed) {
        Fit next = new Fit(this);
        next.seed = seed;
        return next;
    }

    /**
     * Saves the result as checkpoint {@code name} and reuses it when the code and settings match;
     * {@code null}: no checkpoint (the default).
     */
    public Fit checkpoint(String name) {
        Fit next = new Fit(this);
        next.checkpointName = name == null ? null : Checkpoints.checkName(name);
        return next;
    }

    /**
     * {@code true}: train even if a matching checkpoint exists; {@code false}: load a matching
     * checkpoint even under {@code AELAB_RETRAIN=1} (for a model another notebook trains). Default:
     * the {@code AELAB_RETRAIN} switch.
     */
    public Fit retrain(boolean retrain) {
        Fit next = new Fit(this);
        next.retrain = retrain;
        return next;
    }

    /** Shows the live progress (default true). */
    public Fit progress(boolean show) {
        Fit next = new Fit(this);
        next.showProgress = show;
        return next;
    }

    /**
     * Calls {@code action} with the epoch number after each completed epoch (and its history row),
     * e.g. to show reconstructions as the model learns; {@code null} for none. Not called when a
     * checkpoint is restored.
     */
    public Fit afterEpoch(IntConsumer action) {
        Fit next = new Fit(this);
        next.afterEpoch = action;
        return next;
    }

    /** Trains (or restores the checkpoint) and returns the history. */
    public TrainingHistory run() {
        check();
        // Tablesaw's Table scans the class path when its class initialises, which an interrupt would
        // break for the rest of the session; have that happen now, not while a stop winds the fit up.
        Table.create(historyName());
        try (StopRequests stops = StopRequests.open()) {
            return new FitRun(this, stops).run();
        }
    }

    /** The checks that need several settings at once, with what to do about each. */
    private void check() {
        if (model.getBlock() == null) {
            throw new IllegalStateException("The model has no block: call model.setBlock(...) before fitting.");
        }
        if (trainInputs == null) {
            throw new IllegalStateException("No data: call data(trainInputs, testInputs) before run().");
        }
        if (steps != null && loss != null) {
            throw new IllegalStateException("Give either loss(...) (one loss, one optimiser) or steps(...), not both.");
        }
        if (steps != null && optimiserChosen) {
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
    }

    private static long samples(NDArray array, String what) {
        Shape shape = array.getShape();
        if (shape.dimension() < 1 || shape.get(0) < 1) {
            throw new IllegalArgumentException("The " + what + " are empty (shape " + shape
                    + "); the first axis must index at least one sample.");
        }
        return shape.get(0);
    }

    /** What the fit does, in one line (a cell's result when it ends with the fit). */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Fit of ").append(model.getName());
        if (trainInputs != null) {
            s.append(String.format(Locale.ROOT, " on %,d training and %,d test samples",
                    trainInputs.getShape().get(0), testInputs.getShape().get(0)));
        }
        s.append(": ").append(epochs).append(" epochs in batches of ").append(batchSize);
        if (steps == null) {
            s.append(", ").append(optimiserDescription);
        } else {
            s.append(", steps ").append(steps.stream().map(Step::toString).toList());
        }
        s.append(seed == null ? ", seed drawn" : ", seed " + seed);
        if (inputTransform != null) {
            s.append(", with an input transform");
        }
        if (checkpointName != null) {
            s.append(", checkpoint ").append(checkpointName);
            if (retrain != null) {
                s.append(retrain ? " (always retrains)" : " (loaded whenever it exists)");
            }
        }
        return s.toString();
    }

    // The specification, as the parts of a run read it.

    Model model() {
        return model;
    }

    NDArray trainInputs() {
        return trainInputs;
    }

    NDArray trainTargets() {
        return trainTargets;
    }

    NDArray testInputs() {
        return testInputs;
    }

    NDArray testTargets() {
        return testTargets;
    }

    /** The input transform applied to {@code x}, or {@code x} itself when there is none. */
    NDArray transformed(NDArray x) {
        if (inputTransform == null) {
            return x;
        }
        NDArray transformed = inputTransform.apply(x);
        if (transformed == null) {
            throw new IllegalStateException("The input transform returned null; return the transformed batch.");
        }
        return transformed;
    }

    boolean hasInputTransform() {
        return inputTransform != null;
    }

    TrainingLoss loss() {
        return loss;
    }

    /** The steps, or null for a fit with one loss. */
    List<Step> steps() {
        return steps;
    }

    Supplier<Optimizer> optimiser() {
        return optimiser;
    }

    String optimiserDescription() {
        return optimiserDescription;
    }

    int batchSize() {
        return batchSize;
    }

    int epochs() {
        return epochs;
    }

    /** The seed given, or null when each run draws one. */
    Integer seed() {
        return seed;
    }

    String checkpointName() {
        return checkpointName;
    }

    /** The retrain setting, or null for the {@code AELAB_RETRAIN} switch. */
    Boolean retrain() {
        return retrain;
    }

    boolean showsProgress() {
        return showProgress;
    }

    IntConsumer afterEpoch() {
        return afterEpoch;
    }

    String historyName() {
        return checkpointName == null ? "training history" : checkpointName;
    }
}
