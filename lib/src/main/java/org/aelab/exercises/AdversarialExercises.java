package org.aelab.exercises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

import java.util.List;
import java.util.Locale;

/**
 * Notebook 05 (the adversarial autoencoder): the prior's 95% ball, the discriminator's belief
 * about the test codes, and the plain autoencoder's codes standardised.
 */
final class AdversarialExercises {

    /** The standard normal, for the hint of an answer that is one of its quantiles. */
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private AdversarialExercises() {
    }

    static List<Exercise> all() {
        return List.of(
                Exercise.named("05.1").answer(Number.class, "the squared radius of the prior's 95% ball")
                        .given("the code size", Integer.class)
                        .judge((id, answer, givens) -> ball(id, (Number) answer, givens.get(0, Integer.class))),
                Exercise.named("05.2").answer(Number.class, "the mean of D(z) over the test codes")
                        .given("the AAE's encoder", Block.class).given("the AAE's discriminator", Block.class)
                        .given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> belief(id, (Number) answer, givens.get(0, Block.class),
                                givens.get(1, Block.class), givens.get(2, NDArray.class))),
                Exercise.named("05.3").answer(Number.class, "the fraction of standardised codes inside the ball")
                        .given("the plain AE's test codes", NDArray.class)
                        .judge((id, answer, givens) -> standardised(id, (Number) answer, givens.get(0, NDArray.class))));
    }

    static double quantile(int degrees, double probability) {
        return new ChiSquaredDistribution(null, degrees).inverseCumulativeProbability(probability);
    }

    private static Verdict ball(String id, Number answer, int codeSize) {
        if (codeSize < 1) {
            throw new IllegalArgumentException("the code size must be positive, got " + codeSize);
        }
        double radius2 = quantile(codeSize, 0.95);
        NumericAnswer judgement = NumericAnswer.expecting(radius2, "χ²_" + codeSize + "(0.95)").within(0.001)
                .misreading(Math.sqrt(radius2), "that is the radius ‖z‖; the table compares the squared norm ‖z‖².")
                .misreading(quantile(codeSize, 0.05), "that ball holds 5% of the prior's mass, not 95%.")
                .misreading(codeSize, "that is the mean of ‖z‖² under the prior; the question asks for its 95% quantile.")
                .misreading(quantile(1, 0.95), "that is for one coordinate; ‖z‖² sums the squares of all " + codeSize + ".")
                .misreading(NORMAL.inverseCumulativeProbability(0.975), "a one-dimensional normal quantile; ‖z‖² of "
                        + codeSize + " coordinates follows χ².")
                .misreading(NORMAL.inverseCumulativeProbability(0.95), "a one-dimensional normal quantile; ‖z‖² of "
                        + codeSize + " coordinates follows χ².");
        if (codeSize != 2) {
            judgement = judgement.misreading(quantile(2, 0.95), "that is the 2-d ball of Part 2; the codes here have "
                    + codeSize + " numbers.");
        }
        return judgement.detail("the 95% quantile of χ² with " + codeSize + " degrees of freedom").judge(id, answer);
    }

    private static Verdict belief(String id, Number answer, Block encoder, Block discriminator, NDArray testImages) {
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray codes = Computations.apply(encoder, testImages, false);
            NDArray logits = Computations.apply(discriminator, codes, false);
            double belief = Computations.mean(Activation.sigmoid(logits));
            NDArray prior = scope.randomNormal(0f, 1f, codes.getShape(), DataType.FLOAT32);
            double onPrior = Computations.mean(Activation.sigmoid(Computations.apply(discriminator, prior, false)));
            return NumericAnswer.expecting(belief, "the mean of D(z) over the test codes").within(0.002)
                    .misreading(Computations.mean(logits), "that is the mean logit a(z); D(z) = σ(a(z)).")
                    .misreading(1 - belief, "that is the mean of 1 − D(z), D's belief that the codes came from the encoder.")
                    .misreading(onPrior, "those are prior samples; the question asks about the encoder's codes of the test images.")
                    .detail(String.format(Locale.ROOT, "on as many prior samples D averages %.4f; 0.5 on both would mean"
                            + " it cannot tell them apart", onPrior))
                    .judge(id, answer);
        }
    }

    private static Verdict standardised(String id, Number answer, NDArray codes) {
        int dimensions = (int) codes.getShape().get(1);
        double ball = quantile(dimensions, 0.95);
        try (NDManager scope = codes.getManager().newSubManager()) {
            codes.tempAttach(scope);
            NDArray mean = codes.mean(new int[] {0});
            NDArray variance = codes.sub(mean).square().mean(new int[] {0});
            NDArray standardised = codes.sub(mean).div(variance.sqrt());
            double inside = Computations.mean(standardised.square().sum(new int[] {1}).lte((float) ball));
            double raw = Computations.mean(codes.square().sum(new int[] {1}).lte((float) ball));
            double byVariance = Computations.mean(codes.sub(mean).div(variance).square().sum(new int[] {1}).lte((float) ball));
            return NumericAnswer.expecting(inside, "the fraction of standardised codes inside the ball").plusOrMinus(0.002)
                    .within(0)
                    .misreading(raw, "that is the raw codes' fraction; subtract each dimension's mean and divide by its"
                            + " standard deviation first.")
                    .misreading(byVariance, "that divides by the variance; standardising divides by the standard deviation.")
                    .misreading(0.95, "0.95 is what draws from the prior give; compute the fraction for the standardised codes.")
                    .detail(String.format(Locale.ROOT, "the raw codes' fraction is %.4f; every dimension now has mean 0 and"
                            + " variance 1, %s", raw, inside < 0.93
                            ? "yet the codes are not N(0, I): their dimensions are not independent Gaussians"
                            : "and the ball holds about as many of them as of draws from the prior (95%)"))
                    .judge(id, answer);
        }
    }
}
