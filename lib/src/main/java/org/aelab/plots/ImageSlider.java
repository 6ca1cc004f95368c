package org.aelab.plots;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import javax.imageio.ImageIO;

/**
 * A plotly figure that shows one of several pictures, chosen with a slider: a latent explorer
 * whose frames were computed in the notebook, so the page needs no kernel to move it.
 *
 * <p>Each frame is a PNG embedded in the figure as a data URI, shown as the layout's one picture
 * ({@code layout.images}, which the jar's basic plotly.js bundle draws; it has no {@code image}
 * trace); the slider's step for a frame relayouts that picture's source. The figure draws with the
 * plotly.js bundled in this jar, offline, in the notebook, in nbconvert's HTML and on the site.
 *
 * <pre>{@code
 * ImageSlider slider = ImageSlider.titled("Decoded codes by class").sliderLabel("class: ");
 * for (int c = 0; c < 10; c++) slider = slider.frame(classNames.get(c), latticeImage(c));
 * html(slider.html())
 * }</pre>
 */
public final class ImageSlider {

    private final String title;
    private final String sliderLabel;
    private final List<String> labels;
    private final List<String> sources;
    private final int width;
    private final int height;

    private ImageSlider(String title, String sliderLabel, List<String> labels, List<String> sources, int width, int height) {
        this.title = title;
        this.sliderLabel = sliderLabel;
        this.labels = labels;
        this.sources = sources;
        this.width = width;
        this.height = height;
    }

    /** An empty slider figure with a title; add frames with {@link #frame}. */
    public static ImageSlider titled(String title) {
        return new ImageSlider(Objects.requireNonNull(title, "title"), "", List.of(), List.of(), 0, 0);
    }

    /** The text shown before the current frame's label above the slider, e.g. {@code "class: "}. */
    public ImageSlider sliderLabel(String prefix) {
        return new ImageSlider(title, Objects.requireNonNull(prefix, "prefix"), labels, sources, width, height);
    }

    /**
     * This slider with one more frame (a copy; this one is unchanged). Every frame must have the
     * size of the first.
     *
     * @param label the frame's name on the slider
     * @param image the picture it shows
     * @return the new slider
     */
    public ImageSlider frame(String label, BufferedImage image) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(image, "image");
        if (!labels.isEmpty() && (image.getWidth() != width || image.getHeight() != height)) {
            throw new IllegalArgumentException("frame '" + label + "' is " + image.getWidth() + "×" + image.getHeight()
                    + " pixels but the first frame is " + width + "×" + height + ": draw every frame at one size");
        }
        List<String> newLabels = new ArrayList<>(labels);
        List<String> newSources = new ArrayList<>(sources);
        newLabels.add(label);
        newSources.add(dataUri(image));
        return new ImageSlider(title, sliderLabel, List.copyOf(newLabels), List.copyOf(newSources),
                image.getWidth(), image.getHeight());
    }

    /** The number of frames. */
    public int frameCount() {
        return labels.size();
    }

    /** The frames' labels, in slider order. */
    public List<String> labels() {
        return labels;
    }

    /**
     * The HTML that draws the figure (its first output in a kernel session also carries plotly.js).
     *
     * @throws IllegalStateException if the slider has no frame yet
     */
    public String html() {
        if (labels.isEmpty()) {
            throw new IllegalStateException("the slider '" + title + "' has no frame: add one with frame(label, image)");
        }
        String bundle = PlotHtml.claimBundle();
        return (bundle == null ? "" : bundle) + PlotHtml.withoutBundle(dataJson(), layoutJson());
    }

    /** The traces as plotly JSON: none, the picture is in the layout. */
    String dataJson() {
        return "[]";
    }

    /** The layout as plotly JSON, with one slider step per frame. */
    String layoutJson() {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                steps.append(',');
            }
            steps.append("{\"label\":").append(quote(labels.get(i)))
                    .append(",\"method\":\"relayout\",\"args\":[{\"images[0].source\":").append(quote(sources.get(i))).append("}]}");
        }
        int plotWidth = width + 40;
        int plotHeight = height + 150;
        return "{\"title\":{\"text\":" + quote(title) + "},\"width\":" + plotWidth + ",\"height\":" + plotHeight
                + ",\"margin\":{\"l\":20,\"r\":20,\"t\":50,\"b\":20}"
                + ",\"xaxis\":{\"visible\":false},\"yaxis\":{\"visible\":false}"
                + ",\"images\":[{\"source\":" + quote(sources.get(0)) + ",\"xref\":\"paper\",\"yref\":\"paper\""
                + ",\"x\":0,\"y\":1,\"sizex\":1,\"sizey\":1,\"xanchor\":\"left\",\"yanchor\":\"top\""
                + ",\"sizing\":\"contain\",\"layer\":\"above\"}]"
                + ",\"sliders\":[{\"active\":0,\"pad\":{\"t\":30},\"currentvalue\":{\"prefix\":" + quote(sliderLabel)
                + "},\"steps\":[" + steps + "]}]}";
    }

    private static String dataUri(BufferedImage image) {
        try (ByteArrayOutputStream png = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("no PNG writer for this image type: " + image.getType());
            }
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a frame as PNG", e);
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '<' -> out.append("\\u003c");          // no "</script>" inside the script
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public String toString() {
        return "ImageSlider '" + title + "', " + labels.size() + " frames of " + width + "×" + height + " pixels";
    }
}
