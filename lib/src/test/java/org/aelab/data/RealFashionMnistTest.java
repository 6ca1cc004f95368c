package org.aelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.aelab.notebook.ProjectPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real data set, from the byte-exact upstream copy and from the Debian package (whose gzip
 * headers differ); each test is skipped where its copy is absent.
 */
class RealFashionMnistTest {

    /** The byte-exact upstream files, beside the project in the team's shared folder. */
    private static final String UPSTREAM = "../shared/data/fashion-mnist";

    /** {@code directory}, a relative one resolved against the project root (not the working directory). */
    private static Path present(String directory) {
        Path dir = ProjectPaths.projectRoot().map(root -> root.resolve(directory)).orElse(Path.of(directory))
                .normalize();
        assumeTrue(Stream.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte").allMatch(name -> Files.isRegularFile(dir.resolve(name + ".gz"))),
                "Fashion-MNIST is not in " + dir);
        return dir;
    }

    private static FashionMnist.Loader from(Path dir, Path emptyCache) {
        return FashionMnist.loader().directory(dir).cacheDirectory(emptyCache).systemDirectory(null)
                .download(false);
    }

    @ParameterizedTest
    @ValueSource(strings = {UPSTREAM, FashionMnist.SYSTEM_DIRECTORY})
    void trainingSet(String directory, @TempDir Path cache) {
        ImageSet train = from(present(directory), cache).train();
        assertEquals(60_000, train.size());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(train.labels(), 10));
        assertEquals(0.2860, train.pixelMean(), 1e-4);
        int[] sixThousandEach = new int[10];
        Arrays.fill(sixThousandEach, 6000);
        assertArrayEquals(sixThousandEach, train.classCounts());
        assertEquals("Ankle boot", train.className(0));
        assertTrue(train.toString().contains("60000 images"), train.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {UPSTREAM, FashionMnist.SYSTEM_DIRECTORY})
    void testSet(String directory, @TempDir Path cache) {
        ImageSet test = from(present(directory), cache).test();
        assertEquals(10_000, test.size());
        int[] thousandEach = new int[10];
        Arrays.fill(thousandEach, 1000);
        assertArrayEquals(thousandEach, test.classCounts());
        assertEquals(9, test.label(0), "the first test image is an ankle boot");
    }

    @Test
    void defaultLookupFindsTheData() {
        // Only where a local copy exists: without one the default loader would try to download.
        assumeTrue(Stream.of(Path.of(FashionMnist.SYSTEM_DIRECTORY), FashionMnist.defaultCacheDirectory())
                .anyMatch(dir -> Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))
                        && Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz"))),
                "no local copy of the test set in the cache or the system directory");
        ImageSet test = FashionMnist.test();
        assertEquals(10_000, test.size());
        org.junit.jupiter.api.Assertions.assertSame(test, FashionMnist.test(), "kept in memory, so the same set comes back");
    }

    @Test
    void downloadsTheRealFilesFromALoopbackMirror(@TempDir Path cache) throws IOException {
        Path upstream = present(UPSTREAM);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                Path file = upstream.resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        try {
            ImageSet test = FashionMnist.loader().cacheDirectory(cache).systemDirectory(null)
                    .directory(cache.resolve("nothing-here")).keepInMemory(false)
                    .mirror(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .test();
            assertEquals(10_000, test.size());
        } finally {
            server.stop(0);
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertArrayEquals(Files.readAllBytes(upstream.resolve("t10k-images-idx3-ubyte.gz")),
                Files.readAllBytes(cache.resolve("t10k-images-idx3-ubyte.gz")));
    }
}
