package org.aelab.kernel;

import static org.aelab.kernel.KernelHarness.complete;
import static org.aelab.kernel.KernelHarness.describe;
import static org.aelab.kernel.KernelHarness.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tab and Shift-Tab on a fresh kernel installed as users get it (real start-up script and notebook
 * classpath, library sources beside the kernel): the requests come before any cell has run, the
 * first of them while the start-up script may still be running. Prints the Shift-Tab replies as a
 * reader sees them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeInsightIT {

    @TempDir
    static Path tmp;

    private final Map<String, Map<String, Object>> steps = new LinkedHashMap<>();
    private final Map<String, JsonObject> results = new LinkedHashMap<>();
    private double startupSeconds;

    private static Map<String, Object> inspect(String code, int detail) {
        return Map.of("op", "inspect", "code", code, "cursor", code.length(), "detail", detail);
    }

    @BeforeAll
    void runSession() throws Exception {
        steps.put("completeSyste", complete("Syste", 5));
        steps.put("completeMathAb", complete("Math.ab", 7));
        steps.put("completeFashionMnist", complete("FashionMnist.tr", 15));
        steps.put("inspectString", inspect("String", 0));
        steps.put("inspectMathAbs", inspect("Math.abs", 0));
        steps.put("inspectFitModel", inspect("Fit.model", 0));
        steps.put("inspectImageGridPairs", inspect("ImageGrid.pairs", 0));
        steps.put("inspectTableCreate", inspect("Table.create", 0));
        steps.put("inspectNothing", inspect("int unknownName = 3; notDefinedAnywhere", 0));
        steps.put("define", execute("NDManager manager = NDManager.newBaseManager();\n"
                + "NDArray testImages = manager.zeros(new Shape(2, 784));"));
        steps.put("inspectMatMul", inspect("testImages.matMul", 0));
        steps.put("inspectMatMulInCall", Map.of("op", "inspect", "code", "testImages.matMul(testImages.transpose())",
                "cursor", 13, "detail", 0));
        steps.put("inspectMathAbsDetail", inspect("Math.abs", 1));
        steps.put("completeMember", complete("testImages.resh", 15));
        steps.put("history", Map.of("op", "history", "hist_access_type", "tail", "n", 5, "output", true));

        KernelHarness kernel = KernelHarness.install(tmp.resolve("jupyter"), "aelab-java-insight", null, Map.of(), false);
        JsonObject session = kernel.session(new ArrayList<>(steps.values()), 300);
        startupSeconds = session.get("startup_seconds").getAsDouble();
        JsonArray all = session.getAsJsonArray("results");
        int i = 0;
        for (String name : steps.keySet()) {
            results.put(name, all.get(i++).getAsJsonObject());
        }
        System.out.printf("[code insight] start to ready %.2f s; first completion answered %.2f s after ready%n",
                startupSeconds, results.get("completeSyste").get("seconds").getAsDouble());
        for (String name : List.of("inspectString", "inspectMathAbs", "inspectMatMul", "inspectFitModel")) {
            System.out.println("[code insight] Shift-Tab reply '" + name + "' (text/plain):\n" + plain(name) + "\n");
        }
    }

    private JsonObject reply(String name) {
        return results.get(name).getAsJsonObject("reply");
    }

    private List<String> matches(String name) {
        JsonObject r = reply(name);
        assertEquals("ok", r.get("status").getAsString(), () -> describe(r));
        List<String> found = new ArrayList<>();
        for (JsonElement e : r.getAsJsonArray("matches")) {
            found.add(e.getAsString());
        }
        return found;
    }

    private String plain(String name) {
        JsonObject r = reply(name);
        assertEquals("ok", r.get("status").getAsString(), () -> describe(r));
        assertTrue(r.get("found").getAsBoolean(), () -> name + " found nothing: " + describe(r));
        return r.getAsJsonObject("data").get("text/plain").getAsString();
    }

    private String html(String name) {
        return reply(name).getAsJsonObject("data").get("text/html").getAsString();
    }

    @Test
    void completionAnswersFromTheFirstRequest() {
        assertTrue(matches("completeSyste").contains("System"), () -> matches("completeSyste").toString());
        assertTrue(matches("completeMathAb").containsAll(List.of("abs(", "absExact(")), () -> matches("completeMathAb").toString());
        assertEquals(List.of("train()"), matches("completeFashionMnist"));
        JsonObject r = reply("completeFashionMnist");
        assertEquals(13, r.get("cursor_start").getAsInt());
        assertEquals(15, r.get("cursor_end").getAsInt());
        assertTrue(matches("completeMember").contains("reshape("), () -> matches("completeMember").toString());
    }

    @Test
    void jdkClassesAndStaticMethodsShowSignatureAndJavadoc() {
        String string = plain("inspectString");
        assertTrue(string.startsWith("java.lang.String"), string);
        assertTrue(string.contains("The String class represents character strings."), string);
        String abs = plain("inspectMathAbs");
        assertTrue(abs.startsWith("int Math.abs(int a)\n"), abs);
        assertTrue(abs.contains("\ndouble Math.abs(double a)\n"), abs);
        assertTrue(abs.contains("Returns the absolute value of an int value."), abs);
        assertTrue(abs.contains("Parameters:\n  a - the argument whose absolute value is to be determined"), abs);
        assertTrue(abs.contains("Returns:\n  the absolute value of the argument."), abs);
        assertFalse(abs.contains("{@code") || abs.contains("<p>"), abs);
        assertTrue(html("inspectMathAbs").contains("<pre><code>int Math.abs(int a)</code></pre>"),
                html("inspectMathAbs"));
        String detail = plain("inspectMathAbsDetail");
        assertTrue(detail.length() > abs.length() && detail.contains("Integer.MIN_VALUE"), detail);
    }

    @Test
    void libraryMethodsOnAnExpressionShowDjlJavadoc() {
        String matMul = plain("inspectMatMul");
        assertTrue(matMul.startsWith("NDArray NDArray.matMul(NDArray other)\n"), matMul);
        assertTrue(matMul.contains("Product matrix of this NDArray and the other NDArray."), matMul);
        assertTrue(plain("inspectMatMulInCall").contains("Product matrix of this NDArray"), plain("inspectMatMulInCall"));
        assertTrue(plain("inspectTableCreate").contains("Table Table.create("), plain("inspectTableCreate"));
    }

    @Test
    void ourHelpersShowTheirJavadoc() {
        String model = plain("inspectFitModel");
        assertTrue(model.startsWith("Fit Fit.model(Model model)\n"), model);
        assertTrue(model.contains("Starts a fit of model with the defaults"), model);
        String pairs = plain("inspectImageGridPairs");
        assertTrue(pairs.contains("ImageGrid ImageGrid.pairs(float[][] originals, float[][] reconstructions)"), pairs);
        assertTrue(pairs.contains("Originals with their reconstructions"), pairs);
        assertTrue(html("inspectImageGridPairs").contains("<dt><b>Throws:</b></dt>"), html("inspectImageGridPairs"));
    }

    @Test
    void nothingToDocumentIsNotFound() {
        JsonObject r = reply("inspectNothing");
        assertEquals("ok", r.get("status").getAsString(), () -> describe(r));
        assertFalse(r.get("found").getAsBoolean(), () -> describe(r));
    }

    @Test
    void historyListsTheCellsRun() {
        JsonObject r = reply("history");
        assertEquals("ok", r.get("status").getAsString(), () -> describe(r));
        JsonArray history = r.getAsJsonArray("history");
        assertEquals(1, history.size(), () -> describe(r));
        JsonArray entry = history.get(0).getAsJsonArray();
        assertEquals(1, entry.get(1).getAsInt());
        assertTrue(entry.get(2).getAsJsonArray().get(0).getAsString().startsWith("NDManager manager"), entry.toString());
    }
}
