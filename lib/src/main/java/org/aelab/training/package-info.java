/**
 * Training for the notebooks: {@link org.aelab.training.Fit} trains a DJL model the notebook
 * built, with a {@link org.aelab.training.TrainingLoss} that reports named
 * {@link org.aelab.training.LossTerms} (or several {@link org.aelab.training.Step}s per batch, each
 * with its own loss, parameter group and optimiser, as an adversarial autoencoder needs), a live
 * progress display, interruption from the kernel that keeps what was learnt,
 * seeds, and {@link org.aelab.training.Checkpoints checkpoints} that let a re-run skip training;
 * it returns a {@link org.aelab.training.TrainingHistory} (a Tablesaw table and its loss curves).
 * Its Adam is {@link org.aelab.training.OnePassAdam}, DJL's update in one vectorised pass over each
 * parameter's memory.
 * {@link org.aelab.training.Models} runs a trained model over a test set in batches and tabulates
 * its layers; {@link org.aelab.training.Metrics} measures reconstructions (squared error per image,
 * cross-entropy per pixel) the same way in every chapter. Loading this package's entry points installs the
 * engine agent ({@code org.aelab.agent.EngineAgent}), so that DJL's {@code mul(Number)} and its kin give
 * right gradients (docs/djl-scalar-gradients.md).
 */
package org.aelab.training;
