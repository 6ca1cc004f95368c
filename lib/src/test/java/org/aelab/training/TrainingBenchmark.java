package org.aelab.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.aelab.data.FashionMnist;

/**
 * Prints the cost of {@link Fit}'s machinery and its memory behaviour on the chapter's
 * autoencoder (784-256-128-20 / 20-128-256-784, ReLU, linear code, logits; sigmoid cross-entropy
 * on logits; Adam 1e-3; batch 512) on the real Fashion-MNIST (60,000 x 784 train, 10,000 test).
 *
 * <pre>
 * mvn -B -q -pl lib test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-Dai.djl.offline=true -cp %classpath org.aelab.training.TrainingBenchmark 3 100 5"
 * </pre>
 *
 * Arguments: rounds of the speed comparison (each 3 bare + 3 Fit epochs, interleaved so machine
 * load hits both alike; default 3), epochs of the memory run (default 100), re-runs of a one-epoch
 * fit for the re-run memory check (default 5), rounds of the multi-step comparison (an adversarial
 * autoencoder, three optimisers per batch: a bare loop against {@code Fit.steps}; default 3). Zero
 * skips a part. The data come from {@link FashionMnist}, which finds them as the notebooks do
 * (the setting {@code FASHION_MNIST_DIR}, then the cache, then the Debian package).
 */
public final class TrainingBenchmark {

    private static final int BATCH = 512;
    private static final int EPOCHS_PER_ROUND = 3;

    private TrainingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int memoryEpochs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int reruns = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int multiStepRounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        try (NDManager data = NDManager.newBaseManager()) {
            NDArray train = FashionMnist.train().toNDArray(data);
            NDArray test = FashionMnist.test().toNDArray(data);
            System.out.printf(Locale.ROOT, "Fashion-MNIST: train %s, test %s; %d CPU cores; load average %s%n",
                    train.getShape(), test.getShape(), Runtime.getRuntime().availableProcessors(), loadAverage());

            List<Double> bare = new ArrayList<>();
            List<Double> bareTrainOnly = new ArrayList<>();
            List<Double> fit = new ArrayList<>();
            List<Double> fitTrainOnly = new ArrayList<>();
            // Warm-up epoch, not counted in the comparison.
            List<Double> warmTrainOnly = new ArrayList<>();
            try (Model model = autoencoder()) {
                bareEpochs(model, train, test, 1, 1, new ArrayList<>(), warmTrainOnly);
            }
            for (int round = 0; round < rounds; round++) {
                try (Model model = autoencoder()) {
                    bareEpochs(model, train, test, EPOCHS_PER_ROUND, round, bare, bareTrainOnly);
                }
                try (Model model = autoencoder()) {
                    TrainingHistory history = fit(model, train, test, EPOCHS_PER_ROUND, round).progress(false).run();
                    for (double s : history.table().doubleColumn("seconds")) {
                        fit.add(s);
                    }
                }
                System.out.printf(Locale.ROOT, "round %d: bare %s s, Fit %s s%n", round + 1,
                        bare.subList(bare.size() - EPOCHS_PER_ROUND, bare.size()),
                        fit.subList(fit.size() - EPOCHS_PER_ROUND, fit.size()));
            }
            machineryCost(data, median(bareTrainOnly.isEmpty() ? warmTrainOnly : bareTrainOnly),
                    (train.getShape().get(0) + BATCH - 1) / BATCH);
            if (rounds > 0) {
                double bareMedian = median(bare);
                double fitMedian = median(fit);
                System.out.printf(Locale.ROOT,
                        "s/epoch (train + test evaluation), median of %d: bare loop %.3f, Fit %.3f -> overhead %+.1f%%"
                                + " (bare training part alone %.3f s/epoch)%n",
                        bare.size(), bareMedian, fitMedian, 100 * (fitMedian / bareMedian - 1), median(bareTrainOnly));
            }
            if (memoryEpochs > 0) {
                System.out.printf(Locale.ROOT, "Memory: Fit for %d epochs, VmRSS after each epoch (MB):%n", memoryEpochs);
                List<Double> rss = new ArrayList<>();
                try (Model model = autoencoder()) {
                    fit(model, train, test, memoryEpochs, 99).progress(true)
                            .afterEpoch(epoch -> {
                                rss.add(rssMb());
                                System.out.printf(Locale.ROOT, "  after epoch %d: VmRSS %.0f MB, heap used %.0f MB%n",
                                        epoch, rss.get(rss.size() - 1), heapMb());
                            }).run();
                }
                System.out.println("RSS by epoch: " + format(rss));
                int settled = Math.min(rss.size(), 5);
                System.out.printf(Locale.ROOT,
                        "RSS epoch 1 %.0f MB, epoch %d %.0f MB, last %.0f MB; max-min from epoch %d on: %.0f MB%n",
                        rss.get(0), settled, rss.get(settled - 1), rss.get(rss.size() - 1), settled,
                        spread(rss.subList(settled - 1, rss.size())));
            }
            if (reruns > 0) {
                // A garbage collection before each reading keeps the Java heap's own ebb and flow out of it.
                List<Double> sameModel = new ArrayList<>();
                try (Model model = autoencoder()) {
                    for (int rerun = 0; rerun < reruns; rerun++) {
                        fit(model, train, test, 1, 200 + rerun).progress(false).run();
                        sameModel.add(rssAfterGc());
                    }
                }
                System.out.println("RSS after GC, re-running a 1-epoch Fit on the same model: " + format(sameModel));
                List<Double> fresh = new ArrayList<>();
                for (int rerun = 0; rerun < reruns; rerun++) {
                    try (Model model = autoencoder()) {
                        fit(model, train, test, 1, 300 + rerun).progress(false).run();
                    }
                    fresh.add(rssAfterGc());
                }
                System.out.println("RSS after GC, re-running a 1-epoch Fit on a new model each time (a notebook"
                        + " re-run): " + format(fresh));
            }
            if (multiStepRounds > 0) {
                multiStep(train, test, multiStepRounds);
            }
            if (rounds > 0) {
                checkpointKeyCost(train, test);
            }
            System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
        }
    }

    /**
     * Times, in isolation, what {@link Fit} does per step beyond the bare loop (add the batch's loss
     * to an engine-side sum; check the interrupt flag and the clock), since on a loaded machine the
     * difference of two epoch times is noise.
     */
    private static void machineryCost(NDManager manager, double epochSeconds, long steps) {
        int iterations = 20_000;
        try (NDManager scope = manager.newSubManager()) {
            NDArray sum = scope.zeros(new Shape(), ai.djl.ndarray.types.DataType.FLOAT64);
            long best = Long.MAX_VALUE;
            for (int trial = 0; trial < 5; trial++) {
                long start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    try (NDManager step = scope.newSubManager()) {
                        NDArray loss = step.create(0.3f);
                        if (Thread.interrupted()) {
                            throw new IllegalStateException("interrupted");
                        }
                        sum.addi(loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).mul(BATCH));
                        System.nanoTime();
                    }
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            // The bare loop also creates a step manager and a scalar loss, so time that alone too.
            long baseline = Long.MAX_VALUE;
            for (int trial = 0; trial < 5; trial++) {
                long start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    try (NDManager step = scope.newSubManager()) {
                        step.create(0.3f);
                    }
                }
                baseline = Math.min(baseline, System.nanoTime() - start);
            }
            double perStep = (best - baseline) / 1e3 / iterations;
            System.out.printf(Locale.ROOT,
                    "Fit's per-step extra work measured alone: %.1f us/step x %d steps = %.1f ms/epoch"
                            + " = %.2f%% of the bare training epoch (%.2f s); plus one read-back per epoch and"
                            + " (notebook only) <= 2 per second%n",
                    perStep, steps, perStep * steps / 1e3, 100 * perStep * steps / 1e6 / epochSeconds, epochSeconds);
        }
    }

    static Model autoencoder() {
        Model model = Model.newInstance("autoencoder");
        model.setBlock(new SequentialBlock()
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(20).build())
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(784).build()));
        return model;
    }

    private static Fit fit(Model model, NDArray train, NDArray test, int epochs, int seed) {
        return Fit.model(model).data(train, test).loss(TrainingLoss.sigmoidBinaryCrossEntropy())
                .adam(1e-3).batchSize(BATCH).epochs(epochs).seed(seed);
    }

    /**
     * The same training and evaluation as {@link Fit} with nothing else: no loss sums, no
     * read-back, no progress, no history.
     */
    private static void bareEpochs(Model model, NDArray train, NDArray test, int epochs, int seed,
            List<Double> seconds, List<Double> trainSeconds) {
        TrainingLoss loss = TrainingLoss.sigmoidBinaryCrossEntropy();
        ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
        model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(BATCH, 784));
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
        long n = train.getShape().get(0);
        long[] order = new long[(int) n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        try (Trainer trainer = model.newTrainer(config)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                long start = System.nanoTime();
                shuffle(order, random);
                for (long from = 0; from < n; from += BATCH) {
                    int to = (int) Math.min(n, from + BATCH);
                    try (NDManager step = trainer.getManager().newSubManager()) {
                        NDArray index = step.create(Arrays.copyOfRange(order, (int) from, to));
                        NDArray x = train.get(step, new NDIndex("{}", index));
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            collector.backward(loss.evaluate(trainer.forward(new NDList(x)), x).optimised());
                        }
                        trainer.step();
                    }
                }
                long trained = System.nanoTime();
                long testSize = test.getShape().get(0);
                for (long from = 0; from < testSize; from += 1024) {
                    try (NDManager step = trainer.getManager().newSubManager()) {
                        NDArray x = test.get(step, new NDIndex().addSliceDim(from, Math.min(testSize, from + 1024)));
                        loss.evaluate(trainer.evaluate(new NDList(x)), x).optimised().getFloat();
                    }
                }
                seconds.add((System.nanoTime() - start) / 1e9);
                trainSeconds.add((trained - start) / 1e9);
            }
        }
    }

    private static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static double rssAfterGc() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rssMb();
    }

    private static double heapMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024.0 * 1024.0);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static double spread(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                - values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static String format(List<Double> values) {
        StringBuilder s = new StringBuilder("[");
        for (double v : values) {
            s.append(s.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return s.append(']').toString();
    }

    /**
     * What a checkpoint key costs: a fit that finds its checkpoint computes the key (data
     * fingerprints, parameter hash, probe) and loads; loading alone is timed apart.
     */
    private static void checkpointKeyCost(NDArray train, NDArray test) throws IOException {
        Path dir = Files.createTempDirectory("aelab-key-cost");
        System.setProperty(Checkpoints.DIR_PROPERTY, dir.toString());
        try {
            try (Model model = autoencoder()) {
                fit(model, train, test, 1, 5).progress(false).checkpoint("key-cost").run();
            }
            List<Double> restored = new ArrayList<>();
            List<Double> loads = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try (Model model = autoencoder()) {
                    long start = System.nanoTime();
                    TrainingHistory history = fit(model, train, test, 1, 5).progress(false).checkpoint("key-cost").run();
                    restored.add((System.nanoTime() - start) / 1e6);
                    if (!history.restored()) {
                        throw new IllegalStateException("the same fit did not find its checkpoint");
                    }
                }
                try (Model model = autoencoder()) {
                    model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(BATCH, 784));
                    long start = System.nanoTime();
                    Checkpoints.loadLatest(model, "key-cost");
                    loads.add((System.nanoTime() - start) / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "Checkpoint key: a fit that restores takes %.0f ms (median of 5), of which"
                    + " loading %.0f ms; the rest, initialisation plus the key (data fingerprints, parameter hash, probe), %.0f ms%n",
                    median(restored), median(loads), median(restored) - median(loads));
        } finally {
            System.clearProperty(Checkpoints.DIR_PROPERTY);
        }
    }

    /** The adversarial autoencoder's parts: the chapter's encoder and decoder, and a 20-128-128-1 discriminator. */
    private static final class Aae implements AutoCloseable {
        final Model model = Model.newInstance("aae");
        final SequentialBlock encoder = new SequentialBlock()
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(20).build());
        final SequentialBlock decoder = new SequentialBlock()
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(784).build());
        final SequentialBlock critic = new SequentialBlock()
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(1).build());

        Aae(int seed) {
            model.setBlock(new SequentialBlock().add(encoder).add(decoder));
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            model.getBlock().initialize(model.getNDManager(), model.getDataType(), new Shape(BATCH, 784));
            critic.initialize(model.getNDManager(), model.getDataType(), new Shape(BATCH, 20));
        }

        static NDArray bce(NDArray logits, NDArray targets) {
            return logits.maximum(0f).sub(logits.mul(targets)).add(Activation.softPlus(logits.abs().neg())).mean();
        }

        static NDArray bce(NDArray logits, float target) {
            return logits.maximum(0f).sub(logits.mul(target)).add(Activation.softPlus(logits.abs().neg())).mean();
        }

        /** The three losses as functions of a batch runner, shared by both loops. */
        NDArray[] reconstruction(java.util.function.BiFunction<ai.djl.nn.Block, NDArray, NDArray> run, NDArray x) {
            NDArray rec = bce(run.apply(decoder, run.apply(encoder, x)), x);
            return new NDArray[] {rec};
        }

        NDArray[] discrimination(java.util.function.BiFunction<ai.djl.nn.Block, NDArray, NDArray> run, NDArray x) {
            NDArray codes = run.apply(encoder, x);
            NDArray prior = x.getManager().randomNormal(codes.getShape());
            NDArray real = run.apply(critic, prior);
            NDArray fake = run.apply(critic, codes);
            NDArray loss = bce(real, 1f).add(bce(fake, 0f)).mul(0.5f);
            NDArray accuracy = real.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean()
                    .add(fake.lte(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean()).mul(0.5f);
            return new NDArray[] {loss, accuracy};
        }

        NDArray[] regularisation(java.util.function.BiFunction<ai.djl.nn.Block, NDArray, NDArray> run, NDArray x) {
            return new NDArray[] {bce(run.apply(critic, run.apply(encoder, x)), 1f)};
        }

        Step[] steps() {
            return new Step[] {
                Step.named("reconstruction").blocks(encoder, decoder).adam(1e-3)
                        .loss(b -> LossTerms.of("reconstruction", reconstruction(b::forward, b.input())[0])),
                Step.named("discriminator").blocks(critic).adam(1e-3).loss(b -> {
                    NDArray[] t = discrimination(b::forward, b.input());
                    return LossTerms.of("discriminator", t[0]).and("D accuracy", t[1]);
                }),
                Step.named("regularisation").blocks(encoder).adam(1e-3)
                        .loss(b -> LossTerms.of("generator", regularisation(b::forward, b.input())[0])),
            };
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** Interleaved epochs of a bare three-optimiser loop and of {@code Fit.steps}; prints the overhead. */
    private static void multiStep(NDArray train, NDArray test, int rounds) {
        List<Double> bare = new ArrayList<>();
        List<Double> fit = new ArrayList<>();
        try (Aae warm = new Aae(1)) {
            bareMultiStep(warm, train, test, 1, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            try (Aae aae = new Aae(10 + round)) {
                bareMultiStep(aae, train, test, EPOCHS_PER_ROUND, bare);
            }
            try (Aae aae = new Aae(10 + round)) {
                TrainingHistory history = Fit.model(aae.model).data(train, test).steps(aae.steps())
                        .batchSize(BATCH).epochs(EPOCHS_PER_ROUND).seed(10 + round).progress(false).run();
                for (double s : history.table().doubleColumn("seconds")) {
                    fit.add(s);
                }
            }
            System.out.printf(Locale.ROOT, "multi-step round %d: bare %s s, Fit.steps %s s%n", round + 1,
                    bare.subList(bare.size() - EPOCHS_PER_ROUND, bare.size()),
                    fit.subList(fit.size() - EPOCHS_PER_ROUND, fit.size()));
        }
        double bareMedian = median(bare);
        double fitMedian = median(fit);
        System.out.printf(Locale.ROOT, "AAE, 3 optimisers per batch, s/epoch (train + test evaluation), median of %d:"
                + " bare loop %.3f, Fit.steps %.3f -> overhead %+.1f%%%n", bare.size(), bareMedian, fitMedian,
                100 * (fitMedian / bareMedian - 1));
    }

    /**
     * The three updates with nothing else: per step a gradient collector, backward, the step's own
     * Adam on its parameters, every other parameter frozen meanwhile; test losses read back once.
     */
    private static void bareMultiStep(Aae aae, NDArray train, NDArray test, int epochs, List<Double> seconds) {
        List<List<ai.djl.nn.Parameter>> groups = List.of(
                parameters(aae.encoder, aae.decoder), parameters(aae.critic), parameters(aae.encoder));
        List<ai.djl.nn.Parameter> all = parameters(aae.encoder, aae.decoder, aae.critic);
        List<Optimizer> optimizers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            optimizers.add(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
        }
        ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(aae.model.getNDManager(), false);
        java.util.function.BiFunction<ai.djl.nn.Block, NDArray, NDArray> training =
                (block, x) -> block.forward(store, new NDList(x), true).get(0);
        java.util.function.BiFunction<ai.djl.nn.Block, NDArray, NDArray> inference =
                (block, x) -> block.forward(store, new NDList(x), false).get(0);
        long n = train.getShape().get(0);
        long[] order = new long[(int) n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(7);
        java.util.Set<ai.djl.nn.Parameter> frozen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            shuffle(order, random);
            for (long from = 0; from < n; from += BATCH) {
                int to = (int) Math.min(n, from + BATCH);
                try (NDManager step = aae.model.getNDManager().newSubManager()) {
                    NDArray index = step.create(Arrays.copyOfRange(order, (int) from, to));
                    NDArray x = train.get(step, new NDIndex("{}", index));
                    for (int s = 0; s < 3; s++) {
                        java.util.Set<ai.djl.nn.Parameter> group =
                                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                        group.addAll(groups.get(s));
                        for (ai.djl.nn.Parameter p : all) {
                            boolean freeze = !group.contains(p);
                            if (freeze != frozen.contains(p)) {
                                p.getArray().setRequiresGradient(!freeze);
                                if (freeze) {
                                    frozen.add(p);
                                } else {
                                    frozen.remove(p);
                                }
                            }
                        }
                        try (GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                            NDArray[] terms = s == 0 ? aae.reconstruction(training, x)
                                    : s == 1 ? aae.discrimination(training, x) : aae.regularisation(training, x);
                            collector.backward(terms[0]);
                        }
                        for (ai.djl.nn.Parameter p : groups.get(s)) {
                            try (NDArray gradient = p.getArray().getGradient()) {
                                optimizers.get(s).update(p.getId(), p.getArray(), gradient);
                            }
                        }
                    }
                }
            }
            long testSize = test.getShape().get(0);
            for (long from = 0; from < testSize; from += 1024) {
                try (NDManager step = aae.model.getNDManager().newSubManager()) {
                    NDArray x = test.get(step, new NDIndex().addSliceDim(from, Math.min(testSize, from + 1024)));
                    aae.reconstruction(inference, x)[0].getFloat();
                    aae.discrimination(inference, x)[0].getFloat();
                    aae.regularisation(inference, x)[0].getFloat();
                }
            }
            seconds.add((System.nanoTime() - start) / 1e9);
        }
        for (ai.djl.nn.Parameter p : frozen) {
            p.getArray().setRequiresGradient(true);
        }
    }

    /** Fisher-Yates, as Fit shuffles, so both loops see batches of the same kind. */
    private static void shuffle(long[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static List<ai.djl.nn.Parameter> parameters(ai.djl.nn.Block... blocks) {
        List<ai.djl.nn.Parameter> list = new ArrayList<>();
        for (ai.djl.nn.Block block : blocks) {
            for (ai.djl.nn.Parameter p : block.getParameters().values()) {
                if (list.stream().noneMatch(q -> q == p)) {
                    list.add(p);
                }
            }
        }
        return list;
    }
}
