/**
 * Pictures of many small grey images at once: {@link org.aelab.images.ImageGrid} lays out images
 * (or originals beside their reconstructions) in a grid with optional captions, as an inline
 * {@code BufferedImage} or a PNG file.
 */
package org.aelab.images;
