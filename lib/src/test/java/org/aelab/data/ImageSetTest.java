package org.aelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSetTest {

    private static final List<String> NAMES = List.of("zero", "one", "two");

    /** Image i has every pixel equal to (i + 1) / 100 except pixel i, which is 1. */
    private static ImageSet sample(int count) {
        float[][] images = new float[count][784];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            Arrays.fill(images[i], (i + 1) / 100f);
            images[i][i] = 1f;
            labels[i] = i % 3;
        }
        return ImageSet.of(images, labels, NAMES);
    }

    @Test
    void readsImagesLabelsAndNames() {
        ImageSet set = sample(5);
        assertEquals(5, set.size());
        assertEquals(0.03f, set.image(2)[0], 0f);
        assertEquals(1f, set.image(2)[2], 0f);
        assertEquals(1f, set.pixel(3, 3, 0), 0f);
        assertEquals(0.04f, set.pixel(3, 27, 27), 0f);
        assertEquals(1, set.label(4));
        assertEquals("one", set.className(4));
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, set.labels());
        assertArrayEquals(new int[] {2, 2, 1}, set.classCounts());
        assertThrows(IndexOutOfBoundsException.class, () -> set.image(5));
        assertThrows(IndexOutOfBoundsException.class, () -> set.pixel(0, 28, 0));
    }

    @Test
    void returnedArraysAreCopies() {
        ImageSet set = sample(2);
        set.image(0)[5] = 0.9f;
        set.labels()[0] = 2;
        assertEquals(0.01f, set.image(0)[5], 0f);
        assertEquals(0, set.label(0));
    }

    @Test
    void pixelMeanCountsEveryPixel() {
        ImageSet set = sample(2);
        double expected = ((783 * 0.01f + 1f) + (783 * 0.02f + 1f)) / (2 * 784.0);
        assertEquals(expected, set.pixelMean(), 1e-7);
        assertEquals((783 * 0.01f + 1f) / 784.0, set.limit(1).pixelMean(), 1e-7);
    }

    @Test
    void limitKeepsTheFirstImages() {
        ImageSet set = sample(5);
        ImageSet first = set.limit(2);
        assertEquals(2, first.size());
        assertArrayEquals(set.image(1), first.image(1));
        assertSame(set, set.limit(5));
        assertSame(set, set.limit(50));
        assertEquals(0, set.limit(0).size());
        assertThrows(IllegalArgumentException.class, () -> set.limit(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> first.image(2));
    }

    @Test
    void shuffleIsAPermutationThatDependsOnlyOnTheSeed() {
        ImageSet set = sample(30);
        ImageSet a = set.shuffled(42);
        ImageSet b = set.shuffled(42);
        ImageSet c = set.shuffled(43);
        assertArrayEquals(a.labels(), b.labels());
        for (int i = 0; i < 30; i++) {
            assertArrayEquals(a.image(i), b.image(i));
        }
        boolean differs = false;
        boolean moved = false;
        boolean[] seen = new boolean[30];
        for (int i = 0; i < 30; i++) {
            // Pixel (origin) is 1 only in image origin, so it tells where each image came from.
            int origin = -1;
            float[] image = a.image(i);
            for (int p = 0; p < 30; p++) {
                if (image[p] == 1f) {
                    origin = p;
                }
            }
            assertTrue(origin >= 0 && !seen[origin], "every image exactly once");
            seen[origin] = true;
            assertEquals(origin % 3, a.label(i), "labels travel with their images");
            moved |= origin != i;
            differs |= !Arrays.equals(a.image(i), c.image(i));
        }
        assertTrue(moved, "a shuffle moves images");
        assertTrue(differs, "another seed gives another order");
        assertTrue(a.description().endsWith("shuffled (seed 42)"), a.description());
    }

    @Test
    void shuffleOfALimitedSetUsesOnlyThoseImages() {
        ImageSet limited = sample(10).limit(4).shuffled(7);
        assertEquals(4, limited.size());
        boolean[] seen = new boolean[4];
        for (int i = 0; i < 4; i++) {
            float[] image = limited.image(i);
            int origin = -1;
            for (int p = 0; p < 10; p++) {
                if (image[p] == 1f) {
                    origin = p;
                }
            }
            assertTrue(origin >= 0 && origin < 4 && !seen[origin], "only the first four, each once");
            seen[origin] = true;
        }
        assertArrayEquals(new int[] {2, 1, 1}, limited.classCounts());
    }

    @Test
    void convertsToNDArraysWithTheRightShapeAndValues() {
        ImageSet set = sample(6).limit(4);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = set.toNDArray(manager);
            assertEquals(new Shape(4, 784), images.getShape());
            assertEquals(DataType.FLOAT32, images.getDataType());
            float[] flat = images.toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(set.image(i), Arrays.copyOfRange(flat, i * 784, (i + 1) * 784));
            }
            NDArray labels = set.labelsNDArray(manager);
            assertEquals(new Shape(4), labels.getShape());
            assertArrayEquals(new float[] {0, 1, 2, 0}, labels.toFloatArray());

            NDArray offset = sample(6).shuffled(3).limit(2).toNDArray(manager);
            assertEquals(new Shape(2, 784), offset.getShape());
        }
    }

    @Test
    void convertsToDatasets() throws Exception {
        ImageSet set = sample(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            ArrayDataset classes = set.toDataset(manager, 2, false);
            assertEquals(5, classes.size());
            Batch first = classes.getData(manager).iterator().next();
            NDList data = first.getData();
            NDList labels = first.getLabels();
            assertEquals(new Shape(2, 784), data.singletonOrThrow().getShape());
            assertArrayEquals(new float[] {0, 1}, labels.singletonOrThrow().toFloatArray());
            first.close();

            ArrayDataset reconstruction = set.toReconstructionDataset(manager, 5, true);
            Batch all = reconstruction.getData(manager).iterator().next();
            assertArrayEquals(all.getData().singletonOrThrow().toFloatArray(),
                    all.getLabels().singletonOrThrow().toFloatArray());
            all.close();
            assertThrows(IllegalArgumentException.class, () -> set.toDataset(manager, 0, true));
        }
    }

    @Test
    void summaryShowsCountsAndMean() {
        String text = sample(5).toString();
        assertTrue(text.startsWith("5 images: 5 images of 28 x 28, pixel mean 0.0"), text);
        assertTrue(text.contains("per class: zero 2, one 2, two 1"), text);
    }

    @Test
    void selectCopiesTheChosenImagesInTheGivenOrder() {
        ImageSet set = sample(6).limit(5);
        ImageSet chosen = set.select(4, 0, 4, 2);
        assertEquals(4, chosen.size());
        assertArrayEquals(new int[] {1, 0, 1, 2}, chosen.labels());
        assertArrayEquals(set.image(4), chosen.image(0));
        assertArrayEquals(set.image(0), chosen.image(1));
        assertArrayEquals(set.image(4), chosen.image(2));
        assertEquals(0.03f, chosen.pixel(3, 0, 0), 0f);
        assertEquals(1f, chosen.pixel(3, 2, 0), 0f);
        assertEquals(NAMES, chosen.classNames());
        assertTrue(chosen.description().endsWith("images [4, 0, 4, 2]"), chosen.description());
        assertEquals(0, set.select().size());
        // Image 4 of the limited view is image 4 of the full array: (4 + 1) / 100 with pixel 4 lit.
        assertEquals(0.05f, set.select(4).pixel(0, 0, 0), 0f);
        assertEquals(1f, set.select(4).pixel(0, 4, 0), 0f);

        String tooBig = assertThrows(IllegalArgumentException.class, () -> set.select(1, 5)).getMessage();
        assertTrue(tooBig.contains("index 5") && tooBig.contains("0..4"), tooBig);
        String negative = assertThrows(IllegalArgumentException.class, () -> set.select(-1)).getMessage();
        assertTrue(negative.contains("index -1"), negative);
    }

    @Test
    void perClassTakesTheFirstImagesOfEachClassGroupedByClass() {
        // Labels of sample(8): 0 1 2 0 1 2 0 1.
        ImageSet set = sample(8);
        ImageSet two = set.perClass(2);
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, two.labels());
        int[] expectedSources = {0, 3, 1, 4, 2, 5};
        for (int i = 0; i < expectedSources.length; i++) {
            assertArrayEquals(set.image(expectedSources[i]), two.image(i), "image " + i);
        }
        assertArrayEquals(new int[] {0, 1, 2}, set.perClass(1).labels());
        assertEquals(0.02f, set.perClass(1).pixel(1, 0, 0), 0f, "class 1's first image is image 1");
        assertEquals(0, set.perClass(0).size());

        String message = assertThrows(IllegalArgumentException.class, () -> set.perClass(3)).getMessage();
        assertTrue(message.contains("class 2 (two) has only 2 images") && message.contains("3"), message);
        assertThrows(IllegalArgumentException.class, () -> set.perClass(-1));
    }

    @Test
    void ofRejectsBadInput() {
        float[][] good = new float[2][784];
        assertThrows(IllegalArgumentException.class, () -> ImageSet.of(good, new int[] {0}, NAMES));
        assertThrows(IllegalArgumentException.class, () -> ImageSet.of(new float[][] {new float[783]},
                new int[] {0}, NAMES));
        assertThrows(IllegalArgumentException.class, () -> ImageSet.of(good, new int[] {0, 3}, NAMES));
        float[][] bright = new float[1][784];
        bright[0][7] = 2f;
        String message = assertThrows(IllegalArgumentException.class,
                () -> ImageSet.of(bright, new int[] {0}, NAMES)).getMessage();
        assertTrue(message.contains("pixel value 2.0 at index 7"), message);
        bright[0][7] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> ImageSet.of(bright, new int[] {0}, NAMES));
        assertFalse(ImageSet.of(good, new int[] {0, 2}, NAMES).toString().isEmpty());
        assertNotEquals(0, ImageSet.PIXELS);
    }
}
