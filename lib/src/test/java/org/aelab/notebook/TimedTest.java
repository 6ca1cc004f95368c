package org.aelab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimedTest {

    @Test
    void keepsTheValueAndMeasuresTheWork() {
        Timed<String> timed = Timed.of(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done";
        });
        assertEquals("done", timed.value());
        assertTrue(timed.seconds() >= 0.05 && timed.seconds() < 5, "seconds: " + timed.seconds());
    }
}
