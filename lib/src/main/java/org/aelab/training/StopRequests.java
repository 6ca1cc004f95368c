package org.aelab.training;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How a fit learns that the user wants it to stop, so that it can stop between two steps and
 * return what it learnt instead of being thrown out of.
 *
 * <p>Outside the notebook kernel a stop is {@link Thread#interrupt()}. Inside the kernel, code is
 * woven to throw the kernel's stop error at every loop and call once a stop is requested; a fit
 * asks the kernel ({@code org.aelab.kernel.CellGuard}, found at run time so that this library
 * does not depend on the kernel) to defer that while it polls for itself. The kernel still throws
 * if a step does not reach a poll within a second; {@link #isStop(Throwable)} recognises that
 * error so the fit can keep the completed epochs even then. When the fit ends, a stop it took
 * applies again to the rest of the cell.
 */
final class StopRequests implements AutoCloseable {

    private static final String GUARD = "org.aelab.kernel.CellGuard";
    private static final MethodHandle DEFER;
    private static final MethodHandle TAKE;
    private static final MethodHandle RESUME;
    private static final Class<?> STOP_ERROR;

    static {
        MethodHandle defer = null;
        MethodHandle take = null;
        MethodHandle resume = null;
        Class<?> stopError = null;
        try {
            Class<?> guard = Class.forName(GUARD, true, StopRequests.class.getClassLoader());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            defer = lookup.findStatic(guard, "deferStops", MethodType.methodType(void.class));
            take = lookup.findStatic(guard, "takeStop", MethodType.methodType(boolean.class));
            resume = lookup.findStatic(guard, "resumeStops", MethodType.methodType(void.class));
            stopError = Class.forName(GUARD + "$CellInterruptedError", false, guard.getClassLoader());
        } catch (ReflectiveOperationException | LinkageError e) {
            // Not in the kernel (or an older kernel): Thread.interrupt() is the only stop.
            defer = null;
            take = null;
            resume = null;
            stopError = null;
        }
        DEFER = defer;
        TAKE = take;
        RESUME = resume;
        STOP_ERROR = stopError;
    }

    private boolean open;
    private boolean taken;

    private StopRequests() {
    }

    /** Starts polling for stops on this thread; close it on the same thread when the fit ends. */
    static StopRequests open() {
        StopRequests requests = new StopRequests();
        if (DEFER != null) {
            invoke(DEFER);
        }
        requests.open = true;
        return requests;
    }

    /** True when a stop was requested since the last call; the fit should wind up now. */
    boolean requested() {
        boolean kernel = TAKE != null && take();
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

    /** How long to wait for the thread interrupt that follows the kernel's stop flag. */
    private static final long INTERRUPT_WAIT_NANOS = 200_000_000L;

    /** True when {@code t} is the kernel's stop error thrown into a step that did not poll in time. */
    boolean isStop(Throwable t) {
        if (STOP_ERROR != null && STOP_ERROR.isInstance(t)) {
            requested(); // acknowledges it, so the fit can wind up
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (open && RESUME != null) {
            open = false;
            invoke(RESUME);
        }
    }

    private static boolean take() {
        try {
            return (boolean) TAKE.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void invoke(MethodHandle handle) {
        try {
            handle.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
