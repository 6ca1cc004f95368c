package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
