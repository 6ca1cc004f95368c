// Worked solutions of the "Try it" exercises of notebooks/05-adversarial-latent.ipynb. Each section is
// the answer cell of its exercise, filled in; it uses what the notebook's cells above have defined.
// The site shows each below its exercise, folded; environment/tests/test_exercises.py runs them all.

// ---- 05.1 ----
// For z ~ N(0, I_d), ‖z‖² is a sum of d squared standard normals: χ² with d degrees of freedom.
Double ballRadius2 = new ChiSquaredDistribution(codeSize).inverseCumulativeProbability(0.95);

// ---- 05.2 ----
// Codes of the test images, then D's logit, then the sigmoid, averaged.
Double meanBelief = (double) Activation.sigmoid(apply(aae.discriminator(), apply(aae.encoder(), testImages)))
        .mean().getFloat();

// ---- 05.3 ----
// Each dimension centred and divided by its standard deviation; then the same count as the table's.
NDArray plainCodes = codes20.get("plain AE");
NDArray centred = plainCodes.sub(plainCodes.mean(new int[] {0}));
NDArray standardised = centred.div(centred.square().mean(new int[] {0}).sqrt());
double ball = new ChiSquaredDistribution(codeSize).inverseCumulativeProbability(0.95);
Double standardisedInside = (double) standardised.square().sum(new int[] {1}).lte(ball)
        .toType(DataType.FLOAT32, false).mean().getFloat();
