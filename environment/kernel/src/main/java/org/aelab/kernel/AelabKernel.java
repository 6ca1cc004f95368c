package org.aelab.kernel;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
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
 * objects that the renderer turns into images, HTML or text. This class speaks Jupyter's protocol;
 * {@link KernelStartup} brings JShell up, {@link CellRunner} runs cells, {@link CodeInsight}
 * answers completion and inspection, and {@link ProtocolReplies} the requests jjava answers wrongly.
 *
 * <p>Configured by environment variables, with IJava's names: {@code IJAVA_CLASSPATH} (paths and
 * globs, separated by the path separator), {@code IJAVA_STARTUP_SCRIPTS_PATH} (.jsh files, globs),
 * {@code IJAVA_STARTUP_SCRIPT} (code), {@code IJAVA_TIMEOUT} (ms per snippet, -1 for none) and
 * {@code IJAVA_COMPILER_OPTS}.
 */
public final class AelabKernel extends BaseKernel {

    static final String NAME = "aelab-java";
    static final String VERSION = "0.1.0";

    private final CellOutput output = new CellOutput();
    private final SnippetLoader loader;
    private final CellExecutionControl control;
    private final CellRunner runner;
    private final KernelStartup startup;
    private final CodeInsight insight;
    private final CellHistory history = new CellHistory();

    private volatile ShellReplyEnvironment env;

    AelabKernel(KernelSettings settings) {
        super(NAME, VERSION, languageInfo(), List.of(new HelpLink("Java API",
                        "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/")),
                null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null, null, false,
                new StringStyler.Builder().build());
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
        Magics magics = new Magics(this);
        this.runner = new CellRunner(control, output, magics, getRenderer());
        this.startup = new KernelStartup(settings, control, runner);
        this.insight = new CodeInsight(startup, runner, magics);
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
        startup.startInBackground();
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        new ProtocolReplies(this, history).install(connection, commManager);
    }

    // ---------------------------------------------------------------- execute

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment replyEnv, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        runner.beginCell(count);
        replyEnv.setBusyDeferIdle();
        replyEnv.publish(new PublishExecuteInput(request.getCode(), count));

        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        env = replyEnv;
        System.setOut(output.out());
        System.setErr(output.err());
        System.setIn(InputStream.nullInputStream());
        String shown = null;
        try {
            startup.awaitShell();
            reportStartupProblems();
            DisplayData result = runner.runCell(request.getCode());
            pump();
            if (result != null && !request.isSilent()) {
                replyEnv.publish(new PublishExecuteResult(count, result));
                Object text = result.getData(MIMEType.TEXT_PLAIN);
                shown = text == null ? null : text.toString();
            }
            replyEnv.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (CellError e) {
            replyError(replyEnv, count, e);
        } catch (Throwable t) {
            replyError(replyEnv, count, Tracebacks.kernelError(t));
        } finally {
            if (request.shouldStoreHistory()) {
                history.add(count, request.getCode(), shown);
            }
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

    private void reportStartupProblems() {
        List<String> problems = startup.takeProblems();
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
            } else if (event instanceof CellOutput.Cleared cleared) {
                target.publish(cleared.waitForNext() ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
            }
        });
    }

    @Override
    public Object evalRaw(String source) {
        try {
            startup.awaitShell();
            Object value = runner.runCode(source, 1);
            return value == CellRunner.NO_RESULT ? null : value;
        } catch (CellError e) {
            throw new IllegalStateException(e.name() + ": " + e.value());
        }
    }

    /** Used by {@code %load}: runs a file's code as if it were typed into the cell. */
    void runFile(Path file) throws CellError {
        runner.runFile(file);
    }

    /** Used by {@code %classpath}: adds jars or directories for the compiler and the class loader. */
    void addToClasspath(Path path) {
        runner.addToClasspath(path);
    }

    /** Runs typical first cells (values, errors, an image, completion) for {@code KernelMain --warm-up}. */
    void warmUp() throws CellError {
        startup.awaitShell();
        for (String code : List.of("1 + 1", "int warmUp(int n) { return n * 2; }\nwarmUp(21)",
                "new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB)",
                "int failing = notDefined;", "Integer.parseInt(\"x\")")) {
            try {
                runner.runCell(code);
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
        runner.interrupt();
        control.requestStop("Interrupted");
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        return insight.complete(code, at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return insight.inspect(code, at, extraDetail);
    }

    @Override
    public String isComplete(String code) {
        return insight.isComplete(code);
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
