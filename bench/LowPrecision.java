import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which reduced-precision matrix products DJL 0.36 reaches on this CPU, how fast and how exact: the
 * product of notebook 02's first layer at batch 512 (512x784 inputs in [0, 1] by a 784x256 weight,
 * sd 0.05) in fp32 and in every reduced floating type DJL can name (fp16, bf16), against float64
 * computed in Java. Each reduced type runs in a child JVM, since a type DJL's native library cannot
 * map ends the process (docs/benchmarks.md, "Issue 23's levers"):
 *
 *   java -Dai.djl.offline=true -cp "lib/target/classpath/*" bench/LowPrecision.java
 *
 * Run it on a quiet machine; it prints one line per type.
 */
public class LowPrecision {

    static final int ROWS = 512, INNER = 784, COLUMNS = 256;

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--type")) {
            measure(DataType.valueOf(args[1]));
            return;
        }
        System.out.printf(Locale.ROOT, "%-9s %12s %14s %14s  %s%n", "type", "GFLOP/s", "rel. error", "max abs err", "");
        measure(DataType.FLOAT32);
        for (DataType type : List.of(DataType.FLOAT16, DataType.BFLOAT16)) {
            inChild(type);
        }
    }

    /** This program again, in a fresh JVM with the same options, for one type; reports how it ended. */
    static void inChild(DataType type) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(Arrays.asList(ProcessHandle.current().info().arguments().orElseThrow()));
        command.add("--type");
        command.add(type.name());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                } else if (!line.isBlank() && !line.contains(" INFO ") && !line.contains(" WARN ")) {
                    last = line;
                }
            }
        }
        int exit = child.waitFor();
        if (result != null && exit == 0) {
            System.out.println(result);
        } else {
            System.out.printf(Locale.ROOT, "%-9s not reachable: the JVM ended with exit code %d (%s)%n",
                    type.name().toLowerCase(Locale.ROOT), exit, last == null ? "no message" : last);
        }
    }

    static void measure(DataType type) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(ROWS, INNER));
            NDArray w = manager.randomNormal(0f, 0.05f, new Shape(INNER, COLUMNS), DataType.FLOAT32);
            double[] exact = product(x.toFloatArray(), w.toFloatArray());
            NDArray xs = x.toType(type, false);
            NDArray ws = w.toType(type, false);
            float[] got = xs.matMul(ws).toType(DataType.FLOAT32, false).toFloatArray();
            double flop = 2.0 * ROWS * INNER * COLUMNS;
            double[] rates = new double[5];
            for (int sample = 0; sample < rates.length; sample++) {
                int products = 0;
                long start = System.nanoTime();
                long elapsed;
                do {
                    xs.matMul(ws).close();
                    products++;
                    elapsed = System.nanoTime() - start;
                } while (elapsed < 300_000_000L);
                rates[sample] = products * flop / elapsed;
            }
            Arrays.sort(rates);
            double squaredError = 0, squaredNorm = 0, maxError = 0;
            for (int i = 0; i < got.length; i++) {
                double e = got[i] - exact[i];
                squaredError += e * e;
                squaredNorm += exact[i] * exact[i];
                maxError = Math.max(maxError, Math.abs(e));
            }
            String line = String.format(Locale.ROOT, "%-9s %12.1f %14.2e %14.2e  (median of 5; 0.3 s each)",
                    type.name().toLowerCase(Locale.ROOT), rates[2], Math.sqrt(squaredError / squaredNorm), maxError);
            System.out.println(type == DataType.FLOAT32 ? line : "RESULT " + line);
        }
    }

    static double[] product(float[] x, float[] w) {
        double[] c = new double[ROWS * COLUMNS];
        for (int i = 0; i < ROWS; i++) {
            for (int k = 0; k < INNER; k++) {
                double a = x[i * INNER + k];
                for (int j = 0; j < COLUMNS; j++) {
                    c[i * COLUMNS + j] += a * w[k * COLUMNS + j];
                }
            }
        }
        return c;
    }
}
