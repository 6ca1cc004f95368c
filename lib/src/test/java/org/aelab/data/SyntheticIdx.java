package org.aelab.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Small IDX files made up for tests: known pixels and labels, with their SHA-256. */
final class SyntheticIdx {

    private SyntheticIdx() {
    }

    /** The byte value of pixel {@code p} of image {@code i}. */
    static int pixel(int i, int p) {
        return (i * 31 + p * 7) % 256;
    }

    /** The label of image {@code i}. */
    static int label(int i) {
        return (i * 3) % 10;
    }

    static byte[] images(int count) {
        return images(count, IdxReader.IMAGES_MAGIC, 28, 28);
    }

    static byte[] images(int count, int magic, int rows, int columns) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * columns);
        buffer.putInt(magic).putInt(count).putInt(rows).putInt(columns);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * columns; p++) {
                buffer.put((byte) pixel(i, p));
            }
        }
        return buffer.array();
    }

    static byte[] labels(int count) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + count);
        buffer.putInt(IdxReader.LABELS_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) {
            buffer.put((byte) label(i));
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path directory, String name, byte[] content) {
        try {
            Files.createDirectories(directory);
            return Files.write(directory.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a complete synthetic data set (gzip) and returns the checksum table for it. */
    static Map<String, String> writeDataSet(Path directory, int trainCount, int testCount) {
        byte[] trainImages = images(trainCount);
        byte[] trainLabels = labels(trainCount);
        byte[] testImages = images(testCount);
        byte[] testLabels = labels(testCount);
        write(directory, "train-images-idx3-ubyte.gz", gzip(trainImages));
        write(directory, "train-labels-idx1-ubyte.gz", gzip(trainLabels));
        write(directory, "t10k-images-idx3-ubyte.gz", gzip(testImages));
        write(directory, "t10k-labels-idx1-ubyte.gz", gzip(testLabels));
        return checksums(trainCount, testCount);
    }

    static Map<String, String> checksums(int trainCount, int testCount) {
        return Map.of(
                "train-images-idx3-ubyte", sha256(images(trainCount)),
                "train-labels-idx1-ubyte", sha256(labels(trainCount)),
                "t10k-images-idx3-ubyte", sha256(images(testCount)),
                "t10k-labels-idx1-ubyte", sha256(labels(testCount)));
    }
}
