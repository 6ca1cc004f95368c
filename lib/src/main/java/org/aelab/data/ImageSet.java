package org.aelab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import org.aelab.agent.EngineAgent;

/**
 * An immutable set of labelled 28 x 28 grey images with pixels normalised to [0, 1] (0 is the black
 * background, 1 full white), as {@link FashionMnist} loads them.
 *
 * <p>All pixels live in one flat {@code float[]}, image after image, row after row, so a set converts
 * to a DJL {@link NDArray} of shape (n, 784) with a single copy. {@link #limit} shares that array;
 * {@link #shuffled}, {@link #select} and {@link #perClass} make a new one. Methods that return
 * arrays return copies.
 */
public final class ImageSet {

    static {
        // An entry point of the helper jar: DJL code in this JVM gets correct gradients from here on
        // (org.aelab.agent.EngineAgent; a no-op where the kernel loaded the agent at start-up).
        EngineAgent.install();
    }

    /** Width of every image, in pixels. */
    public static final int WIDTH = IdxReader.COLUMNS;
    /** Height of every image, in pixels. */
    public static final int HEIGHT = IdxReader.ROWS;
    /** Pixels per image: {@code WIDTH * HEIGHT} = 784. */
    public static final int PIXELS = WIDTH * HEIGHT;

    private final float[] pixels;
    private final int[] labels;
    private final int offset;
    private final int size;
    private final List<String> classNames;
    private final String description;
    private volatile double pixelMean = Double.NaN;

    private ImageSet(float[] pixels, int[] labels, int offset, int size, List<String> classNames,
            String description) {
        this.pixels = pixels;
        this.labels = labels;
        this.offset = offset;
        this.size = size;
        this.classNames = classNames;
        this.description = description;
    }

    /** Wraps freshly decoded arrays without copying; the caller hands them over. */
    static ImageSet adopt(float[] pixels, int[] labels, List<String> classNames, String description) {
        return new ImageSet(pixels, labels, 0, labels.length, List.copyOf(classNames), description);
    }

    /**
     * Builds a set from images of your own, copying them.
     *
     * @param images     one array of 784 values in [0, 1] per image (row after row)
     * @param labels     one class index per image, each in {@code 0 .. classNames.size() - 1}
     * @param classNames the name of each class, in index order
     * @throws IllegalArgumentException if an image does not have 784 values, a value is outside
     *                                  [0, 1], the counts disagree or a label has no class name
     */
    public static ImageSet of(float[][] images, int[] labels, List<String> classNames) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        if (images.length != labels.length) {
            throw new IllegalArgumentException(
                    images.length + " images but " + labels.length + " labels; give one label per image");
        }
        float[] flat = new float[images.length * PIXELS];
        for (int i = 0; i < images.length; i++) {
            float[] image = images[i];
            if (image == null || image.length != PIXELS) {
                throw new IllegalArgumentException("image " + i + " has "
                        + (image == null ? "no" : String.valueOf(image.length)) + " values; each image needs "
                        + PIXELS + " (" + WIDTH + " x " + HEIGHT + ", row after row)");
            }
            for (int p = 0; p < PIXELS; p++) {
                if (!(image[p] >= 0f && image[p] <= 1f)) {
                    throw new IllegalArgumentException("image " + i + " has pixel value " + image[p]
                            + " at index " + p + "; pixels must lie in [0, 1]");
                }
            }
            System.arraycopy(image, 0, flat, i * PIXELS, PIXELS);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i
                        + " has no class name; labels must lie in 0.." + (classNames.size() - 1));
            }
        }
        return adopt(flat, labels.clone(), classNames, images.length + " images");
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    /** A copy of image {@code index}: 784 values in [0, 1], row after row. */
    public float[] image(int index) {
        int start = (offset + checkIndex(index)) * PIXELS;
        return Arrays.copyOfRange(pixels, start, start + PIXELS);
    }

    /** The pixel at column {@code x}, row {@code y} of image {@code index}. */
    public float pixel(int index, int x, int y) {
        Objects.checkIndex(x, WIDTH);
        Objects.checkIndex(y, HEIGHT);
        return pixels[(offset + checkIndex(index)) * PIXELS + y * WIDTH + x];
    }

    /** The class index of image {@code index}, in {@code 0 .. classNames().size() - 1}. */
    public int label(int index) {
        return labels[offset + checkIndex(index)];
    }

    /** The class name of image {@code index}, for example "Ankle boot". */
    public String className(int index) {
        return classNames.get(label(index));
    }

    /** A copy of all labels, in image order. */
    public int[] labels() {
        return Arrays.copyOfRange(labels, offset, offset + size);
    }

    /** The class names, in label order. */
    public List<String> classNames() {
        return classNames;
    }

    /** How many images each class has, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int i = offset; i < offset + size; i++) {
            counts[labels[i]]++;
        }
        return counts;
    }

    /** The mean of all pixel values (0.2860 for the Fashion-MNIST training set); 0 when empty. */
    public double pixelMean() {
        double mean = pixelMean;
        if (Double.isNaN(mean)) {
            double total = 0;
            for (int p = offset * PIXELS, end = (offset + size) * PIXELS; p < end; p++) {
                total += pixels[p];
            }
            mean = size == 0 ? 0 : total / ((double) size * PIXELS);
            pixelMean = mean;
        }
        return mean;
    }

    /** What this set is, for example "Fashion-MNIST train, shuffled (seed 42)". */
    public String description() {
        return description;
    }

    /**
     * The first {@code count} images, or this set when it has no more than that. Shares the pixel
     * array, so it costs no memory.
     */
    public ImageSet limit(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + count);
        }
        if (count >= size) {
            return this;
        }
        return new ImageSet(pixels, labels, offset, count, classNames, description + ", first " + count);
    }

    /**
     * A copy of the images at {@code indices}, in that order; an index may repeat. Handy for
     * showing the same few test images before and after training.
     *
     * @throws IllegalArgumentException if an index is outside {@code 0 .. size() - 1}
     */
    public ImageSet select(int... indices) {
        Objects.requireNonNull(indices, "indices");
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size) {
                throw new IllegalArgumentException("index " + indices[i] + " (position " + i
                        + " of the selection) is outside this set of " + size + " images; indices must lie in 0.."
                        + (size - 1));
            }
        }
        String what = indices.length <= 10 ? Arrays.toString(indices) : indices.length + " chosen images";
        return copyOf(indices, description + ", images " + what);
    }

    /**
     * A copy of the first {@code count} images of each class, grouped by class: class 0's first
     * {@code count} images (in this set's order), then class 1's, and so on. With
     * {@code perClass(1)} a grid shows one example of every class.
     *
     * @throws IllegalArgumentException if {@code count} is negative or a class has fewer than
     *                                  {@code count} images
     */
    public ImageSet perClass(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        int[] counts = classCounts();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < count) {
                throw new IllegalArgumentException("class " + c + " (" + classNames.get(c) + ") has only "
                        + counts[c] + " images in " + description + ", fewer than the " + count
                        + " asked for; ask for fewer or use a larger set");
            }
        }
        int[] order = new int[counts.length * count];
        int[] taken = new int[counts.length];
        for (int i = 0; i < size; i++) {
            int label = labels[offset + i];
            if (taken[label] < count) {
                order[label * count + taken[label]++] = i;
            }
        }
        return copyOf(order, description + ", first " + count + " per class");
    }

    /**
     * The same images in a random order that depends only on {@code seed}: the same seed gives the
     * same order on every machine and every run.
     */
    public ImageSet shuffled(long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return copyOf(order, description + ", shuffled (seed " + seed + ")");
    }

    /**
     * The images as a float32 {@link NDArray} of shape (n, 784), owned by {@code manager}. The
     * pixels are copied once, straight into the native buffer the array uses.
     */
    public NDArray toNDArray(NDManager manager) {
        long bytes = (long) size * PIXELS * Float.BYTES;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException(size + " images need " + bytes + " bytes, more than one NDArray"
                    + " buffer can take; convert them in parts, for example with limit(n)");
        }
        ByteBuffer buffer = manager.allocateDirect((int) bytes);
        buffer.asFloatBuffer().put(pixels, offset * PIXELS, size * PIXELS);
        return manager.create(buffer, new Shape(size, PIXELS), DataType.FLOAT32);
    }

    /**
     * The labels as a float32 {@link NDArray} of shape (n), owned by {@code manager}: the form DJL's
     * classification losses and accuracy evaluators expect.
     */
    public NDArray labelsNDArray(NDManager manager) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = labels[offset + i];
        }
        return manager.create(values);
    }

    /**
     * A DJL dataset of (image, class label) pairs: data (n, 784), labels (n), served in batches of
     * {@code batchSize}, reshuffled every epoch when {@code shuffle} is true.
     */
    public ArrayDataset toDataset(NDManager manager, int batchSize, boolean shuffle) {
        checkBatchSize(batchSize);
        return new ArrayDataset.Builder()
                .setData(toNDArray(manager))
                .optLabels(labelsNDArray(manager))
                .setSampling(batchSize, shuffle)
                .build();
    }

    /**
     * A DJL dataset for autoencoders, whose target is the input itself: data and labels are the same
     * (n, 784) array (one copy of the pixels, not two), served in batches of {@code batchSize}.
     */
    public ArrayDataset toReconstructionDataset(NDManager manager, int batchSize, boolean shuffle) {
        checkBatchSize(batchSize);
        NDArray images = toNDArray(manager);
        return new ArrayDataset.Builder()
                .setData(images)
                .optLabels(images)
                .setSampling(batchSize, shuffle)
                .build();
    }

    /** A summary: description, count, pixel mean and the number of images per class. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%s: %d images of %d x %d, pixel mean %.4f%nper class:", description, size, WIDTH,
                HEIGHT, pixelMean()));
        int[] counts = classCounts();
        for (int c = 0; c < counts.length; c++) {
            text.append(c == 0 ? " " : ", ").append(classNames.get(c)).append(' ').append(counts[c]);
        }
        return text.toString();
    }

    /** A new set holding the images at {@code order} (positions within this set), in that order. */
    private ImageSet copyOf(int[] order, String newDescription) {
        float[] newPixels = new float[order.length * PIXELS];
        int[] newLabels = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            int from = offset + order[i];
            System.arraycopy(pixels, from * PIXELS, newPixels, i * PIXELS, PIXELS);
            newLabels[i] = labels[from];
        }
        return new ImageSet(newPixels, newLabels, 0, order.length, classNames, newDescription);
    }

    private int checkIndex(int index) {
        return Objects.checkIndex(index, size);
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }
}
