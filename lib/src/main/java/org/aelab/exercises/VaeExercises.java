package org.aelab.exercises;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.Locale;

/**
 * Notebook 04 (the VAE): the KL divergence to a prior N(0, s²) derived and checked against a
 * Monte-Carlo estimate, the test KL term from the encoder's outputs, and a β-VAE with β = 4.
 */
final class VaeExercises {

    /** The β of exercise 04.3. */
    static final double BETA = 4;

    private VaeExercises() {
    }

    static List<Exercise> all() {
        return List.of(
                Exercise.named("04.1").answer(Number.class, "KL(N(μ, σ²) ‖ N(0, s²)) in nats")
                        .given("μ", Double.class).given("σ²", Double.class).given("s²", Double.class)
                        .given("the Monte-Carlo estimate", Double.class)
                        .judge((id, answer, givens) -> klToWidePrior(id, (Number) answer, givens.number(0),
                                givens.number(1), givens.number(2), givens.number(3))),
                Exercise.named("04.2").answer(Number.class, "the test KL term, nats per image")
                        .given("the VAE model", Model.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> testKl(id, (Number) answer, givens.get(0, Model.class),
                                givens.get(1, NDArray.class))),
                Exercise.named("04.3").answer(Model.class, "your VAE trained with β = 4")
                        .given("the notebook's VAE model (β = 1)", Model.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> betaVae(id, (Model) answer, givens.get(0, Model.class),
                                givens.get(1, NDArray.class))));
    }

    /** KL(N(μ, σ²) ‖ N(0, s²)) = ½ [log(s²/σ²) + (σ² + μ²)/s² − 1]. */
    static double kl(double mu, double variance, double priorVariance) {
        return 0.5 * (Math.log(priorVariance / variance) + (variance + mu * mu) / priorVariance - 1);
    }

    private static Verdict klToWidePrior(String id, Number answer, double mu, double variance, double priorVariance,
                                         double monteCarlo) {
        if (variance <= 0 || priorVariance <= 0) {
            throw new IllegalArgumentException("σ² and s² are variances and must be positive, got " + variance
                    + " and " + priorVariance);
        }
        double exact = kl(mu, variance, priorVariance);
        return NumericAnswer.expecting(exact, "KL(N(μ, σ²) ‖ N(0, s²))").within(0.002)
                .misreading(kl(mu, variance, 1), "that is the KL to N(0, 1); the prior here has variance s².")
                .misreading(kl(mu, variance, Math.sqrt(priorVariance)), "s² was used where s belongs, or s where s² belongs:"
                        + " the prior's variance is s².")
                .misreading(kl(0, priorVariance, variance) + 0.5 * mu * mu / variance,
                        "the arguments are swapped: that is KL(p ‖ q); the KL is not symmetric.")
                .misreading(exact - 0.5 * Math.log(priorVariance / variance), "the log-ratio of the variances is missing.")
                .detail(String.format(Locale.ROOT, "the Monte-Carlo estimate of the cell is %.4f", monteCarlo))
                .judge(id, answer);
    }

    private static Verdict testKl(String id, Number answer, Model model, NDArray testImages) {
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDList outputs = Computations.vaeOutputs(model, testImages, "the model");
            NDArray perImage = Computations.klToStandardNormal(outputs.get(1), outputs.get(2));
            double kl = Computations.mean(perImage);
            long images = testImages.getShape().get(0), dimensions = outputs.get(1).getShape().get(1);
            return NumericAnswer.expecting(kl, "the test KL term").within(0.005)
                    .misreading(kl * images, "that is the sum over the " + NumericAnswer.format(images) + " test images; the term is per image, their mean.")
                    .misreading(kl / Math.log(2), "that is in bits; the loss is in nats (natural logarithms).")
                    .misreading(kl / dimensions, "that is per code dimension; the KL of an image sums over its " + dimensions + ".")
                    .detail("in closed form from μ and log σ² of the " + NumericAnswer.format(images) + " test images")
                    .judge(id, answer);
        }
    }

    private static Verdict betaVae(String id, Model changed, Model original, NDArray testImages) {
        if (changed == original) {
            return Verdict.notYet(id, "that is the notebook's own VAE; build and train a new one with β = 4.");
        }
        if (changed.getBlock() == null || !changed.getBlock().isInitialized()) {
            return Verdict.notYet(id, "the model has no initialised block yet: build, initialise and train it.");
        }
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            double[] yours = Computations.reconstructionAndKl(Computations.vaeOutputs(changed, testImages, "your model"), testImages);
            double[] notebook = Computations.reconstructionAndKl(Computations.vaeOutputs(original, testImages, "the notebook's VAE"), testImages);
            String numbers = String.format(Locale.ROOT, "test KL %.2f nats at β = %.0f against %.2f at β = 1; "
                    + "reconstruction %.1f against %.1f", yours[1], BETA, notebook[1], yours[0], notebook[0]);
            if (yours[1] >= notebook[1]) {
                return Verdict.notYet(id, "its KL term is not below the β = 1 model's (" + numbers + "): was the KL term"
                        + " multiplied by β = 4 in the loss it was trained with, and was it trained as long?");
            }
            return Verdict.right(id, numbers + (yours[0] > notebook[0]
                    ? ": a KL that costs β times more buys less information per code, and the reconstruction pays for it"
                    : ": a KL that costs β times more buys less information per code; the reconstruction term did not"
                    + " rise in this run"));
        }
    }

}
