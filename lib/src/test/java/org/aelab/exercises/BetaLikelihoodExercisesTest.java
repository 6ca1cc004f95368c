package org.aelab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Notebook 06's judges on codes and log-weights made up here, where the answers are known. */
class BetaLikelihoodExercisesTest {

    @Test
    void activeUnitsAreTheDimensionsWhoseMeanCodeVaries() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // 6 dimensions: mean codes with standard deviations 1, 0.5, 0.2 (active: variance > 0.01),
            // 0.05 (variance 0.0025: inactive, though its standard deviation is above 0.01), 0.001 and 0.
            float[] spread = {1f, 0.5f, 0.2f, 0.05f, 0.001f, 0f};
            NDArray noise = manager.randomNormal(0f, 1f, new Shape(4000, 6), DataType.FLOAT32);
            NDArray mu = noise.mul(manager.create(spread)).add(0.3f);
            NDArray logVariance = manager.zeros(new Shape(4000, 6)).sub(noise.abs().mul(0.01f));
            assertEquals(3, BetaLikelihoodExercises.activity(mu).gt(0.01f).sum().getLong());
            assertTrue(BetaLikelihoodExercises.activeUnits("06.1", 3, mu, logVariance).isRight());
            assertTrue(BetaLikelihoodExercises.activeUnits("06.1", 3L, mu, logVariance).toString().contains("of 6 dimensions"));
            assertTrue(BetaLikelihoodExercises.activeUnits("06.1", 0.5, mu, logVariance).message().contains("fraction"));
            assertTrue(BetaLikelihoodExercises.activeUnits("06.1", 4, mu, logVariance).message()
                    .contains("not on its standard deviation"));
            // 3 inactive and 3 active: the inactive count equals the answer, so it is right.
            NDArray wide = noise.mul(manager.create(new float[] {1f, 1f, 0f, 0f, 0f, 0f}));
            assertTrue(BetaLikelihoodExercises.activeUnits("06.1", 4, wide, logVariance).message().contains("inactive"));
            // Every mean code sits 0.3 from 0, so each dimension's KL is above 0.01.
            assertTrue(BetaLikelihoodExercises.activeUnits("06.1", 6, mu, logVariance).message().contains("KL per dimension"));
            Verdict none = BetaLikelihoodExercises.activeUnits("06.1", 5, mu, logVariance);
            assertFalse(none.isRight());
            assertTrue(none.message().startsWith("too many"), none.message());
            assertFalse(none.message().contains("3"), "a hint never states the count: " + none.message());
        }
    }

    @Test
    void theTwoSampleGainIsLogCoshOfHalfTheDifference() {
        double a = -241.5, b = -238.25, delta = a - b;
        double gain = Math.log(Math.cosh(delta / 2));
        assertEquals(gain, BetaLikelihoodExercises.logMeanExp(a, b) - (a + b) / 2, 1e-12);
        Verdict right = Exercises.check("06.2", gain, a, b);
        assertTrue(right.isRight(), right.toString());
        assertTrue(right.message().contains("Δ = log w₁ − log w₂ = -3.2500"), right.message());
        assertTrue(Exercises.check("06.2", gain + Math.log(2), a, b).message().contains("1/K"));
        assertTrue(Exercises.check("06.2", BetaLikelihoodExercises.logMeanExp(a, b), a, b).message().contains("L₂ itself"));
        assertTrue(Exercises.check("06.2", Math.abs(delta) / 2, a, b).message().contains("largest term"));
        assertEquals("the sign is wrong.", Exercises.check("06.2", -gain, a, b).message());
        assertTrue(Exercises.check("06.2", 0.0, a, b).message().startsWith("too low"));
        // Equal weights: no gain, judged with the absolute tolerance.
        assertTrue(Exercises.check("06.2", 0.0, -240.0, -240.0).isRight());
        assertThrows(IllegalArgumentException.class, () -> Exercises.check("06.2", 0.0, Double.NEGATIVE_INFINITY, -240.0));
        assertEquals(Verdict.Outcome.NOT_ANSWERED, Exercises.check("06.2", null, a, b).outcome());
    }

    @Test
    void aBetaBetweenTwoMustPutTheRateBetweenTheirs() {
        double[] atOne = {250, 15, 17}, atFour = {262, 6.5, 9};
        Verdict between = BetaLikelihoodExercises.compare("06.3", new double[] {255, 10, 13}, atOne, atFour);
        assertTrue(between.isRight(), between.toString());
        assertTrue(between.message().startsWith("your model's test KL 10.00 nats against 15.00 at β = 1 and 6.50"),
                between.message());
        Verdict unweighted = BetaLikelihoodExercises.compare("06.3", atOne.clone(), atOne, atFour);
        assertFalse(unweighted.isRight());
        assertTrue(unweighted.message().contains("not below the β = 1 model's"), unweighted.message());
        Verdict tooHeavy = BetaLikelihoodExercises.compare("06.3", new double[] {270, 3, 5}, atOne, atFour);
        assertFalse(tooHeavy.isRight());
        assertTrue(tooHeavy.message().contains("not above the β = 4 model's"), tooHeavy.message());
    }
}
