package org.aelab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Suggestion;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What the notebook asks about code it has not run: completion (Tab), inspection (Shift-Tab) and
 * whether a console line is complete, answered by JShell's source analysis of the live session.
 */
final class CodeInsight {

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
        JShell js = startup.shellIfReady();
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

    DisplayData inspect(String code, int at) {
        JShell js = startup.shellIfReady();
        if (js == null) {
            return null;
        }
        synchronized (runner.lock()) {
            SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
            int start = SnippetSplitter.snippetStart(analysis, code, at);
            String snippet = code.substring(start);
            int cursor = identifierEnd(snippet, at - start);
            List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, cursor, true);
            if (docs.isEmpty() && cursor < snippet.length() && snippet.charAt(cursor) == '(') {
                // JShell documents a method when the cursor is inside its parentheses.
                docs = analysis.documentation(snippet, cursor + 1, true);
            }
            StringBuilder text = new StringBuilder();
            for (SourceCodeAnalysis.Documentation doc : docs) {
                text.append(doc.signature()).append('\n');
                if (doc.javadoc() != null && !doc.javadoc().isBlank()) {
                    text.append('\n').append(plainJavadoc(doc.javadoc())).append("\n\n");
                }
            }
            if (text.length() == 0) {
                String type = analysis.analyzeType(snippet, cursor);
                if (type == null || type.isBlank()) {
                    return null;
                }
                text.append(type);
            }
            return new DisplayData(text.toString().strip());
        }
    }

    String isComplete(String code) {
        JShell js = startup.shellIfReady();
        if (js == null) {
            return BaseKernel.IS_COMPLETE_MAYBE;
        }
        synchronized (runner.lock()) {
            return SnippetSplitter.isComplete(js.sourceCodeAnalysis(), code);
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

    private static String currentLine(String code, int at) {
        int safe = Math.max(0, Math.min(at, code.length()));
        int begin = code.lastIndexOf('\n', safe - 1) + 1;
        return code.substring(begin, safe);
    }
}
