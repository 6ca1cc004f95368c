package org.aelab.kernel;

import java.util.ArrayList;
import java.util.List;

import jdk.jshell.Snippet;
import jdk.jshell.VarSnippet;

/**
 * Lets go of the values of variables that a cell redeclares, so that re-running a cell does not keep every
 * earlier run's objects. JShell itself keeps them: each declaration is a new class with its own static
 * field, and the old class stays loaded. Once nothing else refers to an old value, the garbage collector
 * frees it, and the engine agent ({@code org.aelab.agent.NativeMemory}) frees the native memory of the DJL
 * managers among it, which the Java heap does not see. So after such a cell this class collects.
 */
final class ReplacedValues {

    private final SnippetLoader loader;
    /** Variables replaced in this cell, and whether the replacement kept the old snippet's id. */
    private final List<VarSnippet> replaced = new ArrayList<>();
    private final List<Boolean> sameId = new ArrayList<>();

    ReplacedValues(SnippetLoader loader) {
        this.loader = loader;
    }

    /** Notes a snippet that JShell reports as overwritten by {@code cause}, a new declaration. */
    synchronized void overwritten(Snippet old, Snippet cause) {
        if (old instanceof VarSnippet variable) {
            replaced.add(variable);
            sameId.add(cause != null && cause.id().equals(old.id()));
        }
    }

    /**
     * After a cell that replaced variables: clears what old versions of their classes still hold, then
     * collects. (Mostly JShell redefines the snippet's class in place and the new value simply replaces the
     * old; a collection is what frees the old one's native memory, which the heap's own pace would leave
     * for minutes.)
     */
    synchronized void release() {
        if (replaced.isEmpty()) {
            return;
        }
        for (int i = 0; i < replaced.size(); i++) {
            VarSnippet variable = replaced.get(i);
            loader.clearReplacedVariable(variable.id(), variable.name(), sameId.get(i));
        }
        replaced.clear();
        sameId.clear();
        // At once, so that the next cell starts with the memory back: a full collection of a notebook's heap
        // takes a fraction of a second, and only cells that redeclare something pay it. DJL's models are
        // finalizable, so what a replaced model holds is free only after its finalizer and one more collection.
        long start = System.nanoTime();
        System.gc();
        System.runFinalization();
        System.gc();
        if (System.getenv("AELAB_KERNEL_TIMING") != null) {
            System.err.printf("[kernel] collected replaced values in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }
}
