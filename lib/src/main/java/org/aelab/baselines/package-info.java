/**
 * Models that are computed rather than trained, against which the notebooks measure their
 * networks: {@link org.aelab.baselines.Pca}, the linear autoencoder that notebook 01 derives, and
 * {@link org.aelab.baselines.SymmetricEigen}, the eigendecomposition it rests on (LAPACK in the
 * engine's native library, EJML where that has none).
 */
package org.aelab.baselines;
