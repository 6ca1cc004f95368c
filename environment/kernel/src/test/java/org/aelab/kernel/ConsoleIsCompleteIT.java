package org.aelab.kernel;

import static org.aelab.kernel.KernelHarness.describe;
import static org.aelab.kernel.KernelHarness.execute;
import static org.aelab.kernel.KernelHarness.isComplete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jupyter console} asks whether each line is complete when Enter is pressed, waits one second
 * for the answer, and without one stops asking for the rest of the session (its prompt then stays
 * at {@code In [1]} and every line needs extra Enters). So the kernel answers while JShell is still
 * starting. Here the start-up script takes {@value #STARTUP_MILLIS} ms: answers that waited for
 * JShell would each take that long.
 */
class ConsoleIsCompleteIT {

    private static final int STARTUP_MILLIS = 8000;

    @TempDir
    Path tmp;

    @Test
    void isCompleteIsAnsweredAtOnceWhileJShellStartsAndByJShellAfterwards() throws Exception {
        KernelHarness kernel = KernelHarness.install(tmp.resolve("jupyter"), "aelab-java-console", null,
                Map.of("IJAVA_STARTUP_SCRIPTS_PATH", "", "IJAVA_STARTUP_SCRIPT", "Thread.sleep(" + STARTUP_MILLIS + ");"),
                false);
        JsonObject session = kernel.session(List.of(
                isComplete("var s = \"abc\";"),
                isComplete("for (int i = 0; i < 3; i++) {"),
                isComplete("s.length()"),
                isComplete("foo())"),
                execute("var s = \"abc\";"),
                isComplete("s.length()"),
                isComplete("if (s.isEmpty())"),
                execute("s.length()")), 180);
        JsonArray results = session.getAsJsonArray("results");
        List<String> whileStarting = List.of("complete", "incomplete", "complete", "invalid");
        double waited = 0;
        for (int i = 0; i < whileStarting.size(); i++) {
            JsonObject result = results.get(i).getAsJsonObject();
            assertEquals(whileStarting.get(i), result.getAsJsonObject("reply").get("status").getAsString(), describe(result));
            waited += result.get("seconds").getAsDouble();
        }
        System.out.printf("[console] four is_complete answers while JShell started took %.3f s in all%n", waited);
        // Far below the start-up, whatever the machine's load; the console's own limit is 1 s each.
        assertTrue(waited < STARTUP_MILLIS / 2000.0, "is_complete waited for JShell: " + waited + " s for four answers");
        assertEquals("    ", results.get(1).getAsJsonObject().getAsJsonObject("reply").get("indent").getAsString());

        assertEquals("complete", status(results, 5));
        assertEquals("incomplete", status(results, 6));
        JsonObject length = KernelHarness.outputs(results.get(7).getAsJsonObject(), "execute_result").get(0);
        assertEquals("3", length.getAsJsonObject("data").get("text/plain").getAsString());
    }

    private static String status(JsonArray results, int index) {
        return results.get(index).getAsJsonObject().getAsJsonObject("reply").get("status").getAsString();
    }
}
