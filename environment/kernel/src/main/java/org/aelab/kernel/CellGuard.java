package org.aelab.kernel;

/**
 * Calls that the kernel weaves into cell code (and into the project's own library classes) when it
 * loads them. Loops and method entries call {@link #check()}, so an interrupt stops even a
 * {@code while (true) {}} without {@code Thread.stop}; {@code System.exit} and friends are
 * redirected to {@link #exit(int)} so a cell cannot end the kernel by accident.
 *
 * <p>Public only because woven bytecode in other class loaders must be able to call it; not meant
 * to be called from notebooks.
 */
public final class CellGuard {

    private static volatile boolean stopRequested;

    private CellGuard() {
    }

    /** Throws {@link CellInterruptedError} when the user has asked to stop the running cell. */
    public static void check() {
        if (stopRequested) {
            throw new CellInterruptedError();
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
        stopRequested = true;
    }

    static void clearStop() {
        stopRequested = false;
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
