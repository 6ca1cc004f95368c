package org.aelab.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in this JVM ("local execution"), each on a fresh thread whose context class loader
 * is the {@link SnippetLoader}. While a snippet runs, the calling (Jupyter shell) thread keeps
 * pumping its output to the front end, so the cell thread never touches a ZeroMQ socket and can be
 * {@link Thread#interrupt() interrupted} safely.
 *
 * <p>Stopping works without {@code Thread.stop} (gone in JDK 20+): the stop flag makes woven code
 * throw at the next loop iteration or call, and {@code Thread.interrupt} wakes blocking calls.
 */
final class CellExecutionControl extends DirectExecutionControl {

    /** How long to wait for a stopped cell to unwind before leaving it behind. */
    private static final long STOP_GRACE_MS = 3000;
    private static final long PUMP_INTERVAL_MS = 50;

    /** What happens around a running snippet. */
    interface Host {
        /** Called on the shell thread every few milliseconds while a snippet runs, and once at the end. */
        void pump();

        /** Milliseconds a snippet may run before it is stopped; {@code <= 0} for no limit. */
        long timeoutMillis();
    }

    private final SnippetLoader loader;
    private final Host host;
    private final AtomicInteger threadCount = new AtomicInteger();

    private volatile Thread running;
    private volatile Object lastValue;
    private volatile String stopReason;
    private volatile String lastStop;
    /** A stop asked for while no snippet ran (e.g. while the cell's snippet was compiling). */
    private volatile String pendingStop;

    CellExecutionControl(SnippetLoader loader, Host host) {
        super(loader);
        this.loader = loader;
        this.host = host;
    }

    /** Provider handing JShell this control. */
    static ExecutionControlProvider provider(CellExecutionControl control) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "aelab-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
    }

    /** The class loader of the snippets. */
    SnippetLoader loader() {
        return loader;
    }

    /** The value of the last snippet run, as an object (JShell itself only sees its string form). */
    Object takeLastValue() {
        Object value = lastValue;
        lastValue = null;
        return value;
    }

    /** Why the last snippet was stopped, or null when it was not; clears it. */
    String takeStop() {
        String stop = lastStop;
        lastStop = null;
        return stop;
    }

    /** True when a cell thread is running right now. */
    boolean isRunning() {
        return running != null;
    }

    /** Asks the running cell to stop; {@code reason} is what the user is told. */
    void requestStop(String reason) {
        // First for a snippet about to start (compiling one can outlast the user's patience): invoke
        // sets running, then reads this; here it is written, then running is read, so one of the two
        // always sees the other.
        pendingStop = reason;
        Thread thread = running;
        if (thread == null) {
            return;
        }
        pendingStop = null;
        stopReason = reason;
        CellGuard.requestStop();
        thread.interrupt();
    }

    /** Forgets a stop asked for before the code about to run; call as a cell's code starts. */
    void clearPendingStop() {
        pendingStop = null;
    }

    @Override
    public void stop() {
        requestStop("Interrupted");
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        lastValue = null;
        stopReason = null;
        CellGuard.clearStop();
        Object[] outcome = new Object[2];
        Thread thread = new Thread(() -> {
            try {
                outcome[0] = doitMethod.invoke(null);
            } catch (Throwable t) {
                outcome[1] = t;
            }
        }, "cell-" + threadCount.incrementAndGet());
        thread.setContextClassLoader(loader);
        thread.setDaemon(true);
        running = thread;
        // A stop asked for before running was set (see requestStop).
        String early = pendingStop;
        pendingStop = null;
        if (early != null) {
            stopReason = early;
            CellGuard.requestStop();
        }
        long start = System.nanoTime();
        long timeout = host.timeoutMillis();
        try {
            thread.start();
            if (early != null) {
                thread.interrupt();
            }
            long stopAskedAt = 0;
            while (thread.isAlive()) {
                thread.join(PUMP_INTERVAL_MS);
                host.pump();
                long now = System.nanoTime();
                if (timeout > 0 && stopReason == null && now - start > TimeUnit.MILLISECONDS.toNanos(timeout)) {
                    requestStop("Timeout: the cell ran longer than IJAVA_TIMEOUT=" + timeout + " ms");
                }
                if (stopReason != null) {
                    if (stopAskedAt == 0) {
                        stopAskedAt = now;
                    } else if (now - stopAskedAt > TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MS) && thread.isAlive()) {
                        throw stopped(stopReason + ". The cell did not stop within " + STOP_GRACE_MS / 1000
                                + " s (it is probably inside a long native or library call) and keeps running in"
                                + " the background as thread '" + thread.getName()
                                + "'; what it prints may appear under later cells. Restart the kernel to end it.");
                    }
                }
            }
        } finally {
            running = null;
            host.pump();
        }
        Throwable failure = (Throwable) outcome[1];
        if (failure == null) {
            lastValue = outcome[0];
            return cheapValueString(outcome[0]);
        }
        Throwable cause = failure instanceof InvocationTargetException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof CellGuard.CellInterruptedError
                || (stopReason != null && cause instanceof InterruptedException)) {
            throw stopped(stopReason == null ? "Interrupted" : stopReason);
        }
        return throwConvertedInvocationException(cause);
    }

    /**
     * The string JShell keeps for its snippet event. The kernel renders {@link #lastValue} itself,
     * so objects other than strings and boxed primitives are not asked for {@code toString()}: that
     * would run on every statement declaring one, and costs seconds for, say, a 60,000 x 784
     * NDArray, whose {@code toString()} walks its contents.
     */
    static String cheapValueString(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Character) {
            return valueString(value);
        }
        return value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value));
    }

    private StoppedException stopped(String reason) {
        lastStop = reason;
        return new StoppedException();
    }
}
