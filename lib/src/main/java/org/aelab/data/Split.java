package org.aelab.data;

/** The two parts of Fashion-MNIST: 60,000 training images and 10,000 test images. */
public enum Split {
    /** The 60,000 images of {@code train-images-idx3-ubyte} and {@code train-labels-idx1-ubyte}. */
    TRAIN("train"),
    /** The 10,000 images of {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}. */
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** File name of this split's images, without the {@code .gz} suffix. */
    String imagesFileName() {
        return filePrefix + "-images-idx3-ubyte";
    }

    /** File name of this split's labels, without the {@code .gz} suffix. */
    String labelsFileName() {
        return filePrefix + "-labels-idx1-ubyte";
    }

    /** "train" or "test", as in the descriptions of loaded sets. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
