// ---- 06.1 | fraction ----
NDArray mu4 = codes(betaVaes.get(4.0), testImages).mu();
Number activeUnits4 = mu4.sub(mu4.mean(new int[] {0})).square().mean(new int[] {0}).gt(0.01f).sum().getLong() / (double) codeSize;

// ---- 06.2 | 1/K ----
double logW1 = vaeIw.logW().getFloat(0, 0), logW2 = vaeIw.logW().getFloat(0, 1);
double top = Math.max(logW1, logW2);
Double gainOfK2 = top + Math.log(Math.exp(logW1 - top) + Math.exp(logW2 - top)) - (logW1 + logW2) / 2;

// ---- 06.3 | notebook's own ----
Model beta2Model = betaModels.get(4.0);

// ---- 06.3 | not above the β = 4 model's ----
VariationalAutoencoder block8 = new VariationalAutoencoder(codeSize);
Model beta2Model = Model.newInstance("beta-vae");
beta2Model.setBlock(block8);
ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
block8.initialize(beta2Model.getNDManager(), DataType.FLOAT32, new Shape(batchSize, 784));
Fit.model(beta2Model).data(trainImages, testImages).loss(betaObjective(8))
        .adam(learningRate).batchSize(batchSize).epochs(betaEpochs).seed(seed).run();
