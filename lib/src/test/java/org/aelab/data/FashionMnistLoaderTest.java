package org.aelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order, the in-memory reuse and downloads from a loopback HTTP server. */
class FashionMnistLoaderTest {

    private static final int TRAIN = 7;
    private static final int TEST = 3;

    @TempDir
    Path temp;

    private Path cache;
    private HttpServer server;
    private final Map<String, Response> responses = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    /** What the loopback server answers for one file. */
    private record Response(int status, byte[] body, int bytesToSend) {
        static Response ok(byte[] body) {
            return new Response(200, body, body.length);
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        cache = temp.resolve("cache");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String name = exchange.getRequestURI().getPath().replaceFirst("^/mirror/", "");
        Response response = responses.get(name);
        try (exchange) {
            if (response == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(response.status(), response.body().length);
            OutputStream out = exchange.getResponseBody();
            out.write(response.body(), 0, response.bytesToSend());
            out.flush();
            if (response.bytesToSend() < response.body().length) {
                // Promise the whole body, deliver part of it, then drop the connection.
                exchange.getHttpContext().getServer().stop(0);
            }
        } catch (IOException expectedWhenCutOff) {
            // the client sees the connection end early
        }
    }

    private URI mirror() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/");
    }

    private FashionMnist.Loader loader() {
        return FashionMnist.loader()
                .cacheDirectory(cache)
                .systemDirectory(null)
                .mirror(mirror())
                .keepInMemory(false)
                .timeout(Duration.ofSeconds(10))
                .checksums(SyntheticIdx.checksums(TRAIN, TEST));
    }

    private void serveGoodFiles() {
        responses.put("train-images-idx3-ubyte.gz", Response.ok(SyntheticIdx.gzip(SyntheticIdx.images(TRAIN))));
        responses.put("train-labels-idx1-ubyte.gz", Response.ok(SyntheticIdx.gzip(SyntheticIdx.labels(TRAIN))));
        responses.put("t10k-images-idx3-ubyte.gz", Response.ok(SyntheticIdx.gzip(SyntheticIdx.images(TEST))));
        responses.put("t10k-labels-idx1-ubyte.gz", Response.ok(SyntheticIdx.gzip(SyntheticIdx.labels(TEST))));
    }

    private List<String> filesIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertSynthetic(ImageSet set, int count) {
        assertEquals(count, set.size());
        for (int i = 0; i < count; i++) {
            assertEquals(SyntheticIdx.label(i), set.label(i));
            assertEquals(SyntheticIdx.pixel(i, 400) / 255f, set.pixel(i, 400 % 28, 400 / 28), 0f);
        }
    }

    @Test
    void loadsFromAGivenDirectory() {
        Path data = temp.resolve("data");
        SyntheticIdx.writeDataSet(data, TRAIN, TEST);
        ImageSet train = loader().directory(data).download(false).load(Split.TRAIN);
        ImageSet test = loader().directory(data).download(false).test();
        assertSynthetic(train, TRAIN);
        assertSynthetic(test, TEST);
        assertEquals("Fashion-MNIST train", train.description());
        assertEquals(0, requests.get());
    }

    @Test
    void readsUncompressedFilesToo() throws IOException {
        Path data = temp.resolve("raw");
        SyntheticIdx.write(data, "t10k-images-idx3-ubyte", SyntheticIdx.images(TEST));
        SyntheticIdx.write(data, "t10k-labels-idx1-ubyte", SyntheticIdx.labels(TEST));
        assertSynthetic(loader().directory(data).download(false).test(), TEST);
    }

    @Test
    void systemPropertyNamesTheDirectory() {
        Path data = temp.resolve("from-property");
        SyntheticIdx.writeDataSet(data, TRAIN, TEST);
        String before = System.getProperty(FashionMnist.DIRECTORY_PROPERTY);
        System.setProperty(FashionMnist.DIRECTORY_PROPERTY, data.toString());
        try {
            assertSynthetic(loader().download(false).test(), TEST);
        } finally {
            if (before == null) {
                System.clearProperty(FashionMnist.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(FashionMnist.DIRECTORY_PROPERTY, before);
            }
        }
    }

    @Test
    void givenDirectoryComesBeforeCacheAndCacheBeforeSystemDirectory() {
        Path given = temp.resolve("given");
        Path system = temp.resolve("system");
        SyntheticIdx.writeDataSet(given, TRAIN, TEST);
        SyntheticIdx.writeDataSet(cache, TRAIN, TEST);
        SyntheticIdx.writeDataSet(system, TRAIN, TEST);
        // Damage the copies that must not be read: loading succeeds only if the order is right.
        SyntheticIdx.write(cache, "t10k-labels-idx1-ubyte.gz", new byte[] {1, 2, 3});
        SyntheticIdx.write(system, "t10k-labels-idx1-ubyte.gz", new byte[] {1, 2, 3});
        SyntheticIdx.write(system, "t10k-images-idx3-ubyte.gz", new byte[] {1, 2, 3});
        assertSynthetic(loader().directory(given).systemDirectory(system).download(false).test(), TEST);

        SyntheticIdx.writeDataSet(cache, TRAIN, TEST);
        assertSynthetic(loader().directory(temp.resolve("empty")).systemDirectory(system).download(false).test(),
                TEST);
    }

    @Test
    void damagedLocalFileIsReportedNotSkipped() {
        Path data = temp.resolve("data");
        SyntheticIdx.writeDataSet(data, TRAIN, TEST);
        byte[] altered = SyntheticIdx.images(TEST);
        altered[100] ^= 1;
        Path damaged = SyntheticIdx.write(data, "t10k-images-idx3-ubyte.gz", SyntheticIdx.gzip(altered));
        serveGoodFiles();
        FashionMnistException e = assertThrows(FashionMnistException.class, () -> loader().directory(data).test());
        assertEquals(damaged, e.file().orElseThrow());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals(0, requests.get(), "a damaged file must not be silently replaced");
    }

    @Test
    void offlineWithNoDataListsEveryWayToGetIt() {
        FashionMnistException e = assertThrows(FashionMnistException.class,
                () -> loader().directory(temp.resolve("empty")).download(false).train());
        String message = e.getMessage();
        for (String part : List.of("train-labels-idx1-ubyte", temp.resolve("empty").toString(), cache.toString(),
                "Downloading is switched off", "apt-get install dataset-fashion-mnist",
                "-D" + FashionMnist.DIRECTORY_PROPERTY + "=DIR",
                FashionMnist.DIRECTORY_ENVIRONMENT_VARIABLE + "=DIR", mirror().toString())) {
            assertTrue(message.contains(part), "missing '" + part + "' in:\n" + message);
        }
    }

    @Test
    void unreachableMirrorListsEveryWayToGetIt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FashionMnistException e = assertThrows(FashionMnistException.class,
                () -> loader().mirror(URI.create("http://127.0.0.1:" + closedPort + "/")).train());
        assertTrue(e.getMessage().contains("Downloading http://127.0.0.1:" + closedPort
                + "/train-labels-idx1-ubyte.gz failed"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertEquals(List.of(), filesIn(cache));
    }

    @Test
    void downloadsIntoTheCacheAndThenUsesIt() throws IOException {
        serveGoodFiles();
        assertSynthetic(loader().train(), TRAIN);
        assertEquals(List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), filesIn(cache));
        assertEquals(2, requests.get());
        assertArrayEquals(responses.get("train-images-idx3-ubyte.gz").body(),
                Files.readAllBytes(cache.resolve("train-images-idx3-ubyte.gz")));

        server.stop(0);
        assertSynthetic(loader().train(), TRAIN);
        assertEquals(2, requests.get(), "the second load must come from the cache");
    }

    @Test
    void downloadsOnlyWhatIsMissing() throws IOException {
        serveGoodFiles();
        SyntheticIdx.write(cache, "t10k-labels-idx1-ubyte.gz", SyntheticIdx.gzip(SyntheticIdx.labels(TEST)));
        assertSynthetic(loader().test(), TEST);
        assertEquals(1, requests.get());
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"), filesIn(cache));
    }

    @Test
    void corruptDownloadLeavesNothingInTheCache() throws IOException {
        serveGoodFiles();
        byte[] altered = SyntheticIdx.labels(TRAIN);
        altered[9] = (byte) ((altered[9] + 1) % 10);
        responses.put("train-labels-idx1-ubyte.gz", Response.ok(SyntheticIdx.gzip(altered)));
        FashionMnistException e = assertThrows(FashionMnistException.class, () -> loader().train());
        assertTrue(e.getMessage().contains("Downloaded " + mirror() + "train-labels-idx1-ubyte.gz but it is not a"
                + " good copy") && e.getMessage().contains("nothing was saved"), e.getMessage());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals(List.of(), filesIn(cache));
    }

    @Test
    void truncatedDownloadLeavesNothingInTheCache() throws IOException {
        byte[] gz = SyntheticIdx.gzip(SyntheticIdx.labels(TRAIN));
        // A server that sends a short body with a matching length: only verification can notice.
        responses.put("train-labels-idx1-ubyte.gz", Response.ok(Arrays.copyOf(gz, gz.length - 12)));
        FashionMnistException e = assertThrows(FashionMnistException.class, () -> loader().train());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(List.of(), filesIn(cache));
    }

    @Test
    void droppedConnectionLeavesNothingInTheCache() throws IOException {
        byte[] gz = SyntheticIdx.gzip(SyntheticIdx.images(TRAIN));
        serveGoodFiles();
        responses.put("train-images-idx3-ubyte.gz", new Response(200, gz, gz.length / 2));
        FashionMnistException e = assertThrows(FashionMnistException.class, () -> loader().train());
        assertTrue(e.getMessage().contains("Downloading " + mirror() + "train-images-idx3-ubyte.gz failed"),
                e.getMessage());
        assertEquals(List.of("train-labels-idx1-ubyte.gz"), filesIn(cache),
                "only the label file, which arrived whole, may stay");
    }

    @Test
    void httpErrorLeavesNothingInTheCache() throws IOException {
        FashionMnistException e = assertThrows(FashionMnistException.class, () -> loader().test());
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(List.of(), filesIn(cache));
    }

    @Test
    void keepsLoadedSetsInMemoryUntilTheFilesChange() throws IOException {
        Path data = temp.resolve("data");
        SyntheticIdx.writeDataSet(data, TRAIN, TEST);
        FashionMnist.Loader loader = loader().directory(data).download(false).keepInMemory(true);
        ImageSet first = loader.test();
        assertSame(first, loader.test());
        assertNotSame(first, loader().directory(data).download(false).keepInMemory(false).test());

        Path labels = data.resolve("t10k-labels-idx1-ubyte.gz");
        Files.setLastModifiedTime(labels, FileTime.fromMillis(Files.getLastModifiedTime(labels).toMillis() - 60_000));
        ImageSet reloaded = loader.test();
        assertNotSame(first, reloaded);
        assertSynthetic(reloaded, TEST);
    }

    @Test
    void rejectsAMirrorThatIsNotHttp() {
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.loader().mirror(URI.create("ftp://x/")));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.loader().mirror(URI.create("/local")));
    }

    @Test
    void defaultCacheFollowsTheXdgConvention() {
        Path cacheDir = FashionMnist.defaultCacheDirectory();
        assertTrue(cacheDir.endsWith(Path.of("aelab", "fashion-mnist")), cacheDir.toString());
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path expectedBase = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        assertEquals(expectedBase.resolve("aelab/fashion-mnist"), cacheDir);
    }
}
