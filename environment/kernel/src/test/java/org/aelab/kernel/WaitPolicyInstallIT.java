package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * How the OpenMP threads of a kernel wait for each other: the installer writes one setting,
 * {@code AELAB_OMP_WAIT} (auto by default, sleep or spin), and puts {@code omp-wait.sh} first in the
 * kernelspec's argv; at each start that script turns the setting into OpenMP's own variables, auto
 * choosing from whether other processes are running (docs/benchmarks.md, "Issue 23's levers").
 */
class WaitPolicyInstallIT {

    private static final Path OMP_WAIT = KernelHarness.repoRoot().resolve("environment/kernel/omp-wait.sh");
    private static final List<String> OPENMP_VARIABLES = List.of("AELAB_OMP_WAIT", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT");

    @TempDir
    Path tmp;

    /** A process's exit status and output (stdout and stderr together). */
    record Run(int status, String output) {}

    /** The installer's run and the kernelspec it wrote (null when none was). */
    record Install(Run run, JsonObject spec) {
        JsonObject env() {
            return spec == null ? null : spec.getAsJsonObject("env");
        }
    }

    static Run run(List<String> command, Map<String, String> variables) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        OPENMP_VARIABLES.forEach(env::remove);
        env.putAll(variables);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), command + " did not finish:\n" + output);
        return new Run(process.exitValue(), output);
    }

    Install install(String dir, Map<String, String> variables) throws Exception {
        Path data = tmp.resolve(dir);
        Run run = run(List.of("bash", KernelHarness.repoRoot().resolve("environment/kernel/install-kernel.sh").toString(),
                "--data-dir", data.toString(), "--name", "aelab-wait-test", "--no-cds"), variables);
        Path spec = data.resolve("kernels/aelab-wait-test/kernel.json");
        return new Install(run, Files.isRegularFile(spec) ? JsonParser.parseString(Files.readString(spec)).getAsJsonObject() : null);
    }

    /** What omp-wait.sh hands the command it starts: OpenMP's two variables as {@code env} prints them, and the log. */
    static Run start(Map<String, String> variables) throws Exception {
        return run(List.of(OMP_WAIT.toString(), "env"), variables);
    }

    static String openMpLines(Run run) {
        return run.output().lines().filter(l -> l.startsWith("OMP_WAIT_POLICY=") || l.startsWith("GOMP_SPINCOUNT="))
                .sorted().reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void theInstallerWritesAutoByDefaultAndStartsTheKernelThroughOmpWait() throws Exception {
        Install install = install("default", Map.of());
        assertEquals(0, install.run().status(), install.run().output());
        assertEquals("auto", install.env().get("AELAB_OMP_WAIT").getAsString());
        assertFalse(install.env().has("OMP_WAIT_POLICY"), install.env().toString());
        assertFalse(install.env().has("GOMP_SPINCOUNT"), install.env().toString());
        assertEquals(OMP_WAIT.toString(), install.spec().getAsJsonArray("argv").get(0).getAsString(),
                "omp-wait.sh starts the rest of the argv: " + install.spec());

        Install spin = install("spin", Map.of("AELAB_OMP_WAIT", "spin"));
        assertEquals(0, spin.run().status(), spin.run().output());
        assertEquals("spin", spin.env().get("AELAB_OMP_WAIT").getAsString());
    }

    @Test
    void theInstallerRefusesOtherValuesAndOpenMpsOwnVariablesInstallingNothing() throws Exception {
        Install typo = install("typo", Map.of("AELAB_OMP_WAIT", "passive"));
        assertNotEquals(0, typo.run().status());
        assertTrue(typo.run().output().contains("AELAB_OMP_WAIT=passive is not a setting: use auto (the default), sleep or spin"),
                typo.run().output());
        assertNull(typo.spec(), "nothing is installed");

        // The way to ask for the short spin before AELAB_OMP_WAIT: refused with the new spelling.
        Install old = install("old", Map.of("OMP_WAIT_POLICY", "", "GOMP_SPINCOUNT", "1000"));
        assertNotEquals(0, old.run().status());
        assertTrue(old.run().output().contains("OMP_WAIT_POLICY='' is set in this shell")
                && old.run().output().contains("AELAB_OMP_WAIT=auto (the default), sleep (OMP_WAIT_POLICY=PASSIVE) or spin"),
                old.run().output());
        assertNull(old.spec(), "nothing is installed");
    }

    @Test
    void sleepAndSpinBecomeOpenMpsVariables() throws Exception {
        Run sleep = start(Map.of("AELAB_OMP_WAIT", "sleep"));
        assertEquals(0, sleep.status(), sleep.output());
        assertEquals("OMP_WAIT_POLICY=PASSIVE\n", openMpLines(sleep));
        assertTrue(sleep.output().contains("OpenMP threads sleep while they wait (OMP_WAIT_POLICY=PASSIVE; AELAB_OMP_WAIT=sleep)"),
                sleep.output());

        Run spin = start(Map.of("AELAB_OMP_WAIT", "spin"));
        assertEquals(0, spin.status(), spin.output());
        assertEquals("GOMP_SPINCOUNT=1000\n", openMpLines(spin), "no policy: GNU OpenMP's spin-then-sleep with 1,000 rounds");

        Run unset = start(Map.of());
        assertEquals(0, unset.status(), unset.output());
        assertEquals("", openMpLines(unset), "without the setting nothing is changed");
    }

    @Test
    void openMpsOwnVariablesInTheEnvironmentWin() throws Exception {
        Run run = start(Map.of("AELAB_OMP_WAIT", "auto", "OMP_WAIT_POLICY", "ACTIVE"));
        assertEquals(0, run.status(), run.output());
        assertEquals("OMP_WAIT_POLICY=ACTIVE\n", openMpLines(run));
        assertTrue(run.output().contains("AELAB_OMP_WAIT=auto not applied"), run.output());
    }

    @Test
    void aBadSettingStopsTheStartWithWhatToDo() throws Exception {
        Run run = start(Map.of("AELAB_OMP_WAIT", "fast"));
        assertEquals(2, run.status(), run.output());
        assertTrue(run.output().contains("AELAB_OMP_WAIT=fast is not a setting: use auto, sleep or spin"), run.output());
        assertFalse(run.output().contains("AELAB_OMP_WAIT=fast\n"), "the command did not start: " + run.output());
    }

    @Test
    void autoSpinsOnlyWhenNoOtherProcessIsRunning() throws Exception {
        Path quiet = tmp.resolve("quiet-stat");
        Files.writeString(quiet, "cpu  1 2 3 4\nprocs_running 1\nprocs_blocked 0\n");
        Path busy = tmp.resolve("busy-stat");
        Files.writeString(busy, "cpu  1 2 3 4\nprocs_running 2\nprocs_blocked 0\n");
        Path none = tmp.resolve("no-line");
        Files.writeString(none, "cpu  1 2 3 4\n");

        Run spin = run(List.of(OMP_WAIT.toString(), "--choose", quiet.toString()), Map.of());
        assertEquals(0, spin.status(), spin.output());
        assertTrue(spin.output().startsWith("spin: no other process was running in 10 of 10 readings"), spin.output());
        Run sleep = run(List.of(OMP_WAIT.toString(), "--choose", busy.toString()), Map.of());
        assertTrue(sleep.output().startsWith("sleep: another process was running in 10 of 10 readings"), sleep.output());
        Run broken = run(List.of(OMP_WAIT.toString(), "--choose", none.toString()), Map.of());
        assertEquals(2, broken.status());
        assertTrue(broken.output().contains("has no procs_running line"), broken.output());

        // The real thing: with a process busy beside it (always runnable, whatever the core count), auto sleeps.
        Process hog = new ProcessBuilder("bash", "-c", "while :; do :; done").start();
        try {
            Thread.sleep(200);
            Run beside = start(Map.of("AELAB_OMP_WAIT", "auto"));
            assertEquals(0, beside.status(), beside.output());
            assertEquals("OMP_WAIT_POLICY=PASSIVE\n", openMpLines(beside), beside.output());
            assertTrue(beside.output().contains("AELAB_OMP_WAIT=auto; sleep: another process was running in"), beside.output());
        } finally {
            hog.destroyForcibly().waitFor();
        }
    }
}
