// ---- 02.1 | weights only ----
Long parameters2 = 784L * 256 + 256 * 128 + 128 * 2 + 2 * 128 + 128 * 256 + 256 * 784;

// ---- 02.2 | in bits ----
Double meanImageBce = Metrics.bcePerPixel(trainImages.mean(new int[] {0}).broadcast(testImages.getShape()), testImages)
        / Math.log(2);

// ---- 02.3 | not linear ----
Model linearAutoencoder = model;     // the notebook's autoencoder, ReLUs and all
