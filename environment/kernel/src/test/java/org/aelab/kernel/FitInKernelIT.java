package org.aelab.kernel;

import static org.aelab.kernel.KernelHarness.describe;
import static org.aelab.kernel.KernelHarness.execute;
import static org.aelab.kernel.KernelHarness.executeThenInterrupt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
 * The helper jar's {@code Fit} in the real kernel (real start-up script and notebook classpath),
 * driven cell by cell through jupyter_client:
 * <ul>
 * <li>the kernel's own interrupt ({@code interrupt_request}) during a fit returns its history to
 * the cell, keeps the parameters and stops the rest of the cell; an interrupt elsewhere still stops
 * within a second;
 * <li>a checkpoint is reused only for the same code: editing the loss cell, changing the noise
 * level of the input transform, or re-running the training cell alone never loads the old model.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FitInKernelIT {

    @TempDir
    static Path tmp;

    private final Map<String, Map<String, Object>> steps = new LinkedHashMap<>();
    private final Map<String, JsonObject> results = new LinkedHashMap<>();
    private Path checkpoints;

    /** Every request may take minutes on a loaded machine (the first one loads PyTorch). */
    private void step(String name, Map<String, Object> request) {
        Map<String, Object> patient = new LinkedHashMap<>(request);
        patient.put("timeout", 300);
        steps.put(name, patient);
    }

    private static final String DATA = "NDManager data = NDManager.newBaseManager();\n"
            + "ai.djl.engine.Engine.getInstance().setRandomSeed(5);\n"
            + "NDArray xs = data.randomUniform(0f, 1f, new Shape(512, 32));\n"
            + "Model build() {\n"
            + "    Model model = Model.newInstance(\"tiny\");\n"
            + "    model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())\n"
            + "            .add(Activation.reluBlock()).add(Linear.builder().setUnits(32).build()));\n"
            + "    return model;\n"
            + "}\n"
            + "double mse(Model m) { return Models.forward(m, xs).sub(xs).square().mean().getFloat(); }\n"
            + "TrainingHistory longFit(Model m, int seed) {\n"
            + "    return Fit.model(m).data(xs, xs).loss(TrainingLoss.meanSquaredError()).batchSize(32)\n"
            + "            .epochs(1_000_000).seed(seed).run();\n"
            + "}";

    private static final String MODEL = "Model model = build();\n"
            + "ai.djl.engine.Engine.getInstance().setRandomSeed(1);\n"
            + "model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(32, 32));\n"
            + "double before = mse(model);";

    private static final String LONG_FIT = "TrainingHistory h = longFit(model, 1);";

    private static final String NOISE = "double noise = 0.1;";
    private static final String LOSS = "TrainingLoss loss = TrainingLoss.meanSquaredError();";
    private static final String EDITED_LOSS = "TrainingLoss loss = TrainingLoss.of(\"loss\", (p, t) -> p.sub(t).abs().mean());";
    private static final String REUSED_MODEL = "Model reused = build();";
    private static final String TRAIN = "TrainingHistory r = Fit.model(reused).data(xs, xs).loss(loss)\n"
            + "        .inputTransform(x -> x.add(x.getManager().randomNormal(0f, (float) noise, x.getShape(), x.getDataType())))\n"
            + "        .batchSize(64).epochs(2).seed(3).checkpoint(\"reuse\").run();\n"
            + "r.restored()";

    @BeforeAll
    void runSession() throws Exception {
        checkpoints = tmp.resolve("checkpoints");
        step("data", execute(DATA));
        step("model", execute(MODEL));
        // The interrupts come late enough for the cell's snippet to be compiled and running: the kernel
        // drops an interrupt that arrives while a snippet is still being compiled.
        step("fit", executeThenInterrupt(LONG_FIT, 8.0));
        step("history", execute("h.interrupted() + \" \" + (h.epochs() > 0) + \" \" + (h.table().rowCount() == h.epochs())"));
        step("parameters", execute("double after = mse(model);\n"
                + "(after < before) + \" \" + (after <= h.table().doubleColumn(\"test loss\").get(h.epochs() - 1) * 1.05)"));
        step("fitThenMore", executeThenInterrupt(
                "List<TrainingHistory> runs = new ArrayList<>();\n"
                        + "for (int i = 0; i < 3; i++) {\n"
                        + "    runs.add(longFit(build(), i));\n"
                        + "}", 8.0));
        step("runs", execute("runs.size() + \" \" + runs.get(0).interrupted()"));
        step("loop", executeThenInterrupt("long spins = 0;\nwhile (true) { spins++; }", 1.0));
        step("alive", execute("1 + 1"));

        step("noise", execute(NOISE));
        step("loss", execute(LOSS));
        step("reusedModel1", execute(REUSED_MODEL));
        step("train1", execute(TRAIN));
        step("reusedModel2", execute(REUSED_MODEL));
        step("train2SameCode", execute(TRAIN));
        step("train3CellAlone", execute(TRAIN));
        step("editLoss", execute(EDITED_LOSS));
        step("reusedModel4", execute(REUSED_MODEL));
        step("train4EditedLoss", execute(TRAIN));
        step("lossBack", execute(LOSS));
        step("noiseLevel", execute("noise = 0.2;"));
        step("reusedModel5", execute(REUSED_MODEL));
        step("train5Noise", execute(TRAIN));
        step("noiseBack", execute("noise = 0.1;"));
        step("reusedModel6", execute(REUSED_MODEL));
        step("train6SameAsFirst", execute(TRAIN));

        KernelHarness kernel = KernelHarness.install(tmp.resolve("jupyter"), "aelab-java-fit", null,
                // One intra-op thread: on a loaded shared machine two threads meeting at every
                // operation's barrier make single steps take seconds, which is not what is tested here.
                Map.of("AELAB_CHECKPOINT_DIR", checkpoints.toString(), "AELAB_RETRAIN", "0", "OMP_NUM_THREADS", "1"),
                false);
        JsonObject session = kernel.session(new ArrayList<>(steps.values()), 900);
        JsonArray all = session.getAsJsonArray("results");
        int i = 0;
        for (String name : steps.keySet()) {
            results.put(name, all.get(i++).getAsJsonObject());
        }
        Files.writeString(Path.of(System.getProperty("aelab.kernel.jar", "target/x")).resolveSibling("fit-in-kernel-results.json"),
                describe(session));
        System.out.printf("[kernel tests] Fit interrupted, reply after %.3f s (in a loop of fits %.3f s); plain loop after %.3f s%n",
                results.get("fit").get("interrupt_to_reply_seconds").getAsDouble(),
                results.get("fitThenMore").get("interrupt_to_reply_seconds").getAsDouble(),
                results.get("loop").get("interrupt_to_reply_seconds").getAsDouble());
    }

    private static String status(JsonObject result) {
        return result.getAsJsonObject("reply").get("status").getAsString();
    }

    private static String plain(JsonObject result) {
        List<JsonObject> values = KernelHarness.outputs(result, "execute_result");
        assertEquals(1, values.size(), describe(result));
        return values.get(0).getAsJsonObject("data").get("text/plain").getAsString();
    }

    private void ok(String step) {
        assertEquals("ok", status(results.get(step)), step + ": " + describe(results.get(step)));
    }

    @Test
    void interruptingAFitReturnsItsHistoryAndKeepsTheParameters() {
        ok("data");
        ok("model");
        JsonObject fit = results.get("fit");
        assertEquals("ok", status(fit), "the fit returns normally: " + describe(fit));
        assertTrue(describe(fit).contains("Interrupted in epoch"), "the one-line message: " + describe(fit));
        assertTrue(fit.get("interrupt_to_reply_seconds").getAsDouble() < 2.0, describe(fit));
        assertEquals("true true true", plain(results.get("history")), describe(results.get("history")));
        assertEquals("true true", plain(results.get("parameters")), describe(results.get("parameters")));
    }

    @Test
    void theRestOfTheCellStopsAfterTheInterruptedFit() {
        JsonObject loop = results.get("fitThenMore");
        assertEquals("error", status(loop), describe(loop));
        assertEquals("Interrupted", loop.getAsJsonObject("reply").get("ename").getAsString());
        assertEquals("1 true", plain(results.get("runs")), "the interrupted fit's history was kept, no second fit ran");
    }

    @Test
    void anInterruptElsewhereStillStopsWithinASecondAndTheKernelKeepsWorking() {
        JsonObject loop = results.get("loop");
        assertEquals("Interrupted", loop.getAsJsonObject("reply").get("ename").getAsString(), describe(loop));
        assertTrue(loop.get("interrupt_to_reply_seconds").getAsDouble() < 1.0, describe(loop));
        assertEquals("2", plain(results.get("alive")));
    }

    @Test
    void aCheckpointIsReusedOnlyForTheSameCode() throws Exception {
        assertEquals("false", plain(results.get("train1")), "first run trains");
        JsonObject same = results.get("train2SameCode");
        assertEquals("true", plain(same), "model and training cells run again: the checkpoint is loaded");
        String text = describe(same);
        assertTrue(text.contains("Loaded checkpoint $AELAB_CHECKPOINT_DIR/reuse/"), text);
        assertTrue(text.contains("2 epochs on 512 training samples"), text);
        assertFalse(text.contains(checkpoints.toString()), "no absolute path is shown: " + text);

        JsonObject alone = results.get("train3CellAlone");
        assertEquals("false", plain(alone), "re-running the training cell alone continues training, never reloads");
        assertTrue(describe(alone).contains("Continuing from trained parameters"), describe(alone));

        assertEquals("false", plain(results.get("train4EditedLoss")), "an edited loss cell trains again");
        assertEquals("false", plain(results.get("train5Noise")), "another noise level trains again");
        assertEquals("true", plain(results.get("train6SameAsFirst")), "the first code again: its checkpoint");

        try (var keys = Files.list(checkpoints.resolve("reuse"))) {
            assertEquals(4, keys.count(), "fresh, continued, edited loss, other noise: four checkpoints");
        }
    }
}
