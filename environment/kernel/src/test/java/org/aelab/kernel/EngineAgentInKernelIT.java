package org.aelab.kernel;

import static org.aelab.kernel.KernelHarness.describe;
import static org.aelab.kernel.KernelHarness.execute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine agent (agent/) in the kernel as installed, driven cell by cell the way a reader experiments:
 * <ul>
 * <li>DJL's scalar operations keep their gradients when the collector runs between forward and backward,
 * from the first cell: the cell of the issue that found the bug, and {@code Loss.l2Loss()};
 * <li>re-running a data cell and a model cell ten times does not grow the kernel: the old managers' native
 * memory goes back, while a model and arrays still referred to keep working.
 * </ul>
 * A second kernel with {@code AELAB_ENGINE_AGENT=off} is the control: the same cells find the bug there, so
 * the checks can fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineAgentInKernelIT {

    /** The bound the issue sets on ten re-runs after the first; one run of {@link #DATA} holds 94 MB. */
    private static final long GROWTH_BOUND_MB = 150;
    private static final int RERUNS = 10;

    @TempDir
    static Path tmp;

    private final Map<String, JsonObject> fixed = new LinkedHashMap<>();
    private final Map<String, JsonObject> control = new LinkedHashMap<>();

    private static final String HELPERS = "NDManager manager = NDManager.newBaseManager();\n"
            + "long rssMb() throws Exception {\n"
            + "    Thread.sleep(300);          // the cleaner frees on its own thread, just after the collection\n"
            + "    for (String line : Files.readAllLines(Path.of(\"/proc/self/status\")))\n"
            + "        if (line.startsWith(\"VmRSS:\")) return Long.parseLong(line.replaceAll(\"\\\\D\", \"\")) / 1024;\n"
            + "    throw new IllegalStateException(\"no VmRSS\");\n"
            + "}\n"
            + "java.util.List<java.nio.ByteBuffer> pressure = new java.util.ArrayList<>();\n"
            + "void collect() {            // a collection, and fresh direct buffers where freed ones were\n"
            + "    System.gc();\n"
            + "    pressure.clear();\n"
            + "    for (int i = 0; i < 64; i++) pressure.add(java.nio.ByteBuffer.allocateDirect(4096).putFloat(0, 1e9f));\n"
            + "}";

    /** The issue's cell, forty times: the count of tries whose gradient is not 0.75 + 0.2·x. */
    private static final String ISSUE_CELL = "int wrong = 0;\n"
            + "for (int t = 0; t < 40; t++) {\n"
            + "    var x = manager.randomNormal(new Shape(64, 64));\n"
            + "    x.setRequiresGradient(true);\n"
            + "    try (var gc = Engine.getInstance().newGradientCollector()) {\n"
            + "        var y = x.mul(0.5f).add(x.div(4f)).add(x.pow(2f).mul(0.1f)).sum();\n"
            + "        collect();\n"
            + "        gc.backward(y);\n"
            + "    }\n"
            + "    var expected = x.mul(0.2f).add(0.75f);\n"
            + "    if (x.getGradient().sub(expected).abs().max().getFloat() > 1e-4f) wrong++;\n"
            + "}\n"
            + "wrong";

    /** {@code Loss.l2Loss()}: the gradient with a collection before backward against the one without. */
    private static final String L2_LOSS = "int l2Wrong = 0;\n"
            + "var l2 = Loss.l2Loss();\n"
            + "var target = manager.randomNormal(new Shape(32, 16));\n"
            + "var start = manager.randomNormal(new Shape(32, 16));\n"
            + "NDArray l2Gradient(boolean withCollection) {\n"
            + "    var p = start.duplicate();\n"
            + "    p.setRequiresGradient(true);\n"
            + "    try (var gc = Engine.getInstance().newGradientCollector()) {\n"
            + "        var loss = l2.evaluate(new NDList(target), new NDList(p));\n"
            + "        if (withCollection) collect();\n"
            + "        gc.backward(loss);\n"
            + "    }\n"
            + "    return p.getGradient().duplicate();\n"
            + "}\n"
            + "for (int t = 0; t < 20; t++)\n"
            + "    if (!l2Gradient(true).contentEquals(l2Gradient(false))) l2Wrong++;\n"
            + "l2Wrong";

    /** Notebook 02's data cell, in the shape of its arrays: a new manager and 94 MB of arrays from Java data. */
    private static final String DATA = "ImageSet test = FashionMnist.test();\n"
            + "NDManager dataManager = NDManager.newBaseManager();\n"
            + "NDArray images = test.toNDArray(dataManager);\n"
            + "NDArray moreImages = test.toNDArray(dataManager);\n"
            + "NDArray evenMoreImages = test.toNDArray(dataManager);";

    /** A model cell: a new model whose parameters the engine holds, replacing the previous one. */
    private static final String MODEL = "Model model = Model.newInstance(\"rerun\");\n"
            + "model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(512).build())\n"
            + "        .add(Activation.reluBlock()).add(Linear.builder().setUnits(784).build()));\n"
            + "model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 784));";

    private static final String RSS = "rssMb()";

    private static List<Map<String, Object>> steps(List<String> names) {
        List<Map<String, Object>> steps = new ArrayList<>();
        add(steps, names, "helpers", HELPERS);
        add(steps, names, "status", "System.getProperty(\"aelab.engine_agent\")");
        add(steps, names, "issueCell", ISSUE_CELL);
        add(steps, names, "l2Loss", L2_LOSS);
        return steps;
    }

    private static void add(List<Map<String, Object>> steps, List<String> names, String name, String code) {
        Map<String, Object> step = new LinkedHashMap<>(execute(code));
        step.put("timeout", 300);
        steps.add(step);
        names.add(name);
    }

    @BeforeAll
    void runSessions() throws Exception {
        List<String> names = new ArrayList<>();
        List<Map<String, Object>> withAgent = steps(names);
        add(withAgent, names, "model", MODEL);
        add(withAgent, names, "keptModel", "Model kept = model;\n"
                + "NDArray keptOutput = Models.forward(kept, manager.ones(new Shape(2, 784)));");
        for (int i = 0; i <= RERUNS; i++) {
            add(withAgent, names, "data" + i, DATA);
            add(withAgent, names, "rssData" + i, RSS);
        }
        add(withAgent, names, "keptImages", "NDArray keptImages = images;");
        for (int i = 0; i <= RERUNS; i++) {
            add(withAgent, names, "model" + i, MODEL);
            add(withAgent, names, "rssModel" + i, RSS);
        }
        add(withAgent, names, "stillWorking",
                "Models.forward(kept, manager.ones(new Shape(2, 784))).contentEquals(keptOutput) + \" \""
                        + " + (keptImages.sum().getFloat() > 0) + \" \" + dataManager.isOpen()");
        add(withAgent, names, "managers", "org.aelab.agent.NativeMemory.managersReleased() + \" \""
                + " + org.aelab.agent.NativeMemory.managersOpen()");
        run("aelab-java-agent", Map.of(), withAgent, names, fixed);

        List<String> controlNames = new ArrayList<>();
        run("aelab-java-agent-off", Map.of("AELAB_ENGINE_AGENT", "off"), steps(controlNames), controlNames, control);
    }

    private static void run(String kernelName, Map<String, String> env, List<Map<String, Object>> steps,
            List<String> names, Map<String, JsonObject> into) throws Exception {
        Map<String, String> kernelEnv = new LinkedHashMap<>(env);
        // One intra-op thread: on a loaded shared machine two threads meeting at every operation's
        // barrier make single steps take seconds, which is not what is tested here.
        kernelEnv.put("OMP_NUM_THREADS", "1");
        KernelHarness kernel = KernelHarness.install(tmp.resolve(kernelName), kernelName, null, kernelEnv, false);
        JsonArray all = kernel.session(steps, 1200).getAsJsonArray("results");
        for (int i = 0; i < names.size(); i++) {
            into.put(names.get(i), all.get(i).getAsJsonObject());
        }
    }

    private static void ok(JsonObject result) {
        assertEquals("ok", result.getAsJsonObject("reply").get("status").getAsString(), describe(result));
    }

    private static String plain(JsonObject result) {
        ok(result);
        List<JsonObject> values = KernelHarness.outputs(result, "execute_result");
        assertEquals(1, values.size(), describe(result));
        return values.get(0).getAsJsonObject("data").get("text/plain").getAsString().replace("\"", "");
    }

    @Test
    void scalarOperationsKeepTheirGradientsFromTheFirstCell() {
        ok(fixed.get("helpers"));
        assertEquals("startup", plain(fixed.get("status")), "the kernel loads the agent with -javaagent");
        assertEquals("0", plain(fixed.get("issueCell")), "tries of 40 with a wrong gradient");
        assertEquals("0", plain(fixed.get("l2Loss")), "tries of 20 where a collection changed l2Loss's gradient");
    }

    @Test
    void withTheAgentOffTheSameCellsFindTheBug() {
        assertEquals("off", plain(control.get("status")));
        int wrong = Integer.parseInt(plain(control.get("issueCell")));
        int l2Wrong = Integer.parseInt(plain(control.get("l2Loss")));
        // Which tries go wrong is chance (the freed memory must be reused before backward): 15 of 40 and 5 of
        // 20 in one run here, 40 of 40 and 19 of 19 when the issue was filed.
        assertTrue(wrong + l2Wrong >= 5, "without the agent, DJL 0.36 loses these gradients to the collector: "
                + wrong + " of 40, " + l2Wrong + " of 20");
    }

    @Test
    void reRunningADataCellOrAModelCellDoesNotGrowTheKernel() {
        long dataGrowth = Long.parseLong(plain(fixed.get("rssData" + RERUNS))) - Long.parseLong(plain(fixed.get("rssData0")));
        long modelGrowth = Long.parseLong(plain(fixed.get("rssModel" + RERUNS))) - Long.parseLong(plain(fixed.get("rssModel0")));
        List<String> data = new ArrayList<>();
        List<String> model = new ArrayList<>();
        for (int i = 0; i <= RERUNS; i++) {
            data.add(plain(fixed.get("rssData" + i)));
            model.add(plain(fixed.get("rssModel" + i)));
        }
        System.out.printf("[kernel tests] resident MB after each run: data cell %s (+%d), model cell %s (+%d)%n",
                data, dataGrowth, model, modelGrowth);
        assertTrue(dataGrowth < GROWTH_BOUND_MB, "ten re-runs of a 94 MB data cell grew the kernel by " + dataGrowth
                + " MB: " + data);
        assertTrue(modelGrowth < GROWTH_BOUND_MB, "ten re-runs of a model cell grew the kernel by " + modelGrowth
                + " MB: " + model);
    }

    @Test
    void whatIsStillReferredToKeepsWorking() {
        ok(fixed.get("model"));
        ok(fixed.get("keptModel"));
        assertEquals("true true true", plain(fixed.get("stillWorking")),
                "a model and an array kept in other variables, and the latest data cell's manager");
        String[] managers = plain(fixed.get("managers")).split(" ");
        // The replaced data managers are freed by the agent; replaced models by DJL's own finalizer, which
        // closes them once collected. What stays open: manager, dataManager, kept's and model's managers.
        assertTrue(Long.parseLong(managers[0]) >= RERUNS, "replaced data managers released: " + managers[0]);
        assertTrue(Long.parseLong(managers[1]) <= 5, "managers still open after the re-runs: " + managers[1]);
    }
}
