package org.aelab.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ImageSliderTest {

    private static BufferedImage grey(int width, int height, int level) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.getRaster().setSample(x, y, 0, level);
            }
        }
        return image;
    }

    @Test
    void oneSliderStepPerFrameEachWithItsOwnPicture() {
        ImageSlider slider = ImageSlider.titled("t").sliderLabel("class: ");
        for (int i = 0; i < 3; i++) {
            slider = slider.frame("c" + i, grey(8, 6, 40 * i));
        }
        assertEquals(3, slider.frameCount());
        String layout = slider.layoutJson();
        Matcher steps = Pattern.compile("\\{\"label\":\"(c\\d)\",\"method\":\"relayout\",\"args\":\\[\\{\"images\\[0]\\.source\":\"(data:image/png;base64,[A-Za-z0-9+/=]+)\"}]}")
                .matcher(layout);
        java.util.Set<String> sources = new java.util.HashSet<>();
        int count = 0;
        while (steps.find()) {
            assertEquals("c" + count, steps.group(1));
            sources.add(steps.group(2));
            count++;
        }
        assertEquals(3, count);
        assertEquals(3, sources.size(), "different pictures give different frames");
        assertTrue(layout.contains("\"images\":[{\"source\":\"data:image/png;base64,"), "the first frame is shown at first");
        assertEquals("[]", slider.dataJson());
    }

    @Test
    void copiesOnWrite() {
        ImageSlider empty = ImageSlider.titled("t");
        ImageSlider one = empty.frame("a", grey(4, 4, 0));
        assertEquals(0, empty.frameCount());
        assertEquals(1, one.frameCount());
    }

    @Test
    void rejectsFramesOfAnotherSizeAndAnEmptyFigure() {
        ImageSlider one = ImageSlider.titled("t").frame("a", grey(4, 4, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> one.frame("b", grey(5, 4, 0)));
        assertTrue(e.getMessage().contains("one size"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ImageSlider.titled("t").html());
    }

    @Test
    void labelsCannotEndTheScriptEarly() {
        String html = ImageSlider.titled("</script><b>").frame("</script>", grey(2, 2, 0)).html();
        int scripts = html.split("</script>", -1).length - 1;
        int opened = html.split("<script", -1).length - 1;
        assertEquals(opened, scripts, "every script element closes once");
        assertFalse(html.contains("\"</script>\""));
    }
}
