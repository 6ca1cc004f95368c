package org.aelab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent in the JVMs it is meant for: this one, started with {@code -javaagent} like the kernel; one that
 * installs it at run time like a reader's {@code main}; and, as the control that shows the checks can fail,
 * one without it.
 */
class EngineAgentIT {

    private static final Pattern SUMMARY = Pattern.compile(
            "swept (\\d+) operations, differentiated (\\d+): (\\d+) gave a different gradient");

    @Test
    void everyOperationTakingANumberKeepsItsGradientThroughACollection() {
        assertEquals("startup", EngineAgent.status());
        List<ScalarGradientSweep.Outcome> outcomes = ScalarGradientSweep.run(3);
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (ScalarGradientSweep.Outcome o : outcomes) {
            if (o.checked()) {
                checked++;
                if (o.wrong() > 0) {
                    wrong.add(o.operation() + ": " + o.wrong() + " of " + o.tries());
                }
            }
        }
        // DJL 0.36 has 68 such differentiable operations; fewer means the sweep lost its reach.
        assertTrue(checked >= 60, "only " + checked + " operations were differentiated: " + outcomes);
        assertTrue(wrong.isEmpty(), "gradients changed by a garbage collection: " + wrong);
    }

    @Test
    void withoutTheAgentTheSweepFindsTheBug() throws Exception {
        Matcher summary = sweepInNewJvm(false);
        assertTrue(Integer.parseInt(summary.group(3)) >= 10,
                "without the agent, DJL's mul/div/pow by a number and the losses built on them should lose "
                        + "their gradients to the collector: " + summary.group());
    }

    @Test
    void installingAtRunTimeFixesAPlainJvm() throws Exception {
        Matcher summary = sweepInNewJvm(true);
        assertTrue(Integer.parseInt(summary.group(2)) >= 60, summary.group());
        assertEquals(0, Integer.parseInt(summary.group(3)), summary.group());
    }

    @Test
    void aManagerNothingReachesGivesItsTensorsBack() throws Exception {
        assertTrue(NativeMemory.enabled());
        NDManager kept = NDManager.newBaseManager();
        NDArray keptArray = kept.ones(new Shape(100, 100));
        long before = NativeMemory.managersReleased();
        long arraysBefore = NativeMemory.arraysReleased();
        dropAManager();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (NativeMemory.managersReleased() < before + 2 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(NativeMemory.managersReleased() >= before + 2, "the dropped manager and its sub-manager");
        assertTrue(NativeMemory.arraysReleased() >= arraysBefore + 3, "their three arrays");
        assertEquals(10_000f, keptArray.sum().getFloat(), "a manager still referred to keeps working");
        long open = NativeMemory.managersOpen();
        kept.close();
        assertEquals(open - 1, NativeMemory.managersOpen(), "a closed manager is forgotten at once");
    }

    private static void dropAManager() {
        NDManager dropped = NDManager.newBaseManager();
        dropped.ones(new Shape(1000, 1000));
        dropped.zeros(new Shape(10));
        dropped.newSubManager().ones(new Shape(500, 500));
    }

    private static Matcher sweepInNewJvm(boolean install) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
                ScalarGradientSweep.class.getName(), "3"));
        if (install) {
            command.add("install");
        }
        Path log = Files.createTempFile("sweep", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the sweep took more than 10 minutes");
        String output = Files.readString(log);
        Files.delete(log);
        Matcher summary = SUMMARY.matcher(output);
        assertTrue(summary.find(), "no summary from the sweep:\n" + output);
        return summary;
    }
}
