// Worked solutions of the "Try it" exercises of notebooks/03-denoising-dropout.ipynb. Each section is
// the answer cell of its exercise, filled in; it uses what the notebook's cells above have defined.
// The site shows each below its exercise, folded; environment/tests/test_exercises.py runs them all.

// ---- 03.1 ----
// Doing nothing leaves x̃ − x = ε: the expected squared error of an image is Σ_p E[ε_p²] = 784 σ².
double sigma = 0.5;
Double doNothing05 = 784 * sigma * sigma;

// ---- 03.2 ----
// A fresh noisy copy with σ = 0.5, through the denoising AE, scored against the clean images.
NDArray noisier = testImages.add(manager.randomNormal(0f, 0.5f, testImages.getShape(), DataType.FLOAT32));
Double denoisingAt05 = Metrics.ssePerImage(reconstruct(denoisingAutoencoder, noisier), testImages);
System.out.printf("σ = 0.5: denoising AE %.2f, plain AE %.2f, doing nothing %.2f%n", denoisingAt05,
        Metrics.ssePerImage(reconstruct(plainAutoencoder, noisier), testImages), Metrics.ssePerImage(noisier, testImages));

// ---- 03.3 ----
// The block's forward with training = true draws dropout masks, as in the cell that compared passes.
NDArray logitsWithDropout = dropoutAutoencoder.getBlock()
        .forward(new ParameterStore(manager, false), new NDList(testImages), true).head();
Double dropoutOnSse = Metrics.ssePerImage(Activation.sigmoid(logitsWithDropout), testImages);
