package org.aelab.data;

import static org.aelab.data.SyntheticIdx.gzip;
import static org.aelab.data.SyntheticIdx.images;
import static org.aelab.data.SyntheticIdx.labels;
import static org.aelab.data.SyntheticIdx.sha256;
import static org.aelab.data.SyntheticIdx.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    private static final int COUNT = 5;

    @TempDir
    Path dir;

    private static IdxReader.Expected expectedImages(byte[] content) {
        return new IdxReader.Expected("train-images-idx3-ubyte", sha256(content));
    }

    private static IdxReader.Expected expectedLabels(byte[] content) {
        return new IdxReader.Expected("train-labels-idx1-ubyte", sha256(content));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void decodesPixelsToUnitIntervalAndLabels(boolean compressed) {
        byte[] content = images(COUNT);
        byte[] labelContent = labels(COUNT);
        Path imageFile = write(dir, "images", compressed ? gzip(content) : content);
        Path labelFile = write(dir, "labels", compressed ? gzip(labelContent) : labelContent);

        float[] pixels = IdxReader.readImages(imageFile, COUNT, labelFile, expectedImages(content));
        byte[] decodedLabels = IdxReader.readLabels(labelFile, 10, expectedLabels(labelContent));

        assertEquals(COUNT * 784, pixels.length);
        for (int i = 0; i < COUNT; i++) {
            for (int p = 0; p < 784; p += 97) {
                assertEquals(SyntheticIdx.pixel(i, p) / 255f, pixels[i * 784 + p], 0f, "image " + i + " pixel " + p);
            }
            assertEquals(SyntheticIdx.label(i), decodedLabels[i]);
        }
        float max = 0;
        for (float v : pixels) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max, 0f, "byte 255 must map to exactly 1");
    }

    @Test
    void recognisesGzipByContentNotByName() {
        byte[] content = labels(COUNT);
        Path misnamed = write(dir, "labels.gz", content);
        Path compressed = write(dir, "labels-raw", gzip(content));
        byte[] expected = Arrays.copyOfRange(content, 8, content.length);
        assertArrayEquals(expected, IdxReader.readLabels(misnamed, 10, expectedLabels(content)));
        assertArrayEquals(expected, IdxReader.readLabels(compressed, 10, expectedLabels(content)));
    }

    @Test
    void acceptsAnyGzipHeaderBecauseTheChecksumCoversDecompressedContent() {
        byte[] content = labels(COUNT);
        byte[] gz = gzip(content);
        // Like Debian's strip-nondeterminism: a different mtime and OS byte in the 10-byte header.
        gz[4] = 0x12;
        gz[5] = 0x34;
        gz[9] = 0x0b;
        Path file = write(dir, "labels.gz", gz);
        assertEquals(COUNT, IdxReader.readLabels(file, 10, expectedLabels(content)).length);
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nowhere.gz");
        FashionMnistException e = assertThrows(FashionMnistException.class,
                () -> IdxReader.readLabels(missing, 10, null));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertEquals(missing, e.file().orElseThrow());
    }

    @Test
    void emptyFile() {
        Path file = write(dir, "images", new byte[0]);
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, -1, null, null)).getMessage();
        assertTrue(message.contains("truncated") && message.contains("empty") && message.contains(file.toString()),
                message);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedHeader(boolean compressed) {
        byte[] content = Arrays.copyOf(images(COUNT), 10);
        Path file = write(dir, "images", compressed ? gzip(content) : content);
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, -1, null, null)).getMessage();
        assertTrue(message.contains("truncated") && message.contains("after 10 bytes")
                && message.contains("header"), message);
    }

    @Test
    void truncatedRawImages() {
        byte[] content = images(COUNT);
        Path file = write(dir, "images", Arrays.copyOf(content, 16 + 2 * 784 + 100));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, COUNT, null, expectedImages(content))).getMessage();
        assertTrue(message.contains("truncated") && message.contains("promises 5 images")
                && message.contains("only 1668 bytes") && message.contains("2 whole images"), message);
    }

    @Test
    void truncatedGzipImages() {
        byte[] content = images(COUNT);
        byte[] gz = gzip(content);
        Path file = write(dir, "images.gz", Arrays.copyOf(gz, gz.length / 2));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, COUNT, null, expectedImages(content))).getMessage();
        assertTrue(message.contains("truncated") && message.contains("gzip stream ends early"), message);
    }

    @Test
    void truncatedLabels() {
        byte[] content = labels(COUNT);
        Path file = write(dir, "labels", Arrays.copyOf(content, content.length - 2));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readLabels(file, 10, expectedLabels(content))).getMessage();
        assertTrue(message.contains("promises 5 labels but it holds only 3"), message);
    }

    @Test
    void wrongMagicNumber() {
        Path file = write(dir, "images", images(COUNT, 0x00000802, 28, 28));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, -1, null, null)).getMessage();
        assertTrue(message.contains("magic number is 0x00000802, expected 0x00000803"), message);
    }

    @Test
    void swappedFilesAreNamedAsSuch() {
        Path labelFile = write(dir, "labels", labels(COUNT));
        Path imageFile = write(dir, "images", images(COUNT));
        String asImages = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(labelFile, -1, null, null)).getMessage();
        String asLabels = assertThrows(FashionMnistException.class,
                () -> IdxReader.readLabels(imageFile, 10, null)).getMessage();
        assertTrue(asImages.contains("looks like a label file"), asImages);
        assertTrue(asLabels.contains("looks like an image file"), asLabels);
    }

    @Test
    void wrongImageDimensions() {
        Path file = write(dir, "images", images(COUNT, IdxReader.IMAGES_MAGIC, 28, 27));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, -1, null, null)).getMessage();
        assertTrue(message.contains("5 images of 28 x 27 pixels") && message.contains("28 x 28"), message);
    }

    @Test
    void implausibleCountsAreRejectedBeforeAllocating() {
        byte[] labelHeader = ByteBuffer.allocate(8).putInt(IdxReader.LABELS_MAGIC).putInt(Integer.MAX_VALUE)
                .array();
        byte[] imageHeader = ByteBuffer.allocate(16).putInt(IdxReader.IMAGES_MAGIC).putInt(2_000_000)
                .putInt(28).putInt(28).array();
        Path labelFile = write(dir, "labels", labelHeader);
        Path imageFile = write(dir, "images", imageHeader);
        String labelsMessage = assertThrows(FashionMnistException.class,
                () -> IdxReader.readLabels(labelFile, 10, null)).getMessage();
        String imagesMessage = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(imageFile, -1, null, null)).getMessage();
        assertTrue(labelsMessage.contains("header for 2147483647 labels"), labelsMessage);
        assertTrue(imagesMessage.contains("header for 2000000 images"), imagesMessage);
    }

    @Test
    void imageCountDisagreesWithLabelCount() {
        Path labelFile = write(dir, "labels", labels(COUNT - 1));
        Path imageFile = write(dir, "images", images(COUNT));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(imageFile, COUNT - 1, labelFile, null)).getMessage();
        assertTrue(message.contains(imageFile + " holds 5 images but " + labelFile + " holds 4 labels"), message);
    }

    @Test
    void extraBytesAfterTheData() {
        byte[] content = labels(COUNT);
        Path file = write(dir, "labels", Arrays.copyOf(content, content.length + 3));
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readLabels(file, 10, null)).getMessage();
        assertTrue(message.contains("more data after the 5 labels"), message);
    }

    @Test
    void labelOutOfRange() {
        byte[] content = labels(COUNT);
        content[8 + 3] = 10;
        Path file = write(dir, "labels", content);
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readLabels(file, 10, null)).getMessage();
        assertTrue(message.contains("label 10 of image 3 is outside 0..9"), message);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void checksumMismatchSaysWhatToDo(boolean compressed) {
        byte[] content = images(COUNT);
        byte[] altered = content.clone();
        altered[500] ^= 1;
        Path file = write(dir, "images", compressed ? gzip(altered) : altered);
        IdxReader.Expected expected = expectedImages(content);
        String message = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, COUNT, null, expected)).getMessage();
        assertTrue(message.contains(file.toString()) && message.contains(sha256(altered))
                && message.contains(expected.sha256()) && message.contains("train-images-idx3-ubyte")
                && message.contains("Delete it and load again")
                && message.contains("apt-get install --reinstall dataset-fashion-mnist"), message);
    }

    @Test
    void corruptGzipData() {
        byte[] gz = gzip(images(COUNT));
        for (int i = 20; i < gz.length - 20; i += 7) {
            gz[i] ^= (byte) 0x5A;
        }
        Path file = write(dir, "images.gz", gz);
        FashionMnistException e = assertThrows(FashionMnistException.class,
                () -> IdxReader.readImages(file, COUNT, null, null));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
