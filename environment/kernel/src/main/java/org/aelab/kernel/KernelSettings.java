package org.aelab.kernel;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The kernel's configuration, read from environment variables with IJava's names so existing
 * kernelspecs and habits carry over.
 *
 * @param classpath          {@code IJAVA_CLASSPATH}: jars/directories/globs, path-separator separated
 * @param startupScriptsPath {@code IJAVA_STARTUP_SCRIPTS_PATH}: .jsh files or globs run at start
 * @param startupScript      {@code IJAVA_STARTUP_SCRIPT}: code run after those scripts
 * @param timeoutMillis      {@code IJAVA_TIMEOUT}: longest a snippet may run, in ms; {@code <= 0} for no limit
 * @param compilerOptions    {@code IJAVA_COMPILER_OPTS}: extra javac options, whitespace separated
 * @param librarySources     {@code AELAB_KERNEL_SOURCES}: source jars/directories/globs whose javadoc
 *                           Shift-Tab shows (install-kernel.sh names the build's DJL, Tablesaw and helper sources)
 */
record KernelSettings(String classpath, String startupScriptsPath, String startupScript, long timeoutMillis,
                      List<String> compilerOptions, String librarySources) {

    static KernelSettings fromEnvironment(Map<String, String> env) {
        String timeout = env.getOrDefault("IJAVA_TIMEOUT", "-1").strip();
        long timeoutMillis;
        try {
            timeoutMillis = timeout.isEmpty() ? -1 : Long.parseLong(timeout);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("IJAVA_TIMEOUT must be a whole number of milliseconds (or -1 for no"
                    + " limit), not '" + timeout + "'");
        }
        String opts = env.getOrDefault("IJAVA_COMPILER_OPTS", "").strip();
        return new KernelSettings(
                env.getOrDefault("IJAVA_CLASSPATH", ""),
                env.getOrDefault("IJAVA_STARTUP_SCRIPTS_PATH", ""),
                env.getOrDefault("IJAVA_STARTUP_SCRIPT", ""),
                timeoutMillis,
                opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+")),
                env.getOrDefault("AELAB_KERNEL_SOURCES", ""));
    }
}
