package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Installs the kernel into a throw-away Jupyter data directory with the real
 * {@code install-kernel.sh} and drives it through real Jupyter ({@code jupyter_client},
 * {@code nbclient}, {@code nbconvert}). Never touches the user's own kernelspecs.
 */
final class KernelHarness {

    static final String PYTHON = "/usr/bin/python3";
    static final String JUPYTER = "/usr/bin/jupyter";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    final Path repoRoot;
    final Path jupyterPath;
    final String kernelName;

    private KernelHarness(Path repoRoot, Path jupyterPath, String kernelName) {
        this.repoRoot = repoRoot;
        this.jupyterPath = jupyterPath;
        this.kernelName = kernelName;
    }

    static Path repoRoot() {
        String root = System.getProperty("aelab.repo.root");
        Path path = root != null ? Path.of(root) : Path.of("../..");
        return path.toAbsolutePath().normalize();
    }

    static Path resource(String name) {
        return repoRoot().resolve("environment/kernel/src/test/resources").resolve(name);
    }

    /**
     * Installs a kernelspec named {@code name} under {@code dir} with {@code java} (null: the
     * installer's default); {@code env} entries replace or extend the kernelspec's environment (e.g.
     * a fixture start-up script); {@code cds} keeps the installer's class-data-sharing warm-up.
     */
    static KernelHarness install(Path dir, String name, String java, Map<String, String> env, boolean cds)
            throws Exception {
        Path root = repoRoot();
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("environment/kernel/install-kernel.sh").toString(),
                "--data-dir", dir.toString(), "--name", name, "--heap", "1g"));
        if (!cds) {
            cmd.add("--no-cds");
        }
        if (java != null) {
            cmd.add("--java");
            cmd.add(java);
        }
        // The class-data-sharing warm-up takes ~10 s of CPU; minutes on a busy shared machine.
        String log = run(cmd, dir, 600, Map.of());
        Path spec = dir.resolve("kernels").resolve(name).resolve("kernel.json");
        assertTrue(Files.isRegularFile(spec), "install-kernel.sh wrote no kernel.json:\n" + log);
        // JupyterLab 4's running-kernels panel throws for a kernelspec without a logo.
        assertTrue(Files.isRegularFile(spec.resolveSibling("logo-svg.svg")), "install-kernel.sh installed no logo:\n" + log);
        if (!env.isEmpty()) {
            JsonObject json = JsonParser.parseString(Files.readString(spec)).getAsJsonObject();
            JsonObject specEnv = json.getAsJsonObject("env");
            env.forEach(specEnv::addProperty);
            Files.writeString(spec, GSON.toJson(json));
        }
        return new KernelHarness(root, dir, name);
    }

    JsonObject kernelSpec() throws IOException {
        return JsonParser.parseString(Files.readString(
                jupyterPath.resolve("kernels").resolve(kernelName).resolve("kernel.json"))).getAsJsonObject();
    }

    /** Runs requests (see kernel_session.py) on one kernel; returns {startup_seconds, results}. */
    JsonObject session(List<Map<String, Object>> requests, int timeoutSeconds) throws Exception {
        Path file = Files.createTempFile(jupyterPath, "requests", ".json");
        Files.writeString(file, GSON.toJson(requests));
        Path results = Files.createTempFile(jupyterPath, "results", ".json");
        run(List.of(PYTHON, resource("kernel_session.py").toString(), kernelName, file.toString(), results.toString()),
                jupyterPath, timeoutSeconds, Map.of("JUPYTER_PATH", jupyterPath.toString()));
        return JsonParser.parseString(Files.readString(results)).getAsJsonObject();
    }

    /** Executes a notebook with nbclient (see run_notebook.py); returns the executed notebook. */
    JsonObject runNotebook(Path notebook, double cellTimeout, int timeoutSeconds) throws Exception {
        Path out = jupyterPath.resolve("executed-" + notebook.getFileName());
        run(List.of(PYTHON, resource("run_notebook.py").toString(), kernelName, notebook.toString(), out.toString(),
                String.valueOf(cellTimeout)), jupyterPath, timeoutSeconds, Map.of("JUPYTER_PATH", jupyterPath.toString()));
        return JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    }

    static String run(List<String> command, Path dir, int timeoutSeconds, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[][] holder = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                holder[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                holder[0] = ("(could not read output: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            fail("Timed out after " + timeoutSeconds + " s: " + command + "\n" + text(holder[0]));
        }
        reader.join();
        String out = text(holder[0]);
        if (p.exitValue() != 0) {
            fail("Exit " + p.exitValue() + ": " + command + "\n" + out);
        }
        return out;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ request builders and readers

    static Map<String, Object> execute(String code) {
        return Map.of("op", "execute", "code", code);
    }

    static Map<String, Object> executeThenInterrupt(String code, double afterSeconds) {
        return Map.of("op", "execute", "code", code, "interrupt_after", afterSeconds);
    }

    static Map<String, Object> complete(String code, int cursor) {
        return Map.of("op", "complete", "code", code, "cursor", cursor);
    }

    static Map<String, Object> inspect(String code, int cursor) {
        return Map.of("op", "inspect", "code", code, "cursor", cursor);
    }

    static Map<String, Object> isComplete(String code) {
        return Map.of("op", "is_complete", "code", code);
    }

    /** The iopub outputs of one result of a given message type. */
    static List<JsonObject> outputs(JsonObject result, String type) {
        List<JsonObject> found = new ArrayList<>();
        JsonArray outputs = result.getAsJsonArray("outputs");
        for (JsonElement e : outputs) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("type").getAsString().equals(type)) {
                found.add(o.getAsJsonObject("content"));
            }
        }
        return found;
    }

    /** All text one result wrote to a stream ("stdout"/"stderr"). */
    static String stream(JsonObject result, String name) {
        StringBuilder text = new StringBuilder();
        for (JsonObject o : outputs(result, "stream")) {
            if (o.get("name").getAsString().equals(name)) {
                text.append(o.get("text").getAsString());
            }
        }
        return text.toString();
    }

    static String describe(JsonObject result) {
        return GSON.toJson(result).replaceAll("(\"[A-Za-z0-9+/=]{200})[A-Za-z0-9+/=]+", "$1...");
    }
}
