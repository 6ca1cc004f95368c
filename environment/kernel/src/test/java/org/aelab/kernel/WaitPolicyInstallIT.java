package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the installer writes the OpenMP threads' waiting into the kernelspec: sleeping by default,
 * GNU OpenMP's spin-then-sleep with a spin count when asked, and a clear refusal, with nothing
 * installed, for values OpenMP would ignore (docs/benchmarks.md, "Issue 23's levers, second round").
 */
class WaitPolicyInstallIT {

    @TempDir
    Path tmp;

    /** The installer's exit status, its output, and the kernelspec's env (null when none was written). */
    record Install(int status, String output, JsonObject env) {}

    Install install(String dir, Map<String, String> variables, List<String> removed) throws Exception {
        Path data = tmp.resolve(dir);
        ProcessBuilder pb = new ProcessBuilder("bash", KernelHarness.repoRoot().resolve("environment/kernel/install-kernel.sh").toString(),
                "--data-dir", data.toString(), "--name", "aelab-wait-test", "--no-cds")
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        removed.forEach(env::remove);
        env.putAll(variables);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "install-kernel.sh did not finish:\n" + output);
        Path spec = data.resolve("kernels/aelab-wait-test/kernel.json");
        JsonObject specEnv = Files.isRegularFile(spec)
                ? JsonParser.parseString(Files.readString(spec)).getAsJsonObject().getAsJsonObject("env") : null;
        return new Install(process.exitValue(), output, specEnv);
    }

    @Test
    void threadsSleepByDefault() throws Exception {
        Install install = install("default", Map.of(), List.of("OMP_WAIT_POLICY", "GOMP_SPINCOUNT"));
        assertEquals(0, install.status(), install.output());
        assertEquals("PASSIVE", install.env().get("OMP_WAIT_POLICY").getAsString());
        assertFalse(install.env().has("GOMP_SPINCOUNT"), install.env().toString());
    }

    @Test
    void aShortSpinForAQuietMachine() throws Exception {
        Install install = install("spin", Map.of("OMP_WAIT_POLICY", "", "GOMP_SPINCOUNT", "1000"), List.of());
        assertEquals(0, install.status(), install.output());
        assertFalse(install.env().has("OMP_WAIT_POLICY"), "an empty policy leaves GNU OpenMP's own: " + install.env());
        assertEquals("1000", install.env().get("GOMP_SPINCOUNT").getAsString());
    }

    @Test
    void valuesOpenMpWouldIgnoreAreRefused() throws Exception {
        Install policy = install("typo", Map.of("OMP_WAIT_POLICY", "PASIVE"), List.of("GOMP_SPINCOUNT"));
        assertNotEquals(0, policy.status());
        assertTrue(policy.output().contains("OMP_WAIT_POLICY='PASIVE' is not a wait policy"), policy.output());
        assertEquals(null, policy.env(), "nothing is installed");

        Install count = install("count", Map.of("OMP_WAIT_POLICY", "", "GOMP_SPINCOUNT", "1k"), List.of());
        assertNotEquals(0, count.status());
        assertTrue(count.output().contains("GOMP_SPINCOUNT='1k' is not a spin count"), count.output());

        Install ignored = install("ignored", Map.of("GOMP_SPINCOUNT", "1000"), List.of("OMP_WAIT_POLICY"));
        assertNotEquals(0, ignored.status());
        assertTrue(ignored.output().contains("has no effect with OMP_WAIT_POLICY=PASSIVE"), ignored.output());
        assertEquals(null, ignored.env(), "nothing is installed");
    }
}
