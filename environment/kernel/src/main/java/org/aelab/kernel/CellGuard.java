package org.aelab.kernel;

/**
 * Calls that the kernel weaves into cell code (and into the project's own library classes) when it
 * loads them. Loops and method entries call {@link #check()}, so an interrupt stops even a
 * {@code while (true) {}} without {@code Thread.stop}; {@code System.exit} and friends are
 * redirected to {@link #exit(int)} so a cell cannot end the kernel by accident.
 *
 * <p><b>Code that stops cleanly by itself</b> (the helper jar's {@code Fit}, which returns the
 * history of the completed epochs when interrupted) brackets its work with {@link #deferStops()}
 * and {@link #resumeStops()} and polls {@link #takeStop()} between steps. While a thread defers,
 * its woven checks let a stop pass for up to {@value #DEFER_LIMIT_MS} ms, so a step that never
 * polls is still stopped within that time; once the thread has taken the stop, they let it pass
 * until it resumes, so the code can wind up. When it resumes, a stop it took or that is still
 * pending applies to that thread again, so the rest of the cell stops at its next check; other
 * threads (the kernel rendering the cell's result) are not affected.
 *
 * <p>Public only because woven bytecode in other class loaders must be able to call it (and the
 * helper jar reaches the stop methods through the {@code org.aelab.notebook.StopHook} that the start-up
 * script installs, to stay independent of the kernel); not meant
 * to be called from notebooks.
 */
public final class CellGuard {

    /** How long a deferring thread may run on after a stop before its woven checks throw anyway. */
    static final long DEFER_LIMIT_MS = 1000;

    private static volatile boolean stopRequested;
    private static volatile long stopRequestedAt;
    /** When set, the pending stop applies to this thread only (a stop that deferring code took). */
    private static volatile Thread stopOnly;
    private static final ThreadLocal<Deferral> DEFERRAL = new ThreadLocal<>();

    /** A thread's bracket of deferred stops: nesting depth, and whether it has taken the stop. */
    private static final class Deferral {
        int depth = 1;
        boolean taken;
    }

    private CellGuard() {
    }

    /** Throws {@link CellInterruptedError} when the user has asked to stop the running cell. */
    public static void check() {
        if (stopRequested) {
            stopIfDue();
        }
    }

    private static void stopIfDue() {
        Thread only = stopOnly;
        if (only != null && only != Thread.currentThread()) {
            return;
        }
        Deferral deferral = DEFERRAL.get();
        if (deferral != null && (deferral.taken
                || System.nanoTime() - stopRequestedAt < DEFER_LIMIT_MS * 1_000_000L)) {
            return;
        }
        throw new CellInterruptedError();
    }

    /**
     * The calling thread polls for stops itself (with {@link #takeStop()}) until the matching
     * {@link #resumeStops()}; brackets nest.
     */
    public static void deferStops() {
        Deferral deferral = DEFERRAL.get();
        if (deferral == null) {
            DEFERRAL.set(new Deferral());
        } else {
            deferral.depth++;
        }
    }

    /**
     * True when a stop has been requested for the calling thread; the thread takes it, i.e. its
     * woven checks let it pass until {@link #resumeStops()}, and should wind up now.
     */
    public static boolean takeStop() {
        if (!stopRequested) {
            return false;
        }
        Thread only = stopOnly;
        if (only != null && only != Thread.currentThread()) {
            return false;
        }
        Deferral deferral = DEFERRAL.get();
        if (deferral != null) {
            deferral.taken = true;
        }
        return true;
    }

    /**
     * Ends the calling thread's innermost {@link #deferStops()} bracket. At the outermost one, a stop
     * taken or pending applies to this thread again, from its next woven check.
     */
    public static void resumeStops() {
        Deferral deferral = DEFERRAL.get();
        if (deferral == null) {
            return;
        }
        if (--deferral.depth > 0) {
            return;
        }
        DEFERRAL.remove();
        if (stopRequested) {
            stopOnly = Thread.currentThread();
        }
    }

    /** Stands in for {@code System.exit(status)} in woven code. */
    public static void exit(int status) {
        throw new CellExitError("System.exit", status);
    }

    /** Stands in for {@code Runtime.getRuntime().exit(status)} in woven code. */
    public static void exit(Runtime runtime, int status) {
        throw new CellExitError("Runtime.exit", status);
    }

    /** Stands in for {@code Runtime.getRuntime().halt(status)} in woven code. */
    public static void halt(Runtime runtime, int status) {
        throw new CellExitError("Runtime.halt", status);
    }

    static void requestStop() {
        stopOnly = null;
        stopRequestedAt = System.nanoTime();
        stopRequested = true;
    }

    static void clearStop() {
        stopRequested = false;
        stopOnly = null;
    }

    static boolean isStopRequested() {
        return stopRequested;
    }

    /**
     * Thrown inside a cell to unwind it after an interrupt. An {@link Error}, like the
     * {@code ThreadDeath} it replaces, so that {@code catch (Exception e)} in a cell does not
     * swallow it.
     */
    public static final class CellInterruptedError extends Error {
        private static final long serialVersionUID = 1L;

        CellInterruptedError() {
            super("Cell interrupted", null, false, false);
        }
    }

    /** Thrown instead of ending the JVM when a cell calls {@code System.exit}. */
    public static final class CellExitError extends Error {
        private static final long serialVersionUID = 1L;

        private final int status;

        CellExitError(String call, int status) {
            super(call + "(" + status + ") was called in the cell. It would end the kernel, so the kernel stopped"
                    + " the cell instead and keeps its state; use Kernel > Restart in Jupyter to start afresh.");
            this.status = status;
        }

        /** The status the cell passed to {@code System.exit}. */
        public int status() {
            return status;
        }
    }
}
