package org.aelab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Prints how long loading Fashion-MNIST takes: the first load in a fresh JVM, repeated loads
 * (warm JIT and OS page cache), the same without checksums (the difference is what verification
 * costs), bare SHA-256 and gunzip of the training images, a load answered from memory, and the
 * conversion to an NDArray. Run it with
 *
 * <pre>
 * mvn -B -q -pl lib test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.aelab.data.FashionMnistLoadBenchmark [-Dexec.args=DIR]
 * </pre>
 *
 * where DIR holds the four files (default: the normal search order).
 */
public final class FashionMnistLoadBenchmark {

    private static final int REPEATS = 7;

    private FashionMnistLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        FashionMnist.Loader base = FashionMnist.loader().keepInMemory(false).download(false);
        if (args.length > 0) {
            base.directory(Path.of(args[0]));
        }
        long start = System.nanoTime();
        ImageSet first = base.load(Split.TRAIN);
        double cold = millis(start);
        System.out.printf(Locale.ROOT, "first load of train in this JVM (cold JIT): %8.1f ms  (%s)%n",
                cold, first.description());

        double[] verified = new double[REPEATS];
        double[] unverified = new double[REPEATS];
        FashionMnist.Loader noChecksums = FashionMnist.loader().keepInMemory(false).download(false)
                .verify(false);
        if (args.length > 0) {
            noChecksums.directory(Path.of(args[0]));
        }
        for (int i = 0; i < REPEATS; i++) {
            start = System.nanoTime();
            base.load(Split.TRAIN);
            verified[i] = millis(start);
            start = System.nanoTime();
            noChecksums.load(Split.TRAIN);
            unverified[i] = millis(start);
        }
        System.out.printf(Locale.ROOT, "warm load of train, verified:                %8.1f ms median (min %.1f)%n",
                median(verified), min(verified));
        System.out.printf(Locale.ROOT, "warm load of train, checksums skipped:       %8.1f ms median (min %.1f)%n",
                median(unverified), min(unverified));
        System.out.printf(Locale.ROOT, "verification cost (difference of medians):  %8.1f ms%n",
                median(verified) - median(unverified));

        Path images = locate(args, "train-images-idx3-ubyte.gz");
        if (images != null) {
            byte[] raw;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(images), 1 << 16)) {
                raw = in.readAllBytes();
            }
            double[] gunzip = new double[REPEATS];
            double[] sha = new double[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                start = System.nanoTime();
                try (InputStream in = new GZIPInputStream(Files.newInputStream(images), 1 << 16)) {
                    byte[] chunk = new byte[1 << 16];
                    while (in.read(chunk) >= 0) {
                        // only the time counts
                    }
                }
                gunzip[i] = millis(start);
                start = System.nanoTime();
                MessageDigest.getInstance("SHA-256").digest(raw);
                sha[i] = millis(start);
            }
            System.out.printf(Locale.ROOT, "gunzip of %s alone:   %8.1f ms median%n", images.getFileName(),
                    median(gunzip));
            System.out.printf(Locale.ROOT, "SHA-256 of its %.1f MB in memory:           %8.1f ms median (%.0f MB/s)%n",
                    raw.length / 1e6, median(sha), raw.length / 1e3 / median(sha));
        }

        FashionMnist.Loader kept = FashionMnist.loader().download(false);
        if (args.length > 0) {
            kept.directory(Path.of(args[0]));
        }
        kept.load(Split.TRAIN);
        start = System.nanoTime();
        ImageSet again = kept.load(Split.TRAIN);
        System.out.printf(Locale.ROOT, "load of train kept in memory:                %8.3f ms%n", millis(start));

        try (NDManager manager = NDManager.newBaseManager()) {
            double[] convert = new double[5];
            for (int i = 0; i < convert.length; i++) {
                start = System.nanoTime();
                NDArray array = again.toNDArray(manager);
                convert[i] = millis(start);
                array.close();
            }
            System.out.printf(Locale.ROOT, "toNDArray of train (60000 x 784):           %8.1f ms median%n",
                    median(convert));
        }
        System.out.println(again);
    }

    private static Path locate(String[] args, String name) {
        for (String dir : args.length > 0 ? new String[] {args[0]}
                : new String[] {FashionMnist.defaultCacheDirectory().toString(), FashionMnist.SYSTEM_DIRECTORY}) {
            Path file = Path.of(dir, name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }
}
