package org.aelab.exercises;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.aelab.baselines.Pca;
import org.aelab.training.Metrics;

import java.util.List;
import java.util.Locale;

/**
 * Notebook 01 (PCA): the number of components that keep 90% of the variance, the test error at
 * k = 100, the training error at k = 20 derived from the eigenvalues alone, and PCA fitted to 200
 * training images instead of all of them.
 */
final class PcaExercises {

    /** The training images PCA is fitted to in exercise 01.4: the first 200. */
    static final int FEW = 200;

    private PcaExercises() {
    }

    static List<Exercise> all() {
        return List.of(
                Exercise.named("01.1").answer(Number.class, "the number of components k")
                        .given("the eigenvalues", double[].class)
                        .judge((id, answer, givens) -> componentsFor90(id, (Number) answer, givens.get(0, double[].class))),
                Exercise.named("01.2").answer(Number.class, "the test SSE/img at k = 100")
                        .given("the test images", NDArray.class).given("the mean μ", NDArray.class)
                        .given("the components V", NDArray.class)
                        .judge((id, answer, givens) -> testErrorAt100(id, (Number) answer, givens.get(0, NDArray.class),
                                givens.get(1, NDArray.class), givens.get(2, NDArray.class))),
                Exercise.named("01.3").answer(Number.class, "the training SSE/img at k = 20, from the eigenvalues")
                        .given("the eigenvalues", double[].class).given("the training images", NDArray.class)
                        .given("the mean μ", NDArray.class).given("the components V", NDArray.class)
                        .judge((id, answer, givens) -> trainingErrorFromEigenvalues(id, (Number) answer,
                                givens.get(0, double[].class), givens.get(1, NDArray.class),
                                givens.get(2, NDArray.class), givens.get(3, NDArray.class))),
                Exercise.named("01.4").answer(Number.class, "the test SSE/img at k = 20 of PCA fitted to 200 images")
                        .given("the training images", NDArray.class).given("the test images", NDArray.class)
                        .given("the mean μ", NDArray.class).given("the components V", NDArray.class)
                        .judge((id, answer, givens) -> fewImages(id, (Number) answer, givens.get(0, NDArray.class),
                                givens.get(1, NDArray.class), givens.get(2, NDArray.class), givens.get(3, NDArray.class))));
    }

    /** The smallest k whose components keep at least {@code fraction} of the variance. */
    static int componentsKeeping(double[] eigenvalues, double fraction) {
        double total = 0;
        for (double value : eigenvalues) {
            total += value;
        }
        double kept = 0;
        for (int k = 1; k <= eigenvalues.length; k++) {
            kept += eigenvalues[k - 1];
            if (kept / total >= fraction) {
                return k;
            }
        }
        return eigenvalues.length;
    }

    private static Verdict componentsFor90(String id, Number answer, double[] eigenvalues) {
        int reference = componentsKeeping(eigenvalues, 0.90);
        double value = answer.doubleValue();
        if (value > 0 && value < 1) {
            return Verdict.notYet(id, "that looks like a fraction of the variance; the answer is a number of components.");
        }
        if (value != Math.rint(value)) {
            return Verdict.notYet(id, "k counts components, a whole number.");
        }
        return NumericAnswer.expecting(reference, "k").within(0)
                .misreading(reference - 1, "off by one: array indices start at 0, a count of components at 1.")
                .misreading(componentsKeeping(eigenvalues, 0.95), "that many keep 95% of the variance; the question asks for 90%.")
                .otherwise("too many: fewer components already keep 90% of the variance",
                        "too few: that many components keep less than 90% of the variance")
                .detail("the first k whose eigenvalues sum to at least 90% of the total")
                .judge(id, answer);
    }

    private static Verdict testErrorAt100(String id, Number answer, NDArray testImages, NDArray mean, NDArray components) {
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray reconstructions = Computations.pcaReconstruct(testImages, mean, components, 100);
            double sse = Metrics.ssePerImage(reconstructions, testImages);
            double clipped = Metrics.ssePerImage(reconstructions.clip(0f, 1f), testImages);
            double at50 = Metrics.ssePerImage(Computations.pcaReconstruct(testImages, mean, components, 50), testImages);
            long pixels = testImages.getShape().get(1);
            long images = testImages.getShape().get(0);
            return NumericAnswer.expecting(sse, "SSE/img at k = 100").within(0.002)
                    .misreading(sse / pixels, "that is the mean over pixels; SSE/img sums the squared errors of an image's "
                            + pixels + " pixels.")
                    .misreading(sse * images, "that is the sum over all test images; SSE/img is the average per image.")
                    .misreading(Math.sqrt(sse), "that is a square root of the error; SSE/img is in squared pixel units.")
                    .misreading(clipped, "the reconstructions were clipped to [0, 1]; take them as they are.")
                    .misreading(at50, "that is the error at k = 50; reconstruct with 100 components.")
                    .detail("measured on the " + NumericAnswer.format(images) + " test images")
                    .judge(id, answer);
        }
    }

    private static Verdict trainingErrorFromEigenvalues(String id, Number answer, double[] eigenvalues,
                                                        NDArray trainImages, NDArray mean, NDArray components) {
        int k = 20;
        double kept = 0, discarded = 0, rootsDiscarded = 0;
        for (int j = 0; j < eigenvalues.length; j++) {
            if (j < k) {
                kept += eigenvalues[j];
            } else {
                discarded += eigenvalues[j];
                rootsDiscarded += Math.sqrt(Math.max(0, eigenvalues[j]));
            }
        }
        double measured;
        try (NDManager scope = trainImages.getManager().newSubManager()) {
            trainImages.tempAttach(scope);
            measured = Metrics.ssePerImage(Computations.pcaReconstruct(trainImages, mean, components, k), trainImages);
        }
        long n = trainImages.getShape().get(0);
        return NumericAnswer.expecting(measured, "the training SSE/img at k = 20").within(0.005)
                .misreading(kept, "that is the variance the 20 components keep; the error is what PCA throws away.")
                .misreading(kept + discarded, "that is the total variance; the error leaves out what the 20 components keep.")
                .misreading(discarded / eigenvalues.length, "that is per pixel; SSE/img sums over the image's pixels.")
                .misreading(rootsDiscarded, "eigenvalues are variances already, in squared units: no square roots.")
                .detail(String.format(java.util.Locale.ROOT,
                        "measured by reconstructing the %,d training images; Σ_{j>20} λ_j · (n−1)/n = %s",
                        n, NumericAnswer.format(discarded * (n - 1) / n)))
                .judge(id, answer);
    }

    private static Verdict fewImages(String id, Number answer, NDArray trainImages, NDArray testImages,
                                     NDArray mean, NDArray components) {
        if (trainImages.getShape().get(0) <= FEW) {
            throw new IllegalArgumentException("exercise 01.4 fits PCA to the first " + FEW + " of more training images;"
                    + " the notebook has " + trainImages.getShape().get(0) + " (raise AELAB_TRAIN_LIMIT)");
        }
        int k = 20;
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray few = trainImages.get(":" + FEW);
            few.attach(scope);
            try (Pca fitted = Pca.fit(few)) {
                NDArray reconstructions = fitted.reconstruct(testImages, k);
                double sse = Metrics.ssePerImage(reconstructions, testImages);
                double full = Metrics.ssePerImage(Computations.pcaReconstruct(testImages, mean, components, k), testImages);
                double ownFew = Metrics.ssePerImage(fitted.reconstruct(few, k), few);
                double fullOnFew = Metrics.ssePerImage(Computations.pcaReconstruct(few, mean, components, k), few);
                NDArray basis = fitted.components().get(":, :" + k);
                double fullMean = Metrics.ssePerImage(testImages.sub(mean).matMul(basis).matMul(basis.transpose()).add(mean),
                        testImages);
                return NumericAnswer.expecting(sse, "the test SSE/img at k = 20 of PCA fitted to " + FEW + " images")
                        .within(0.005)
                        .misreading(full, "that is the PCA of all the training images; fit it to the first " + FEW + " only.")
                        .misreading(ownFew, "that is measured on the " + FEW + " images it was fitted to; measure it on the"
                                + " test images.")
                        .misreading(Metrics.ssePerImage(reconstructions.clip(0f, 1f), testImages),
                                "the reconstructions were clipped to [0, 1]; take them as they are.")
                        .misreading(fullMean, "that centres on the mean of all the training images; the " + FEW
                                + "-image PCA has its own mean.")
                        .detail(String.format(Locale.ROOT, "the PCA of all %,d training images has %.3f on the test images;"
                                        + " on the %d images themselves the %d-image PCA has %.3f, the full one %.3f",
                                trainImages.getShape().get(0), full, FEW, FEW, ownFew, fullOnFew))
                        .judge(id, answer);
            }
        }
    }
}
