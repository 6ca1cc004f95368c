// The sigmoid cross-entropy on logits of notebook 02 ("The loss"). Loaded by notebooks 03 and 05.

TrainingLoss sigmoidCrossEntropy = TrainingLoss.of("loss", (logits, pixels) ->
        Activation.softPlus(logits)
              .sub(logits.mul(pixels))
              .mean());
