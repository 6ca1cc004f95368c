package org.aelab.kernel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * Jupyter's is-complete answer without JShell, for the second or so while JShell starts: code goes
 * on while a bracket, string, text block or comment is open, or while it ends in an operator, a
 * keyword that needs more ({@code else}, {@code new}, ...) or the condition of an {@code if},
 * {@code for}, {@code while}, {@code switch}, {@code catch} or {@code synchronized} with no body yet;
 * otherwise it is complete. A closing bracket that matches nothing makes it invalid.
 *
 * <p>{@code jupyter console} waits one second for its first answer and otherwise stops asking the
 * kernel for the whole session (then every line needs an extra Enter), so the answer has to come
 * at once, not when JShell is ready. From then on {@link SnippetSplitter#isComplete} answers with
 * JShell's own analysis.
 */
final class BracketCheck {

    private static final Set<String> NEEDS_MORE = Set.of("else", "do", "try", "finally", "new", "extends",
            "implements", "throws", "instanceof", "case", "class", "interface", "enum", "record", "import",
            "package", "throw", "assert", "var", "final", "static", "public", "private", "protected", "abstract");
    private static final Set<String> BODY_FOLLOWS = Set.of("if", "for", "while", "switch", "catch", "synchronized");

    /** An open bracket: its character and the word before it ({@code if} in {@code if (}). */
    private record Open(char bracket, String wordBefore) {
    }

    private BracketCheck() {
    }

    /**
     * {@link BaseKernel#IS_COMPLETE_YES}, {@link BaseKernel#IS_COMPLETE_BAD}, or the indent of the
     * next line (four spaces per open bracket) when the code goes on.
     */
    static String isComplete(String code) {
        Deque<Open> open = new ArrayDeque<>();
        String lastWord = "";
        // What the last significant token was: a word, a closing bracket, or another character.
        char last = 0;
        String closedAfter = "";
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                int end = code.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                if (end < 0) {
                    return indent(open.size());
                }
                i = end + 2;
                continue;
            }
            if (code.startsWith("\"\"\"", i)) {
                int end = textBlockEnd(code, i + 3);
                if (end < 0) {
                    return indent(open.size());
                }
                i = end;
                last = '"';
                lastWord = "";
                continue;
            }
            if (c == '"' || c == '\'') {
                int end = quotedEnd(code, i + 1, c);
                if (end < 0) {
                    // A plain string or char literal cannot span lines; unfinished at the end, it may be typed on.
                    return code.indexOf('\n', i) < 0 ? indent(open.size()) : BaseKernel.IS_COMPLETE_BAD;
                }
                i = end;
                last = c;
                lastWord = "";
                continue;
            }
            if (Character.isJavaIdentifierStart(c)) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(code.charAt(end))) {
                    end++;
                }
                lastWord = code.substring(i, end);
                last = 'a';
                i = end;
                continue;
            }
            if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_'
                        || (code.charAt(i) == '.' && i + 1 < n && Character.isDigit(code.charAt(i + 1))))) {
                    i++;
                }
                last = '0';
                lastWord = "";
                continue;
            }
            if (!Character.isWhitespace(c)) {
                if (c == '(' || c == '[' || c == '{') {
                    open.push(new Open(c, last == 'a' ? lastWord : ""));
                } else if (c == ')' || c == ']' || c == '}') {
                    if (open.isEmpty() || open.peek().bracket() != partner(c)) {
                        return BaseKernel.IS_COMPLETE_BAD;
                    }
                    closedAfter = open.pop().wordBefore();
                }
                // ++ and -- end a statement (i++); a single + or - asks for its right-hand side.
                if ((c == '+' || c == '-') && i > 0 && code.charAt(i - 1) == c && last == c) {
                    last = 'a';
                    lastWord = "";
                    i++;
                    continue;
                }
                last = c;
                lastWord = "";
            }
            i++;
        }
        if (!open.isEmpty()) {
            return indent(open.size());
        }
        if (last == 0 || last == ';' || last == '}' || last == ']' || last == '"' || last == '\'' || last == '0') {
            return BaseKernel.IS_COMPLETE_YES;
        }
        if (last == 'a') {
            return NEEDS_MORE.contains(lastWord) ? indent(0) : BaseKernel.IS_COMPLETE_YES;
        }
        if (last == ')') {
            return BODY_FOLLOWS.contains(closedAfter) && !endsDoWhile(code) ? indent(0) : BaseKernel.IS_COMPLETE_YES;
        }
        // An operator, a dot, a comma, an annotation's @, a lambda's arrow: the code goes on.
        return indent(0);
    }

    /** {@code do { ... } while (cond)}: the while closes a statement rather than opening a loop. */
    private static boolean endsDoWhile(String code) {
        int w = code.lastIndexOf("while");
        return w > 0 && code.substring(0, w).stripTrailing().endsWith("}");
    }

    private static char partner(char closing) {
        return closing == ')' ? '(' : closing == ']' ? '[' : '{';
    }

    /** Offset after the closing quote of a string or char literal starting before {@code from}, or -1. */
    private static int quotedEnd(String code, int from, char quote) {
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    /** Offset after the closing {@code """} of a text block whose content starts at {@code from}, or -1. */
    private static int textBlockEnd(String code, int from) {
        for (int i = from; i < code.length(); i++) {
            if (code.charAt(i) == '\\') {
                i++;
            } else if (code.startsWith("\"\"\"", i)) {
                return i + 3;
            }
        }
        return -1;
    }

    private static String indent(int depth) {
        return "    ".repeat(Math.max(1, depth));
    }
}
