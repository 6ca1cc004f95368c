package org.aelab.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (LeCun's format for MNIST, used unchanged by Fashion-MNIST), gzip-compressed or
 * raw. Checks the structure, decodes and computes the SHA-256 of the decompressed bytes in the same
 * single pass, so verification costs no second read of the file.
 */
final class IdxReader {

    static final int LABELS_MAGIC = 0x00000801;
    static final int IMAGES_MAGIC = 0x00000803;
    static final int ROWS = 28;
    static final int COLUMNS = 28;
    static final int PIXELS = ROWS * COLUMNS;

    /** More items than any MNIST-style file has; a header that claims more is damaged. */
    static final int MAX_COUNT = 1_000_000;

    private static final int CHUNK = 1 << 16;
    private static final float[] PIXEL_VALUE = new float[256];

    static {
        for (int i = 0; i < PIXEL_VALUE.length; i++) {
            PIXEL_VALUE[i] = i / 255f;
        }
    }

    private IdxReader() {
    }

    /** What a file must contain: its Fashion-MNIST name and the SHA-256 of its decompressed bytes. */
    record Expected(String name, String sha256) {
    }

    /**
     * Decodes an image file into one flat array of {@code count * 784} values in [0, 1].
     *
     * @param expectedCount the number of labels already read for this split, or -1 to accept any
     * @param labelsFile    the file that count came from, named when the two disagree
     * @param expected      the content it must have; {@code null} skips the checksum
     */
    static float[] readImages(Path file, int expectedCount, Path labelsFile, Expected expected) {
        try (Source in = Source.open(file)) {
            // The magic number first, so that a short file of the wrong kind is named for what it is.
            int magic = intAt(in.header(4, "16-byte IDX image header"), 0);
            if (magic != IMAGES_MAGIC) {
                throw wrongMagic(file, magic, IMAGES_MAGIC, "image");
            }
            byte[] header = in.header(12, "16-byte IDX image header");
            int count = intAt(header, 0);
            int rows = intAt(header, 4);
            int columns = intAt(header, 8);
            if (count < 0 || rows != ROWS || columns != COLUMNS) {
                throw new FashionMnistException(String.format(
                        "%s has a header for %d images of %d x %d pixels; Fashion-MNIST has images of"
                                + " %d x %d pixels. The file is damaged or is not Fashion-MNIST.",
                        file, count, rows, columns, ROWS, COLUMNS), file);
            }
            if (expectedCount >= 0 && count != expectedCount) {
                throw new FashionMnistException(String.format(
                        "%s holds %d images but %s holds %d labels; images and labels must come from"
                                + " the same split (train-* or t10k-*).",
                        file, count, labelsFile, expectedCount), file);
            }
            if (count > MAX_COUNT) {
                throw tooMany(file, count, "images");
            }
            int total = count * PIXELS;
            float[] pixels = new float[total];
            byte[] chunk = new byte[CHUNK];
            int done = 0;
            while (done < pixels.length) {
                int want = Math.min(CHUNK, pixels.length - done);
                int got = in.read(chunk, want);
                for (int i = 0; i < got; i++) {
                    pixels[done + i] = PIXEL_VALUE[chunk[i] & 0xFF];
                }
                done += got;
                if (got < want) {
                    throw truncated(file, in, String.format(
                            "its header promises %d images (%d bytes of pixels) but it holds only %d"
                                    + " bytes of pixels (%d whole images)",
                            count, total, done, done / PIXELS));
                }
            }
            in.finish(count + " images");
            verify(file, in, expected);
            return pixels;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Decodes a label file.
     *
     * @param classCount labels must lie in {@code 0 .. classCount - 1}
     * @param expected   the content it must have; {@code null} skips the checksum
     */
    static byte[] readLabels(Path file, int classCount, Expected expected) {
        try (Source in = Source.open(file)) {
            int magic = intAt(in.header(4, "8-byte IDX label header"), 0);
            if (magic != LABELS_MAGIC) {
                throw wrongMagic(file, magic, LABELS_MAGIC, "label");
            }
            int count = intAt(in.header(4, "8-byte IDX label header"), 0);
            if (count < 0 || count > MAX_COUNT) {
                throw tooMany(file, count, "labels");
            }
            byte[] labels = new byte[count];
            int got = in.read(labels, count);
            if (got < count) {
                throw truncated(file, in, String.format(
                        "its header promises %d labels but it holds only %d", count, got));
            }
            in.finish(count + " labels");
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= classCount) {
                    throw new FashionMnistException(String.format(
                            "%s: label %d of image %d is outside 0..%d; the file is damaged or is not"
                                    + " Fashion-MNIST.",
                            file, labels[i] & 0xFF, i, classCount - 1), file);
                }
            }
            verify(file, in, expected);
            return labels;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static void verify(Path file, Source in, Expected expected) {
        if (expected == null) {
            return;
        }
        String actual = HexFormat.of().formatHex(in.digest.digest());
        if (!actual.equalsIgnoreCase(expected.sha256())) {
            throw new FashionMnistException(String.format(
                    "%s does not hold Fashion-MNIST's %s: the SHA-256 of its decompressed content is"
                            + " %s, expected %s. The file is damaged or comes from another data set"
                            + " with the same file names (the MNIST digits use identical names)."
                            + " Delete it and load again, which finds or downloads a good copy, or"
                            + " reinstall the Debian package: apt-get install --reinstall"
                            + " dataset-fashion-mnist.",
                    file, expected.name(), actual, expected.sha256()), file);
        }
    }

    private static int intAt(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16)
                | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }

    private static FashionMnistException wrongMagic(Path file, int magic, int expected, String kind) {
        String hint = "";
        if (magic == IMAGES_MAGIC) {
            hint = " It looks like an image file; are the image and label files swapped?";
        } else if (magic == LABELS_MAGIC) {
            hint = " It looks like a label file; are the image and label files swapped?";
        }
        return new FashionMnistException(String.format(
                "%s is not an IDX %s file: its magic number is 0x%08X, expected 0x%08X.%s",
                file, kind, magic, expected, hint), file);
    }

    private static FashionMnistException tooMany(Path file, int count, String what) {
        // Checked before allocating, so a damaged header cannot exhaust the memory.
        return new FashionMnistException(String.format("%s has a header for %d %s; Fashion-MNIST files hold"
                + " at most 60000, so the file is damaged or is not Fashion-MNIST.", file, count, what), file);
    }

    private static FashionMnistException truncated(Path file, Source in, String detail) {
        return new FashionMnistException(file + " is truncated: " + detail + "."
                + (in.gzip ? " Its gzip stream ends early, so the download or copy was probably"
                        + " interrupted." : "")
                + " Delete it and load again, or copy it again.", file);
    }

    private static FashionMnistException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new FashionMnistException(file + " does not exist.", file, e);
        }
        if (e instanceof ZipException) {
            return new FashionMnistException(file + " is not a valid gzip file (" + e.getMessage()
                    + "); it is damaged. Delete it and load again.", file, e);
        }
        return new FashionMnistException(file + " could not be read: " + e, file, e);
    }

    /** The decompressed bytes of a file, counted and hashed as they are read. */
    private static final class Source implements Closeable {
        private final InputStream in;
        private final MessageDigest digest;
        private final boolean gzip;
        private final Path file;
        private long position;

        private Source(InputStream in, boolean gzip, Path file) {
            this.in = in;
            this.gzip = gzip;
            this.file = file;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        static Source open(Path file) throws IOException {
            BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
            try {
                // Decide by content, not by name: a raw file called .gz (or the reverse) still works.
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                InputStream in = gzip ? new GZIPInputStream(raw, CHUNK) : raw;
                return new Source(in, gzip, file);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        /** Reads up to {@code length} bytes into {@code buffer}; fewer only at the end of the data. */
        int read(byte[] buffer, int length) throws IOException {
            int got = 0;
            try {
                while (got < length) {
                    int n = in.read(buffer, got, length - got);
                    if (n < 0) {
                        break;
                    }
                    got += n;
                }
            } catch (EOFException e) {
                // GZIPInputStream reports a cut-off stream this way; keep what it decoded so far.
            }
            digest.update(buffer, 0, got);
            position += got;
            return got;
        }

        byte[] header(int length, String what) throws IOException {
            byte[] header = new byte[length];
            int got = read(header, length);
            if (got < length) {
                throw new FashionMnistException(file + " is truncated: it ends after " + position
                        + " bytes, inside the " + what + "."
                        + (position == 0 ? " The file is empty." : "")
                        + " Delete it and load again, or copy it again.", file);
            }
            return header;
        }

        /** Checks that nothing follows the data the header promised. */
        void finish(String what) throws IOException {
            byte[] extra = new byte[1];
            if (read(extra, 1) > 0) {
                throw new FashionMnistException(file + " has more data after the " + what
                        + " its header promises; it is damaged or is not a Fashion-MNIST file.", file);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
