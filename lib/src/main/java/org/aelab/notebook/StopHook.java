package org.aelab.notebook;

/**
 * How a kernel tells library code that the user asked to stop the running cell, for code that
 * stops cleanly by itself between two steps (a {@code Fit} returns what it learnt). A kernel
 * installs one with {@link Notebook#installStopHook}; without one, {@link Thread#interrupt()} is
 * the only stop and every method here does nothing.
 *
 * <p>The project's kernel stops a cell by throwing its own error at woven checks in the cell's
 * code; code that polls for itself brackets its work with {@link #defer()} and {@link #resume()}
 * on one thread, so that the kernel holds that error back for a while and the code can wind up.
 */
public interface StopHook {

    /** The hook outside a kernel: no stops but thread interrupts. */
    StopHook NONE = new StopHook() {
        @Override
        public void defer() {
        }

        @Override
        public boolean take() {
            return false;
        }

        @Override
        public void resume() {
        }

        @Override
        public boolean isStop(Throwable t) {
            return false;
        }
    };

    /** The calling thread will poll {@link #take()} itself until the matching {@link #resume()}; brackets nest. */
    void defer();

    /** True when a stop was requested for the calling thread; it takes the stop and should wind up now. */
    boolean take();

    /** Ends the calling thread's innermost {@link #defer()}; at the outermost, a stop taken applies again. */
    void resume();

    /** True when {@code t} is the kernel's stop, thrown into code that did not poll in time. */
    boolean isStop(Throwable t);
}
