/**
 * Training for the notebooks: {@link org.aelab.training.Fit} trains a DJL model the notebook
 * built, with a {@link org.aelab.training.TrainingLoss} that reports named
 * {@link org.aelab.training.LossTerms}, a live progress display, interruption from the kernel,
 * seeds, and {@link org.aelab.training.Checkpoints checkpoints} that let a re-run skip training;
 * it returns a {@link org.aelab.training.TrainingHistory} (a Tablesaw table and its loss curves).
 */
package org.aelab.training;
