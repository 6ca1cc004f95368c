package org.aelab.exercises;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import org.aelab.baselines.Pca;
import org.aelab.training.Metrics;
import org.aelab.training.Models;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.List;
import java.util.Locale;

/**
 * Notebook 02 (the dense autoencoder): its number of parameters with a 2-number code, the cross-entropy of the
 * mean-image predictor, a linear autoencoder, which cannot beat PCA, and the gradient of the loss on a logit,
 * derived and checked against automatic differentiation.
 */
final class AutoencoderExercises {

    /** The code size of the chapter's autoencoder, and of the PCA it is compared with. */
    static final int CODE_SIZE = 20;

    private AutoencoderExercises() {
    }

    static List<Exercise> all() {
        return List.of(
                Exercise.named("02.1").answer(Number.class, "the number of parameters with a 2-number code")
                        .given("the autoencoder's block", Block.class).given("the code size", Integer.class)
                        .judge((id, answer, givens) -> parameters(id, (Number) answer, givens.get(0, Block.class),
                                givens.get(1, Integer.class))),
                Exercise.named("02.2").answer(Number.class, "the test BCE/pixel of the mean image")
                        .given("the training images", NDArray.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> meanImageCrossEntropy(id, (Number) answer,
                                givens.get(0, NDArray.class), givens.get(1, NDArray.class))),
                Exercise.named("02.3").answer(Model.class, "your trained linear autoencoder")
                        .given("the training images", NDArray.class).given("the test images", NDArray.class)
                        .judge((id, answer, givens) -> linearAutoencoder(id, (Model) answer,
                                givens.get(0, NDArray.class), givens.get(1, NDArray.class))),
                Exercise.named("02.4").answer(Number.class, "∂/∂ℓ of one pixel's loss at the given ℓ and x")
                        .given("the logit ℓ", Double.class).given("the pixel x", Double.class)
                        .given("the gradient by automatic differentiation", Double.class)
                        .judge((id, answer, givens) -> logitGradient(id, (Number) answer, givens.number(0),
                                givens.number(1), givens.number(2))));
    }

    private static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    private static Verdict logitGradient(String id, Number answer, double logit, double pixel, double autograd) {
        if (pixel < 0 || pixel > 1) {
            throw new IllegalArgumentException("the pixel x is a grey level in [0, 1], got " + pixel);
        }
        double p = sigmoid(logit);
        double gradient = p - pixel;
        double throughSigmoid = p * (1 - p);
        return NumericAnswer.expecting(gradient, "∂/∂ℓ [softplus(ℓ) − xℓ] = σ(ℓ) − x").within(0.001)
                .misreading(2 * gradient * throughSigmoid, "that is the gradient of the squared error (σ(ℓ) − x)²;"
                        + " the loss here is the cross-entropy on the logit.")
                .misreading(gradient * throughSigmoid, "that keeps the sigmoid's derivative σ(ℓ)(1 − σ(ℓ)), which the"
                        + " cross-entropy on the logit cancels.")
                .misreading((1 - pixel) / (1 - p) - pixel / p, "that is the derivative with respect to the probability"
                        + " σ(ℓ); the question asks with respect to the logit ℓ.")
                .misreading(p, "the derivative of the −xℓ term, −x, is missing.")
                .misreading(gradient / 784, "that is divided by the 784 pixels of the mean; the question asks about one"
                        + " pixel's loss.")
                .detail(String.format(Locale.ROOT, "automatic differentiation gives %.6f; the squared error through the"
                        + " sigmoid would give %.6f, %.0f times smaller, which is why the decoder is trained on"
                        + " cross-entropy", autograd, 2 * gradient * throughSigmoid,
                        1 / (2 * throughSigmoid)))
                .judge(id, answer);
    }

    /** The parameters of {@code block} (of {@code type}; null: all) with every axis of length {@code from} made {@code to}. */
    static long count(Block block, Parameter.Type type, long from, long to) {
        return block.getParameters().values().stream().filter(p -> type == null || p.getType() == type)
                .mapToLong(p -> {
                    long size = 1;
                    for (long axis : p.getArray().getShape().getShape()) {
                        size *= axis == from ? to : axis;
                    }
                    return size;
                }).sum();
    }

    private static Verdict parameters(String id, Number answer, Block autoencoder, int codeSize) {
        if (!autoencoder.isInitialized()) {
            throw new IllegalArgumentException("the autoencoder's block is not initialised; run the notebook's cells above first");
        }
        long total = count(autoencoder, null, codeSize, 2);
        long weights = count(autoencoder, Parameter.Type.WEIGHT, codeSize, 2);
        NumericAnswer judgement = NumericAnswer.expecting(total, "the number of parameters with a 2-number code").within(0)
                .misreading(count(autoencoder, null, codeSize, codeSize), "that is the count with the notebook's code of "
                        + codeSize + " numbers; the question asks for 2.")
                .misreading(weights, "that counts the weights only; every unit of a layer also has a bias.")
                .otherwise("too many: count each layer's weights (inputs × units) and biases (one per unit) once",
                        "too few: have you counted every layer of both halves, each with its weights and biases?");
        if (autoencoder.getChildren().size() == 2) {
            Block encoder = autoencoder.getChildren().valueAt(0), decoder = autoencoder.getChildren().valueAt(1);
            judgement = judgement
                    .misreading(count(encoder, null, codeSize, 2), "that is the encoder alone; the decoder has parameters too.")
                    .misreading(count(decoder, null, codeSize, 2), "that is the decoder alone; the encoder has parameters too.");
        }
        return judgement.detail(NumericAnswer.format(weights) + " weights and " + NumericAnswer.format(total - weights)
                + " biases, counted from the model's layers with the code's size changed").judge(id, answer);
    }

    private static Verdict meanImageCrossEntropy(String id, Number answer, NDArray trainImages, NDArray testImages) {
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray mean = trainImages.mean(new int[] {0}).broadcast(testImages.getShape());
            mean.attach(scope);
            double bce = Metrics.bcePerPixel(mean, testImages);
            long pixels = testImages.getShape().get(1);
            return NumericAnswer.expecting(bce, "the test BCE/pixel of the mean training image").within(0.002)
                    .misreading(bce * pixels, "that is summed over an image's " + pixels + " pixels; the question asks per pixel.")
                    .misreading(bce / Math.log(2), "that is in bits (log base 2); the notebooks measure in nats (natural log).")
                    .misreading(Metrics.ssePerImage(mean, testImages), "that is the squared error; the question asks for the cross-entropy.")
                    .detail("every test image predicted as the mean of the training images")
                    .judge(id, answer);
        }
    }

    private static Verdict linearAutoencoder(String id, Model model, NDArray trainImages, NDArray testImages) {
        if (model.getBlock() == null || !model.getBlock().isInitialized()) {
            return Verdict.notYet(id, "the model has no initialised block yet: set its block, initialise and train it.");
        }
        try (NDManager scope = testImages.getManager().newSubManager()) {
            testImages.tempAttach(scope);
            NDArray outputs = Models.forward(model, testImages);
            if (!outputs.getShape().equals(testImages.getShape())) {
                return Verdict.notYet(id, "its output has shape " + outputs.getShape() + "; a reconstruction has the images' shape "
                        + testImages.getShape() + ".");
            }
            NDArray first = testImages.get("0:100"), second = testImages.get("100:200");
            NDArray ofMidpoints = Models.forward(model, first.add(second).div(2f));
            NDArray midpointsOf = Models.forward(model, first).add(Models.forward(model, second)).div(2f);
            double scale = Models.forward(model, first).abs().max().getFloat() + 1;
            if (ofMidpoints.sub(midpointsOf).abs().max().getFloat() > 1e-3 * scale) {
                return Verdict.notYet(id, "it is not linear: the output for the midpoint of two images is not the midpoint"
                        + " of their outputs, so a nonlinearity (a ReLU, a sigmoid) is still in it.");
            }
            int rank = rank(Models.forward(model, testImages.get("0:200")).sub(Models.forward(model, testImages.get("200:400"))));
            if (rank > CODE_SIZE) {
                return Verdict.notYet(id, "its outputs span " + rank + " dimensions: the code must have " + CODE_SIZE
                        + " numbers, like PCA's it is compared with.");
            }
            double sse = Metrics.ssePerImage(outputs, testImages);
            double black = Metrics.ssePerImage(testImages.zerosLike(), testImages);
            if (sse >= black) {
                return Verdict.notYet(id, "its reconstructions are no better than a black image: train it (longer).");
            }
            double pca;
            try (Pca fitted = Pca.fit(trainImages)) {
                pca = Metrics.ssePerImage(fitted.reconstruct(testImages, CODE_SIZE), testImages);
            }
            if (sse < 0.99 * pca) {
                return Verdict.notYet(id, "it beats PCA by more than 1%, which a linear map with a " + CODE_SIZE
                        + "-number code cannot: is its output the reconstruction itself, with no sigmoid after it?");
            }
            return Verdict.right(id, String.format(Locale.ROOT, "your linear autoencoder's test SSE/img is %.3f, PCA's with"
                    + " k = %d is %.3f (%.1f%% of it): no linear map through %d numbers beats PCA, whose subspace is the best"
                    + " one (Eckart–Young), and gradient descent can at most find it", sse, CODE_SIZE, pca, 100 * pca / sse,
                    CODE_SIZE));
        }
    }

    /** The numerical rank of the rows of {@code differences} (n, d): singular values above 10⁻⁴ of the largest. */
    static int rank(NDArray differences) {
        Shape shape = differences.getShape();
        double[] values = differences.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        DMatrixRMaj matrix = DMatrixRMaj.wrap((int) shape.get(0), (int) shape.get(1), values);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(matrix.numRows, matrix.numCols,
                false, false, true);
        if (!svd.decompose(matrix)) {
            throw new IllegalStateException("EJML's SVD failed");
        }
        double[] singular = svd.getSingularValues();
        double largest = 0;
        for (double s : singular) {
            largest = Math.max(largest, s);
        }
        return SingularOps_DDRM.rank(svd, 1e-4 * largest);
    }
}
