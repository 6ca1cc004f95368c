/**
 * Models that are computed rather than trained, against which the notebooks measure their
 * networks: {@link org.aelab.baselines.Pca}, the linear autoencoder that notebook 01 derives.
 */
package org.aelab.baselines;
