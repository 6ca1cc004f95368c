package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints (does not assert) the kernel's start-up and execution times, with the kernelspec as
 * installed for users (real start-up script and notebook classpath):
 * <ul>
 *   <li>start to ready: process start until the kernel answers {@code kernel_info} (Jupyter's "idle");</li>
 *   <li>completion ready: a Tab request ({@code Math.ab}) sent right after ready, answered once JShell and
 *       the start-up scripts are up;</li>
 *   <li>first cell: a trivial cell right after that;</li>
 *   <li>five-cell notebook: {@code jupyter nbconvert --to notebook --execute}, wall clock, kernel start included.</li>
 * </ul>
 * Re-measure with {@code mvn -B -pl environment/kernel -am verify -Dit.test=KernelBenchmarkIT}
 * ({@code -Daelab.bench.runs=3} repeats the start-up measurement).
 * Timings on a shared machine are inflated by whatever else runs; compare runs on the same machine.
 */
class KernelBenchmarkIT {

    @TempDir
    Path tmp;

    @Test
    void printStartupAndNotebookTimes() throws Exception {
        KernelHarness kernel = KernelHarness.install(tmp.resolve("jupyter"), "aelab-java", null, Map.of(), true);
        int runs = Integer.getInteger("aelab.bench.runs", 1);
        for (int i = 0; i < runs; i++) {
            JsonObject session = kernel.session(List.of(KernelHarness.complete("Math.ab", 7),
                    KernelHarness.execute("1 + 1")), 180);
            JsonObject completion = session.getAsJsonArray("results").get(0).getAsJsonObject();
            JsonObject first = session.getAsJsonArray("results").get(1).getAsJsonObject();
            assertEquals("ok", first.getAsJsonObject("reply").get("status").getAsString());
            assertEquals("[\"abs(\",\"absExact(\"]",
                    completion.getAsJsonObject("reply").getAsJsonArray("matches").toString());
            System.out.printf("[kernel benchmark] run %d: start to ready (idle) %.2f s, completion answered %.2f s"
                    + " after ready, first cell done %.2f s after that%n", i + 1,
                    session.get("startup_seconds").getAsDouble(), completion.get("seconds").getAsDouble(),
                    first.get("seconds").getAsDouble());
        }

        Path notebook = Files.copy(KernelHarness.resource("notebooks/five-cells.ipynb"), tmp.resolve("five-cells.ipynb"));
        long start = System.nanoTime();
        KernelHarness.run(List.of(KernelHarness.JUPYTER, "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=300", "--output", "executed.ipynb", notebook.toString()),
                tmp, 400, Map.of("JUPYTER_PATH", kernel.jupyterPath.toString()));
        double wall = (System.nanoTime() - start) / 1e9;
        JsonObject executed = JsonParser.parseString(Files.readString(tmp.resolve("executed.ipynb"))).getAsJsonObject();
        StringBuilder cells = new StringBuilder();
        double inCells = 0;
        JsonArray all = executed.getAsJsonArray("cells");
        for (JsonElement c : all) {
            JsonObject meta = c.getAsJsonObject().getAsJsonObject("metadata").getAsJsonObject("execution");
            for (JsonElement o : c.getAsJsonObject().getAsJsonArray("outputs")) {
                assertEquals(false, o.getAsJsonObject().get("output_type").getAsString().equals("error"), o.toString());
            }
            double seconds = Duration.between(OffsetDateTime.parse(meta.get("iopub.status.busy").getAsString()),
                    OffsetDateTime.parse(meta.get("shell.execute_reply").getAsString())).toMillis() / 1000.0;
            inCells += seconds;
            cells.append(String.format(" %.2f", seconds));
        }
        System.out.printf("[kernel benchmark] five-cell notebook (nbconvert --execute): %.2f s wall, %.2f s in cells"
                + " (per cell:%s s)%n", wall, inCells, cells);
        System.out.printf("[kernel benchmark] machine: %d cpus, load average %.2f%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
