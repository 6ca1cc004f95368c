package org.aelab.kernel;

import java.util.ArrayList;
import java.util.List;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;

import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * Cuts code into the pieces JShell evaluates one at a time (statements, declarations,
 * expressions), with JShell's own {@link SourceCodeAnalysis#analyzeCompletion}. One walk over the
 * code, {@link #segments}, serves execution ({@link #split}), completion ({@link #snippetStart})
 * and Jupyter's is-complete question ({@link #isComplete}).
 */
final class SnippetSplitter {

    /** A piece of source that JShell sees as one snippet, and the cell line it starts on. */
    record SourceSnippet(String text, String source, int line, boolean suppressed) {
    }

    /**
     * One step of the walk: {@code code[start, end)}, which JShell analyses as {@code completeness};
     * {@code source} is what JShell evaluates for it (a missing semicolon added). An unfinished or
     * broken piece runs to the end of the code and is the last.
     */
    record Segment(int start, int end, String source, Completeness completeness) {
    }

    private SnippetSplitter() {
    }

    /** The pieces of {@code code}, in order; blank code has none. */
    static List<Segment> segments(SourceCodeAnalysis analysis, String code) {
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        while (!code.substring(start).isBlank()) {
            String remaining = code.substring(start);
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                break;
            }
            boolean complete = completeness == Completeness.COMPLETE || completeness == Completeness.COMPLETE_WITH_SEMI;
            int used = complete ? remaining.length() - info.remaining().length() : 0;
            if (used <= 0) {
                // Incomplete or broken, or JShell took nothing: all of it is one piece, whose
                // diagnostics say what is wrong.
                segments.add(new Segment(start, code.length(), remaining, completeness));
                break;
            }
            segments.add(new Segment(start, start + used, info.source(), completeness));
            start += used;
        }
        return segments;
    }

    /** Splits code into JShell snippets, numbering lines from 1 at the start of {@code code}. */
    static List<SourceSnippet> split(SourceCodeAnalysis analysis, String code) {
        List<SourceSnippet> snippets = new ArrayList<>();
        for (Segment segment : segments(analysis, code)) {
            String text = code.substring(segment.start(), segment.end());
            String source = segment.source();
            int leading = text.length() - text.stripLeading().length();
            int commented = leadingComments(text);
            if (text.startsWith("import", commented)) {
                // JShell reads an import's name from the start of its source: after a comment it
                // records a name-less import, and a later on-demand import (import a.b.*;) then
                // resets every variable of the session to null. So an import goes without them.
                leading = commented;
                source = source.substring(leadingComments(source));
            }
            int line = 1 + (int) code.substring(0, segment.start() + leading).chars().filter(c -> c == '\n').count();
            // Without its leading blank lines, so diagnostics' positions count from the snippet's first line.
            snippets.add(new SourceSnippet(text, source.stripLeading(), line, text.strip().endsWith(";")));
        }
        return snippets;
    }

    /** Length of the whitespace, line comments and block comments that {@code text} starts with. */
    static int leadingComments(String text) {
        int at = 0;
        while (true) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (text.startsWith("//", at)) {
                int end = text.indexOf('\n', at);
                at = end < 0 ? text.length() : end + 1;
            } else if (text.startsWith("/*", at)) {
                int end = text.indexOf("*/", at + 2);
                if (end < 0) {
                    return at;                                   // unclosed: JShell reports it
                }
                at = end + 2;
            } else {
                return at;
            }
        }
    }

    /**
     * Jupyter's is-complete answer: {@link BaseKernel#IS_COMPLETE_YES}, {@link BaseKernel#IS_COMPLETE_BAD},
     * or the indent of the next line when the code goes on.
     */
    static String isComplete(SourceCodeAnalysis analysis, String code) {
        for (Segment segment : segments(analysis, code)) {
            switch (segment.completeness()) {
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "    ";
                default:
                    return BaseKernel.IS_COMPLETE_BAD;
            }
        }
        return BaseKernel.IS_COMPLETE_YES;
    }

    /** Offset where the snippet containing {@code at} starts: complete snippets before it are skipped. */
    static int snippetStart(SourceCodeAnalysis analysis, String code, int at) {
        int start = 0;
        for (Segment segment : segments(analysis, code.substring(0, at))) {
            if (segment.completeness() != Completeness.COMPLETE || code.substring(segment.end(), at).isBlank()) {
                break;
            }
            start = segment.end();
        }
        while (start < at && Character.isWhitespace(code.charAt(start))) {
            start++;
        }
        return start;
    }
}
