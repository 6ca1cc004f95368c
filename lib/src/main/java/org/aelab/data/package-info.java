/**
 * Fashion-MNIST for the notebooks: {@link org.aelab.data.FashionMnist} finds, verifies and decodes
 * the four IDX files (downloading them only when no local copy exists), and
 * {@link org.aelab.data.ImageSet} holds the result as normalised pixels and labels that convert to
 * DJL {@code NDArray}s and datasets.
 */
package org.aelab.data;
