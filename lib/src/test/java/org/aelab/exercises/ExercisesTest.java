package org.aelab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue, the check call's contract, and the judges that need no trained model. */
class ExercisesTest {

    /** Eigenvalues 10, 9, ..., 1 (total 55): 90% needs 8 (49.5 ≤ 52), 95% needs 9 (52.25 ≤ 54). */
    private static final double[] EIGENVALUES = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

    @Test
    void everyNotebookHasThreeToFiveExercisesInOrder() {
        List<String> ids = Exercises.ids();
        for (String notebook : List.of("01", "02", "03", "04", "05", "06")) {
            long count = ids.stream().filter(id -> id.startsWith(notebook + ".")).count();
            assertTrue(count >= 3 && count <= 5, notebook + " has " + count);
        }
        assertEquals(ids.stream().sorted().collect(Collectors.toList()), ids);
    }

    @Test
    void anUnansweredExerciseComputesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.zeros(new Shape(2, 4));
            // The judge of 01.2 would reconstruct with 100 components, which these arrays do not have.
            Verdict verdict = Exercises.check("01.2", null, images, images.get(0), manager.zeros(new Shape(4, 4)));
            assertEquals(Verdict.Outcome.NOT_ANSWERED, verdict.outcome());
            assertTrue(verdict.toString().startsWith("… 01.2 not answered yet: "), verdict.toString());
            assertEquals(Verdict.Outcome.NOT_ANSWERED, Exercises.check("04.1", Double.NaN, 1, 0.25, 4, 1.0).outcome());
        }
    }

    @Test
    void badCallsSayWhatToPass() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Exercises.check("01.9", 1, EIGENVALUES));
        assertTrue(unknown.getMessage().contains("01.1, 01.2, 01.3"), unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Exercises.check("01.1", 8));
        assertTrue(missing.getMessage().startsWith("Exercises.check(\"01.1\", <the number of components k>, <the eigenvalues>)"),
                missing.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> Exercises.check("01.1", 8, "eigenvalues"));
        assertTrue(wrongType.getMessage().contains("argument 3 must be the eigenvalues (double[]), got String"),
                wrongType.getMessage());
        Verdict text = Exercises.check("01.1", "eight", (Object) EIGENVALUES);
        assertEquals(Verdict.Outcome.NOT_YET, text.outcome());
    }

    @Test
    void componentsFor90PercentAndItsMisreadings() {
        assertTrue(Exercises.check("01.1", 8, (Object) EIGENVALUES).isRight());
        assertTrue(Exercises.check("01.1", 7, (Object) EIGENVALUES).message().contains("off by one"));
        assertTrue(Exercises.check("01.1", 9, (Object) EIGENVALUES).message().contains("95%"));
        assertTrue(Exercises.check("01.1", 0.9, (Object) EIGENVALUES).message().contains("fraction"));
        assertTrue(Exercises.check("01.1", 3, (Object) EIGENVALUES).message().startsWith("too few"));
    }

    @Test
    void theGradientOnALogitIsSigmoidMinusThePixel() {
        double logit = -6, pixel = 1, p = 1 / (1 + Math.exp(6));
        double gradient = p - pixel;
        assertTrue(Exercises.check("02.4", gradient, logit, pixel, gradient).isRight());
        assertTrue(Exercises.check("02.4", 2 * gradient * p * (1 - p), logit, pixel, gradient).message()
                .contains("squared error"));
        assertTrue(Exercises.check("02.4", -pixel / p, logit, pixel, gradient).message().contains("probability"));
        assertEquals("the sign is wrong.", Exercises.check("02.4", -gradient, logit, pixel, gradient).message());
        assertThrows(IllegalArgumentException.class, () -> Exercises.check("02.4", gradient, logit, 2.0, gradient));
    }

    @Test
    void pcaOfFewImagesIsMeasuredOnTheTestImages() {
        // Seeded: in about 1 draw in 100 (seeds 1 and 172 of 0-199) the 200-image PCA's error on its own
        // images lands within the 0.5% tolerance of the full PCA's test error, and the judge rightly
        // gives the first matching hint ("all the training images") instead of "fitted to".
        Engine.getInstance().setRandomSeed(42);
        try (NDManager manager = NDManager.newBaseManager()) {
            // 30-pixel "images" with 25 directions of falling variance: 200 of them estimate the
            // 20 leading directions worse than 1,000 do.
            NDArray scales = manager.arange(25f, 0f, -1f).div(5f);
            NDArray mixing = manager.randomNormal(0f, 1f, new Shape(25, 30), DataType.FLOAT32);
            NDArray train = manager.randomNormal(0f, 1f, new Shape(1000, 25), DataType.FLOAT32).mul(scales).matMul(mixing);
            NDArray test = manager.randomNormal(0f, 1f, new Shape(500, 25), DataType.FLOAT32).mul(scales).matMul(mixing);
            try (org.aelab.baselines.Pca full = org.aelab.baselines.Pca.fit(train);
                 org.aelab.baselines.Pca few = org.aelab.baselines.Pca.fit(train.get(":200"))) {
                double sse = org.aelab.training.Metrics.ssePerImage(few.reconstruct(test, 20), test);
                double fullSse = org.aelab.training.Metrics.ssePerImage(full.reconstruct(test, 20), test);
                assertTrue(sse > fullSse, sse + " ≤ " + fullSse);
                Verdict right = Exercises.check("01.4", sse, train, test, full.mean(), full.components());
                assertTrue(right.isRight(), right.toString());
                assertTrue(Exercises.check("01.4", fullSse, train, test, full.mean(), full.components()).message()
                        .contains("all the training images"));
                NDArray first = train.get(":200");
                double own = org.aelab.training.Metrics.ssePerImage(few.reconstruct(first, 20), first);
                assertTrue(Exercises.check("01.4", own, train, test, full.mean(), full.components()).message()
                        .contains("fitted to"));
                assertThrows(IllegalArgumentException.class,
                        () -> Exercises.check("01.4", sse, first, test, full.mean(), full.components()));
            }
        }
    }

    @Test
    void klToAWidePriorAgreesWithMonteCarloAndCatchesTheStandardPrior() {
        double mu = 1, variance = 0.25, priorVariance = 4;
        Random random = new Random(7);
        double sum = 0;
        int draws = 400_000;
        for (int i = 0; i < draws; i++) {
            double z = mu + Math.sqrt(variance) * random.nextGaussian();
            sum += -Math.pow(z - mu, 2) / (2 * variance) - 0.5 * Math.log(variance)
                    + z * z / (2 * priorVariance) + 0.5 * Math.log(priorVariance);
        }
        double monteCarlo = sum / draws;
        double exact = VaeExercises.kl(mu, variance, priorVariance);
        assertEquals(monteCarlo, exact, 0.01);
        assertTrue(Exercises.check("04.1", exact, mu, variance, priorVariance, monteCarlo).isRight());
        double toStandard = 0.5 * (variance + mu * mu - 1 - Math.log(variance));
        assertTrue(Exercises.check("04.1", toStandard, mu, variance, priorVariance, monteCarlo).message()
                .contains("N(0, 1)"));
        assertEquals("the sign is wrong.", Exercises.check("04.1", -exact, mu, variance, priorVariance, monteCarlo).message());
    }

    @Test
    void thePriorBallIsAChiSquaredQuantile() {
        double quantile = AdversarialExercises.quantile(20, 0.95);
        assertEquals(31.410, quantile, 1e-3);                       // χ²₂₀(0.95) as statistics tables give it
        assertTrue(Exercises.check("05.1", quantile, 20).isRight());
        assertTrue(Exercises.check("05.1", Math.sqrt(quantile), 20).message().contains("radius"));
        assertTrue(Exercises.check("05.1", 20, 20).message().contains("mean of ‖z‖²"));
        assertTrue(Exercises.check("05.1", AdversarialExercises.quantile(2, 0.95), 20).message().contains("2-d ball"));
        assertTrue(Exercises.check("05.1", 1.96, 20).message().contains("one-dimensional normal quantile"));
    }

    @Test
    void doingNothingAtSigmaHalfAddsUpVariances() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(0f, 1f, new Shape(2000, 784), DataType.FLOAT32);
            assertTrue(Exercises.check("03.1", 784 * 0.25, images).isRight());
            assertTrue(Exercises.check("03.1", 784 * 0.5, images).message().contains("variances"));
            assertTrue(Exercises.check("03.1", 0.25, images).message().contains("per pixel"));
        }
    }

    @Test
    void parametersAreCountedFromTheLayersWithTheCodeResized() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int code = 5;
            Block encoder = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                    .add(Linear.builder().setUnits(code).build());
            Block decoder = new SequentialBlock().add(Linear.builder().setUnits(8).build())
                    .add(Linear.builder().setUnits(12).build());
            Block autoencoder = new SequentialBlock().add(encoder).add(decoder);
            autoencoder.initialize(manager, DataType.FLOAT32, new Shape(1, 12));
            long withTwo = (12 * 8 + 8) + (8 * 2 + 2) + (2 * 8 + 8) + (8 * 12 + 12);
            assertTrue(Exercises.check("02.1", withTwo, autoencoder, code).isRight());
            long withCode = (12 * 8 + 8) + (8 * code + code) + (code * 8 + 8) + (8 * 12 + 12);
            assertTrue(Exercises.check("02.1", withCode, autoencoder, code).message().contains("code of 5 numbers"));
            long weightsOnly = 12 * 8 + 8 * 2 + 2 * 8 + 8 * 12;
            assertTrue(Exercises.check("02.1", weightsOnly, autoencoder, code).message().contains("weights only"));
            assertTrue(Exercises.check("02.1", (12 * 8 + 8) + (8 * 2 + 2), autoencoder, code).message()
                    .contains("encoder alone"));
        }
    }

    @Test
    void standardisedCodesAreJudgedOnTheirOwnFraction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Codes with a large offset and scale: raw, almost none lie in the ball; standardised, most do.
            NDArray codes = manager.randomNormal(0f, 1f, new Shape(5000, 20), DataType.FLOAT32).mul(3f).add(2f);
            NDArray centred = codes.sub(codes.mean(new int[] {0}));
            NDArray standardised = centred.div(centred.square().mean(new int[] {0}).sqrt());
            double ball = AdversarialExercises.quantile(20, 0.95);
            double inside = standardised.square().sum(new int[] {1}).lte((float) ball).toType(DataType.FLOAT64, false)
                    .mean().getDouble();
            assertTrue(Exercises.check("05.3", inside, codes).isRight());
            double raw = codes.square().sum(new int[] {1}).lte((float) ball).toType(DataType.FLOAT64, false).mean().getDouble();
            assertFalse(Exercises.check("05.3", raw, codes).isRight());
            assertTrue(Exercises.check("05.3", raw, codes).message().contains("raw codes"));
        }
    }
}
