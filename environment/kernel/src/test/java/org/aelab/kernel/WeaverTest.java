package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.aelab.kernel.fixture.Spinner;
import org.aelab.notebook.BoundedLoops;
import org.aelab.training.OnePassAdam;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WeaverTest {

    @AfterEach
    void clear() {
        CellGuard.clearStop();
    }

    /** Loads {@link Spinner} woven, in its own loader, as the kernel loads snippet classes. */
    private static Class<?> wovenSpinner() throws Exception {
        String name = Spinner.class.getName();
        byte[] woven = woven(Spinner.class);
        ClassLoader loader = new ClassLoader(WeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(name)) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> done = findLoadedClass(className);
                        return done != null ? done : defineClass(className, woven, 0, woven.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        };
        return loader.loadClass(name);
    }

    private static Throwable runUntilStopped(Method method, Object... args) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                method.invoke(null, args);
            } catch (InvocationTargetException e) {
                thrown.set(e.getCause());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        thread.setDaemon(true);
        thread.start();
        Thread.sleep(200);
        assertTrue(thread.isAlive(), "should still be running before the stop");
        long start = System.nanoTime();
        CellGuard.requestStop();
        thread.join(5000);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(!thread.isAlive() && seconds < 1.0, "did not stop within 1 s");
        return thrown.get();
    }

    @Test
    void stopEndsALoopThatCallsNothing() throws Exception {
        Throwable t = runUntilStopped(wovenSpinner().getMethod("spin"));
        assertInstanceOf(CellGuard.CellInterruptedError.class, t);
    }

    @Test
    void stopEndsRecursionWithoutLoops() throws Exception {
        Throwable t = runUntilStopped(wovenSpinner().getMethod("fib", int.class), 90);
        assertInstanceOf(CellGuard.CellInterruptedError.class, t);
    }

    @Test
    void exitAndHaltBecomeErrorsInsteadOfEndingTheJvm() throws Exception {
        Class<?> spinner = wovenSpinner();
        InvocationTargetException exit = org.junit.jupiter.api.Assertions.assertThrows(InvocationTargetException.class,
                () -> spinner.getMethod("exit").invoke(null));
        CellGuard.CellExitError error = assertInstanceOf(CellGuard.CellExitError.class, exit.getCause());
        assertEquals(5, error.status());
        assertTrue(error.getMessage().startsWith("System.exit(5)"), error.getMessage());

        InvocationTargetException halt = org.junit.jupiter.api.Assertions.assertThrows(InvocationTargetException.class,
                () -> spinner.getMethod("halt").invoke(null));
        assertTrue(halt.getCause().getMessage().startsWith("Runtime.halt(6)"), halt.getCause().getMessage());
    }

    @Test
    void wovenCodeStillComputesTheSameResults() throws Exception {
        Method sum = wovenSpinner().getMethod("sum", int[].class);
        assertEquals(15, sum.invoke(null, (Object) new int[] {1, 2, 3, 4, 5}));
    }

    @Test
    void aBoundedLoopsMethodIsCheckedAtEntryOnlyAndStillStopsItsCaller() throws Exception {
        Map<String, Integer> checks = checksPerMethod(woven(Spinner.class));
        assertEquals(2, checks.get("sum"), "an ordinary loop: entry and loop");
        assertEquals(1, checks.get("boundedSum"), "a @BoundedLoops method: entry only");
        assertEquals(Weaver.BOUNDED_LOOPS, BoundedLoops.class.descriptorString(), "the kernel names the jar's annotation");
        Class<?> spinner = wovenSpinner();
        assertEquals(15, spinner.getMethod("boundedSum", int[].class).invoke(null, (Object) new int[] {1, 2, 3, 4, 5}));
        Throwable t = runUntilStopped(spinner.getMethod("spinThroughBoundedCalls"));
        assertInstanceOf(CellGuard.CellInterruptedError.class, t);
    }

    @Test
    void onePassAdamsInnerLoopIsLeftToTheJit() throws Exception {
        Map<String, Integer> checks = checksPerMethod(woven(OnePassAdam.class));
        assertEquals(1, checks.get("chunk"), "OnePassAdam.chunk is marked @BoundedLoops");
        assertTrue(checks.get("update") > 1, "its caller's loop over the chunks is still checked");
    }

    /** The class file of {@code type}, woven as the kernel weaves it. */
    private static byte[] woven(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return Weaver.weave(in.readAllBytes());
        }
    }

    /** How many CellGuard.check calls each method of a class file makes. */
    private static Map<String, Integer> checksPerMethod(byte[] classFile) {
        Map<String, Integer> checks = new HashMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                checks.putIfAbsent(name, 0);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals(CellGuard.class.getName().replace('.', '/')) && method.equals("check")) {
                            checks.merge(name, 1, Integer::sum);
                        }
                    }
                };
            }
        }, 0);
        return checks;
    }
}
