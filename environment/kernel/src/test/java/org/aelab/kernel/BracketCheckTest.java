package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import jdk.jshell.JShell;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The is-complete answer given while JShell starts agrees with JShell's own analysis on what
 * people type into {@code jupyter console}: statements, expressions, declarations, unfinished
 * blocks, strings, text blocks and comments.
 */
class BracketCheckTest {

    private static JShell shell;

    @BeforeAll
    static void startShell() {
        shell = JShell.builder().executionEngine("local").build();
    }

    @AfterAll
    static void closeShell() {
        shell.close();
    }

    private static String kind(String answer) {
        return switch (answer) {
            case BaseKernel.IS_COMPLETE_YES -> "complete";
            case BaseKernel.IS_COMPLETE_BAD -> "invalid";
            case BaseKernel.IS_COMPLETE_MAYBE -> "unknown";
            default -> answer.isBlank() ? "incomplete" : "indent '" + answer + "'";
        };
    }

    @Test
    void agreesWithJShellOnConsoleInput() {
        List<String> inputs = List.of(
                "var s = \"abc\";", "s.length()", "1 + 1", "int x = 1", "int x = 1;", "x++", "i--;",
                "System.out.println(\"a;b{\")", "System.out.println(\"hi\");", "Math.max(1,", "Math.max(1, 2)",
                "for (int i = 0; i < 3; i++) {", "for (int i = 0; i < 3; i++) {\n    System.out.println(i);\n}",
                "for (int i = 0; i < 3; i++)", "if (x > 0)", "if (x > 0) {", "if (x > 0) { x--; } else",
                "while (true) {}", "do { x--; } while (x > 0)", "int[] a = {1, 2,", "int[] a = {1, 2};",
                "void hello() {", "void hello() { System.out.println(1); }", "class Point {", "record P(int x, int y) {}",
                "String t = \"\"\"\n    text", "String t = \"\"\"\n    text\n    \"\"\";", "/* a comment", "// just a comment",
                "x = x +", "x = x + 1", "list.stream()\n    .map(v -> v * 2)", "list.stream().", "var f = (Runnable) () ->",
                "char c = 'a';", "double d = 1.5e3;", "new int[] {1, 2, 3}", "new", "x ==", "y = x > 0 ?",
                "try {", "Map<String, Integer> m = new HashMap<>();", "String::valueOf", "");
        List<String> disagreements = new ArrayList<>();
        for (String code : inputs) {
            String expected = kind(SnippetSplitter.isComplete(shell.sourceCodeAnalysis(), code));
            String actual = kind(BracketCheck.isComplete(code));
            if (!expected.equals(actual)) {
                disagreements.add("'" + code.replace("\n", "\\n") + "': JShell " + expected + ", BracketCheck " + actual);
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @Test
    void unmatchedClosingBracketIsInvalid() {
        assertEquals(BaseKernel.IS_COMPLETE_BAD, BracketCheck.isComplete("foo())"));
        assertEquals(BaseKernel.IS_COMPLETE_BAD, BracketCheck.isComplete("int[] a = {1, 2);"));
    }

    @Test
    void nextLineIsIndentedOncePerOpenBracket() {
        assertEquals("        ", BracketCheck.isComplete("class A {\n    void f() {"));
        assertEquals("    ", BracketCheck.isComplete("x = x +"));
    }

    @Test
    void bracketsInStringsCommentsAndCharsDoNotCount() {
        assertEquals(BaseKernel.IS_COMPLETE_YES, BracketCheck.isComplete("String s = \"({[\"; // ({["));
        assertEquals(BaseKernel.IS_COMPLETE_YES, BracketCheck.isComplete("char c = '{'; /* ) */"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, BracketCheck.isComplete("String q = \"a \\\" (\";"));
    }
}
