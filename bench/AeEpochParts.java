import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.sun.jna.NativeLibrary;
import com.sun.jna.ptr.IntByReference;
import org.aelab.data.FashionMnist;
import org.aelab.data.ImageSet;
import org.aelab.training.OnePassAdam;
import org.aelab.training.TrainingLoss;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Notebook 02's autoencoder (784-256-128-20-128-256-784, batch 512, Adam 1e-3, seed 42), made by the
 * notebooks' own code in notebooks/code/ ({@link #notebookCode}), trained in a plain DJL loop, one
 * line per epoch: its seconds, the forward pass, the loss, the backward pass and Adam's step apart,
 * and a checksum of the parameters and of the summed batch losses, so that two variants can be
 * compared both for speed and for their bits. Variants (docs/benchmarks.md, "Issue 23's levers",
 * second and third rounds):
 *
 * <pre>
 *   --aten-threads N     the engine's element-wise and reduction operations on N OpenMP threads, for
 *                        the training thread only (libgomp's omp_set_num_threads)
 *   --mkl-threads N      oneMKL's matrix products on N threads, for the training thread only
 *                        (mkl_set_num_threads_local in the libtorch DJL loads)
 *   --adam djl           DJL's Adam through Trainer.step() (a copy of each gradient, a dozen engine
 *                        operations per parameter) instead of Fit's OnePassAdam, each parameter's own
 *                        gradient handed over as Fit's training loop does
 *   --output-gradient direct
 *                        backward starts from the logits' gradient (sigma(l) - x) / n written
 *                        directly, the loss's value computed apart, instead of differentiating the loss
 * </pre>
 *
 * Run it with the kernel's environment (bench/threads_sweep.py does, interleaving variants):
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp "lib/target/classpath/*:lib/target/aelab-lib.jar" bench/AeEpochParts.java --epochs 4
 * </pre>
 */
public class AeEpochParts {

    static final int BATCH = 512;

    public static void main(String[] args) throws IOException {
        int epochs = 4;
        int atenThreads = 0;
        int mklThreads = 0;
        boolean directGradient = false;
        boolean djlAdam = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--aten-threads" -> atenThreads = Integer.parseInt(args[++i]);
                case "--mkl-threads" -> mklThreads = Integer.parseInt(args[++i]);
                case "--output-gradient" -> {
                    String how = args[++i];
                    if (!how.equals("direct") && !how.equals("autograd")) {
                        throw new IllegalArgumentException("--output-gradient takes direct or autograd, not " + how);
                    }
                    directGradient = how.equals("direct");
                }
                case "--adam" -> {
                    String how = args[++i];
                    if (!how.equals("one-pass") && !how.equals("djl")) {
                        throw new IllegalArgumentException("--adam takes one-pass or djl, not " + how);
                    }
                    djlAdam = how.equals("djl");
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --epochs N, --aten-threads N, --mkl-threads N, --output-gradient direct|autograd, --adam one-pass|djl)");
            }
        }
        Engine.getInstance();
        if (atenThreads > 0) {
            loaded("libgomp").getFunction("omp_set_num_threads").invokeVoid(new Object[] {atenThreads});
        }
        if (mklThreads > 0) {
            // The Fortran-style entry point, the one exported: it takes its argument by reference.
            loaded("libtorch_cpu").getFunction("mkl_set_num_threads_local").invokeInt(new Object[] {new IntByReference(mklThreads)});
        }
        System.out.printf(Locale.ROOT, "# adam %s, aten threads %s, mkl threads %s, output gradient %s, OMP_WAIT_POLICY=%s GOMP_SPINCOUNT=%s MKL_CBWR=%s%n",
                djlAdam ? "DJL's, through Trainer.step()" : "one pass (Fit's)", atenThreads > 0 ? atenThreads : "engine default", mklThreads > 0 ? mklThreads : "engine default",
                directGradient ? "direct" : "autograd", System.getenv("OMP_WAIT_POLICY"), System.getenv("GOMP_SPINCOUNT"),
                System.getenv("MKL_CBWR"));

        ImageSet train = FashionMnist.train().shuffled(42);
        NDManager manager = NDManager.newBaseManager();
        NDArray images = train.toNDArray(manager);
        Map<String, Object> notebook = notebookCode();
        Model model = (Model) notebook.get("model");
        TrainingLoss crossEntropy = (TrainingLoss) notebook.get("loss");
        Block block = model.getBlock();
        long n = images.getShape().get(0);
        Optimizer onePass = OnePassAdam.of(1e-3f, 0.9f, 0.999f);
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build()))) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                double[] parts = new double[4];
                double lossSum = 0;
                long start = System.nanoTime();
                for (long from = 0; from < n; from += BATCH) {
                    try (NDManager step = trainer.getManager().newSubManager()) {
                        long t0 = System.nanoTime();
                        NDArray x = images.get(new NDIndex(from + ":" + Math.min(n, from + BATCH)));
                        x.attach(step);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                            long t1 = System.nanoTime();
                            NDArray loss;
                            NDArray outputGradient = null;
                            if (directGradient) {
                                NDArray fixed = logits.stopGradient();
                                loss = crossEntropy.evaluate(new NDList(fixed), x).optimised();
                                outputGradient = Activation.sigmoid(fixed).sub(x).div(fixed.size());
                            } else {
                                loss = crossEntropy.evaluate(new NDList(logits), x).optimised();
                            }
                            lossSum += loss.getFloat();
                            long t2 = System.nanoTime();
                            if (directGradient) {
                                JniUtils.backward((PtNDArray) logits, (PtNDArray) outputGradient, false, false);
                            } else {
                                collector.backward(loss);
                            }
                            long t3 = System.nanoTime();
                            parts[0] += t1 - t0;
                            parts[1] += t2 - t1;
                            parts[2] += t3 - t2;
                        }
                        long t4 = System.nanoTime();
                        if (djlAdam) {
                            trainer.step();
                        } else { // as Fit's training loop does: each parameter's own gradient, no copy
                            for (var parameter : block.getParameters()) {
                                NDArray weight = parameter.getValue().getArray();
                                try (NDArray gradient = weight.getGradient()) {
                                    onePass.update(parameter.getValue().getId(), weight, gradient);
                                }
                            }
                        }
                        parts[3] += System.nanoTime() - t4;
                    }
                }
                long end = System.nanoTime();
                // The monotonic clock's readings at the epoch's start and end, for perf's samples (bench/on_cpu.py).
                System.out.printf(Locale.ROOT, "epoch %d %.3f s  forward %.3f loss %.3f backward %.3f adam %.3f  parameters %.17g  losses %.17g  clock %.6f-%.6f%n",
                        epoch, (end - start) / 1e9, parts[0] / 1e9, parts[1] / 1e9, parts[2] / 1e9, parts[3] / 1e9,
                        checksum(block), lossSum, start / 1e9, end / 1e9);
            }
        }
    }

    /**
     * Notebook 02's autoencoder and loss, made by the code the notebooks load (notebooks/code/dense.jsh,
     * autoencoder.jsh without dropout, cross-entropy.jsh) in an in-process JShell with the kernel's
     * start-up imports, so that this loop trains the taught model and loss, not a copy of them. Knobs:
     * the chapter's code size 20, seed 42, batch 512. Returns "model" and "loss".
     */
    static Map<String, Object> notebookCode() throws IOException {
        Path root = Path.of(System.getProperty("user.dir"));
        if (!Files.isRegularFile(root.resolve("notebooks/code/dense.jsh"))) {
            throw new IllegalStateException("No notebooks/code/dense.jsh under " + root
                    + ": run AeEpochParts from the project's root, where it finds the notebooks' code");
        }
        StringBuilder code = new StringBuilder();
        for (String line : Files.readAllLines(root.resolve("environment/kernel/startup/aelab.jsh"))) {
            if (line.startsWith("import ")) {
                code.append(line).append('\n');
            }
        }
        code.append("int codeSize = 20;\nint seed = 42;\nint batchSize = ").append(BATCH).append(";\n");
        code.append(Files.readString(root.resolve("notebooks/code/dense.jsh")));
        code.append(Files.readString(root.resolve("notebooks/code/autoencoder.jsh")));
        code.append(Files.readString(root.resolve("notebooks/code/cross-entropy.jsh")));
        // The snippets' classes live in JShell's loader; the objects come back through a JVM-wide map.
        code.append("System.getProperties().put(\"aelab.bench.model\", autoencoder(\"ae\", 0));\n");
        code.append("System.getProperties().put(\"aelab.bench.loss\", sigmoidCrossEntropy);\n");
        try (JShell shell = JShell.builder().executionEngine("local")
                .compilerOptions("-classpath", System.getProperty("java.class.path")).build()) {
            String rest = code.toString();
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    break; // only comments are left
                }
                if (info.completeness() != SourceCodeAnalysis.Completeness.COMPLETE
                        && info.completeness() != SourceCodeAnalysis.Completeness.COMPLETE_WITH_SEMI) {
                    throw new IllegalStateException("notebook code is " + info.completeness() + " at: " + rest);
                }
                for (SnippetEvent event : shell.eval(info.source())) {
                    if (event.exception() != null || event.status() == Snippet.Status.REJECTED) {
                        throw new IllegalStateException("notebook code failed: " + info.source()
                                + shell.diagnostics(event.snippet()).map(d -> d.getMessage(Locale.ROOT)).toList(),
                                event.exception());
                    }
                }
                rest = info.remaining();
            }
        }
        return Map.of("model", System.getProperties().remove("aelab.bench.model"),
                "loss", System.getProperties().remove("aelab.bench.loss"));
    }

    /** A weighted sum of every parameter, in double: equal for two runs only when their bits are. */
    static double checksum(Block block) {
        double sum = 0;
        for (var parameter : block.getParameters()) {
            float[] values = parameter.getValue().getArray().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                sum += values[i] * (1 + i % 7);
            }
        }
        return sum;
    }

    /** The native library the engine loaded whose file name starts with {@code prefix}, from /proc/self/maps. */
    static NativeLibrary loaded(String prefix) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            Path file = Path.of(line.substring(slash));
            if (file.getFileName().toString().startsWith(prefix)) {
                return NativeLibrary.getInstance(file.toString());
            }
        }
        throw new IllegalStateException(prefix + " is not loaded in this process (is the engine PyTorch on the CPU?)");
    }
}
