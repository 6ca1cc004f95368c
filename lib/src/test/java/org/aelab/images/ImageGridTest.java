package org.aelab.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.aelab.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    private static final int PADDING_RGB = ImageGrid.PADDING_COLOR.getRGB() & 0xFFFFFF;

    /** Image i: pixel (x, y) = ((x + 2y + 5i) mod 11) / 10, so values 0, 0.1, ..., 1 (and 1.0 at 10). */
    private static float value(int i, int x, int y) {
        return ((x + 2 * y + 5 * i) % 11) / 10f;
    }

    private static float[][] images(int count) {
        float[][] images = new float[count][784];
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    images[i][y * 28 + x] = value(i, x, y);
                }
            }
        }
        return images;
    }

    private static int grey(float value) {
        int g = Math.round(value * 255f);
        return (g << 16) | (g << 8) | g;
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    /** Checks every pixel of image {@code i} inside {@code image} at the given top-left, scaled. */
    private static void assertImageAt(BufferedImage image, float[] pixels, int left, int top, int scale) {
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int expected = grey(pixels[y * 28 + x]);
                for (int d = 0; d < scale; d += Math.max(1, scale - 1)) {
                    assertEquals(expected, rgb(image, left + x * scale + d, top + y * scale + d),
                            "pixel (" + x + ", " + y + ") of the image at " + left + ", " + top);
                }
            }
        }
    }

    @Test
    void chapterLayoutIsTenByTenWithoutGaps() {
        float[][] images = images(100);
        BufferedImage grid = ImageGrid.of(images).toImage();
        assertEquals(280, grid.getWidth());
        assertEquals(280, grid.getHeight());
        assertImageAt(grid, images[0], 0, 0, 1);
        assertImageAt(grid, images[37], 7 * 28, 3 * 28, 1);
        assertImageAt(grid, images[99], 9 * 28, 9 * 28, 1);
        // Spot values worked out by hand: image 37, pixel (4, 1) = (4 + 2 + 185) mod 11 = 4 -> 0.4 -> 102.
        assertEquals(0x666666, rgb(grid, 7 * 28 + 4, 3 * 28 + 1));
    }

    @Test
    void scaleAndPaddingPlaceEveryImage() {
        float[][] images = images(7);
        BufferedImage grid = ImageGrid.of(images).columns(3).scale(3).padding(2).toImage();
        // 3 columns x 3 rows of 84-pixel tiles, 2 pixels around and between them.
        assertEquals(2 + 3 * (84 + 2), grid.getWidth());
        assertEquals(2 + 3 * (84 + 2), grid.getHeight());
        for (int i = 0; i < 7; i++) {
            assertImageAt(grid, images[i], 2 + (i % 3) * 86, 2 + (i / 3) * 86, 3);
        }
        assertEquals(PADDING_RGB, rgb(grid, 0, 0));
        assertEquals(PADDING_RGB, rgb(grid, 87, 40), "gap between columns 0 and 1");
        assertEquals(PADDING_RGB, rgb(grid, 40, 87), "gap between rows 0 and 1");
        assertEquals(PADDING_RGB, rgb(grid, 2 + 2 * 86 + 40, 2 + 2 * 86 + 40), "empty cell after the last image");
    }

    @Test
    void valuesAreClampedAndNaNIsRed() {
        float[] image = new float[784];
        image[0] = -0.5f;
        image[1] = 1.7f;
        image[2] = Float.NaN;
        image[3] = 0.5f;
        image[4] = Float.POSITIVE_INFINITY;
        BufferedImage grid = ImageGrid.of(image).toImage();
        assertEquals(0x000000, rgb(grid, 0, 0));
        assertEquals(0xFFFFFF, rgb(grid, 1, 0));
        assertEquals(0xFF0000, rgb(grid, 2, 0));
        assertEquals(0x808080, rgb(grid, 3, 0));
        assertEquals(0xFFFFFF, rgb(grid, 4, 0));
    }

    @Test
    void acceptsEveryNDArrayShapeOfABatch() {
        float[][] images = images(4);
        float[] flat = new float[4 * 784];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(images[i], 0, flat, i * 784, 784);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Shape shape : List.of(new Shape(4, 784), new Shape(4, 28, 28), new Shape(4, 1, 28, 28))) {
                NDArray array = manager.create(flat, shape);
                BufferedImage grid = ImageGrid.of(array).columns(2).toImage();
                assertEquals(56, grid.getWidth(), shape.toString());
                assertImageAt(grid, images[3], 28, 28, 1);
            }
            BufferedImage single = ImageGrid.of(manager.create(images[2])).toImage();
            assertImageAt(single, images[2], 0, 0, 1);

            BufferedImage wide = ImageGrid.of(manager.create(new float[2 * 3 * 5], new Shape(2, 3, 5))).toImage();
            assertEquals(10, wide.getWidth());
            assertEquals(3, wide.getHeight());

            for (Shape bad : List.of(new Shape(2, 780), new Shape(2, 3, 28, 28), new Shape(2, 2, 2, 2, 2),
                    new Shape(0, 784))) {
                NDArray array = manager.zeros(bad);
                String message = assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(array))
                        .getMessage();
                assertTrue(message.contains(bad.toString()) && message.contains("(n, 784)"), message);
            }
        }
    }

    @Test
    void rejectsBadImagesAndOptions() {
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(new float[0][]));
        String notSquare = assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(new float[780]))
                .getMessage();
        assertTrue(notSquare.contains("780 values") && notSquare.contains("784"), notSquare);
        String mixed = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.of(new float[784], new float[783])).getMessage();
        assertTrue(mixed.contains("image 1 has 783 values"), mixed);
        ImageGrid grid = ImageGrid.of(images(3));
        assertThrows(IllegalArgumentException.class, () -> grid.columns(0));
        assertThrows(IllegalArgumentException.class, () -> grid.scale(0));
        assertThrows(IllegalArgumentException.class, () -> grid.padding(-1));
        String count = assertThrows(IllegalArgumentException.class, () -> grid.captions("a", "b")).getMessage();
        assertTrue(count.contains("2 captions for 3 images"), count);
        assertThrows(IllegalStateException.class, grid::classCaptions);
    }

    @Test
    void layoutOptionsReturnNewGrids() {
        ImageGrid grid = ImageGrid.of(images(12));
        ImageGrid narrow = grid.columns(4);
        assertEquals(10, grid.columnCount());
        assertEquals(2, grid.rowCount());
        assertEquals(4, narrow.columnCount());
        assertEquals(3, narrow.rowCount());
        assertEquals(3, ImageGrid.of(images(3)).columnCount(), "no empty columns for few images");
    }

    @Test
    void captionsGoUnderTheirImagesAndLeaveThemIntact() {
        float[][] images = images(6);
        ImageGrid plain = ImageGrid.of(images).columns(3).scale(2).padding(1);
        ImageGrid captioned = plain.captions(i -> "item " + i);
        BufferedImage grid = captioned.toImage();
        assertTrue(grid.getHeight() > plain.toImage().getHeight(), "captions add height");
        for (int i = 0; i < 6; i++) {
            Rectangle tile = captioned.tile(i, false);
            assertImageAt(grid, images[i], tile.x, tile.y, 2);
            Rectangle caption = captioned.captionArea(i);
            assertTrue(caption.y >= tile.y + tile.height, "caption below its image");
            assertTrue(caption.x <= tile.x && caption.x + caption.width >= tile.x + tile.width);
            int bright = 0;
            for (int y = caption.y; y < caption.y + caption.height; y++) {
                for (int x = caption.x; x < caption.x + caption.width; x++) {
                    int level = rgb(grid, x, y) & 0xFF;
                    bright += level > 160 ? 1 : 0;
                }
            }
            assertTrue(bright > 20, "caption " + i + " has text pixels, found " + bright);
        }
    }

    @Test
    void longCaptionsWidenCellsSoTheyStayReadable() {
        ImageGrid captioned = ImageGrid.of(images(2)).captions("Ankle boot", "T-shirt/top");
        Rectangle caption = captioned.captionArea(0);
        assertTrue(caption.width > 28, "the cell grows beyond a 28-pixel tile, was " + caption.width);
        Rectangle tile = captioned.tile(1, false);
        assertImageAt(captioned.toImage(), images(2)[1], tile.x, tile.y, 1);
    }

    @Test
    void classCaptionsComeFromTheImageSet() {
        float[][] images = images(3);
        ImageSet set = ImageSet.of(images, new int[] {2, 0, 1}, List.of("cat", "dog", "owl"));
        ImageGrid grid = ImageGrid.of(set).classCaptions();
        BufferedImage picture = grid.toImage();
        Rectangle tile = grid.tile(2, false);
        assertImageAt(picture, set.image(2), tile.x, tile.y, 1);
        assertTrue(grid.toString().contains("captioned"));
    }

    @Test
    void pairsPutEachReconstructionUnderItsOriginal() {
        float[][] originals = images(5);
        float[][] reconstructions = new float[5][];
        for (int i = 0; i < 5; i++) {
            reconstructions[i] = images(20)[i + 10];
        }
        ImageGrid grid = ImageGrid.pairs(originals, reconstructions).columns(3).scale(2).padding(1);
        BufferedImage picture = grid.toImage();
        for (int i = 0; i < 5; i++) {
            Rectangle original = grid.tile(i, false);
            Rectangle reconstruction = grid.tile(i, true);
            assertEquals(original.x, reconstruction.x, "same column");
            assertEquals(original.y + 56 + 1, reconstruction.y, "directly below, one padding apart");
            assertImageAt(picture, originals[i], original.x, original.y, 2);
            assertImageAt(picture, reconstructions[i], reconstruction.x, reconstruction.y, 2);
        }
        assertTrue(grid.tile(3, false).y > grid.tile(0, true).y + 56, "second block below the first pair rows");
        // The row labels sit in a margin left of the first column.
        Rectangle first = grid.tile(0, false);
        assertTrue(first.x > 40, "room for the labels");
        int labelPixels = 0;
        for (int y = first.y; y < first.y + 2 * first.height; y++) {
            for (int x = 0; x < first.x - 2; x++) {
                labelPixels += (rgb(picture, x, y) & 0xFF) > 160 ? 1 : 0;
            }
        }
        assertTrue(labelPixels > 40, "row labels drawn, found " + labelPixels);
    }

    @Test
    void pairsNeedMatchingCountsAndSizes() {
        String count = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.pairs(images(3), images(2))).getMessage();
        assertTrue(count.contains("3 originals but 2 reconstructions"), count);
        String size = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.pairs(images(1), new float[][] {new float[100]})).getMessage();
        assertTrue(size.contains("28 x 28") && size.contains("10 x 10"), size);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageSet set = ImageSet.of(images(2), new int[] {0, 1}, List.of("a", "b"));
            assertThrows(IllegalArgumentException.class,
                    () -> ImageGrid.pairs(set, manager.zeros(new Shape(3, 784))));
            ImageGrid grid = ImageGrid.pairs(set, manager.ones(new Shape(2, 1, 28, 28))).classCaptions();
            BufferedImage picture = grid.toImage();
            Rectangle reconstruction = grid.tile(1, true);
            assertEquals(0xFFFFFF, rgb(picture, reconstruction.x + 5, reconstruction.y + 5));
            assertTrue(grid.captionArea(1).y >= reconstruction.y + reconstruction.height,
                    "a pair's caption goes under its reconstruction");
        }
    }

    /** Images 0..count-1 of the pattern, shifted by {@code first}, so that every group differs. */
    private static float[][] images(int first, int count) {
        float[][] all = images(first + count);
        return java.util.Arrays.copyOfRange(all, first, first + count);
    }

    @Test
    void rowGroupsStackOneImageOfEachGroupPerColumn() {
        float[][] a = images(0, 5);
        float[][] b = images(7, 5);
        float[][] c = images(13, 5);
        ImageGrid grid = ImageGrid.rows(List.of("original", "PCA", "autoencoder"), a, b, c).columns(2).padding(2);
        BufferedImage picture = grid.toImage();
        float[][][] groups = {a, b, c};
        // The label margin is as wide as the widest label (font-dependent); everything else is exact:
        // blocks of 3 rows of 28 pixels with 2 between them (88 high), 2 + 6 between blocks.
        int left = grid.tile(0, 0).x;
        assertTrue(left > 40, "room for the labels, was " + left);
        assertEquals(left + 2 * (28 + 2), picture.getWidth());
        assertEquals(2 + 3 * 88 + 2 * 8 + 2, picture.getHeight());
        for (int i = 0; i < 5; i++) {
            for (int g = 0; g < 3; g++) {
                int x = left + (i % 2) * 30;
                int y = 2 + (i / 2) * (88 + 8) + g * 30;
                assertEquals(new Rectangle(x, y, 28, 28), grid.tile(i, g), "image " + i + " of group " + g);
                assertImageAt(picture, groups[g][i], x, y, 1);
            }
        }
        assertEquals(0x000000, rgb(picture, left + 10, 2 + 28), "inside a column the padding is the cell's black");
        assertEquals(PADDING_RGB, rgb(picture, left + 10, 2 + 88 + 3), "gap between blocks");
        assertEquals(PADDING_RGB, rgb(picture, left + 30 + 10, 2 + 2 * 96 + 10), "no sixth column");
        for (int block = 0; block < 3; block++) {
            for (int g = 0; g < 3; g++) {
                int top = 2 + block * 96 + g * 30;
                int labelPixels = 0;
                for (int y = top; y < top + 28; y++) {
                    for (int x = 0; x < left - 2; x++) {
                        labelPixels += (rgb(picture, x, y) & 0xFF) > 160 ? 1 : 0;
                    }
                }
                assertTrue(labelPixels > 10, "label of group " + g + " in block " + block + ": " + labelPixels);
            }
        }
        assertEquals(5, grid.size());
        assertEquals(3, grid.rowCount());
        assertTrue(grid.toString().contains("original / PCA / autoencoder"), grid.toString());
    }

    @Test
    void pairsAreTheTwoGroupCaseOfRows() {
        float[][] originals = images(0, 4);
        float[][] reconstructions = images(9, 4);
        BufferedImage pairs = ImageGrid.pairs(originals, reconstructions).columns(3).scale(2).padding(1)
                .captions("a", "b", "c", "d").toImage();
        BufferedImage rows = ImageGrid.rows(List.of("original", "reconstruction"), originals, reconstructions)
                .columns(3).scale(2).padding(1).captions("a", "b", "c", "d").toImage();
        assertEquals(pairs.getWidth(), rows.getWidth());
        assertEquals(pairs.getHeight(), rows.getHeight());
        for (int y = 0; y < pairs.getHeight(); y++) {
            for (int x = 0; x < pairs.getWidth(); x++) {
                assertEquals(rgb(pairs, x, y), rgb(rows, x, y), "pixel " + x + ", " + y);
            }
        }
    }

    @Test
    void rowGroupsFromNDArraysAndFromAnImageSetWithClassCaptions() {
        float[][] images = images(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray first = manager.create(flatten(images), new Shape(3, 784));
            NDArray second = manager.ones(new Shape(3, 28, 28));
            NDArray third = manager.zeros(new Shape(3, 1, 28, 28));
            ImageGrid grid = ImageGrid.rows(List.of("x", "ones", "zeros"), List.of(first, second, third));
            BufferedImage picture = grid.toImage();
            assertImageAt(picture, images[2], grid.tile(2, 0).x, grid.tile(2, 0).y, 1);
            assertEquals(0xFFFFFF, rgb(picture, grid.tile(1, 1).x + 3, grid.tile(1, 1).y + 3));
            assertEquals(0x000000, rgb(picture, grid.tile(1, 2).x + 3, grid.tile(1, 2).y + 3));
            assertEquals(grid.tile(1, 0).y + 2 * 28, grid.tile(1, 2).y, "no padding: rows touch");

            ImageSet set = ImageSet.of(images, new int[] {1, 0, 1}, List.of("cat", "dog"));
            ImageGrid captioned = ImageGrid.rows(List.of("original", "ones", "zeros"), set, second, third)
                    .classCaptions();
            Rectangle caption = captioned.captionArea(0);
            assertTrue(caption.y >= captioned.tile(0, 2).y + 28, "the caption goes under the last group");
            assertImageAt(captioned.toImage(), images[1], captioned.tile(1, 0).x, captioned.tile(1, 0).y, 1);
            String count = assertThrows(IllegalArgumentException.class, () -> captioned.captions("a")).getMessage();
            assertTrue(count.contains("1 captions for 3 columns of 3 images"), count);
        }
    }

    @Test
    void rowGroupsNeedOneLabelPerGroupAndMatchingImages() {
        String labels = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.rows(List.of("a", "b"), images(2), images(2), images(2))).getMessage();
        assertTrue(labels.contains("2 labels for 3 image groups"), labels);
        String count = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.rows(List.of("a", "b", "c"), images(2), images(2), images(3))).getMessage();
        assertTrue(count.contains("group 2 (c) has 3 images but group 0 (a) has 2"), count);
        String size = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.rows(List.of("a", "b"), images(1), new float[][] {new float[100]})).getMessage();
        assertTrue(size.contains("10 x 10") && size.contains("28 x 28"), size);
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.rows(List.of()));
        try (NDManager manager = NDManager.newBaseManager()) {
            String shape = assertThrows(IllegalArgumentException.class, () -> ImageGrid.rows(List.of("a", "b"),
                    List.of(manager.zeros(new Shape(2, 784)), manager.zeros(new Shape(2, 14, 14))))).getMessage();
            assertTrue(shape.contains("group 1 (b)") && shape.contains("14 x 14"), shape);
        }
    }

    private static float[] flatten(float[][] images) {
        float[] flat = new float[images.length * 784];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, flat, i * 784, 784);
        }
        return flat;
    }

    @Test
    void savesAPngWithTheSamePixels(@TempDir Path dir) throws IOException {
        float[][] images = images(4);
        Path file = ImageGrid.of(images).columns(2).scale(2).save(dir.resolve("sub/grid.png"));
        BufferedImage read = ImageIO.read(file.toFile());
        assertEquals(112, read.getWidth());
        assertEquals(112, read.getHeight());
        assertImageAt(read, images[3], 56, 56, 2);
    }
}
