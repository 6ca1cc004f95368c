// ---- 04.1 | KL to N(0, 1) ----
Double klWide = -0.5 * (1 + Math.log(variance) - mu * mu - variance);

// ---- 04.1 | sign ----
Double klWide = -0.5 * (Math.log(priorVariance / variance) + (variance + mu * mu) / priorVariance - 1);

// ---- 04.2 | factor of 2 ----
NDArray testLogVariance = vae.encode(new ParameterStore(manager, false), testImages, false).get(1);
Double testKl = (double) testLogVariance.add(1f).sub(testMu.square()).sub(testLogVariance.exp())
        .sum(new int[] {1}).neg().mean().getFloat();

// ---- 04.3 | notebook's own VAE ----
Model betaModel = model;
