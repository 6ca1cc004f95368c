package org.aelab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @AfterEach
    void clearProperties() {
        for (String property : new String[] {"aelab.test_setting", "aelab.test_switch", "aelab.build_dir",
                "aelab.buildDir", "aelab.results_dir"}) {
            System.clearProperty(property);
        }
    }

    @Test
    void oneNamingRule() {
        assertEquals("aelab.train_limit", Settings.systemProperty("TRAIN_LIMIT"));
        assertEquals("AELAB_TRAIN_LIMIT", Settings.environmentVariable("TRAIN_LIMIT"));
        assertEquals("aelab.fashion_mnist_dir", Settings.systemProperty("FASHION_MNIST_DIR"));
        assertEquals("AELAB_CHECKPOINT_DIR", Settings.environmentVariable("CHECKPOINT_DIR"));
        assertThrows(IllegalArgumentException.class, () -> Settings.systemProperty("checkpoint.dir"));
        assertThrows(IllegalArgumentException.class, () -> Settings.lookup("1ST"));
    }

    @Test
    void propertyIsReadWithItsSourceAndBlankMeansUnset() {
        assertTrue(Settings.lookup("TEST_SETTING").isEmpty());
        System.setProperty("aelab.test_setting", "  ");
        assertTrue(Settings.lookup("TEST_SETTING").isEmpty());
        System.setProperty("aelab.test_setting", "12");
        Settings.Value value = Settings.lookup("test_setting").orElseThrow();
        assertEquals("TEST_SETTING", value.name());
        assertEquals("12", value.text());
        assertEquals("-Daelab.test_setting", value.source());
    }

    @Test
    void relativeDirectoriesAreRelativeToTheProjectRoot() {
        Path root = ProjectPaths.projectRoot().orElseThrow();   // Maven runs the tests in lib/
        System.setProperty("aelab.results_dir", "build/some-results");
        assertEquals(root.resolve("build/some-results"), Settings.directory("RESULTS_DIR").orElseThrow());
        assertEquals(root.resolve("build/some-results"), Results.directory());
        System.setProperty("aelab.build_dir", "../elsewhere/build");
        assertEquals(root.getParent().resolve("elsewhere/build"), ProjectPaths.buildDir());
    }

    @Test
    void deprecatedPropertyStillWorks() {
        System.setProperty("aelab.buildDir", "/tmp/old-name");
        assertEquals(Path.of("/tmp/old-name"), ProjectPaths.buildDir());
        assertEquals("-Daelab.buildDir", Settings.lookup("BUILD_DIR").orElseThrow().source());
        System.setProperty("aelab.build_dir", "/tmp/new-name");
        assertEquals(Path.of("/tmp/new-name"), ProjectPaths.buildDir(), "the new name wins");
    }

    @Test
    void switchesParseLikeKnobFlagsAndRejectOtherValues() {
        assertFalse(Settings.flag("TEST_SWITCH", false));
        System.setProperty("aelab.test_switch", "1");
        assertTrue(Settings.flag("TEST_SWITCH", false));
        System.setProperty("aelab.test_switch", "No");
        assertFalse(Settings.flag("TEST_SWITCH", true));
        System.setProperty("aelab.test_switch", "sometimes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.flag("TEST_SWITCH", false));
        assertTrue(e.getMessage().contains("AELAB_TEST_SWITCH"), e.getMessage());
        assertTrue(e.getMessage().contains("-Daelab.test_switch"), e.getMessage());
    }
}
