package org.aelab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jdk.jshell.Snippet;
import jdk.jshell.VarSnippet;

/**
 * Lets go of the values of variables that a cell redeclares, so that re-running a cell does not keep every
 * earlier run's objects. JShell itself keeps them: each declaration is a new class with its own static
 * field, and the old class stays loaded. Once nothing else refers to an old value, the garbage collector
 * frees it, and the engine agent ({@code org.aelab.agent.NativeMemory}) frees the native memory of the DJL
 * managers among it, which the Java heap does not see. So after such a cell this class asks for a
 * collection, on a thread of its own, while the front end already shows the cell's result.
 */
final class ReplacedValues {

    private final SnippetLoader loader;
    private final List<VarSnippet> replaced = new ArrayList<>();
    private final AtomicBoolean collecting = new AtomicBoolean();

    ReplacedValues(SnippetLoader loader) {
        this.loader = loader;
    }

    /** Notes a snippet that JShell reports as overwritten by a new declaration. */
    synchronized void overwritten(Snippet old) {
        if (old instanceof VarSnippet variable) {
            replaced.add(variable);
        }
    }

    /** After a cell: clears the old declarations' values and, if any held an object, collects. */
    synchronized void release() {
        boolean released = false;
        for (VarSnippet variable : replaced) {
            released |= loader.clearReplacedVariable(variable.id(), variable.name());
        }
        replaced.clear();
        if (released && collecting.compareAndSet(false, true)) {
            Thread collector = new Thread(() -> {
                try {
                    System.gc();
                } finally {
                    collecting.set(false);
                }
            }, "aelab-collect-replaced");
            collector.setDaemon(true);
            collector.start();
        }
    }
}
