// Worked solutions of the "Try it" exercises of notebooks/02-autoencoder.ipynb. Each section is the
// answer cell of its exercise, filled in; it uses what the notebook's cells above have defined. The
// site shows each below its exercise, folded; environment/tests/test_exercises.py runs them all.

// ---- 02.1 ----
// A dense layer from m inputs to u units has m·u weights and u biases. Only the two layers that touch
// the code change: 128 → 2 and 2 → 128.
long layer(long inputs, long units) { return inputs * units + units; }
Long parameters2 = layer(784, 256) + layer(256, 128) + layer(128, 2)
        + layer(2, 128) + layer(128, 256) + layer(256, 784);

// ---- 02.2 ----
// Every test image predicted as the same picture, the training images' mean, scored per pixel.
NDArray meanImage = trainImages.mean(new int[] {0}).broadcast(testImages.getShape());
Double meanImageBce = Metrics.bcePerPixel(meanImage, testImages);
System.out.printf("mean image %.4f, trained autoencoder %.4f, floor %.4f%n", meanImageBce, testBce, entropyFloor);

// ---- 02.3 ----
// The notebook's six dense layers without the ReLUs, trained on the squared error of the output itself
// (no sigmoid), in a plain DJL loop: a forward pass under a gradient collector, backward, one Adam step.
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.tracker.Tracker;

Model linearAutoencoder = Model.newInstance("linear-autoencoder");
linearAutoencoder.setBlock(new SequentialBlock()
        .add(dense(784, 256)).add(dense(256, 128)).add(dense(128, codeSize))       // encoder, no activations
        .add(dense(codeSize, 128)).add(dense(128, 256)).add(dense(256, 784)));    // decoder: x̂ itself
ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build();
// The config needs a Loss, which this loop never calls: it computes its own below.
try (Trainer trainer = linearAutoencoder.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam))) {
    trainer.initialize(new Shape(batchSize, 784));
    for (int epoch = 1; epoch <= Math.min(epochs, 10); epoch++) {
        for (long start = 0; start < trainLimit; start += batchSize) {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = trainImages.get(step, new NDIndex("{}:{}", start, Math.min(trainLimit, start + batchSize)));
                try (GradientCollector tape = trainer.newGradientCollector()) {
                    NDArray xHat = trainer.forward(new NDList(x)).head();
                    tape.backward(xHat.sub(x).square().sum(new int[] {1}).mean());     // SSE per image
                }
                trainer.step();
            }
        }
    }
}
System.out.printf("linear AE: test SSE/img %.3f%n", Metrics.ssePerImage(Models.forward(linearAutoencoder, testImages), testImages));

// ---- 02.4 ----
// L(ℓ) = log(1 + e^ℓ) − xℓ, so ∂L/∂ℓ = e^ℓ / (1 + e^ℓ) − x = σ(ℓ) − x: the error of the predicted
// probability itself, large when the pixel is confidently wrong. Through a sigmoid, the squared
// error's gradient is 2(σ(ℓ) − x) · σ(ℓ)(1 − σ(ℓ)), and σ(ℓ)(1 − σ(ℓ)) is nearly 0 at ℓ = −6: the
// pixel that is most wrong would barely learn.
double logit = -6, pixel = 1;
Double logitGradient = 1 / (1 + Math.exp(-logit)) - pixel;
