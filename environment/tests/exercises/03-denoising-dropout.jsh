// ---- 03.1 | variances ----
Double doNothing05 = 784 * 0.5;

// ---- 03.2 | against the noisy input ----
NDArray noisier = testImages.add(manager.randomNormal(0f, 0.5f, testImages.getShape(), DataType.FLOAT32));
Double denoisingAt05 = Metrics.ssePerImage(reconstruct(denoisingAutoencoder, noisier), noisier);

// ---- 03.3 | dropout off ----
Double dropoutOnSse = Metrics.ssePerImage(reconstruct(dropoutAutoencoder, testImages), testImages);
