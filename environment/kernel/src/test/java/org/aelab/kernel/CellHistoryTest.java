package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CellHistoryTest {

    private static CellHistory history() {
        CellHistory h = new CellHistory();
        h.add(1, "6 * 7", "42");
        h.add(2, "int x = 1;", null);
        h.add(3, "6 * 7", "42");
        h.add(4, "x + 1", "2");
        return h;
    }

    @Test
    void tailReturnsTheLastCellsWithOrWithoutOutput() {
        assertEquals(List.of(List.of(1, 3, "6 * 7"), List.of(1, 4, "x + 1")), history().tail(2, false));
        assertEquals(List.of(List.of(1, 2, List.of("int x = 1;", ""))), history().tail(3, true).subList(0, 1));
        assertEquals(4, history().tail(100, false).size());
    }

    @Test
    void rangeIsStartInclusiveStopExclusiveInThisSession() {
        assertEquals(List.of(List.of(1, 2, "int x = 1;"), List.of(1, 3, "6 * 7")), history().range(1, 2, 4, false));
        assertEquals(history().range(1, 2, 4, false), history().range(0, 2, 4, false));
        assertEquals(List.of(), history().range(-1, 1, 5, false));
        assertEquals(2, history().range(1, 3, 0, false).size());
    }

    @Test
    void searchMatchesWholeInputsByGlob() {
        assertEquals(2, history().search("6 * 7", 0, false, false).size());
        assertEquals(List.of(List.of(1, 3, "6 * 7")), history().search("6 * 7", 0, true, false));
        assertEquals(List.of(List.of(1, 4, "x + 1")), history().search("x*", 1, false, false));
        assertEquals(3, history().search("[0-9x]*", 0, false, false).size());
        assertEquals(1, history().search("int ? = 1;", 0, false, false).size());
        assertEquals(4, history().search("", 0, false, false).size());
    }
}
