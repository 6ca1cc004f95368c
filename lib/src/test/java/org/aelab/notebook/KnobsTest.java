package org.aelab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class KnobsTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("aelab.test_epochs");
        System.clearProperty("aelab.test_noise");
        System.clearProperty("aelab.test_flag");
    }

    @Test
    void defaultWhenNothingIsSet() {
        assertEquals(100, Knobs.integer("TEST_EPOCHS", 100, 1, 1000));
        Table table = Knobs.table();
        int row = table.stringColumn("knob").indexOf("TEST_EPOCHS");
        assertEquals("100", table.stringColumn("value").get(row));
        assertEquals("default", table.stringColumn("set by").get(row));
    }

    @Test
    void systemPropertyOverridesDefaultAndIsReported() {
        System.setProperty("aelab.test_epochs", "3");
        assertEquals(3, Knobs.integer("TEST_EPOCHS", 100, 1, 1000));
        Table table = Knobs.table();
        int row = table.stringColumn("knob").indexOf("TEST_EPOCHS");
        assertEquals("-Daelab.test_epochs", table.stringColumn("set by").get(row));
    }

    @Test
    void badValuesNameTheVariable() {
        System.setProperty("aelab.test_epochs", "ten");
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> Knobs.integer("TEST_EPOCHS", 100, 1, 1000));
        assertTrue(notANumber.getMessage().contains("AELAB_TEST_EPOCHS"), notANumber.getMessage());
        System.setProperty("aelab.test_epochs", "0");
        assertThrows(IllegalArgumentException.class, () -> Knobs.integer("TEST_EPOCHS", 100, 1, 1000));
        System.setProperty("aelab.test_noise", "NaN");
        assertThrows(IllegalArgumentException.class, () -> Knobs.decimal("TEST_NOISE", 0.5, 0, 1));
    }

    @Test
    void decimalsAndFlags() {
        System.setProperty("aelab.test_noise", "0.25");
        assertEquals(0.25, Knobs.decimal("TEST_NOISE", 0.5, 0, 1));
        System.setProperty("aelab.test_flag", "no");
        assertFalse(Knobs.flag("TEST_FLAG", true));
        System.setProperty("aelab.test_flag", "maybe");
        assertThrows(IllegalArgumentException.class, () -> Knobs.flag("TEST_FLAG", true));
    }
}
