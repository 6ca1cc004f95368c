package org.aelab.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.aelab.data.ImageSet;

/**
 * A grid of small grey images, such as Fashion-MNIST pictures or an autoencoder's outputs, drawn
 * white on black as in the data set: a pixel value of 0 is black, 1 is white, values outside [0, 1]
 * are clamped and NaN is drawn red, so a model that produced NaN is easy to spot.
 *
 * <pre>{@code
 * ImageGrid.of(FashionMnist.test().limit(100)).columns(10).toImage();        // 280 x 280, the chapter's grid
 * ImageGrid.of(test.limit(20)).columns(10).scale(3).padding(2).classCaptions().save(Path.of("grid.png"));
 * ImageGrid.pairs(test.limit(10), reconstructions).scale(2).toImage();        // originals above reconstructions
 * ImageGrid.rows(List.of("original", "PCA", "autoencoder"), List.of(originals, pca, dense)).toImage();
 * }</pre>
 *
 * <p>Images come as {@code float[]} (one flat, row-after-row array per image), an {@link NDArray}
 * of shape (n, h*w) for square images, (n, h, w) or (n, 1, h, w), or an {@link ImageSet}. The grid
 * fills rows left to right, {@link #columns} images per row (by default up to 10). The layout
 * methods return a new grid and leave this one unchanged.
 *
 * <p>A grid of row groups ({@link #rows}) shows several images per column, one from each group, such
 * as an original and its reconstructions by different models: each block of {@link #columns} images
 * of the first group is a row labelled with the first label, followed by the same columns of the
 * second group in a row labelled with the second label, and so on. A paired grid ({@link #pairs}) is
 * the two-group case, labelled "original" and "reconstruction". Captions go under each column.
 */
public final class ImageGrid {

    /** Colour of the padding between cells and around the grid. */
    public static final Color PADDING_COLOR = new Color(0x40, 0x40, 0x40);

    private static final int CELL_RGB = 0x000000;
    private static final int TEXT_RGB = 0xE6E6E6;
    private static final int NAN_RGB = 0xFF0000;
    private static final int DEFAULT_COLUMNS = 10;
    private static final int MAX_SCALE = 64;
    private static final int MAX_CAPTION_WIDTH = 200;
    private static final List<String> PAIR_LABELS = List.of("original", "reconstruction");

    /** The first group, and the only one of a plain grid. */
    private final float[][] images;
    /** Every group, {@code images} first; all hold the same number of images. */
    private final float[][][] groups;
    /** One label per group, or null for a plain grid, which has no row labels. */
    private final List<String> rowLabels;
    private final int width;
    private final int height;
    private final List<String> classNames;
    private final List<String> captions;
    private final int columns;
    private final int scale;
    private final int padding;

    private ImageGrid(float[][][] groups, List<String> rowLabels, int width, int height,
            List<String> classNames, List<String> captions, int columns, int scale, int padding) {
        this.images = groups[0];
        this.groups = groups;
        this.rowLabels = rowLabels;
        this.width = width;
        this.height = height;
        this.classNames = classNames;
        this.captions = captions;
        this.columns = columns;
        this.scale = scale;
        this.padding = padding;
    }

    /**
     * A grid of square images, each a flat array of side * side values (784 for 28 x 28), row
     * after row. The arrays are copied.
     *
     * @throws IllegalArgumentException if there are no images, an image is not square or the images
     *                                  differ in size
     */
    public static ImageGrid of(float[]... images) {
        float[][] copy = copyImages(images, "images");
        int side = squareSide(copy);
        return new ImageGrid(new float[][][] {copy}, null, side, side, null, null, 0, 1, 0);
    }

    /**
     * A grid of the images in {@code images}: shape (n, h*w) for square images, (n, h, w),
     * (n, 1, h, w), or (h*w) for a single image. Values are read as float.
     *
     * @throws IllegalArgumentException for any other shape, or no images
     */
    public static ImageGrid of(NDArray images) {
        Batch batch = Batch.of(images, "images");
        return new ImageGrid(new float[][][] {batch.images}, null, batch.width, batch.height, null, null, 0, 1, 0);
    }

    /** A grid of every image of {@code set}; {@link #classCaptions()} captions them with class names. */
    public static ImageGrid of(ImageSet set) {
        Objects.requireNonNull(set, "set");
        if (set.size() == 0) {
            throw new IllegalArgumentException("the image set is empty; there is nothing to show");
        }
        float[][] images = new float[set.size()][];
        List<String> names = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            images[i] = set.image(i);
            names.add(set.className(i));
        }
        return new ImageGrid(new float[][][] {images}, null, ImageSet.WIDTH, ImageSet.HEIGHT, List.copyOf(names),
                null, 0, 1, 0);
    }

    /**
     * Originals with their reconstructions: each row of originals is followed by a row of their
     * reconstructions, in the same columns. The arrays are copied.
     *
     * @throws IllegalArgumentException if the counts or image sizes differ or an image is not square
     */
    public static ImageGrid pairs(float[][] originals, float[][] reconstructions) {
        float[][] first = copyImages(originals, "originals");
        float[][] second = copyImages(reconstructions, "reconstructions");
        int side = squareSide(first);
        checkPairs(first.length, side, side, second.length, squareSide(second), squareSide(second));
        return grouped(PAIR_LABELS, new float[][][] {first, second}, side, side, null);
    }

    /** Originals with their reconstructions, both NDArrays of a shape {@link #of(NDArray)} accepts. */
    public static ImageGrid pairs(NDArray originals, NDArray reconstructions) {
        Batch first = Batch.of(originals, "originals");
        Batch second = Batch.of(reconstructions, "reconstructions");
        checkPairs(first.images.length, first.width, first.height, second.images.length, second.width,
                second.height);
        return grouped(PAIR_LABELS, new float[][][] {first.images, second.images}, first.width, first.height,
                null);
    }

    /**
     * The images of {@code originals} with a model's reconstructions of them, in the same order;
     * {@link #classCaptions()} captions each pair with the original's class name.
     */
    public static ImageGrid pairs(ImageSet originals, NDArray reconstructions) {
        ImageGrid first = of(originals);
        Batch second = Batch.of(reconstructions, "reconstructions");
        checkPairs(first.images.length, first.width, first.height, second.images.length, second.width,
                second.height);
        return grouped(PAIR_LABELS, new float[][][] {first.images, second.images}, first.width, first.height,
                first.classNames);
    }

    /**
     * Rows of images in labelled groups: column {@code i} shows image {@code i} of every group, one
     * above the other, in group order, and each group's rows are labelled with its label. For example
     * originals above their reconstructions by two models:
     *
     * <pre>{@code
     * ImageGrid.rows(List.of("original", "PCA", "autoencoder"), List.of(originals, pcaOutput, aeOutput))
     * }</pre>
     *
     * @param labels one row label per group, in order
     * @param groups NDArrays of a shape {@link #of(NDArray)} accepts, all with the same number and
     *               size of images
     * @throws IllegalArgumentException if there are no groups, the labels do not match the groups, or
     *                                  the groups differ in image count or size
     */
    public static ImageGrid rows(List<String> labels, List<NDArray> groups) {
        Objects.requireNonNull(groups, "groups");
        List<String> names = checkLabels(labels, groups.size());
        Batch[] batches = new Batch[groups.size()];
        for (int g = 0; g < batches.length; g++) {
            batches[g] = Batch.of(groups.get(g), "group " + g + " (" + names.get(g) + ")");
        }
        float[][][] images = new float[batches.length][][];
        int[][] sizes = new int[batches.length][];
        for (int g = 0; g < batches.length; g++) {
            images[g] = batches[g].images;
            sizes[g] = new int[] {batches[g].width, batches[g].height};
        }
        checkGroups(names, images, sizes);
        return grouped(names, images, batches[0].width, batches[0].height, null);
    }

    /**
     * Rows of images in labelled groups, each group an array of flat square images (as
     * {@link #of(float[]...)} takes them); the layout of {@link #rows(List, List)}. The arrays are
     * copied.
     *
     * <pre>{@code
     * ImageGrid.rows(List.of("original", "PCA", "autoencoder"), originals, pcaOutput, aeOutput)
     * }</pre>
     *
     * @throws IllegalArgumentException if there are no groups, the labels do not match the groups, an
     *                                  image is not square, or the groups differ in image count or size
     */
    public static ImageGrid rows(List<String> labels, float[][]... groups) {
        Objects.requireNonNull(groups, "groups");
        List<String> names = checkLabels(labels, groups.length);
        float[][][] images = new float[groups.length][][];
        int[][] sizes = new int[groups.length][];
        for (int g = 0; g < groups.length; g++) {
            images[g] = copyImages(groups[g], "group " + g + " (" + names.get(g) + ")");
            int side = squareSide(images[g]);
            sizes[g] = new int[] {side, side};
        }
        checkGroups(names, images, sizes);
        return grouped(names, images, sizes[0][0], sizes[0][1], null);
    }

    /**
     * The images of {@code first} in the first labelled row group and the NDArrays of {@code others}
     * (model outputs for those images, in the same order) in the next ones; the layout of
     * {@link #rows(List, List)}. {@link #classCaptions()} captions each column with its class name.
     *
     * @param labels one row label per group: {@code first}'s, then one for each of {@code others}
     * @throws IllegalArgumentException if the labels do not match the groups, or the groups differ in
     *                                  image count or size
     */
    public static ImageGrid rows(List<String> labels, ImageSet first, NDArray... others) {
        Objects.requireNonNull(others, "others");
        List<String> names = checkLabels(labels, 1 + others.length);
        ImageGrid set = of(first);
        float[][][] images = new float[1 + others.length][][];
        int[][] sizes = new int[images.length][];
        images[0] = set.images;
        sizes[0] = new int[] {set.width, set.height};
        for (int g = 1; g < images.length; g++) {
            Batch batch = Batch.of(others[g - 1], "group " + g + " (" + names.get(g) + ")");
            images[g] = batch.images;
            sizes[g] = new int[] {batch.width, batch.height};
        }
        checkGroups(names, images, sizes);
        return grouped(names, images, set.width, set.height, set.classNames);
    }

    private static ImageGrid grouped(List<String> labels, float[][][] groups, int width, int height,
            List<String> classNames) {
        return new ImageGrid(groups, labels, width, height, classNames, null, 0, 1, 0);
    }

    /** Puts {@code count} images (columns of a grouped grid) in each row; by default up to 10. */
    public ImageGrid columns(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + count);
        }
        return new ImageGrid(groups, rowLabels, width, height, classNames, captions, count, scale,
                padding);
    }

    /** Draws every image pixel as a {@code factor} x {@code factor} square; 1 by default. */
    public ImageGrid scale(int factor) {
        if (factor < 1 || factor > MAX_SCALE) {
            throw new IllegalArgumentException("scale must be between 1 and " + MAX_SCALE + ", got " + factor);
        }
        return new ImageGrid(groups, rowLabels, width, height, classNames, captions, columns, factor,
                padding);
    }

    /** Leaves {@code pixels} of {@link #PADDING_COLOR} between cells and around the grid; 0 by default. */
    public ImageGrid padding(int pixels) {
        if (pixels < 0 || pixels > 100) {
            throw new IllegalArgumentException("padding must be between 0 and 100 pixels, got " + pixels);
        }
        return new ImageGrid(groups, rowLabels, width, height, classNames, captions, columns, scale,
                pixels);
    }

    /** Writes {@code captions.get(i)} under image (or column) {@code i}; one caption per image. */
    public ImageGrid captions(List<String> captions) {
        Objects.requireNonNull(captions, "captions");
        if (captions.size() != images.length) {
            throw new IllegalArgumentException(captions.size() + " captions for " + images.length
                    + (groups.length == 1 ? " images" : groups.length == 2 ? " pairs"
                    : " columns of " + groups.length + " images") + "; give one caption each");
        }
        List<String> copy = new ArrayList<>(captions.size());
        for (String caption : captions) {
            copy.add(caption == null ? "" : caption);
        }
        return new ImageGrid(groups, rowLabels, width, height, classNames, List.copyOf(copy), columns,
                scale, padding);
    }

    /** Writes {@code captions[i]} under image (or column) {@code i}; one caption per image. */
    public ImageGrid captions(String... captions) {
        return captions(Arrays.asList(captions));
    }

    /** Writes {@code caption.apply(i)} under image (or column) {@code i}. */
    public ImageGrid captions(IntFunction<String> caption) {
        Objects.requireNonNull(caption, "caption");
        List<String> list = new ArrayList<>(images.length);
        for (int i = 0; i < images.length; i++) {
            list.add(caption.apply(i));
        }
        return captions(list);
    }

    /**
     * Writes each image's class name under it.
     *
     * @throws IllegalStateException if the grid was not made from an {@link ImageSet}
     */
    public ImageGrid classCaptions() {
        if (classNames == null) {
            throw new IllegalStateException("class captions need the images' labels: make the grid with"
                    + " ImageGrid.of(ImageSet), ImageGrid.pairs(ImageSet, NDArray) or"
                    + " ImageGrid.rows(labels, ImageSet, NDArray...), or pass captions(...)");
        }
        return captions(classNames);
    }

    /** Number of images, or of columns (images per group) in a grouped grid. */
    public int size() {
        return images.length;
    }

    /** Images (or columns of a grouped grid) per row. */
    public int columnCount() {
        return Math.min(columns > 0 ? columns : DEFAULT_COLUMNS, images.length);
    }

    /** Rows of images in the grid, or blocks of rows (one row per group) in a grouped grid. */
    public int rowCount() {
        return (images.length + columnCount() - 1) / columnCount();
    }

    /** Draws the grid. */
    public BufferedImage toImage() {
        Layout layout = new Layout();
        BufferedImage image = new BufferedImage(layout.totalWidth, layout.totalHeight, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Arrays.fill(rgb, PADDING_COLOR.getRGB() & 0xFFFFFF);
        for (int i = 0; i < images.length; i++) {
            fill(rgb, layout.totalWidth, layout.cell(i), CELL_RGB);
            for (int g = 0; g < groups.length; g++) {
                draw(rgb, layout.totalWidth, groups[g][i], layout.tile(i, g));
            }
        }
        if (captions != null || rowLabels != null) {
            Graphics2D g = image.createGraphics();
            try {
                layout.prepare(g);
                g.setColor(new Color(TEXT_RGB));
                for (int i = 0; captions != null && i < images.length; i++) {
                    Rectangle area = layout.captionArea(i);
                    String text = layout.fit(captions.get(i), area.width - 4);
                    int x = area.x + (area.width - layout.metrics.stringWidth(text)) / 2;
                    int y = area.y + (area.height - layout.metrics.getHeight()) / 2 + layout.metrics.getAscent();
                    g.drawString(text, x, y);
                }
                for (int row = 0; rowLabels != null && row < rowCount(); row++) {
                    for (int group = 0; group < groups.length; group++) {
                        rowLabel(g, layout, rowLabels.get(group), layout.tile(row * columnCount(), group));
                    }
                }
            } finally {
                g.dispose();
            }
        }
        return image;
    }

    /**
     * Writes the grid as a PNG file, creating missing parent directories.
     *
     * @return {@code file}
     * @throws UncheckedIOException if the file cannot be written
     */
    public Path save(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(toImage(), "png", file.toFile())) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the grid to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where image {@code index} (or its reconstruction) lands in {@link #toImage()}. */
    Rectangle tile(int index, boolean reconstruction) {
        if (reconstruction && groups.length != 2) {
            throw new IllegalStateException("not a paired grid");
        }
        return tile(index, reconstruction ? 1 : 0);
    }

    /** Where image {@code index} of row group {@code group} lands in {@link #toImage()}. */
    Rectangle tile(int index, int group) {
        Objects.checkIndex(index, images.length);
        Objects.checkIndex(group, groups.length);
        return new Layout().tile(index, group);
    }

    /** Where the caption of image {@code index} is written in {@link #toImage()}. */
    Rectangle captionArea(int index) {
        Objects.checkIndex(index, images.length);
        return new Layout().captionArea(index);
    }

    @Override
    public String toString() {
        String what = rowLabels == null ? images.length + " images"
                : images.length + " columns of " + String.join(" / ", rowLabels);
        return String.format("ImageGrid[%s, images of %d x %d, %d columns x %d rows, scale %d, padding %d%s]",
                what, width, height, columnCount(), rowCount(), scale, padding, captions == null ? "" : ", captioned");
    }

    private void draw(int[] rgb, int stride, float[] pixels, Rectangle tile) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int colour = colour(pixels[y * width + x]);
                int top = tile.y + y * scale;
                int left = tile.x + x * scale;
                for (int dy = 0; dy < scale; dy++) {
                    int rowStart = (top + dy) * stride + left;
                    Arrays.fill(rgb, rowStart, rowStart + scale, colour);
                }
            }
        }
    }

    /** The RGB of a pixel value: clamped to [0, 1] and scaled to a grey level 0..255; NaN is red. */
    static int colour(float value) {
        if (Float.isNaN(value)) {
            return NAN_RGB;
        }
        int grey = Math.round(Math.min(1f, Math.max(0f, value)) * 255f);
        return (grey << 16) | (grey << 8) | grey;
    }

    private static void fill(int[] rgb, int stride, Rectangle area, int colour) {
        for (int y = area.y; y < area.y + area.height; y++) {
            Arrays.fill(rgb, y * stride + area.x, y * stride + area.x + area.width, colour);
        }
    }

    private void rowLabel(Graphics2D g, Layout layout, String label, Rectangle tile) {
        int x = layout.labelWidth - 4 - layout.metrics.stringWidth(label);
        int y = tile.y + (tile.height - layout.metrics.getHeight()) / 2 + layout.metrics.getAscent();
        g.drawString(label, Math.max(2, x), y);
    }

    private static float[][] copyImages(float[][] images, String what) {
        Objects.requireNonNull(images, what);
        if (images.length == 0) {
            throw new IllegalArgumentException("no " + what + " to show");
        }
        float[][] copy = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null) {
                throw new IllegalArgumentException(what + "[" + i + "] is null");
            }
            copy[i] = images[i].clone();
        }
        return copy;
    }

    private static int squareSide(float[][] images) {
        int length = images[0].length;
        for (int i = 1; i < images.length; i++) {
            if (images[i].length != length) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length
                        + " values but image 0 has " + length + "; all images must have the same size");
            }
        }
        int side = (int) Math.round(Math.sqrt(length));
        if (length == 0 || side * side != length) {
            throw new IllegalArgumentException("an image has " + length + " values, which is not a square"
                    + " image; a flat image needs side * side values, row after row (784 for 28 x 28)."
                    + " For other shapes pass an NDArray of shape (n, height, width)");
        }
        return side;
    }

    private static void checkPairs(int count, int width, int height, int otherCount, int otherWidth,
            int otherHeight) {
        if (count != otherCount) {
            throw new IllegalArgumentException(count + " originals but " + otherCount
                    + " reconstructions; give one reconstruction per original");
        }
        if (width != otherWidth || height != otherHeight) {
            throw new IllegalArgumentException("originals are " + width + " x " + height
                    + " but reconstructions are " + otherWidth + " x " + otherHeight);
        }
    }

    private static List<String> checkLabels(List<String> labels, int groupCount) {
        Objects.requireNonNull(labels, "labels");
        if (groupCount == 0) {
            throw new IllegalArgumentException("no image groups to show; give at least one");
        }
        if (labels.size() != groupCount) {
            throw new IllegalArgumentException(labels.size() + " labels for " + groupCount
                    + " image groups; give one row label per group");
        }
        List<String> copy = new ArrayList<>(labels.size());
        for (String label : labels) {
            copy.add(label == null ? "" : label);
        }
        return List.copyOf(copy);
    }

    /** Checks that every group has as many images as group 0, of the same size ({width, height}). */
    private static void checkGroups(List<String> labels, float[][][] groups, int[][] sizes) {
        for (int g = 1; g < groups.length; g++) {
            if (groups[g].length != groups[0].length) {
                throw new IllegalArgumentException("group " + g + " (" + labels.get(g) + ") has " + groups[g].length
                        + " images but group 0 (" + labels.get(0) + ") has " + groups[0].length
                        + "; every group needs one image per column");
            }
            if (sizes[g][0] != sizes[0][0] || sizes[g][1] != sizes[0][1]) {
                throw new IllegalArgumentException("group " + g + " (" + labels.get(g) + ") has images of "
                        + sizes[g][0] + " x " + sizes[g][1] + " but group 0 (" + labels.get(0) + ") has "
                        + sizes[0][0] + " x " + sizes[0][1] + "; all images must have the same size");
            }
        }
    }

    /** Images read from an NDArray. */
    private record Batch(float[][] images, int width, int height) {

        static Batch of(NDArray array, String what) {
            Objects.requireNonNull(array, what);
            Shape shape = array.getShape();
            long[] dims = shape.getShape();
            int count;
            int h;
            int w;
            if (dims.length == 1 || dims.length == 2) {
                long length = dims[dims.length - 1];
                long side = Math.round(Math.sqrt(length));
                if (length == 0 || side * side != length) {
                    throw badShape(what, shape, length + " values per image is not a square image");
                }
                count = dims.length == 1 ? 1 : (int) dims[0];
                h = (int) side;
                w = (int) side;
            } else if (dims.length == 3) {
                count = (int) dims[0];
                h = (int) dims[1];
                w = (int) dims[2];
            } else if (dims.length == 4 && dims[1] == 1) {
                count = (int) dims[0];
                h = (int) dims[2];
                w = (int) dims[3];
            } else {
                throw badShape(what, shape, dims.length == 4 ? "images must have one channel" : null);
            }
            if (count == 0 || h == 0 || w == 0) {
                throw badShape(what, shape, "there is nothing to show");
            }
            float[] flat;
            try (NDArray floats = array.toType(DataType.FLOAT32, true)) {
                flat = floats.toFloatArray();
            }
            float[][] images = new float[count][];
            for (int i = 0; i < count; i++) {
                images[i] = Arrays.copyOfRange(flat, i * h * w, (i + 1) * h * w);
            }
            return new Batch(images, w, h);
        }

        private static IllegalArgumentException badShape(String what, Shape shape, String detail) {
            return new IllegalArgumentException(what + " have shape " + shape
                    + (detail == null ? "" : " (" + detail + ")")
                    + "; expected (n, 784), (n, 28, 28) or (n, 1, 28, 28), or the same with another image size");
        }
    }

    /** Positions of everything in the picture, from the options. */
    private final class Layout {
        final Font font;
        final FontMetrics metrics;
        final int tileWidth = width * scale;
        final int tileHeight = height * scale;
        final int captionHeight;
        final int cellWidth;
        final int labelWidth;
        final int blockHeight;
        final int blockGap;
        final int totalWidth;
        final int totalHeight;

        Layout() {
            boolean text = captions != null || rowLabels != null;
            font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, Math.min(16, 8 + 2 * scale)));
            if (text) {
                BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = scratch.createGraphics();
                prepare(g);
                metrics = g.getFontMetrics();
                g.dispose();
            } else {
                metrics = null;
            }
            int widest = 0;
            if (captions != null) {
                for (String caption : captions) {
                    widest = Math.max(widest, Math.min(MAX_CAPTION_WIDTH, metrics.stringWidth(caption)));
                }
            }
            captionHeight = captions == null ? 0 : metrics.getHeight() + 4;
            cellWidth = Math.max(tileWidth, captions == null ? 0 : widest + 8);
            int widestLabel = 0;
            for (String label : rowLabels == null ? List.<String>of() : rowLabels) {
                widestLabel = Math.max(widestLabel, metrics.stringWidth(label));
            }
            labelWidth = rowLabels == null ? 0 : widestLabel + 8;
            blockHeight = groups.length * tileHeight + (groups.length - 1) * padding + captionHeight;
            // A little extra space keeps the blocks of a multi-row grid visibly apart.
            blockGap = groups.length == 1 ? padding : padding + 6;
            totalWidth = labelWidth + padding + columnCount() * (cellWidth + padding);
            totalHeight = padding + rowCount() * blockHeight + (rowCount() - 1) * blockGap + padding;
        }

        void prepare(Graphics2D g) {
            g.setFont(font);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        }

        /** The black area of column {@code index} of its block: the tiles of every group and the caption. */
        Rectangle cell(int index) {
            return new Rectangle(cellX(index), blockY(index), cellWidth, blockHeight);
        }

        Rectangle tile(int index, int group) {
            int y = blockY(index) + group * (tileHeight + padding);
            return new Rectangle(cellX(index) + (cellWidth - tileWidth) / 2, y, tileWidth, tileHeight);
        }

        Rectangle captionArea(int index) {
            return new Rectangle(cellX(index), blockY(index) + blockHeight - captionHeight, cellWidth,
                    captionHeight);
        }

        String fit(String text, int room) {
            if (metrics.stringWidth(text) <= room) {
                return text;
            }
            String shortened = text;
            while (!shortened.isEmpty() && metrics.stringWidth(shortened + "…") > room) {
                shortened = shortened.substring(0, shortened.length() - 1);
            }
            return shortened + "…";
        }

        private int cellX(int index) {
            return labelWidth + padding + (index % columnCount()) * (cellWidth + padding);
        }

        private int blockY(int index) {
            return padding + (index / columnCount()) * (blockHeight + blockGap);
        }
    }
}
