// ---- 05.1 | radius ----
Double ballRadius2 = Math.sqrt(new ChiSquaredDistribution(codeSize).inverseCumulativeProbability(0.95));

// ---- 05.2 | mean logit ----
Double meanBelief = (double) apply(aae.discriminator(), apply(aae.encoder(), testImages)).mean().getFloat();

// ---- 05.3 | raw codes ----
double ball = new ChiSquaredDistribution(codeSize).inverseCumulativeProbability(0.95);
Double standardisedInside = (double) codes20.get("plain AE").square().sum(new int[] {1}).lte(ball)
        .toType(DataType.FLOAT32, false).mean().getFloat();
