package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Code that stops cleanly by itself (a fit) defers the woven stop check; everything else stops at once. */
class CellGuardDeferralTest {

    @AfterEach
    void clear() {
        CellGuard.clearStop();
        CellGuard.resumeStops();
    }

    @Test
    void withoutDeferringAStopThrowsAtTheNextCheck() {
        CellGuard.check();
        assertFalse(CellGuard.takeStop());
        CellGuard.requestStop();
        assertThrows(CellGuard.CellInterruptedError.class, CellGuard::check);
    }

    @Test
    void aDeferringThreadTakesTheStopWindsUpAndIsStoppedWhenItResumes() throws Exception {
        CellGuard.deferStops();
        CellGuard.requestStop();
        assertDoesNotThrow(CellGuard::check, "a deferring thread polls for itself");
        assertTrue(CellGuard.takeStop());
        Thread.sleep(CellGuard.DEFER_LIMIT_MS + 200);
        assertDoesNotThrow(CellGuard::check, "once taken, the stop lets the thread wind up however long it takes");
        CellGuard.resumeStops();
        assertThrows(CellGuard.CellInterruptedError.class, CellGuard::check,
                "after the fit, the rest of the cell stops");
        AtomicReference<Throwable> other = new AtomicReference<>();
        Thread renderer = new Thread(() -> {
            try {
                CellGuard.check();
            } catch (Throwable t) {
                other.set(t);
            }
        });
        renderer.start();
        renderer.join();
        assertNull(other.get(), "a stop taken by the cell's thread does not hit other threads (the kernel rendering)");
        CellGuard.clearStop();
        CellGuard.check();
    }

    @Test
    void aDeferringThreadThatNeverPollsIsStoppedAfterTheLimit() throws Exception {
        CellGuard.deferStops();
        CellGuard.requestStop();
        long start = System.nanoTime();
        while (true) {
            try {
                CellGuard.check();
            } catch (CellGuard.CellInterruptedError e) {
                break;
            }
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= CellGuard.DEFER_LIMIT_MS / 1000.0 * 0.9 && seconds < 1.5, "stopped after " + seconds + " s");
    }

    @Test
    void bracketsNestAndANewStopReachesEveryThreadAgain() {
        CellGuard.deferStops();
        CellGuard.deferStops();
        CellGuard.requestStop();
        assertTrue(CellGuard.takeStop());
        CellGuard.resumeStops();
        assertDoesNotThrow(CellGuard::check, "still inside the outer bracket");
        CellGuard.resumeStops();
        assertThrows(CellGuard.CellInterruptedError.class, CellGuard::check);
        CellGuard.clearStop();
        CellGuard.requestStop();
        AtomicReference<Throwable> other = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                CellGuard.check();
            } catch (Throwable t) {
                other.set(t);
            }
        });
        thread.start();
        assertDoesNotThrow(() -> thread.join());
        assertTrue(other.get() instanceof CellGuard.CellInterruptedError, "a fresh stop applies to every thread");
    }
}
