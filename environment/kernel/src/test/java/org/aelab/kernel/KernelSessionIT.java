package org.aelab.kernel;

import static org.aelab.kernel.KernelHarness.complete;
import static org.aelab.kernel.KernelHarness.describe;
import static org.aelab.kernel.KernelHarness.execute;
import static org.aelab.kernel.KernelHarness.executeThenInterrupt;
import static org.aelab.kernel.KernelHarness.inspect;
import static org.aelab.kernel.KernelHarness.isComplete;
import static org.aelab.kernel.KernelHarness.outputs;
import static org.aelab.kernel.KernelHarness.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One kernel session driven through jupyter_client, request by request, with a fixture start-up
 * script (so these checks do not depend on the helper library's API). Every check is its own
 * named step below; the session runs once and the steps read its results.
 *
 * <p>{@code -Daelab.test.java=/path/to/jdk/bin/java} runs the kernel on another JDK (e.g. 21 or 25,
 * where {@code Thread.stop} no longer exists).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelSessionIT {

    @TempDir
    static Path tmp;

    private final Map<String, Map<String, Object>> steps = new LinkedHashMap<>();
    private boolean jdkSourcesAvailable;
    private final Map<String, JsonObject> results = new LinkedHashMap<>();

    private void step(String name, Map<String, Object> request) {
        steps.put(name, request);
    }

    private JsonObject result(String name) {
        return results.get(name);
    }

    @BeforeAll
    void runSession() throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Files.writeString(scripts.resolve("helpers.jsh"), "int loadedValue() { return 99; }\n");
        Path classes = compileFixtures(tmp.resolve("src"), tmp.resolve("classes"));

        step("startup", execute("startupValue * 6"));
        step("define", execute("int x = 41;\nString greet(String n) { return \"hi \" + n; }"));
        step("state", execute("x + 1"));
        step("semicolon", execute("x + 1;"));
        step("redefine", execute("String greet(String n) { return \"hello \" + n; }\ngreet(\"ada\")"));
        step("image", execute("var img = new BufferedImage(28, 14, BufferedImage.TYPE_INT_RGB);\n"
                + "img.setRGB(3, 2, 0xFF0000);\nimg"));
        step("display", execute("String id = display(\"first\");\nupdateDisplay(id, \"second\");\nhtml(\"<b>bold</b>\")"));
        step("table", execute("Table t = Table.create(\"t\", IntColumn.create(\"a\", 1, 2, 3));\nt"));
        step("latex", execute("latex(\"$x^2$\")"));
        step("compileError", execute("int y = 1;\nint z = undefinedThing + 1;"));
        step("runtimeError", execute("int divide(int a, int b) {\n    return a / b;\n}\ndivide(1, 0)"));
        step("stackOverflow", execute("int deep(int n) { return deep(n + 1) + 1; }\ndeep(0)"));
        step("outOfMemory", execute("long[] big = new long[Integer.MAX_VALUE - 8];"));
        step("exit", execute("System.exit(3)"));
        step("afterExit", execute("x"));
        step("printing", execute("for (int i = 0; i < 20000; i++) System.out.println(\"line \" + i);"));
        step("endlessLoop", executeThenInterrupt("long spins = 0;\nwhile (true) { spins++; }", 1.0));
        step("afterInterrupt", execute("x + 1"));
        step("swallowingLoop", executeThenInterrupt(
                "while (true) { try { Thread.sleep(5); } catch (Exception e) { } }", 1.0));
        step("afterSwallowing", execute("greet(\"bob\")"));
        step("djl", execute("try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {\n"
                + "    System.out.println(m.create(new float[] {1, 2, 3}).sum().getFloat());\n"
                + "}\nai.djl.engine.Engine.getInstance().getEngineName()"));
        step("engineTuning", execute("try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {\n"
                + "    var a = m.arange(12f).reshape(3, 4);\n"
                + "    System.out.println(java.util.Arrays.toString(a.matMul(a.transpose()).toFloatArray()));\n"
                + "}\n"
                + "java.nio.file.Files.readString(java.nio.file.Path.of(\"/proc/self/maps\")).contains(\"libmkl_any_vendor.so\")"
                + " + \" \" + System.getenv(\"MALLOC_MMAP_THRESHOLD_\")"));
        step("load", execute("%load " + scripts.resolve("helpers.jsh") + "\nloadedValue()"));
        step("classpath", execute("%classpath " + classes + "\ndemo.Greeter.greet()"));
        step("libraryLoop", executeThenInterrupt("org.aelab.fixture.Busy.spin()", 1.0));
        step("unknownMagic", execute("%nosuchmagic"));
        step("complete", complete("System.out.pri", 14));
        step("inspect", inspect("Math.max(1, 2)", 6));
        step("incomplete", isComplete("for (int i = 0; i < 3; i++) {"));
        step("completeCode", isComplete("int a = 1;"));
        step("kernelInfo", Map.of("op", "kernel_info"));

        KernelHarness kernel = KernelHarness.install(tmp.resolve("jupyter"), "aelab-java-test", System.getProperty("aelab.test.java"),
                Map.of("IJAVA_STARTUP_SCRIPTS_PATH", KernelHarness.resource("fixture-startup.jsh").toString()), false);
        // argv: omp-wait.sh, then (no class-data sharing here) the java launcher.
        Path java = Path.of(kernel.kernelSpec().getAsJsonArray("argv").get(1).getAsString());
        jdkSourcesAvailable = Files.isReadable(java.getParent().getParent().resolve("lib/src.zip"));
        JsonObject session = kernel.session(new ArrayList<>(steps.values()), 240);
        JsonArray all = session.getAsJsonArray("results");
        int i = 0;
        for (String name : steps.keySet()) {
            results.put(name, all.get(i++).getAsJsonObject());
        }
        System.out.printf("[kernel tests] Java %s: start to ready %.2f s; endless loop interrupt to reply %.3f s%n",
                reply(result("kernelInfo")).getAsJsonObject("language_info").get("version").getAsString(),
                session.get("startup_seconds").getAsDouble(),
                result("endlessLoop").get("interrupt_to_reply_seconds").getAsDouble());
    }

    /**
     * Compiles classes for {@code %classpath}: a plain one, and one in the project's own
     * {@code org.aelab} namespace, which the kernel weaves so that library loops stop on interrupt.
     */
    private static Path compileFixtures(Path src, Path classes) throws Exception {
        Path greeter = src.resolve("demo/Greeter.java");
        Path busy = src.resolve("org/aelab/fixture/Busy.java");
        Files.createDirectories(greeter.getParent());
        Files.createDirectories(busy.getParent());
        Files.createDirectories(classes);
        Files.writeString(greeter, "package demo;\npublic class Greeter {\n"
                + "    public static String greet() { return \"from the classpath\"; }\n}\n");
        Files.writeString(busy, "package org.aelab.fixture;\npublic class Busy {\n"
                + "    public static long spin() { long n = 0; while (true) { n++; } }\n}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                greeter.toString(), busy.toString()));
        return classes;
    }

    // ------------------------------------------------------------------ assertions

    private static JsonObject reply(JsonObject result) {
        return result.getAsJsonObject("reply");
    }

    private static void assertOk(JsonObject result) {
        assertEquals("ok", reply(result).get("status").getAsString(), () -> describe(result));
    }

    private static JsonObject data(JsonObject result) {
        List<JsonObject> r = outputs(result, "execute_result");
        assertEquals(1, r.size(), () -> "expected one execute_result: " + describe(result));
        return r.get(0).getAsJsonObject("data");
    }

    private static String plain(JsonObject result) {
        return data(result).get("text/plain").getAsString();
    }

    private static JsonObject error(JsonObject result, String ename) {
        assertEquals("error", reply(result).get("status").getAsString(), () -> describe(result));
        List<JsonObject> errors = outputs(result, "error");
        assertEquals(1, errors.size(), () -> describe(result));
        JsonObject e = errors.get(0);
        assertEquals(ename, e.get("ename").getAsString(), () -> describe(result));
        return e;
    }

    private static List<String> traceback(JsonObject error) {
        List<String> lines = new ArrayList<>();
        for (JsonElement l : error.getAsJsonArray("traceback")) {
            lines.add(l.getAsString().replaceAll("\u001b\\[[0-9;]*m", ""));
        }
        return lines;
    }

    private void check(String name, Consumer<JsonObject> assertion) {
        assertion.accept(result(name));
    }

    /** The kernelspec's engine settings reach the kernel, and matrix products through oneMKL with the shim are right. */
    @Test
    void kernelLoadsTheOneMklShimAndTheAllocatorSettings() {
        check("engineTuning", r -> {
            assertOk(r);
            assertEquals("[14.0, 38.0, 62.0, 38.0, 126.0, 214.0, 62.0, 214.0, 366.0]", stream(r, "stdout").strip());
            boolean x86 = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));
            assertEquals(x86 + " 4194304", plain(r), describe(r));
        });
    }

    @Test
    void startupScriptRunsAndItsFailuresAreReportedNotFatal() {
        check("startup", r -> {
            assertOk(r);
            assertEquals("42", plain(r));
            String err = stream(r, "stderr");
            assertTrue(err.contains("Kernel start-up problems") && err.contains("noSuchThing"), err);
        });
    }

    @Test
    void stateCarriesAcrossCellsAndDefinitionsCanBeReplaced() {
        check("define", r -> {
            assertOk(r);
            assertTrue(outputs(r, "execute_result").isEmpty(), describe(r));
        });
        check("state", r -> assertEquals("42", plain(r)));
        check("redefine", r -> assertEquals("hello ada", plain(r)));
        check("afterSwallowing", r -> assertEquals("hello bob", plain(r)));
    }

    @Test
    void trailingSemicolonSuppressesTheResult() {
        check("semicolon", r -> {
            assertOk(r);
            assertTrue(outputs(r, "execute_result").isEmpty(), describe(r));
        });
    }

    @Test
    void bufferedImageRendersAsPngOfTheRightSize() throws Exception {
        JsonObject d = data(result("image"));
        byte[] png = Base64.getDecoder().decode(d.get("image/png").getAsString().replaceAll("\\s", ""));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(28, image.getWidth());
        assertEquals(14, image.getHeight());
        assertEquals(0xFF0000, image.getRGB(3, 2) & 0xFFFFFF);
        assertEquals(0, image.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void displayUpdateAndHtmlHelpers() {
        JsonObject r = result("display");
        assertOk(r);
        List<JsonObject> shown = outputs(r, "display_data");
        List<JsonObject> updated = outputs(r, "update_display_data");
        assertEquals(1, shown.size(), describe(r));
        assertEquals(1, updated.size(), describe(r));
        String id = shown.get(0).getAsJsonObject("transient").get("display_id").getAsString();
        assertEquals(id, updated.get(0).getAsJsonObject("transient").get("display_id").getAsString());
        assertEquals("first", shown.get(0).getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals("second", updated.get(0).getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals("<b>bold</b>", data(r).get("text/html").getAsString());
        assertEquals("$x^2$", data(result("latex")).get("text/latex").getAsString());
    }

    @Test
    void registeredTypesRenderAsHtml() {
        JsonObject d = data(result("table"));
        assertTrue(d.get("text/html").getAsString().contains("data-rows=\"3\""), d.toString());
        assertTrue(d.has("text/plain"), d.toString());
    }

    @Test
    void compileErrorPointsAtTheSpan() {
        List<String> tb = traceback(error(result("compileError"), "CompilationError"));
        int at = -1;
        for (int i = 0; i < tb.size(); i++) {
            if (tb.get(i).startsWith("cell line 2: cannot find symbol")) {
                at = i;
            }
        }
        assertTrue(at >= 0, String.join("\n", tb));
        int codeLine = at;
        while (!tb.get(codeLine).contains("int z = undefinedThing + 1;")) {
            codeLine++;
        }
        String code = tb.get(codeLine);
        String carets = tb.get(codeLine + 1);
        assertEquals(code.indexOf("undefinedThing"), carets.indexOf('^'), String.join("\n", tb));
        assertEquals("undefinedThing".length(), carets.strip().length(), String.join("\n", tb));
    }

    @Test
    void runtimeErrorHasNameValueAndTrimmedTraceback() {
        JsonObject e = error(result("runtimeError"), "ArithmeticException");
        assertEquals("/ by zero", e.get("evalue").getAsString());
        List<String> tb = traceback(e);
        assertTrue(tb.get(0).startsWith("java.lang.ArithmeticException: / by zero"), String.join("\n", tb));
        assertTrue(tb.stream().anyMatch(l -> l.matches("\\s*at divide \\(cell \\[\\d+\\], line 2\\)")), String.join("\n", tb));
        assertTrue(tb.stream().noneMatch(l -> l.contains("reflect") || l.contains("org.aelab.kernel")), String.join("\n", tb));
    }

    @Test
    void errorsLikeStackOverflowAndOutOfMemoryLeaveTheKernelWorking() {
        List<String> tb = traceback(error(result("stackOverflow"), "StackOverflowError"));
        assertTrue(tb.size() < 60, "traceback should be trimmed: " + tb.size() + " lines");
        error(result("outOfMemory"), "OutOfMemoryError");
        assertEquals("41", plain(result("afterExit")));
    }

    @Test
    void systemExitIsStoppedAndExplained() {
        JsonObject e = error(result("exit"), "SystemExit");
        assertTrue(e.get("evalue").getAsString().contains("System.exit(3)"), e.toString());
        assertEquals("41", plain(result("afterExit")));
    }

    @Test
    void twentyThousandPrintlnsArriveInOrderInFewMessages() {
        JsonObject r = result("printing");
        assertOk(r);
        String[] lines = stream(r, "stdout").split("\n");
        assertEquals(20000, lines.length);
        for (int i = 0; i < lines.length; i++) {
            assertEquals("line " + i, lines[i]);
        }
        int messages = outputs(r, "stream").size();
        System.out.println("[kernel tests] 20000 println -> " + messages + " stream messages");
        assertTrue(messages < 200, "20000 lines took " + messages + " messages");
    }

    @Test
    void interruptStopsAnEndlessLoopWithinASecondAndKeepsState() {
        JsonObject r = result("endlessLoop");
        error(r, "Interrupted");
        double seconds = r.get("interrupt_to_reply_seconds").getAsDouble();
        assertTrue(seconds < 1.0, "interrupt took " + seconds + " s");
        assertEquals("42", plain(result("afterInterrupt")));
        error(result("swallowingLoop"), "Interrupted");
        JsonObject library = result("libraryLoop");
        error(library, "Interrupted");
        assertTrue(library.get("interrupt_to_reply_seconds").getAsDouble() < 1.0, describe(library));
    }

    @Test
    void djlFindsItsEngineThroughTheSnippetLoader() {
        JsonObject r = result("djl");
        assertOk(r);
        assertEquals("6.0", stream(r, "stdout").strip());
        assertTrue(plain(r).contains("PyTorch"), describe(r));
        assertFalse(stream(r, "stderr").contains("INFO"), "library INFO logs leaked: " + stream(r, "stderr"));
    }

    @Test
    void magicsLoadFilesAndExtendTheClasspath() {
        assertEquals("99", plain(result("load")));
        assertTrue(plain(result("classpath")).contains("from the classpath"), describe(result("classpath")));
        error(result("unknownMagic"), "UnknownMagic");
    }

    @Test
    void completionInspectionAndIsComplete() {
        JsonObject c = reply(result("complete"));
        assertEquals("ok", c.get("status").getAsString());
        assertTrue(c.getAsJsonArray("matches").toString().contains("println("), c.toString());
        assertEquals(11, c.get("cursor_start").getAsInt());
        assertEquals(14, c.get("cursor_end").getAsInt());

        JsonObject i = reply(result("inspect"));
        assertTrue(i.get("found").getAsBoolean(), i.toString());
        String doc = i.getAsJsonObject("data").get("text/plain").getAsString();
        assertTrue(doc.contains("Math.max(int a, int b)"), i.toString());
        if (jdkSourcesAvailable) {
            // Javadoc comes from the JDK's lib/src.zip (Debian: openjdk-17-source).
            assertTrue(doc.contains("Returns the greater of two int values"), doc);
        }

        assertEquals("incomplete", reply(result("incomplete")).get("status").getAsString());
        assertEquals("complete", reply(result("completeCode")).get("status").getAsString());

        JsonObject info = reply(result("kernelInfo"));
        assertEquals("aelab-java", info.get("implementation").getAsString());
        assertEquals("java", info.getAsJsonObject("language_info").get("name").getAsString());
    }
}
