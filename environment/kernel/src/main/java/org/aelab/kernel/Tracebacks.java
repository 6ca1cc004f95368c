package org.aelab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;

/** Turns compile diagnostics and cell exceptions into readable {@link CellError}s. */
final class Tracebacks {

    /** Frames beyond this are summarised: a StackOverflowError has thousands of identical ones. */
    private static final int MAX_FRAMES = 25;
    private static final String RED = "\u001b[0;31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String RESET = "\u001b[0m";

    private Tracebacks() {
    }

    /**
     * A rejected snippet. {@code firstLine} is the cell line (1-based) the snippet starts on, so
     * messages point into the cell the user sees.
     */
    static CellError compileError(Snippet snippet, List<Diag> diagnostics, int firstLine) {
        String source = snippet.source();
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag diag : diagnostics) {
            if (!diag.isError()) {
                continue;
            }
            String message = diag.getMessage(Locale.ROOT).lines()
                    .filter(l -> !l.strip().matches("location: class\\s*\\S*")).collect(Collectors.joining("\n"));
            if (first == null) {
                first = message.lines().findFirst().orElse(message);
            }
            int start = (int) Math.max(0, Math.min(diag.getStartPosition(), source.length()));
            int end = (int) Math.max(start, Math.min(diag.getEndPosition(), source.length()));
            int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
            if (start == 0) {
                lineStart = 0;
            }
            int lineEnd = source.indexOf('\n', start);
            if (lineEnd < 0) {
                lineEnd = source.length();
            }
            int lineNumber = firstLine + (int) source.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            List<String> messageLines = message.lines().collect(Collectors.toList());
            lines.add(BOLD_RED + "cell line " + lineNumber + ": " + RESET + messageLines.get(0));
            messageLines.subList(1, messageLines.size()).forEach(l -> lines.add("  " + l.strip()));
            String text = source.substring(lineStart, lineEnd);
            lines.add("    " + text);
            int caretEnd = Math.max(start + 1, Math.min(end, lineEnd));
            lines.add("    " + " ".repeat(start - lineStart) + RED + "^".repeat(Math.max(1, caretEnd - start)) + RESET);
        }
        if (first == null) {
            first = "the snippet was rejected";
            lines.add(first + ": " + source.strip());
        }
        return new CellError("CompilationError", first, lines);
    }

    /** An exception thrown by cell code. */
    static CellError runtimeError(JShellException exception, IntFunction<String> origins) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            Snippet snippet = unresolved.getSnippet();
            String message = "'" + snippet.source().strip().lines().findFirst().orElse("")
                    + "' cannot run until what it uses is defined";
            return new CellError("UnresolvedReference", message, List.of(message));
        }
        EvalException eval = (EvalException) exception;
        String className = eval.getExceptionClassName();
        if (CellGuard.CellExitError.class.getName().equals(className)) {
            return new CellError("SystemExit", eval.getMessage(), List.of(BOLD_RED + "SystemExit: " + RESET + eval.getMessage()));
        }
        List<String> lines = new ArrayList<>();
        appendThrowable(lines, eval, className, "", origins);
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        return new CellError(simpleName, eval.getMessage() == null ? "" : eval.getMessage(), lines);
    }

    /** A failure inside the kernel itself while running a cell. */
    static CellError kernelError(Throwable t) {
        List<String> lines = new ArrayList<>();
        appendThrowable(lines, t, t.getClass().getName(), "", id -> null);
        return new CellError(t.getClass().getSimpleName(), String.valueOf(t.getMessage()), lines);
    }

    private static void appendThrowable(List<String> lines, Throwable t, String className, String prefix,
                                        IntFunction<String> origins) {
        String message = t.getMessage();
        lines.add(prefix + BOLD_RED + className + RESET + (message == null ? "" : ": " + message));
        StackTraceElement[] frames = t.getStackTrace();
        int end = 0;
        while (end < frames.length && !isKernelFrame(frames[end])) {
            end++;
        }
        int shown = 0;
        for (int i = 0; i < end; ) {
            // Recursion (a StackOverflowError) repeats the same frames thousands of times.
            int run = 1;
            while (i + run < end && frames[i + run].equals(frames[i])) {
                run++;
            }
            if (shown == MAX_FRAMES) {
                lines.add("\t... " + (end - i) + " more");
                break;
            }
            lines.add("\tat " + describe(frames[i], origins));
            if (run > 1) {
                lines.add("\t   (the line above repeats " + (run - 1) + " more times)");
            }
            shown++;
            i += run;
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            String causeName = cause instanceof EvalException e ? e.getExceptionClassName() : cause.getClass().getName();
            appendThrowable(lines, cause, causeName, "Caused by: ", origins);
        }
    }

    /** Where cell code was entered: reflection and the kernel's own frames mean nothing to a reader. */
    private static boolean isKernelFrame(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.Method")
                || c.startsWith("org.aelab.kernel.");
    }

    /**
     * JShell reports cell frames with an empty class and a file named after the snippet id
     * ({@code #12}); {@code origins} turns the id and line into "cell [3], line 2".
     */
    private static String describe(StackTraceElement frame, IntFunction<String> origins) {
        String file = frame.getFileName();
        if (file == null || !file.startsWith("#")) {
            return frame.toString();
        }
        String where;
        try {
            String origin = origins.apply(Integer.parseInt(file.substring(1)) * 10_000 + Math.max(0, frame.getLineNumber()));
            where = origin != null ? origin : "snippet " + file + ", line " + frame.getLineNumber();
        } catch (NumberFormatException e) {
            where = file + ":" + frame.getLineNumber();
        }
        String owner = frame.getClassName().isEmpty() ? "" : frame.getClassName() + ".";
        String method = frame.getMethodName();
        String name = method.isEmpty() || "do_it$".equals(method) ? "<cell>" : owner + method;
        return name + " (" + where + ")";
    }
}
