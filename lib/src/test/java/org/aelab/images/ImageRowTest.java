package org.aelab.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRowTest {

    private static BufferedImage filled(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void placesEachPictureUnderItsTitleGapApart() {
        BufferedImage red = filled(30, 20, 0xFF0000);
        BufferedImage blue = filled(10, 40, 0x0000FF);
        ImageRow row = ImageRow.of(List.of("red", "blue"), List.of(red, blue)).gap(5);
        BufferedImage image = row.toImage();
        int[] first = row.origin(0);
        int[] second = row.origin(1);
        assertEquals(5, first[0]);
        assertEquals(5 + 30 + 5, second[0]);
        assertEquals(5 + 30 + 5 + 10 + 5, image.getWidth());
        assertTrue(first[1] > 15, "room for the title above the pictures");
        assertEquals(first[1] + 40 + 5, image.getHeight());
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                assertEquals(0xFF0000, image.getRGB(first[0] + x, first[1] + y) & 0xFFFFFF);
            }
        }
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(0x0000FF, image.getRGB(second[0] + x, second[1] + y) & 0xFFFFFF);
            }
        }
        int background = ImageGrid.PADDING_COLOR.getRGB() & 0xFFFFFF;
        assertEquals(background, image.getRGB(first[0] + 10, first[1] + 25) & 0xFFFFFF, "below the shorter picture");
        assertEquals(background, image.getRGB(first[0] + 30 + 2, first[1] + 5) & 0xFFFFFF, "in the gap");
    }

    @Test
    void titlesAreDrawnInTheTitleBand() {
        BufferedImage black = filled(120, 30, 0x000000);
        BufferedImage image = ImageRow.of(List.of("Samples"), List.of(black)).toImage();
        int background = ImageGrid.PADDING_COLOR.getRGB() & 0xFFFFFF;
        int[] origin = ImageRow.of(List.of("Samples"), List.of(black)).origin(0);
        boolean text = false;
        for (int y = 0; y < origin[1]; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                text |= (image.getRGB(x, y) & 0xFFFFFF) != background;
            }
        }
        assertTrue(text, "some title pixels differ from the background");
    }

    @Test
    void mismatchedOrEmptyInputIsRefused() {
        BufferedImage one = filled(4, 4, 0);
        IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
                () -> ImageRow.of(List.of("a", "b"), List.of(one)));
        assertTrue(counts.getMessage().contains("2 titles for 1 pictures"), counts.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageRow.of(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ImageRow.of(List.of("a"), List.of(one)).gap(-1));
    }
}
