package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KernelSettingsTest {

    @Test
    void defaultsMeanNoLimitAndNothingExtra() {
        KernelSettings s = KernelSettings.fromEnvironment(Map.of());
        assertEquals(-1, s.timeoutMillis());
        assertEquals("", s.classpath());
        assertEquals(List.of(), s.compilerOptions());
    }

    @Test
    void readsIJavaVariables() {
        KernelSettings s = KernelSettings.fromEnvironment(Map.of("IJAVA_TIMEOUT", " 1500 ",
                "IJAVA_CLASSPATH", "/a/*.jar:/b", "IJAVA_COMPILER_OPTS", "-Xlint:all  -parameters"));
        assertEquals(1500, s.timeoutMillis());
        assertEquals("/a/*.jar:/b", s.classpath());
        assertEquals(List.of("-Xlint:all", "-parameters"), s.compilerOptions());
    }

    @Test
    void badTimeoutSaysWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelSettings.fromEnvironment(Map.of("IJAVA_TIMEOUT", "10s")));
        assertTrue(e.getMessage().contains("milliseconds") && e.getMessage().contains("10s"), e.getMessage());
    }
}
