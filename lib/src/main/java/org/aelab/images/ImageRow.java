package org.aelab.images;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pictures side by side, each under its title, as one image: three grids of samples from three
 * models, or three decoded lattices, compared at a glance.
 *
 * <pre>{@code
 * ImageRow.of(List.of("AAE", "VAE", "AE"), List.of(aaeGrid.toImage(), vaeGrid.toImage(), aeGrid.toImage()))
 *         .toImage()
 * }</pre>
 *
 * <p>The background is {@link ImageGrid#PADDING_COLOR} and titles are light, as in image grids;
 * pictures are top-aligned under their titles, {@link #gap(int)} pixels apart.
 */
public final class ImageRow {

    private static final int TEXT_RGB = 0xE6E6E6;
    private static final int TITLE_SIZE = 15;

    private final List<String> titles;
    private final List<BufferedImage> images;
    private final int gap;

    private ImageRow(List<String> titles, List<BufferedImage> images, int gap) {
        this.titles = titles;
        this.images = images;
        this.gap = gap;
    }

    /**
     * Pictures in a row, {@code titles.get(i)} above {@code images.get(i)}.
     *
     * @throws IllegalArgumentException if there are no pictures or the counts differ
     */
    public static ImageRow of(List<String> titles, List<BufferedImage> images) {
        Objects.requireNonNull(titles, "titles");
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no pictures to put in a row");
        }
        if (titles.size() != images.size()) {
            throw new IllegalArgumentException(titles.size() + " titles for " + images.size()
                    + " pictures; give one title each");
        }
        List<String> titleCopy = new ArrayList<>();
        for (String title : titles) {
            titleCopy.add(title == null ? "" : title);
        }
        for (int i = 0; i < images.size(); i++) {
            Objects.requireNonNull(images.get(i), "picture " + i);
        }
        return new ImageRow(List.copyOf(titleCopy), List.copyOf(images), 16);
    }

    /** Pixels between pictures and around the row (default 16). */
    public ImageRow gap(int pixels) {
        if (pixels < 0 || pixels > 200) {
            throw new IllegalArgumentException("gap must be between 0 and 200 pixels, got " + pixels);
        }
        return new ImageRow(titles, images, pixels);
    }

    /** Where picture {@code index} starts (left, top) in {@link #toImage()}. */
    int[] origin(int index) {
        Objects.checkIndex(index, images.size());
        int left = gap;
        for (int i = 0; i < index; i++) {
            left += images.get(i).getWidth() + gap;
        }
        return new int[] {left, titleHeight() + gap};
    }

    private int titleHeight() {
        return gap + TITLE_SIZE + 6;
    }

    /** Draws the row. */
    public BufferedImage toImage() {
        int width = gap;
        int height = 0;
        for (BufferedImage image : images) {
            width += image.getWidth() + gap;
            height = Math.max(height, image.getHeight());
        }
        height += titleHeight() + 2 * gap;
        BufferedImage row = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = row.createGraphics();
        try {
            g.setColor(ImageGrid.PADDING_COLOR);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, TITLE_SIZE));
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(TEXT_RGB));
            FontMetrics metrics = g.getFontMetrics();
            for (int i = 0; i < images.size(); i++) {
                BufferedImage image = images.get(i);
                int[] origin = origin(i);
                g.drawImage(image, origin[0], origin[1], null);
                String title = titles.get(i);
                int x = origin[0] + (image.getWidth() - metrics.stringWidth(title)) / 2;
                g.drawString(title, Math.max(origin[0], x), gap + metrics.getAscent());
            }
        } finally {
            g.dispose();
        }
        return row;
    }

    @Override
    public String toString() {
        return "ImageRow" + titles;
    }
}
