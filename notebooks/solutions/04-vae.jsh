// Worked solutions of the "Try it" exercises of notebooks/04-vae.ipynb. Each section is the answer
// cell of its exercise, filled in; it uses what the notebook's cells above have defined. The site
// shows each below its exercise, folded; environment/tests/test_exercises.py runs them all.

// ---- 04.1 ----
// As in step 5, with log p(z) = −½ log(2π s²) − z²/(2 s²):
//   log q(z) − log p(z) = ½ log(s²/σ²) − (z − μ)²/(2σ²) + z²/(2 s²),
// and E_q[(z − μ)²] = σ², E_q[z²] = μ² + σ² give KL = ½ [log(s²/σ²) + (σ² + μ²)/s² − 1].
double mu = 1, variance = 0.25, priorVariance = 4;
Double klWide = 0.5 * (Math.log(priorVariance / variance) + (variance + mu * mu) / priorVariance - 1);

// ---- 04.2 ----
// The loss cell's KL, −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), for every test image, averaged.
NDArray testLogVariance = vae.encode(new ParameterStore(manager, false), testImages, false).get(1);
Double testKl = (double) testLogVariance.add(1f).sub(testMu.square()).sub(testLogVariance.exp())
        .sum(new int[] {1}).mul(-0.5f).mean().getFloat();
System.out.printf("closed form %.3f; the last epoch's test kl %.3f%n", testKl, history.last("test kl"));

// ---- 04.3 ----
// A new VAE from the same seed and knobs, trained in a plain DJL loop on the notebook's two terms with
// the KL weighed β = 4 times: forward under a gradient collector, backward, one Adam step per batch.
import ai.djl.training.tracker.Tracker;

VariationalAutoencoder betaVae = new VariationalAutoencoder(codeSize);
Model betaModel = Model.newInstance("beta-vae");
betaModel.setBlock(betaVae);
ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build();
// The config needs a Loss, which this loop never calls: it computes its own below.
try (Trainer trainer = betaModel.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam))) {
    trainer.initialize(new Shape(batchSize, 784));
    for (int epoch = 1; epoch <= epochs; epoch++) {
        for (long start = 0; start < trainLimit; start += batchSize) {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = trainImages.get(step, new NDIndex("{}:{}", start, Math.min(trainLimit, start + batchSize)));
                try (GradientCollector tape = trainer.newGradientCollector()) {
                    Map<String, NDArray> terms = negativeElbo.evaluate(trainer.forward(new NDList(x)), x).asMap();
                    tape.backward(terms.get("reconstruction").add(terms.get("kl").mul(4f)));  // β = 4
                }
                trainer.step();
            }
        }
    }
}
