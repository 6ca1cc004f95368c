package org.aelab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;

import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What the notebook asks about code it has not run: completion (Tab), inspection (Shift-Tab) and
 * whether a console line is complete, answered by JShell's source analysis of the live session.
 *
 * <p>A completion or inspection that comes while the kernel is still starting waits for the start-up
 * scripts (their imports are what {@code FashionMnist.tr} completes against), at most
 * {@link #STARTUP_WAIT_MILLIS}; an is-complete question is answered at once.
 */
final class CodeInsight {

    /**
     * Longest a completion or inspection waits for start-up. A start takes a second or two, but
     * 40 s was seen on a machine loaded 15 times over; the wait blocks nothing a user could do
     * meanwhile (a cell waits for start-up too; interrupts use the control channel).
     */
    static final long STARTUP_WAIT_MILLIS = 120_000;

    private final KernelStartup startup;
    private final CellRunner runner;
    private final Magics magics;

    CodeInsight(KernelStartup startup, CellRunner runner, Magics magics) {
        this.startup = startup;
        this.runner = runner;
        this.magics = magics;
    }

    ReplacementOptions complete(String code, int at) {
        String line = currentLine(code, at);
        if (line.stripLeading().startsWith("%")) {
            return magics.complete(code, at);
        }
        JShell js = startup.awaitShell(STARTUP_WAIT_MILLIS);
        if (js == null) {
            return null;
        }
        synchronized (runner.lock()) {
            SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
            int start = SnippetSplitter.snippetStart(analysis, code, at);
            String snippet = code.substring(start);
            int[] anchor = new int[1];
            List<Suggestion> suggestions = analysis.completionSuggestions(snippet, at - start, anchor);
            Set<String> options = new LinkedHashSet<>();
            suggestions.stream().filter(Suggestion::matchesType).forEach(s -> options.add(s.continuation()));
            suggestions.forEach(s -> options.add(s.continuation()));
            if (options.isEmpty()) {
                return null;
            }
            return new ReplacementOptions(new ArrayList<>(options), start + anchor[0], at);
        }
    }

    /**
     * Documentation of the name at {@code at}: a class, a variable, a field, or a method, with or
     * without its parentheses ({@code Math.abs}, {@code images.matMul(}, {@code Fit.model}): each
     * matching signature with its javadoc summary (all of it when {@code detail}), as text/plain and
     * text/html. Null when nothing there can be documented.
     */
    DisplayData inspect(String code, int at, boolean detail) {
        JShell js = startup.awaitShell(STARTUP_WAIT_MILLIS);
        if (js == null) {
            return null;
        }
        synchronized (runner.lock()) {
            SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
            int start = SnippetSplitter.snippetStart(analysis, code, at);
            String snippet = code.substring(start);
            int end = identifierEnd(snippet, at - start);
            List<Documentation> docs = analysis.documentation(snippet, end, true);
            if (docs.isEmpty()) {
                // JShell documents a method only as a call: the name followed by its parenthesis.
                docs = analysis.documentation(snippet.substring(0, end) + "(", end + 1, true);
            }
            if (docs.isEmpty()) {
                String type = analysis.analyzeType(snippet, end);
                return type == null || type.isBlank() ? null : new DisplayData(type);
            }
            return render(docs, detail);
        }
    }

    static DisplayData render(List<Documentation> docs, boolean detail) {
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (Documentation doc : docs) {
            JavadocText javadoc = doc.javadoc() == null || doc.javadoc().isBlank() ? null : JavadocText.parse(doc.javadoc());
            if (plain.length() > 0) {
                plain.append("\n\n");
                html.append("<hr>");
            }
            plain.append(doc.signature());
            html.append("<pre><code>").append(JavadocText.escape(doc.signature())).append("</code></pre>");
            if (javadoc != null) {
                String text = javadoc.plain(detail);
                if (!text.isEmpty()) {
                    plain.append("\n\n").append(text);
                }
                html.append(javadoc.html(detail));
            }
        }
        DisplayData data = new DisplayData(plain.toString());
        data.putHTML(html.toString());
        return data;
    }

    /**
     * Whether a console line is complete: JShell's analysis once it is ready; until then at once,
     * from the brackets ({@link BracketCheck}), because {@code jupyter console} waits only a second
     * for the answer before it stops asking for the rest of the session.
     */
    String isComplete(String code) {
        JShell js = startup.shellIfReady();
        if (js == null) {
            return BracketCheck.isComplete(code);
        }
        synchronized (runner.lock()) {
            return SnippetSplitter.isComplete(js.sourceCodeAnalysis(), code);
        }
    }

    /** Moves the cursor to the end of the identifier it is in, so documentation finds the whole name. */
    private static int identifierEnd(String code, int at) {
        int i = Math.max(0, Math.min(at, code.length()));
        while (i < code.length() && Character.isJavaIdentifierPart(code.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String currentLine(String code, int at) {
        int safe = Math.max(0, Math.min(at, code.length()));
        int begin = code.lastIndexOf('\n', safe - 1) + 1;
        return code.substring(begin, safe);
    }
}
