// Worked solutions of the "Try it" exercises of notebooks/06-conditional-beta-likelihood.ipynb. Each
// section is the answer cell of its exercise, filled in; it uses what the notebook's cells above have
// defined. The site shows each below its exercise, folded; environment/tests/test_exercises.py runs them all.

// ---- 06.1 ----
// The encoder's mean codes of the test images, (10,000, 20); per column j the variance over the images
// (axis 0) of μ_j(x), and the columns above 0.01 counted.
NDArray mu4 = codes(betaVaes.get(4.0), testImages).mu();          // the record's μ, not its activeUnits()
NDArray variancePerDimension = mu4.sub(mu4.mean(new int[] {0})).square().mean(new int[] {0});
Number activeUnits4 = variancePerDimension.gt(0.01f).sum().getLong();
System.out.println("active units at β = 4: " + activeUnits4 + " of " + codeSize + "; the sweep's column: "
        + sweep.intColumn("active units").asList());

// ---- 06.2 ----
// With m = (log w₁ + log w₂)/2, log w₁ = m + Δ/2 and log w₂ = m − Δ/2, so
//   L₂ = log ½(e^{m+Δ/2} + e^{m−Δ/2}) = m + log cosh(Δ/2),  L₁ = m,
// and L₂ − L₁ = log cosh(Δ/2): it depends on Δ alone, is 0 at Δ = 0 and positive otherwise (cosh ≥ 1),
// and for large |Δ| approaches |Δ|/2 − log 2: the larger weight dominates the mean.
double logW1 = vaeIw.logW().getFloat(0, 0), logW2 = vaeIw.logW().getFloat(0, 1);
double delta = logW1 - logW2;
Double gainOfK2 = Math.abs(delta) / 2 + Math.log1p(Math.exp(-Math.abs(delta))) - Math.log(2);   // log cosh(Δ/2), stable
System.out.printf("Δ = %.3f nats, L₂ − L₁ = %.4f nats%n", delta, gainOfK2);

// ---- 06.3 ----
// The sweep's loop body for one more β: a fresh block, the same seed and initialisation, betaObjective(2).
VariationalAutoencoder block2 = new VariationalAutoencoder(codeSize);
Model beta2Model = Model.newInstance("beta-vae");
beta2Model.setBlock(block2);
ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
block2.initialize(beta2Model.getNDManager(), DataType.FLOAT32, new Shape(batchSize, 784));
TrainingHistory beta2History = Fit.model(beta2Model).data(trainImages, testImages).loss(betaObjective(2))
        .adam(learningRate).batchSize(batchSize).epochs(betaEpochs).seed(seed)
        .checkpoint("06-beta-vae-2_0").run();
System.out.printf("β = 2: test KL %.2f, reconstruction %.1f, active units %d%n", beta2History.last("test kl"),
        beta2History.last("test reconstruction"), codes(block2, testImages).activeUnits());
