package org.aelab.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

import org.aelab.kernel.SnippetSplitter.SourceSnippet;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

/**
 * Runs cells in JShell: magic lines and Java code in order, the code snippet by snippet, each
 * snippet's outcome turned into a value, a compile error with its span, or a runtime error with a
 * traceback that names the cell and line. Whoever touches JShell holds {@link #lock()}: JShell is
 * not thread-safe.
 */
final class CellRunner {

    /** The value of code that has none (a statement, a declaration, a suppressed expression). */
    static final Object NO_RESULT = new Object();

    private final CellExecutionControl control;
    private final CellOutput output;
    private final Magics magics;
    private final Renderer renderer;
    private final ReplacedValues replacedValues;
    private final Object lock = new Object();

    /** Snippet id to where it was typed: execution count and first cell line (JShell only knows ids). */
    private final Map<Integer, int[]> snippetOrigins = new ConcurrentHashMap<>();
    private volatile int currentExecution;
    private volatile boolean interrupted;
    private volatile JShell shell;

    CellRunner(CellExecutionControl control, CellOutput output, Magics magics, Renderer renderer) {
        this.control = control;
        this.output = output;
        this.magics = magics;
        this.renderer = renderer;
        this.replacedValues = new ReplacedValues(control.loader());
    }

    /** The lock of everything that uses JShell: evaluation, analysis, the classpath. */
    Object lock() {
        return lock;
    }

    /** Hands over the built shell; call with {@link #lock()} held, before anything runs. */
    void attach(JShell built) {
        shell = built;
    }

    /** Makes the running cell stop between snippets (the execution control stops it within one). */
    void interrupt() {
        interrupted = true;
    }

    /** Marks the start of execution {@code count}: its snippets trace back to it; an earlier interrupt is forgotten. */
    void beginCell(int count) {
        currentExecution = count;
        interrupted = false;
        control.clearPendingStop();
    }

    /** Runs a cell: magic lines ({@code %name args}) and Java code, in order. Returns the rendered result. */
    DisplayData runCell(String code) throws CellError {
        try {
            return runCellCode(code);
        } finally {
            replacedValues.release();
        }
    }

    private DisplayData runCellCode(String code) throws CellError {
        Object result = NO_RESULT;
        StringBuilder chunk = new StringBuilder();
        int chunkLine = 1;
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            if (trimmed.startsWith("%")) {
                if (!chunk.toString().isBlank()) {
                    runCode(chunk.toString(), chunkLine);
                }
                chunk.setLength(0);
                chunkLine = i + 2;
                magics.run(trimmed, i + 1);
                result = NO_RESULT;
            } else {
                chunk.append(lines[i]).append('\n');
            }
        }
        if (!chunk.toString().isBlank()) {
            result = runCode(chunk.toString(), chunkLine);
        }
        if (result == NO_RESULT || result == null) {
            return null;
        }
        return result instanceof DisplayData data ? data : renderer.render(result);
    }

    /** Runs Java code (possibly many snippets) and returns the last snippet's value, or {@link #NO_RESULT}. */
    Object runCode(String code, int firstLine) throws CellError {
        synchronized (lock) {
            // An interrupt from before this code (say, during start-up) is in interrupted; one from now on
            // reaches the snippet being compiled or run.
            control.clearPendingStop();
            Object result = NO_RESULT;
            for (SourceSnippet snippet : SnippetSplitter.split(shell.sourceCodeAnalysis(), code)) {
                if (interrupted) {
                    throw new CellError("Interrupted", "Interrupted", List.of("Interrupted"));
                }
                SourceSnippet placed = new SourceSnippet(snippet.text(), snippet.source(),
                        snippet.line() + firstLine - 1, snippet.suppressed());
                result = evalSnippet(placed);
            }
            return result;
        }
    }

    /** Evaluates one snippet (with {@link #lock()} held); its value, or {@link #NO_RESULT}. */
    Object evalSnippet(SourceSnippet snippet) throws CellError {
        List<SnippetEvent> events = shell.eval(snippet.source());
        String stop = control.takeStop();
        if (stop != null) {
            String name = stop.startsWith("Timeout") ? "Timeout" : "Interrupted";
            throw new CellError(name, stop, List.of(stop));
        }
        Object value = NO_RESULT;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                if (event.status() == Snippet.Status.OVERWRITTEN) {
                    replacedValues.overwritten(event.snippet(), event.causeSnippet());
                }
                continue;
            }
            Snippet s = event.snippet();
            recordOrigin(s, snippet.line());
            if (event.status() == Snippet.Status.REJECTED) {
                List<Diag> diagnostics = shell.diagnostics(s).collect(Collectors.toList());
                throw Tracebacks.compileError(s, diagnostics, snippet.line());
            }
            if (event.exception() != null) {
                control.takeLastValue();
                throw Tracebacks.runtimeError(event.exception(), this::describeOrigin);
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                String unresolved = shell.diagnostics(s).map(d -> d.getMessage(null))
                        .collect(Collectors.joining("; "));
                output.text(PublishStream.StreamType.ERR, "Note: defined, but it cannot be used until what it "
                        + "refers to exists" + (unresolved.isEmpty() ? "" : ": " + unresolved) + "\n");
            }
            if (!snippet.suppressed() && producesValue(s)) {
                Object v = control.takeLastValue();
                value = v == null && event.value() != null && !"null".equals(event.value()) ? event.value() : v;
            }
        }
        control.takeLastValue();
        return value;
    }

    private void recordOrigin(Snippet s, int line) {
        try {
            snippetOrigins.put(Integer.parseInt(s.id()), new int[] {currentExecution, line});
        } catch (NumberFormatException e) {
            // Start-up snippets have ids like "s3"; their traces keep JShell's own names.
        }
    }

    /** {@code key} is snippet id * 10000 + line within the snippet. */
    private String describeOrigin(int key) {
        int[] origin = snippetOrigins.get(key / 10_000);
        if (origin == null) {
            return null;
        }
        int line = origin[1] + Math.max(1, key % 10_000) - 1;
        return (origin[0] > 0 ? "cell [" + origin[0] + "], " : "") + "line " + line;
    }

    private static boolean producesValue(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION
                || (s.kind() == Snippet.Kind.VAR && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    /** Used by {@code %load}: runs a file's code as if it were typed into the cell. */
    void runFile(Path file) throws CellError {
        String code;
        try {
            code = Files.readString(file);
        } catch (IOException e) {
            throw new CellError("LoadError", "Cannot read " + file + ": " + e.getMessage(), List.of());
        }
        // JShell has no packages: a .java file's package line would be rejected.
        code = code.replaceFirst("(?m)^\\s*package\\s+[\\w.]+\\s*;", "");
        runCode(code, 1);
    }

    /** Used by {@code %classpath}: adds jars or directories for the compiler and the class loader. */
    void addToClasspath(Path path) {
        synchronized (lock) {
            shell.addToClasspath(path.toString());
        }
    }
}
