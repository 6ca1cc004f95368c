package org.aelab.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import jdk.jshell.JShell;

import org.aelab.kernel.SnippetSplitter.SourceSnippet;
import org.dflib.jjava.jupyter.kernel.util.PathsHandler;

/**
 * Brings JShell up: builds it, fills the classpath, imports the prelude and runs the start-up
 * scripts, on a background thread so the kernel answers Jupyter at once. Whatever needs the
 * shell waits for {@link #awaitShell()}; problems are collected for the first cell to report.
 */
final class KernelStartup {

    /**
     * Imported before anything else: the collections, I/O and functional basics every cell uses,
     * plus the display helpers. Kept short because each import is a compile at start-up.
     */
    private static final List<String> PRELUDE = List.of(
            "import java.io.*;", "import java.nio.file.*;", "import java.util.*;", "import java.util.function.*;",
            "import java.util.stream.*;", "import static " + Display.class.getName() + ".*;");

    /** The process's own stderr (Jupyter's log), captured before cells swap System.err. */
    private static final PrintStream STARTUP_LOG = System.err;

    private final KernelSettings settings;
    private final CellExecutionControl control;
    private final CellRunner runner;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<JShell> shellReady = new CompletableFuture<>();

    KernelStartup(KernelSettings settings, CellExecutionControl control, CellRunner runner) {
        this.settings = settings;
        this.control = control;
        this.runner = runner;
    }

    /** Starts JShell and the start-up scripts on a background thread. */
    void startInBackground() {
        Thread starter = new Thread(() -> {
            try {
                long t0 = System.nanoTime();
                useLibrarySources();
                JShell built = buildShell();
                long t1 = System.nanoTime();
                synchronized (runner.lock()) {
                    runner.attach(built);
                    runStartup(built);
                }
                shellReady.complete(built);
                if (timing()) {
                    STARTUP_LOG.printf("aelab-kernel: JShell built in %d ms, classpath and start-up scripts in %d ms;"
                            + " process CPU time so far %d ms%n", (t1 - t0) / 1_000_000,
                            (System.nanoTime() - t1) / 1_000_000, KernelMain.processCpuMillis());
                }
            } catch (Throwable t) {
                shellReady.completeExceptionally(t);
            }
        }, "kernel-startup");
        starter.setDaemon(true);
        starter.start();
    }

    /** The shell once start-up has run; a start-up that failed or was interrupted is a cell error. */
    JShell awaitShell() throws CellError {
        try {
            return shellReady.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CellError("KernelStartup", "Interrupted while the kernel was starting", List.of());
        } catch (ExecutionException e) {
            CellError error = Tracebacks.kernelError(e.getCause());
            throw new CellError("KernelStartup", "The Java shell could not start: " + e.getCause(), error.traceback());
        }
    }

    /**
     * The shell once start-up has run, waiting at most {@code millis}; null if start-up failed or
     * takes longer (completion and inspection then answer nothing rather than block the kernel).
     */
    JShell awaitShell(long millis) {
        try {
            return shellReady.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** The shell if start-up has finished well, else null. */
    JShell shellIfReady() {
        return shellReady.isDone() && !shellReady.isCompletedExceptionally() ? shellReady.join() : null;
    }

    /** Problems noted since the last call (an unmatched classpath entry, a failing start-up snippet). */
    List<String> takeProblems() {
        synchronized (problems) {
            List<String> taken = new ArrayList<>(problems);
            problems.clear();
            return taken;
        }
    }

    /** Lets Shift-Tab show the javadoc of the libraries whose sources the kernelspec names. */
    private void useLibrarySources() {
        List<Path> sources = new ArrayList<>();
        for (String entry : entries(settings.librarySources())) {
            List<Path> found = resolveGlob(entry);
            if (found.isEmpty()) {
                STARTUP_LOG.println("aelab-kernel: AELAB_KERNEL_SOURCES entry '" + entry + "' matches no file;"
                        + " Shift-Tab shows no javadoc from it (rebuild with mvn package)");
            }
            sources.addAll(found);
        }
        String problem = DocSources.install(sources);
        if (problem != null) {
            STARTUP_LOG.println("aelab-kernel: " + problem);
        }
    }

    private JShell buildShell() {
        JShell.Builder builder = JShell.builder()
                .executionEngine(CellExecutionControl.provider(control), Map.of())
                .in(InputStream.nullInputStream());
        if (!settings.compilerOptions().isEmpty()) {
            builder.compilerOptions(settings.compilerOptions().toArray(String[]::new));
        }
        JShell built = builder.build();
        // The compiler must see the display helpers; the loader already gets them from its parent.
        built.addToClasspath(kernelCodeLocation());
        return built;
    }

    private static String kernelCodeLocation() {
        try {
            return Path.of(KernelStartup.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the kernel's own classes", e);
        }
    }

    private void runStartup(JShell shell) {
        for (String entry : entries(settings.classpath())) {
            List<Path> jars = resolveGlob(entry);
            if (jars.isEmpty()) {
                problems.add("IJAVA_CLASSPATH entry '" + entry + "' matches no file.");
            }
            jars.forEach(p -> shell.addToClasspath(p.toString()));
        }
        for (String line : PRELUDE) {
            runQuietly(shell, line, "kernel prelude");
        }
        for (String entry : entries(settings.startupScriptsPath())) {
            List<Path> scripts = resolveGlob(entry);
            if (scripts.isEmpty()) {
                problems.add("IJAVA_STARTUP_SCRIPTS_PATH entry '" + entry + "' matches no file.");
            }
            for (Path script : scripts) {
                try {
                    runQuietly(shell, Files.readString(script), script.toString());
                } catch (IOException e) {
                    problems.add("Cannot read start-up script " + script + ": " + e.getMessage());
                }
            }
        }
        if (!settings.startupScript().isBlank()) {
            runQuietly(shell, settings.startupScript(), "IJAVA_STARTUP_SCRIPT");
        }
    }

    private static List<String> entries(String pathList) {
        return PathsHandler.split(pathList).stream().filter(e -> !e.isBlank()).collect(Collectors.toList());
    }

    /** The files a path or glob names; none when it matches nothing or is malformed. */
    static List<Path> resolveGlob(String entry) {
        try {
            return PathsHandler.resolveGlobs(entry);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Runs start-up code snippet by snippet; a failing snippet is noted and the rest still runs. */
    private void runQuietly(JShell shell, String code, String origin) {
        boolean timing = timing();
        for (SourceSnippet snippet : SnippetSplitter.split(shell.sourceCodeAnalysis(), code)) {
            long t0 = System.nanoTime();
            try {
                runner.evalSnippet(snippet);
                if (timing) {
                    STARTUP_LOG.printf("aelab-kernel: %5d ms  %s%n", (System.nanoTime() - t0) / 1_000_000,
                            snippet.source().lines().findFirst().orElse(""));
                }
            } catch (CellError e) {
                problems.add(origin + ", line " + snippet.line() + ": " + e.name() + ": " + e.value()
                        + "\n    " + snippet.text().strip().replace("\n", "\n    "));
            }
        }
    }

    private static boolean timing() {
        return System.getenv("AELAB_KERNEL_TIMING") != null;
    }
}
