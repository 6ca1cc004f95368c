package org.aelab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumericAnswerTest {

    private static final NumericAnswer SSE = NumericAnswer.expecting(25.125, "SSE/img").within(0.01)
            .misreading(25.125 / 784, "that is per pixel")
            .otherwise("too high: fewer", "too low: more");

    @Test
    void anAnswerWithinTheToleranceIsRightAndStatesTheReference() {
        Verdict verdict = SSE.judge("01.2", 25.3);
        assertTrue(verdict.isRight());
        assertEquals("✓ 01.2 right: SSE/img = 25.125 (answers within 1% count)", verdict.toString());
    }

    @Test
    void misreadingsSignsAndFactorsOfTwoGetTheirHintWithoutTheValue() {
        assertEquals("that is per pixel", SSE.judge("01.2", 0.03205).message());
        assertEquals("the sign is wrong.", SSE.judge("01.2", -25.125).message());
        assertTrue(SSE.judge("01.2", 50.25).message().startsWith("off by a factor of 2 (twice"));
        assertTrue(SSE.judge("01.2", 12.56).message().startsWith("off by a factor of 2 (half"));
        assertEquals("too high: fewer.", SSE.judge("01.2", 30).message());
        assertEquals("too low: more.", SSE.judge("01.2", 20).message());
        for (double wrong : new double[] {0.03205, -25.125, 50.25, 12.56, 30, 20}) {
            Verdict verdict = SSE.judge("01.2", wrong);
            assertEquals(Verdict.Outcome.NOT_YET, verdict.outcome());
            assertFalse(verdict.toString().contains("25.1"), verdict.toString());
        }
    }

    @Test
    void anAbsoluteToleranceServesReferencesNearZero() {
        NumericAnswer fraction = NumericAnswer.expecting(0, "a fraction").within(0).plusOrMinus(0.002);
        assertTrue(fraction.judge("05.3", 0.0015).isRight());
        assertTrue(fraction.judge("05.3", 0.0015).toString().endsWith("(answers within ± 0.002)"));
        assertTrue(NumericAnswer.expecting(6.5, "SSE/img").within(0.002).judge("01.2", 6.5).toString()
                .endsWith("(answers within 0.2% count)"));
        assertFalse(fraction.judge("05.3", 0.003).isRight());
    }

    @Test
    void nonFiniteValuesAreRejectedClearly() {
        assertEquals(Verdict.Outcome.NOT_YET, SSE.judge("01.2", Double.POSITIVE_INFINITY).outcome());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> NumericAnswer.expecting(Double.NaN, "SSE/img"));
        assertTrue(broken.getMessage().contains("has it been trained?"), broken.getMessage());
    }
}
