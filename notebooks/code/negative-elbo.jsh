// The negative ELBO of notebook 04 ("The loss: the negative ELBO"). Loaded by notebook 05.

TrainingLoss negativeElbo = (outputs, images) -> {
    NDArray logits = outputs.get(0), mu = outputs.get(1), logVariance = outputs.get(2);
    NDArray reconstruction = Activation.softPlus(logits)
            .sub(logits.mul(images))
            .sum(new int[] {1});                                   // summed over the 784 pixels
    NDArray kl = logVariance.add(1f).sub(mu.square()).sub(logVariance.exp())
            .sum(new int[] {1}).mul(-0.5f);                        // summed over the code
    return LossTerms.of("total", reconstruction.add(kl).mean())
            .and("reconstruction", reconstruction.mean())
            .and("kl", kl.mean());
};
