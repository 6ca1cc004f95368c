package org.aelab.agent;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives back the native memory of PyTorch-engine {@code NDManager}s that nothing reaches any more.
 *
 * <p>DJL frees an array's tensor only on {@code close()}, and every manager made by
 * {@code NDManager.newBaseManager()} or {@code Model.newInstance} is held by the engine's system manager for
 * the life of the process. So a manager that a program (or a re-run notebook cell) stops referring to keeps
 * its tensors for good. With the agent:
 * <ul>
 *   <li>the system manager holds its direct children through a weak reference, so such a manager becomes
 *       unreachable when nothing else refers to it: not a variable, not one of its arrays, not a sub-manager;
 *   <li>each manager's open arrays are listed by native handle (numbers only, so the list keeps nothing
 *       alive), and a {@link Cleaner} frees those tensors once the manager has been collected.
 * </ul>
 * Nothing changes for code that closes its managers: a closed manager's list is dropped. Reachable managers
 * are never touched, and a tensor that autograd still holds stays valid, since freeing a handle only drops
 * the Java side's reference to it. Memory comes back when the garbage collector runs; the kernel asks for a
 * collection after a cell replaces a variable.
 *
 * <p>Only the PyTorch engine is handled (the one DJL engine whose handles this class knows how to free).
 * Called from code inlined into DJL's {@code BaseNDManager} ({@link ManagerAttachAdvice},
 * {@link ManagerDetachAdvice}), so it names no DJL type.
 */
public final class NativeMemory {

    private static final String PYTORCH_MANAGER = "ai.djl.pytorch.engine.PtNDManager";
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "aelab-native-memory");
        thread.setDaemon(true);
        return thread;
    });
    /** Open managers (not the system manager) by uid. */
    private static final Map<String, Tracker> TRACKERS = new ConcurrentHashMap<>();
    private static final AtomicLong MANAGERS_RELEASED = new AtomicLong();
    private static final AtomicLong ARRAYS_RELEASED = new AtomicLong();
    private static volatile boolean enabled;

    private NativeMemory() {
    }

    static void enable() {
        enabled = true;
    }

    /** Whether this JVM gives back the memory of unreachable managers (the agent was loaded at start-up). */
    public static boolean enabled() {
        return enabled;
    }

    /** Managers collected without {@code close()} whose tensors this class freed, since start-up. */
    public static long managersReleased() {
        return MANAGERS_RELEASED.get();
    }

    /** Tensors freed that way, since start-up. */
    public static long arraysReleased() {
        return ARRAYS_RELEASED.get();
    }

    /** Managers open now (created and neither closed nor collected), the system manager not counted. */
    public static int managersOpen() {
        return TRACKERS.size();
    }

    /**
     * A manager joins its parent: starts its list and its cleaner. Returns what the parent should hold: a
     * weak reference when the parent is the system manager, else the manager itself.
     */
    public static AutoCloseable childManager(Object parent, boolean parentIsSystem, String childUid,
                                             AutoCloseable child) {
        if (!enabled || !child.getClass().getName().equals(PYTORCH_MANAGER)) {
            return child;
        }
        Tracker tracker = new Tracker(childUid, Deleter.forManager(child.getClass()), parentIsSystem ? parent : null);
        TRACKERS.put(childUid, tracker);
        CLEANER.register(child, tracker);
        return parentIsSystem ? new WeakChild(child) : child;
    }

    /** An array (by its native handle) joins manager {@code managerUid}. */
    public static void attached(String managerUid, String resourceId, Object handle) {
        Tracker tracker = TRACKERS.get(managerUid);
        if (tracker != null && handle instanceof Long) {
            tracker.live.put(resourceId, (Long) handle);
        }
    }

    /** A resource leaves manager {@code managerUid}: an array closed or moved, or a sub-manager closed. */
    public static void detached(String managerUid, String resourceId) {
        Tracker tracker = TRACKERS.get(managerUid);
        if (tracker != null) {
            tracker.live.remove(resourceId);
        }
        Tracker closedChild = TRACKERS.remove(resourceId);
        if (closedChild != null) {
            closedChild.closed = true;
        }
    }

    /** What the system manager holds in place of a top-level manager. */
    static final class WeakChild implements AutoCloseable {
        private final WeakReference<AutoCloseable> manager;

        WeakChild(AutoCloseable manager) {
            this.manager = new WeakReference<>(manager);
        }

        @Override
        public void close() throws Exception {
            AutoCloseable m = manager.get();
            if (m != null) {
                m.close();
            }
        }

        @Override
        public String toString() {
            return "weak reference to " + manager.get();
        }
    }

    /** One manager's open arrays, and what to do when the manager is collected. Refers to no DJL object. */
    private static final class Tracker implements Runnable {
        final Map<String, Long> live = new ConcurrentHashMap<>();
        final String uid;
        final Deleter deleter;
        final Object systemParent;
        volatile boolean closed;

        Tracker(String uid, Deleter deleter, Object systemParent) {
            this.uid = uid;
            this.deleter = deleter;
            this.systemParent = systemParent;
        }

        @Override
        public void run() {
            TRACKERS.remove(uid);
            if (closed) {
                return;
            }
            int freed = 0;
            for (Long handle : live.values()) {
                deleter.delete(handle);
                freed++;
            }
            live.clear();
            if (systemParent != null) {
                deleter.detach(systemParent, uid);
            }
            MANAGERS_RELEASED.incrementAndGet();
            ARRAYS_RELEASED.addAndGet(freed);
        }
    }

    /** DJL's own calls for freeing a tensor handle and detaching a resource, found once per engine. */
    private static final class Deleter {
        private static final ClassValue<Deleter> BY_MANAGER_CLASS = new ClassValue<>() {
            @Override
            protected Deleter computeValue(Class<?> managerClass) {
                try {
                    ClassLoader loader = managerClass.getClassLoader();
                    Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils", true, loader);
                    Class<?> ndManager = Class.forName("ai.djl.ndarray.NDManager", true, loader);
                    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                    return new Deleter(
                            lookup.findStatic(jni, "deleteNDArray", MethodType.methodType(void.class, long.class)),
                            lookup.findVirtual(ndManager, "detachInternal",
                                    MethodType.methodType(void.class, String.class)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("DJL's PyTorch engine lacks JniUtils.deleteNDArray(long) or "
                            + "NDManager.detachInternal(String): this agent is written for DJL 0.36", e);
                }
            }
        };

        private final MethodHandle deleteTensor;
        private final MethodHandle detachInternal;

        private Deleter(MethodHandle deleteTensor, MethodHandle detachInternal) {
            this.deleteTensor = deleteTensor;
            this.detachInternal = detachInternal;
        }

        static Deleter forManager(Class<?> managerClass) {
            return BY_MANAGER_CLASS.get(managerClass);
        }

        void delete(long handle) {
            try {
                deleteTensor.invoke(handle);
            } catch (Throwable t) {
                // A cleaner must not throw; the tensor stays allocated, as it would have without the agent.
                System.err.println("aelab agent: could not free a tensor of a collected NDManager: " + t);
            }
        }

        void detach(Object parent, String uid) {
            try {
                detachInternal.invoke(parent, uid);
            } catch (Throwable t) {
                System.err.println("aelab agent: could not detach a collected NDManager: " + t);
            }
        }
    }
}
