package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

class CellExecutionControlTest {

    private static final class Expensive {
        @Override
        public String toString() {
            throw new AssertionError("toString() must not be called for a snippet's value");
        }
    }

    @Test
    void objectsAreNotAskedForTheirStringForm() {
        String value = CellExecutionControl.cheapValueString(new Expensive());
        assertTrue(value.startsWith(Expensive.class.getName() + "@"), value);
    }

    @Test
    void stringsAndPrimitivesKeepJShellsForm() {
        assertEquals("\"text\"", CellExecutionControl.cheapValueString("text"));
        assertEquals("42", CellExecutionControl.cheapValueString(42));
        assertEquals("true", CellExecutionControl.cheapValueString(true));
        assertEquals("null", CellExecutionControl.cheapValueString(null));
    }

    static Object answer() {
        return 42;
    }

    static Object sleepsTenSeconds() throws InterruptedException {
        Thread.sleep(10_000);
        return "not stopped";
    }

    private static CellExecutionControl control() {
        return new CellExecutionControl(new SnippetLoader(CellExecutionControlTest.class.getClassLoader()),
                new CellExecutionControl.Host() {
                    @Override
                    public void pump() {
                    }

                    @Override
                    public long timeoutMillis() {
                        return -1;
                    }
                });
    }

    @Test
    void aStopAskedForWhileTheSnippetCompiledStopsItAsItStarts() throws Exception {
        CellExecutionControl control = control();
        Method snippet = CellExecutionControlTest.class.getDeclaredMethod("sleepsTenSeconds");
        control.requestStop("Interrupted");
        long start = System.nanoTime();
        assertThrows(Exception.class, () -> control.invoke(snippet));
        assertEquals("Interrupted", control.takeStop());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the snippet ran on after the stop");
    }

    @Test
    void aStopForgottenAtTheStartOfACellDoesNotReachItsCode() throws Exception {
        CellExecutionControl control = control();
        control.requestStop("Interrupted");
        control.clearPendingStop();
        assertEquals("42", control.invoke(CellExecutionControlTest.class.getDeclaredMethod("answer")));
        assertEquals(null, control.takeStop());
    }
}
