package org.aelab.exercises;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.Locale;

/**
 * Notebook 06 (β-VAE, conditional VAE, importance-weighted likelihood): the active units of the
 * β = 4 model counted, the gain of the importance-weighted bound at K = 2 over K = 1 derived for two
 * log-weights of the notebook's own run, and a β = 2 model whose rate the reader predicts between its
 * neighbours' in the sweep.
 */
final class BetaLikelihoodExercises {

    /** Burda et al.'s threshold on Cov_x(E_q[z_j | x]) for an active unit. */
    static final double ACTIVITY_THRESHOLD = 0.01;

    private BetaLikelihoodExercises() {
    }

    static List<Exercise> all() {
        return List.of(
                Exercise.named("06.1").answer(Number.class, "the number of active units of the β = 4 VAE")
                        .given("the β = 4 model", Model.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> {
                            NDArray images = givens.get(1, NDArray.class);
                            try (NDManager scope = images.getManager().newSubManager()) {
                                images.tempAttach(scope);
                                NDList code = encoded(givens.get(0, Model.class), images, "the β = 4 model");
                                return activeUnits(id, (Number) answer, code.get(1), code.get(2));
                            }
                        }),
                Exercise.named("06.2").answer(Number.class, "L₂ − L₁ for the two log-weights, nats")
                        .given("log w₁", Double.class).given("log w₂", Double.class)
                        .judge((id, answer, givens) -> gainOfTwoSamples(id, (Number) answer, givens.number(0),
                                givens.number(1))),
                Exercise.named("06.3").answer(Model.class, "your VAE trained with β = 2")
                        .given("the notebook's β = 1 model", Model.class).given("the notebook's β = 4 model", Model.class)
                        .given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> betweenBetas(id, (Model) answer, givens.get(0, Model.class),
                                givens.get(1, Model.class), givens.get(2, NDArray.class))));
    }

    private static NDList encoded(Model model, NDArray images, String what) {
        if (model.getBlock() == null || !model.getBlock().isInitialized()) {
            throw new IllegalArgumentException(what + " has no initialised block: run the notebook's cells above first");
        }
        return Computations.vaeOutputs(model, images, what);
    }

    /** Cov_x(μ_j(x)) of each latent dimension j: the variance over the images of the mean code, shape (d). */
    static NDArray activity(NDArray mu) {
        return mu.sub(mu.mean(new int[] {0})).square().mean(new int[] {0});
    }

    static Verdict activeUnits(String id, Number answer, NDArray mu, NDArray logVariance) {
        long dimensions = mu.getShape().get(1);
        NDArray activity = activity(mu);
        long active = activity.gt((float) ACTIVITY_THRESHOLD).sum().getLong();
        long bySpread = activity.sqrt().gt((float) ACTIVITY_THRESHOLD).sum().getLong();
        NDArray klPerDimension = Computations.klPerDimension(mu, logVariance).mean(new int[] {0});
        long byKl = klPerDimension.gt((float) ACTIVITY_THRESHOLD).sum().getLong();
        return NumericAnswer.expecting(active, "active units of the β = 4 VAE")
                .misreading(dimensions - active, "that counts the inactive dimensions, those whose mean code does not"
                        + " vary with the image.")
                .misreading((double) active / dimensions, "that is a fraction of the " + dimensions + " dimensions;"
                        + " the question asks for a count.")
                .misreading(bySpread, "the threshold 0.01 is on the variance of E_q[z_j | x] over the images, not on"
                        + " its standard deviation.")
                .misreading(byKl, "that thresholds the KL per dimension; a unit's activity is the variance over the"
                        + " images of its mean code μ_j(x).")
                .otherwise("too many: is the variance taken over the images (axis 0), of μ, not of log σ²?",
                        "too few: is the variance taken over the images (axis 0), of μ, and compared with 0.01?")
                .detail("Cov_x(E_q[z_j | x]) > " + ACTIVITY_THRESHOLD + " on the " + NumericAnswer.format(
                        mu.getShape().get(0)) + " test images, of " + dimensions + " dimensions")
                .judge(id, answer);
    }

    /** log ½(e^a + e^b), without underflow. */
    static double logMeanExp(double a, double b) {
        double max = Math.max(a, b);
        return max + Math.log((Math.exp(a - max) + Math.exp(b - max)) / 2);
    }

    static Verdict gainOfTwoSamples(String id, Number answer, double logW1, double logW2) {
        if (!Double.isFinite(logW1) || !Double.isFinite(logW2)) {
            throw new IllegalArgumentException("the log-weights must be finite numbers, got " + logW1 + " and " + logW2
                    + "; run the importance-sampling cells above first");
        }
        double bound1 = (logW1 + logW2) / 2, bound2 = logMeanExp(logW1, logW2), gain = bound2 - bound1;
        double delta = logW1 - logW2;
        return NumericAnswer.expecting(gain, "L₂ − L₁").within(1e-3).plusOrMinus(1e-4)
                .misreading(gain + Math.log(2), "the 1/K is missing: L_K is the log of the mean of the K weights,"
                        + " (1/K) Σ w_k, not of their sum.")
                .misreading(bound2, "that is L₂ itself; the question asks for L₂ − L₁, which depends on Δ alone.")
                .misreading(Math.abs(delta) / 2, "that is max(log w) minus the mean of the log-weights: the log of a"
                        + " sum of exponentials is more than its largest term.")
                .misreading(Math.abs(delta), "that is |Δ|; the gain is a function of Δ/2, the distance of each"
                        + " log-weight from their mean.")
                .otherwise("too high: the gain is at most |Δ|/2 (the larger log-weight minus the mean).",
                        "too low: by Jensen's inequality the gain is never negative, and it grows with |Δ|.")
                .detail(String.format(Locale.ROOT, "log cosh(Δ/2) at Δ = log w₁ − log w₂ = %.4f; never negative,"
                        + " 0 only when the two weights agree", delta))
                .judge(id, answer);
    }

    /** The test reconstruction term and KL (closed form), nats per image, and the active units. */
    private static double[] terms(NDList outputs, NDArray images) {
        double[] reconstructionAndKl = Computations.reconstructionAndKl(outputs, images);
        return new double[] {reconstructionAndKl[0], reconstructionAndKl[1],
                activity(outputs.get(1)).gt((float) ACTIVITY_THRESHOLD).sum().getLong()};
    }

    private static Verdict betweenBetas(String id, Model changed, Model lower, Model higher, NDArray testImages) {
        if (changed == lower || changed == higher) {
            return Verdict.notYet(id, "that is one of the notebook's own models; build and train a new one with β = 2.");
        }
        if (changed.getBlock() == null || !changed.getBlock().isInitialized()) {
            return Verdict.notYet(id, "the model has no initialised block yet: build, initialise and train it.");
        }
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            return compare(id, terms(encoded(changed, testImages, "your model"), testImages),
                    terms(encoded(lower, testImages, "the notebook's β = 1 model"), testImages),
                    terms(encoded(higher, testImages, "the notebook's β = 4 model"), testImages));
        }
    }

    /** {reconstruction, KL, active units} of the β = 2 model against the β = 1 and β = 4 models'. */
    static Verdict compare(String id, double[] yours, double[] atOne, double[] atFour) {
        String numbers = String.format(Locale.ROOT, "your model's test KL %.2f nats against %.2f at β = 1 and %.2f"
                        + " at β = 4; reconstruction %.1f against %.1f and %.1f; active units %d against %d and %d",
                yours[1], atOne[1], atFour[1], yours[0], atOne[0], atFour[0],
                (long) yours[2], (long) atOne[2], (long) atFour[2]);
        if (yours[1] >= atOne[1]) {
            return Verdict.notYet(id, "its KL term is not below the β = 1 model's (" + numbers + "): was the KL term"
                    + " multiplied by β = 2 in the objective it was trained on, and was it trained as long?");
        }
        if (yours[1] <= atFour[1]) {
            return Verdict.notYet(id, "its KL term is not above the β = 4 model's (" + numbers + "): was the KL term"
                    + " multiplied by 2, not by more, and was it trained as long as the sweep's models?");
        }
        return Verdict.right(id, numbers + ": the rate falls between its neighbours' on the rate–distortion"
                + " curve, as a β between theirs picks a point between theirs");
    }
}
