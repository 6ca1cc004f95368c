package org.aelab.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Suggestion;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.PathsHandler;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

/**
 * The Java kernel of the notebooks: JShell evaluating in this JVM, so cell results are real
 * objects that the renderer turns into images, HTML or text.
 *
 * <p>Configured by environment variables, with IJava's names: {@code IJAVA_CLASSPATH} (paths and
 * globs, separated by the path separator), {@code IJAVA_STARTUP_SCRIPTS_PATH} (.jsh files, globs),
 * {@code IJAVA_STARTUP_SCRIPT} (code), {@code IJAVA_TIMEOUT} (ms per snippet, -1 for none) and
 * {@code IJAVA_COMPILER_OPTS}.
 */
public final class AelabKernel extends BaseKernel {

    static final String NAME = "aelab-java";
    static final String VERSION = "0.1.0";

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
    private final CellOutput output = new CellOutput();
    private final SnippetLoader loader;
    private final CellExecutionControl control;
    private final Magics magics;
    private final Object shellLock = new Object();
    private final List<String> startupProblems = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<JShell> shellReady = new CompletableFuture<>();

    /** Snippet id to where it was typed: execution count and first cell line (JShell only knows ids). */
    private final Map<Integer, int[]> snippetOrigins = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int currentExecution;

    private volatile ShellReplyEnvironment env;
    private volatile boolean cellInterrupted;
    private JShell shell;

    AelabKernel(KernelSettings settings) {
        super(NAME, VERSION, languageInfo(), List.of(new HelpLink("Java API",
                        "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/")),
                null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null, null, false,
                new StringStyler.Builder().build());
        this.settings = settings;
        this.loader = new SnippetLoader(AelabKernel.class.getClassLoader());
        this.control = new CellExecutionControl(loader, new CellExecutionControl.Host() {
            @Override
            public void pump() {
                AelabKernel.this.pump();
            }

            @Override
            public long timeoutMillis() {
                return settings.timeoutMillis();
            }
        });
        this.magics = new Magics(this);
        Display.attach(this);
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("java")
                .build();
    }

    CellOutput output() {
        return output;
    }

    SnippetLoader loader() {
        return loader;
    }

    /**
     * Builds JShell, fills the classpath and runs the start-up scripts on a background thread, so
     * the kernel answers Jupyter at once; the first cell waits for it to finish.
     */
    void startInBackground() {
        Thread starter = new Thread(() -> {
            try {
                long t0 = System.nanoTime();
                JShell built = buildShell();
                long t1 = System.nanoTime();
                synchronized (shellLock) {
                    shell = built;
                    runStartup();
                }
                shellReady.complete(built);
                if (System.getenv("AELAB_KERNEL_TIMING") != null) {
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
            return Path.of(AelabKernel.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the kernel's own classes", e);
        }
    }

    private void runStartup() {
        for (String entry : entries(settings.classpath())) {
            List<Path> jars = resolveGlob(entry);
            if (jars.isEmpty()) {
                startupProblems.add("IJAVA_CLASSPATH entry '" + entry + "' matches no file.");
            }
            jars.forEach(p -> shell.addToClasspath(p.toString()));
        }
        for (String line : PRELUDE) {
            runQuietly(line, "kernel prelude");
        }
        for (String entry : entries(settings.startupScriptsPath())) {
            List<Path> scripts = resolveGlob(entry);
            if (scripts.isEmpty()) {
                startupProblems.add("IJAVA_STARTUP_SCRIPTS_PATH entry '" + entry + "' matches no file.");
            }
            for (Path script : scripts) {
                try {
                    runQuietly(Files.readString(script), script.toString());
                } catch (IOException e) {
                    startupProblems.add("Cannot read start-up script " + script + ": " + e.getMessage());
                }
            }
        }
        if (!settings.startupScript().isBlank()) {
            runQuietly(settings.startupScript(), "IJAVA_STARTUP_SCRIPT");
        }
    }

    private static List<String> entries(String pathList) {
        return PathsHandler.split(pathList).stream().filter(e -> !e.isBlank()).collect(Collectors.toList());
    }

    static List<Path> resolveGlob(String entry) {
        try {
            return PathsHandler.resolveGlobs(entry);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Runs start-up code snippet by snippet; a failing snippet is noted and the rest still runs. */
    private void runQuietly(String code, String origin) {
        boolean timing = System.getenv("AELAB_KERNEL_TIMING") != null;
        for (SourceSnippet snippet : split(code)) {
            long t0 = System.nanoTime();
            try {
                evalSnippet(snippet);
                if (timing) {
                    STARTUP_LOG.printf("aelab-kernel: %5d ms  %s%n", (System.nanoTime() - t0) / 1_000_000,
                            snippet.source().lines().findFirst().orElse(""));
                }
            } catch (CellError e) {
                startupProblems.add(origin + ", line " + snippet.line() + ": " + e.name() + ": " + e.value()
                        + "\n    " + snippet.text().strip().replace("\n", "\n    "));
            }
        }
    }

    // ---------------------------------------------------------------- execute

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment replyEnv, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        currentExecution = count;
        replyEnv.setBusyDeferIdle();
        replyEnv.publish(new PublishExecuteInput(request.getCode(), count));

        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        env = replyEnv;
        cellInterrupted = false;
        System.setOut(output.out());
        System.setErr(output.err());
        System.setIn(InputStream.nullInputStream());
        try {
            awaitShell();
            reportStartupProblems();
            DisplayData result = runCell(request.getCode());
            pump();
            if (result != null && !request.isSilent()) {
                replyEnv.publish(new PublishExecuteResult(count, result));
            }
            replyEnv.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (CellError e) {
            replyError(replyEnv, count, e);
        } catch (Throwable t) {
            replyError(replyEnv, count, Tracebacks.kernelError(t));
        } finally {
            output.out().flush();
            output.err().flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private void replyError(ShellReplyEnvironment replyEnv, int count, CellError e) {
        pump();
        replyEnv.publish(new PublishError(e.name(), e.value(), e.traceback()));
        ErrorReply reply = new ErrorReply(e.name(), e.value(), e.traceback());
        reply.setExecutionCount(count);
        replyEnv.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    private JShell awaitShell() throws CellError {
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

    private void reportStartupProblems() {
        List<String> problems;
        synchronized (startupProblems) {
            problems = new ArrayList<>(startupProblems);
            startupProblems.clear();
        }
        if (!problems.isEmpty()) {
            output.text(PublishStream.StreamType.ERR, "Kernel start-up problems (the rest of the set-up ran):\n  - "
                    + String.join("\n  - ", problems) + "\n");
        }
    }

    /** Publishes whatever cells have printed or displayed; only ever called on the shell thread. */
    private void pump() {
        ShellReplyEnvironment target = env;
        if (target == null) {
            return;
        }
        output.drain(event -> {
            if (event instanceof CellOutput.Text text) {
                target.publish(new PublishStream(text.stream(), text.text()));
            } else if (event instanceof CellOutput.Shown shown) {
                if (shown.update()) {
                    target.publish(new PublishUpdateDisplayData(shown.data()));
                } else {
                    target.publish(new PublishDisplayData(shown.data()));
                }
            }
        });
    }

    /** Runs a cell: magic lines ({@code %name args}) and Java code, in order. Returns the rendered result. */
    private DisplayData runCell(String code) throws CellError {
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
        return result instanceof DisplayData data ? data : getRenderer().render(result);
    }

    private static final Object NO_RESULT = new Object();

    /** A piece of source that JShell sees as one snippet, and the cell line it starts on. */
    record SourceSnippet(String text, String source, int line, boolean suppressed) {
    }

    /** Splits code into JShell snippets (statements, declarations, expressions). */
    List<SourceSnippet> split(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        List<SourceSnippet> snippets = new ArrayList<>();
        String remaining = code;
        int consumed = 0;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            String source;
            String rest;
            switch (info.completeness()) {
                case EMPTY:
                    return snippets;
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    source = info.source();
                    rest = info.remaining();
                    break;
                default:
                    // Incomplete or broken: hand it all to JShell, whose diagnostics say what is wrong.
                    source = remaining;
                    rest = "";
                    break;
            }
            String text = remaining.substring(0, remaining.length() - rest.length());
            if (text.isEmpty()) {
                text = remaining;
                rest = "";
                source = remaining;
            }
            int leading = text.length() - text.stripLeading().length();
            int line = 1 + (int) code.substring(0, consumed + leading).chars().filter(c -> c == '\n').count();
            // Without its leading blank lines, so diagnostics' positions count from the snippet's first line.
            snippets.add(new SourceSnippet(text, source.stripLeading(), line, text.strip().endsWith(";")));
            consumed += text.length();
            remaining = rest;
        }
        return snippets;
    }

    /** Runs Java code (possibly many snippets) and returns the last snippet's value, or NO_RESULT. */
    Object runCode(String code, int firstLine) throws CellError {
        synchronized (shellLock) {
            Object result = NO_RESULT;
            for (SourceSnippet snippet : split(code)) {
                if (cellInterrupted) {
                    throw new CellError("Interrupted", "Interrupted", List.of("Interrupted"));
                }
                SourceSnippet placed = new SourceSnippet(snippet.text(), snippet.source(),
                        snippet.line() + firstLine - 1, snippet.suppressed());
                result = evalSnippet(placed);
            }
            return result;
        }
    }

    private Object evalSnippet(SourceSnippet snippet) throws CellError {
        List<SnippetEvent> events = shell.eval(snippet.source());
        String stop = control.takeStop();
        if (stop != null) {
            String name = stop.startsWith("Timeout") ? "Timeout" : "Interrupted";
            throw new CellError(name, stop, List.of(stop));
        }
        Object value = NO_RESULT;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
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

    @Override
    public Object evalRaw(String source) {
        try {
            awaitShell();
            Object value = runCode(source, 1);
            return value == NO_RESULT ? null : value;
        } catch (CellError e) {
            throw new IllegalStateException(e.name() + ": " + e.value());
        }
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
        synchronized (shellLock) {
            shell.addToClasspath(path.toString());
        }
    }

    /** Runs typical first cells (values, errors, an image, completion) for {@code KernelMain --warm-up}. */
    void warmUp() throws CellError {
        awaitShell();
        for (String code : List.of("1 + 1", "int warmUp(int n) { return n * 2; }\nwarmUp(21)",
                "new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB)",
                "int failing = notDefined;", "Integer.parseInt(\"x\")")) {
            try {
                DisplayData data = runCell(code);
                if (data == null) {
                    continue;
                }
            } catch (CellError expected) {
                // Errors are part of a typical session too.
            }
        }
        complete("System.out.pri", 14);
        inspect("Math.max(1, 2)", 6, false);
        isComplete("for (int i = 0; i < 3; i++) {");
        output.drain(event -> { });
    }

    // ---------------------------------------------------------------- interrupt, complete, inspect

    @Override
    public void interrupt() {
        cellInterrupted = true;
        control.requestStop("Interrupted");
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        String line = currentLine(code, at);
        if (line.stripLeading().startsWith("%")) {
            return magics.complete(code, at);
        }
        JShell js = shellIfReady();
        if (js == null) {
            return null;
        }
        synchronized (shellLock) {
            int start = snippetStart(code, at);
            String snippet = code.substring(start);
            int[] anchor = new int[1];
            List<Suggestion> suggestions = js.sourceCodeAnalysis().completionSuggestions(snippet, at - start, anchor);
            Set<String> options = new LinkedHashSet<>();
            suggestions.stream().filter(Suggestion::matchesType).forEach(s -> options.add(s.continuation()));
            suggestions.forEach(s -> options.add(s.continuation()));
            if (options.isEmpty()) {
                return null;
            }
            return new ReplacementOptions(new ArrayList<>(options), start + anchor[0], at);
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        JShell js = shellIfReady();
        if (js == null) {
            return null;
        }
        synchronized (shellLock) {
            int start = snippetStart(code, at);
            String snippet = code.substring(start);
            int cursor = identifierEnd(snippet, at - start);
            List<SourceCodeAnalysis.Documentation> docs =
                    js.sourceCodeAnalysis().documentation(snippet, cursor, true);
            if (docs.isEmpty() && cursor < snippet.length() && snippet.charAt(cursor) == '(') {
                // JShell documents a method when the cursor is inside its parentheses.
                docs = js.sourceCodeAnalysis().documentation(snippet, cursor + 1, true);
            }
            StringBuilder text = new StringBuilder();
            for (SourceCodeAnalysis.Documentation doc : docs) {
                text.append(doc.signature()).append('\n');
                if (doc.javadoc() != null && !doc.javadoc().isBlank()) {
                    text.append('\n').append(plainJavadoc(doc.javadoc())).append("\n\n");
                }
            }
            if (text.length() == 0) {
                String type = js.sourceCodeAnalysis().analyzeType(snippet, cursor);
                if (type == null || type.isBlank()) {
                    return null;
                }
                text.append(type);
            }
            return new DisplayData(text.toString().strip());
        }
    }

    /**
     * Javadoc as readable text: inline tags reduced to their text, HTML dropped. (JDK javadoc comes
     * from the JDK's lib/src.zip; without it, e.g. no openjdk-17-source package, only signatures show.)
     */
    static String plainJavadoc(String javadoc) {
        String text = javadoc.replaceAll("\\{@(?:code|literal|link|linkplain|value)\\s+([^{}]*)}", "$1")
                .replaceAll("(?i)<p>|<br\\s*/?>", "\n")
                .replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        return text.lines().map(String::strip).collect(Collectors.joining("\n")).replaceAll("\n{3,}", "\n\n").strip();
    }

    /** Moves the cursor to the end of the identifier it is in, so documentation finds the whole name. */
    private static int identifierEnd(String code, int at) {
        int i = Math.max(0, Math.min(at, code.length()));
        while (i < code.length() && Character.isJavaIdentifierPart(code.charAt(i))) {
            i++;
        }
        return i;
    }

    @Override
    public String isComplete(String code) {
        JShell js = shellIfReady();
        if (js == null) {
            return IS_COMPLETE_MAYBE;
        }
        synchronized (shellLock) {
            String remaining = code;
            while (!remaining.isBlank()) {
                CompletionInfo info = js.sourceCodeAnalysis().analyzeCompletion(remaining);
                switch (info.completeness()) {
                    case COMPLETE:
                    case COMPLETE_WITH_SEMI:
                        if (info.remaining().length() >= remaining.length()) {
                            return IS_COMPLETE_YES;
                        }
                        remaining = info.remaining();
                        break;
                    case EMPTY:
                        return IS_COMPLETE_YES;
                    case DEFINITELY_INCOMPLETE:
                    case CONSIDERED_INCOMPLETE:
                        return "    ";
                    default:
                        return IS_COMPLETE_BAD;
                }
            }
            return IS_COMPLETE_YES;
        }
    }

    private JShell shellIfReady() {
        return shellReady.isDone() && !shellReady.isCompletedExceptionally() ? shellReady.join() : null;
    }

    /** Offset where the snippet containing {@code at} starts: complete snippets before it are skipped. */
    private int snippetStart(String code, int at) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        int start = 0;
        while (start < at) {
            String rest = code.substring(start, at);
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() != SourceCodeAnalysis.Completeness.COMPLETE
                    || info.remaining().isBlank()) {
                break;
            }
            int used = rest.length() - info.remaining().length();
            if (used <= 0) {
                break;
            }
            start += used;
        }
        while (start < at && Character.isWhitespace(code.charAt(start))) {
            start++;
        }
        return start;
    }

    private static String currentLine(String code, int at) {
        int safe = Math.max(0, Math.min(at, code.length()));
        int begin = code.lastIndexOf('\n', safe - 1) + 1;
        return code.substring(begin, safe);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void onShutdown(boolean isRestarting) {
        control.requestStop("The kernel is shutting down");
        super.onShutdown(isRestarting);
    }

    @Override
    public List<String> formatError(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString().lines().collect(Collectors.toList());
    }
}
