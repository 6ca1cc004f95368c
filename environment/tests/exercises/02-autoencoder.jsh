// ---- 02.1 | weights only ----
Long parameters2 = 784L * 256 + 256 * 128 + 128 * 2 + 2 * 128 + 128 * 256 + 256 * 784;

// ---- 02.2 | in bits ----
Double meanImageBce = Metrics.bcePerPixel(trainImages.mean(new int[] {0}).broadcast(testImages.getShape()), testImages)
        / Math.log(2);

// ---- 02.3 | not linear ----
Model linearAutoencoder = model;     // the notebook's autoencoder, ReLUs and all

// ---- 02.4 | squared error ----
double logit = -6, pixel = 1;
double probability = 1 / (1 + Math.exp(-logit));
Double logitGradient = 2 * (probability - pixel) * probability * (1 - probability);
