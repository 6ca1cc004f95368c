package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jupyter's own kernel conformance suite, {@code jupyter_kernel_test} (Debian
 * python3-jupyter-kernel-test), against the kernel as users install it, with the samples in
 * {@code conformance_test.py}: every reply and output is validated against the v5 message schemas.
 * Fails on any failure or error, and on any skip but the documented one (the pager, an IPython
 * feature).
 */
class ConformanceIT {

    private static final Set<String> DOCUMENTED_SKIPS = Set.of("test_pager");
    private static final Pattern SKIPPED = Pattern.compile("(?m)^(test_\\w+) \\([^)]*\\) \\.\\.\\. skipped");

    @TempDir
    Path tmp;

    @Test
    void jupyterKernelTestPasses() throws Exception {
        KernelHarness kernel = KernelHarness.install(tmp.resolve("jupyter"), "aelab-java-conformance", null, Map.of(),
                false);
        Path suite = KernelHarness.resource("conformance_test.py");
        String log = KernelHarness.run(List.of(KernelHarness.PYTHON, "-m", "unittest", "-v", "conformance_test"),
                suite.getParent(), 900, Map.of("JUPYTER_PATH", kernel.jupyterPath.toString(),
                        "AELAB_KERNEL_NAME", kernel.kernelName, "PYTHONDONTWRITEBYTECODE", "1"));
        System.out.println("[conformance] jupyter_kernel_test:\n" + log.strip());
        Set<String> skipped = new TreeSet<>();
        Matcher m = SKIPPED.matcher(log);
        while (m.find()) {
            skipped.add(m.group(1));
        }
        assertTrue(DOCUMENTED_SKIPS.containsAll(skipped), "undocumented skips " + skipped + ":\n" + log);
        assertTrue(log.contains("\nOK"), log);
        Matcher ran = Pattern.compile("Ran (\\d+) tests").matcher(log);
        assertTrue(ran.find(), log);
        assertEquals(12, Integer.parseInt(ran.group(1)), log);
    }
}
