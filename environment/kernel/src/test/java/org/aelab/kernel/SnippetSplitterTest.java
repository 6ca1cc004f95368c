package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

import org.aelab.kernel.SnippetSplitter.SourceSnippet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnippetSplitterTest {

    private JShell shell;

    @BeforeEach
    void start() {
        shell = JShell.builder().executionEngine("local").build();
    }

    @AfterEach
    void stop() {
        shell.close();
    }

    private void run(String code) {
        for (SourceSnippet snippet : SnippetSplitter.split(shell.sourceCodeAnalysis(), code)) {
            for (SnippetEvent event : shell.eval(snippet.source())) {
                assertTrue(event.status() == Snippet.Status.VALID, event + " for " + snippet.source());
            }
        }
    }

    private String value(String expression) {
        return shell.eval(expression).get(0).value();
    }

    @Test
    void splitsStatementsAndDeclarationsWithTheirLines() {
        List<SourceSnippet> snippets = SnippetSplitter.split(shell.sourceCodeAnalysis(),
                "int a = 1;\n\nint twice(int x) {\n    return 2 * x;\n}\ntwice(a)");
        assertEquals(List.of("int a = 1;", "int twice(int x) {\n    return 2 * x;\n}", "twice(a)"),
                snippets.stream().map(s -> s.source().strip()).toList());
        assertEquals(List.of(1, 3, 6), snippets.stream().map(SourceSnippet::line).toList());
    }

    @Test
    void anImportGoesToJShellWithoutTheCommentsBeforeItAndKeepsItsLine() {
        List<SourceSnippet> snippets = SnippetSplitter.split(shell.sourceCodeAnalysis(),
                "// Needs the list types.\n/* really */\n\nimport java.util.List;\nList<Integer> xs = List.of(1);");
        assertEquals("import java.util.List;", snippets.get(0).source().strip());
        assertEquals(4, snippets.get(0).line());
        assertEquals(5, snippets.get(1).line());
    }

    @Test
    void aCommentedImportThenAnOnDemandImportKeepsTheSessionsVariables() {
        // A file loaded with %load starts with a comment saying where its code was taught.
        // Types come from on-demand imports, as in the kernel's start-up script.
        run("import java.util.*;");
        run("List<Integer> kept = new ArrayList<>(List.of(42));");
        run("// taught in notebook 02\nimport java.util.concurrent.atomic.AtomicInteger;\n"
                + "AtomicInteger counter = new AtomicInteger(7);");
        run("import java.util.function.*;");
        assertEquals("[42]", value("kept"));
        assertEquals("7", value("counter.get()"));
    }

    @Test
    void otherSnippetsKeepTheirCommentsAndAnUnclosedCommentIsLeftToJShell() {
        List<SourceSnippet> snippets = SnippetSplitter.split(shell.sourceCodeAnalysis(),
                "/** Twice x. */\nint twice(int x) { return 2 * x; }");
        assertTrue(snippets.get(0).source().startsWith("/** Twice x. */"));
        assertEquals(2, SnippetSplitter.leadingComments("  /* open"));
        assertEquals(10, SnippetSplitter.leadingComments("// a\n/**/ import"));
    }
}
