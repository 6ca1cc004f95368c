// addNoise of notebook 03 ("The denoising objective"): x + N(0, sigma^2) drawn by the batch's manager.
// Loaded by notebook 05; needs the knob noiseStddev.

NDArray addNoise(NDArray images) {
    // Drawn by the manager of the batch (Fit's per-step manager), from the engine's seeded generator.
    NDArray noise = images.getManager().randomNormal(0f, (float) noiseStddev, images.getShape(), DataType.FLOAT32);
    return images.add(noise);                      // x̃ = x + ε, deliberately not clipped to [0, 1]
}
