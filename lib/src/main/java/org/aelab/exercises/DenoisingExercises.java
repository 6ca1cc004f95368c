package org.aelab.exercises;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.aelab.training.Metrics;
import org.aelab.training.Models;

import java.util.List;
import java.util.Locale;

/**
 * Notebook 03 (denoising and dropout): the error of doing nothing at σ = 0.5, the denoising
 * autoencoder on more noise than it was trained with, and the dropout autoencoder with dropout on.
 */
final class DenoisingExercises {

    /** The noise level of exercises 03.1 and 03.2, more than the notebook's σ = 0.3. */
    static final double SIGMA = 0.5;
    /** The noise level the notebook trains with, for the hint of an answer measured at it. */
    static final double TRAINING_SIGMA = 0.3;
    /** The relative tolerance of the answers that depend on random draws (noise, dropout masks): 0.5%. */
    static final double TOLERANCE = 0.005;

    private DenoisingExercises() {
    }

    static List<Exercise> all() {
        return List.of(
                Exercise.named("03.1").answer(Number.class, "the expected SSE/img of the noisy input at σ = 0.5")
                        .given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> doNothing(id, (Number) answer, givens.get(0, NDArray.class))),
                Exercise.named("03.2").answer(Number.class, "the denoising AE's SSE/img at σ = 0.5")
                        .given("the denoising autoencoder", Model.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> denoisingAtHalf(id, (Number) answer, givens.get(0, Model.class),
                                givens.get(1, NDArray.class))),
                Exercise.named("03.3").answer(Number.class, "the dropout AE's SSE/img with dropout on")
                        .given("the dropout autoencoder", Model.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> dropoutOn(id, (Number) answer, givens.get(0, Model.class),
                                givens.get(1, NDArray.class))));
    }

    private static NDArray noisy(NDArray images, double sigma) {
        return images.add(images.getManager().randomNormal(0f, (float) sigma, images.getShape(), DataType.FLOAT32));
    }

    private static Verdict doNothing(String id, Number answer, NDArray testImages) {
        long pixels = testImages.getShape().get(1);
        double expected = pixels * SIGMA * SIGMA;
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray noisy = noisy(testImages, SIGMA);
            double measured = Metrics.ssePerImage(noisy, testImages);
            double clipped = Metrics.ssePerImage(noisy.clip(0f, 1f), testImages);
            return NumericAnswer.expecting(expected, "the expected SSE/img of doing nothing at σ = " + SIGMA).within(0.01)
                    .misreading(pixels * SIGMA, "that adds up σ; squared errors of independent noise add up variances, σ².")
                    .misreading(SIGMA * SIGMA, "that is per pixel; SSE/img sums over the " + pixels + " pixels.")
                    .misreading(clipped, "that is for noise clipped to [0, 1]; the notebook's noise is not clipped.")
                    .misreading(pixels * TRAINING_SIGMA * TRAINING_SIGMA, "that is for σ = " + TRAINING_SIGMA
                            + ", the training noise; the question asks σ = " + SIGMA + ".")
                    .detail(String.format(Locale.ROOT, "one fresh draw of the noise on the %,d test images measured %.2f",
                            testImages.getShape().get(0), measured))
                    .judge(id, answer);
        }
    }

    private static Verdict denoisingAtHalf(String id, Number answer, Model model, NDArray testImages) {
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray noisy = noisy(testImages, SIGMA);
            NDArray logits = Models.forward(model, noisy);
            NDArray output = Activation.sigmoid(logits);
            double sse = Metrics.ssePerImage(output, testImages);
            double second = Metrics.ssePerImage(Activation.sigmoid(Models.forward(model, noisy(testImages, SIGMA))), testImages);
            return NumericAnswer.expecting(sse, "the denoising AE's SSE/img on σ = " + SIGMA + " noise").within(TOLERANCE)
                    .misreading(Metrics.ssePerImage(output, noisy), "that scores the output against the noisy input; "
                            + "score it against the clean images.")
                    .misreading(Metrics.ssePerImage(Activation.sigmoid(Models.forward(model, testImages)), testImages),
                            "that is for clean inputs; add σ = " + SIGMA + " noise to the test images first.")
                    .misreading(Metrics.ssePerImage(Activation.sigmoid(Models.forward(model, noisy(testImages, TRAINING_SIGMA))),
                            testImages), "that is at σ = " + TRAINING_SIGMA + ", the training noise; the question asks σ = " + SIGMA + ".")
                    .misreading(Metrics.ssePerImage(logits, testImages), "those are the logits ℓ; the reconstruction is σ(ℓ).")
                    .misreading(Metrics.ssePerImage(noisy, testImages), "that is the error of the noisy input itself, not of the model's output.")
                    .detail(String.format(Locale.ROOT, "measured by the check on its own draw of the noise; a second draw"
                            + " gave %.3f (%+.2f%%), hence the tolerance", second, 100 * (second / sse - 1)))
                    .judge(id, answer);
        }
    }

    private static Verdict dropoutOn(String id, Number answer, Model model, NDArray testImages) {
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            double on = Metrics.ssePerImage(Activation.sigmoid(Computations.apply(model.getBlock(), testImages, true)), testImages);
            double again = Metrics.ssePerImage(Activation.sigmoid(Computations.apply(model.getBlock(), testImages, true)), testImages);
            double off = Metrics.ssePerImage(Activation.sigmoid(Models.forward(model, testImages)), testImages);
            // Evaluation mode is deterministic, so its value is told apart exactly, even where the masks cost
            // less than the tolerance (a briefly trained model).
            if (Math.abs(answer.doubleValue() - off) <= 1e-5 * Math.abs(off)) {
                return Verdict.notYet(id, "that is with dropout off (evaluation mode); run the block with training = true.");
            }
            return NumericAnswer.expecting(on, "the SSE/img with dropout on").within(TOLERANCE)
                    .detail(String.format(Locale.ROOT, "with dropout off it is %.3f, so the masks cost %+.1f%%; "
                            + "every pass draws new masks: a second pass gave %.3f (%+.2f%%)", off, 100 * (on / off - 1),
                            again, 100 * (again / on - 1)))
                    .judge(id, answer);
        }
    }
}
