package org.aelab.training;

import org.aelab.notebook.Notebook;
import org.aelab.notebook.StopHook;

/**
 * How a fit learns that the user wants it to stop, so that it can stop between two steps and
 * return what it learnt instead of being thrown out of.
 *
 * <p>Outside the notebook kernel a stop is {@link Thread#interrupt()}. Inside the kernel, code is
 * woven to throw the kernel's stop error at every loop and call once a stop is requested; a fit
 * asks the kernel, through the {@link StopHook} it installed at start-up
 * ({@link Notebook#installStopHook}), to defer that while it polls for itself. The kernel still
 * throws if a step does not reach a poll within a second; {@link #isStop(Throwable)} recognises
 * that error so the fit can keep the completed epochs even then. When the fit ends, a stop it took
 * applies again to the rest of the cell.
 */
final class StopRequests implements AutoCloseable {

    /** How long to wait for the thread interrupt that follows the kernel's stop flag. */
    private static final long INTERRUPT_WAIT_NANOS = 200_000_000L;

    private final StopHook hook;
    private boolean open;
    private boolean taken;

    private StopRequests(StopHook hook) {
        this.hook = hook;
    }

    /** Starts polling for stops on this thread; close it on the same thread when the fit ends. */
    static StopRequests open() {
        StopRequests requests = new StopRequests(Notebook.stopHook());
        requests.hook.defer();
        requests.open = true;
        return requests;
    }

    /** True when a stop was requested since the last call; the fit should wind up now. */
    boolean requested() {
        boolean kernel = hook.take();
        // Always consume the thread's flag: a stop the fit handled must not break what it does
        // while winding up (an interruptible file write, a class initialiser that scans the class
        // path: Tablesaw's Table does, and fails for the rest of the session if interrupted).
        boolean thread = Thread.interrupted();
        if (kernel && !thread && !taken) {
            // The kernel raises its flag an instant before it interrupts the thread; wait for that.
            long deadline = System.nanoTime() + INTERRUPT_WAIT_NANOS;
            while (!Thread.interrupted() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        taken |= kernel;
        return kernel || thread;
    }

    /** True when {@code t} is the kernel's stop error thrown into a step that did not poll in time. */
    boolean isStop(Throwable t) {
        if (hook.isStop(t)) {
            requested(); // acknowledges it, so the fit can wind up
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            hook.resume();
        }
    }
}
