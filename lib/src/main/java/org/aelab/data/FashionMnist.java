package org.aelab.data;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.aelab.notebook.Settings;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 70,000 grey 28 x 28 pictures of Zalando
 * articles in ten classes, 60,000 for training and 10,000 for testing.
 *
 * <pre>{@code
 * ImageSet train = FashionMnist.train();
 * ImageSet test = FashionMnist.test();
 * ImageSet mine = FashionMnist.loader().directory(Path.of("data")).download(false).load(Split.TEST);
 * }</pre>
 *
 * <p>Each of the four IDX files ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, gzip-compressed with a
 * {@code .gz} suffix or raw) is looked for, in this order, in
 * <ol>
 *   <li>the directory given by {@link Loader#directory}, or else by the setting
 *       {@code FASHION_MNIST_DIR}: the system property {@value #DIRECTORY_PROPERTY} or the
 *       environment variable {@value #DIRECTORY_ENVIRONMENT_VARIABLE} (see
 *       {@link org.aelab.notebook.Settings}; a relative path is relative to the project root);</li>
 *   <li>the user cache, {@link #defaultCacheDirectory()}:
 *       {@code $XDG_CACHE_HOME/aelab/fashion-mnist}, or {@code ~/.cache/aelab/fashion-mnist};</li>
 *   <li>{@value #SYSTEM_DIRECTORY}, where the Debian package {@code dataset-fashion-mnist}
 *       installs them.</li>
 * </ol>
 * A file found nowhere is downloaded from {@link #DEFAULT_MIRROR} into the cache: to a temporary
 * file that is renamed into place only after it has been verified, so a failed or damaged download
 * never leaves a file behind.
 *
 * <p>Every file is verified against the SHA-256 of its decompressed content while it is decoded
 * (one pass, no second read), which also accepts copies recompressed with other gzip headers, like
 * Debian's. Problems raise a {@link FashionMnistException} that names the file, says what is wrong
 * and what to do.
 *
 * <p>A loaded set is kept in memory (softly, so the garbage collector may drop it when memory runs
 * low) and loading the same unchanged files again returns it at once.
 */
public final class FashionMnist {

    /** The class names, indexed by label: "T-shirt/top" is label 0, "Ankle boot" label 9. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** System property naming a directory that holds the four files; searched first. */
    public static final String DIRECTORY_PROPERTY = "aelab.fashion_mnist_dir";

    /** Environment variable naming a directory that holds the four files; used when the property is unset. */
    public static final String DIRECTORY_ENVIRONMENT_VARIABLE = "AELAB_FASHION_MNIST_DIR";

    /** The {@link Settings} name of the directory searched first. */
    private static final String SETTING = "FASHION_MNIST_DIR";

    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final String SYSTEM_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    /** The canonical Fashion-MNIST download location. */
    public static final URI DEFAULT_MIRROR =
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /** SHA-256 of each file's decompressed content, as published with the data set. */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private static final Map<String, SoftReference<ImageSet>> LOADED = new ConcurrentHashMap<>();

    private FashionMnist() {
    }

    /** The 60,000 training images, found, downloaded if need be, and verified as described above. */
    public static ImageSet train() {
        return loader().load(Split.TRAIN);
    }

    /** The 10,000 test images, found, downloaded if need be, and verified as described above. */
    public static ImageSet test() {
        return loader().load(Split.TEST);
    }

    /** A loader with the default search order, which its methods change. */
    public static Loader loader() {
        return new Loader();
    }

    /**
     * The user cache for downloaded files: {@code $XDG_CACHE_HOME/aelab/fashion-mnist} when
     * {@code XDG_CACHE_HOME} is an absolute path, else {@code ~/.cache/aelab/fashion-mnist}.
     */
    public static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("aelab").resolve("fashion-mnist");
    }

    /**
     * Loads Fashion-MNIST with options. Every method returns this loader, so calls chain:
     * {@code FashionMnist.loader().directory(dir).download(false).load(Split.TRAIN)}.
     */
    public static final class Loader {

        private Path directory;
        private Path cacheDirectory;
        private Path systemDirectory = Path.of(SYSTEM_DIRECTORY);
        private URI mirror = DEFAULT_MIRROR;
        private boolean download = true;
        private boolean keepInMemory = true;
        private boolean verify = true;
        private Map<String, String> checksums = SHA256;
        private Duration timeout = Duration.ofSeconds(30);

        private Loader() {
        }

        /**
         * Looks in {@code directory} first, instead of the directory named by the system property or
         * environment variable. Files missing there are still looked for in the cache and the system
         * directory.
         */
        public Loader directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Uses {@code cacheDirectory} instead of {@link #defaultCacheDirectory()}, for lookup and downloads. */
        public Loader cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
            return this;
        }

        /**
         * Downloads from {@code mirror} (an http or https URI of a directory holding the four
         * {@code .gz} files) instead of {@link #DEFAULT_MIRROR}.
         */
        public Loader mirror(URI mirror) {
            Objects.requireNonNull(mirror, "mirror");
            String scheme = mirror.getScheme() == null ? "" : mirror.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("mirror must be an http or https URI, got " + mirror);
            }
            String text = mirror.toString();
            this.mirror = text.endsWith("/") ? mirror : URI.create(text + "/");
            return this;
        }

        /** Whether a file found in no directory may be downloaded; true by default. */
        public Loader download(boolean allowed) {
            this.download = allowed;
            return this;
        }

        /**
         * Whether to keep loaded sets in memory and hand back the same set when the same unchanged
         * files are loaded again; true by default.
         */
        public Loader keepInMemory(boolean keep) {
            this.keepInMemory = keep;
            return this;
        }

        /** Replaces the system directory; null leaves it out. For tests, which must not see it. */
        Loader systemDirectory(Path systemDirectory) {
            this.systemDirectory = systemDirectory;
            return this;
        }

        /** Replaces the expected SHA-256 table. For tests with small synthetic files. */
        Loader checksums(Map<String, String> checksums) {
            this.checksums = Map.copyOf(checksums);
            return this;
        }

        /** Switches verification off. Only for measuring what verification costs. */
        Loader verify(boolean verify) {
            this.verify = verify;
            return this;
        }

        /** How long to wait for the mirror to connect and to start answering (30 s by default). */
        Loader timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** The training set. */
        public ImageSet train() {
            return load(Split.TRAIN);
        }

        /** The test set. */
        public ImageSet test() {
            return load(Split.TEST);
        }

        /**
         * Loads one split: finds (or downloads) and verifies its two files and decodes them.
         *
         * @throws FashionMnistException if a file is missing everywhere and cannot be downloaded, or
         *                               is damaged or not Fashion-MNIST
         */
        public ImageSet load(Split split) {
            Objects.requireNonNull(split, "split");
            List<Place> places = places();
            Path labelsFile = find(split.labelsFileName(), places);
            Path imagesFile = find(split.imagesFileName(), places);
            String key = keepInMemory && labelsFile != null && imagesFile != null
                    ? memoryKey(split, labelsFile, imagesFile) : null;
            if (key != null) {
                SoftReference<ImageSet> kept = LOADED.get(key);
                ImageSet set = kept == null ? null : kept.get();
                if (set != null) {
                    return set;
                }
            }

            byte[] labels = obtain(split.labelsFileName(), labelsFile, places,
                    file -> IdxReader.readLabels(file, CLASS_NAMES.size(), expected(split.labelsFileName())));
            Path labelsSource = labelsFile != null ? labelsFile : find(split.labelsFileName(), places);
            float[] pixels = obtain(split.imagesFileName(), imagesFile, places,
                    file -> IdxReader.readImages(file, labels.length, labelsSource,
                            expected(split.imagesFileName())));

            int[] labelValues = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                labelValues[i] = labels[i];
            }
            ImageSet set = ImageSet.adopt(pixels, labelValues, CLASS_NAMES, "Fashion-MNIST " + split);
            if (keepInMemory) {
                Path finalLabels = find(split.labelsFileName(), places);
                Path finalImages = find(split.imagesFileName(), places);
                if (finalLabels != null && finalImages != null) {
                    LOADED.put(memoryKey(split, finalLabels, finalImages), new SoftReference<>(set));
                }
            }
            return set;
        }

        private IdxReader.Expected expected(String name) {
            if (!verify) {
                return null;
            }
            String sha = checksums.get(name);
            if (sha == null) {
                throw new IllegalStateException("no checksum for " + name);
            }
            return new IdxReader.Expected(name, sha);
        }

        /** A directory to search and why it is searched, for messages. */
        private record Place(Path directory, String origin) {
        }

        private List<Place> places() {
            List<Place> places = new ArrayList<>();
            if (directory != null) {
                places.add(new Place(directory, "given to loader().directory(...)"));
            } else {
                Settings.lookup(SETTING).ifPresent(value -> places.add(new Place(
                        Settings.directory(SETTING).orElseThrow(), "setting " + value.source())));
            }
            places.add(new Place(cache(), "user cache"));
            if (systemDirectory != null) {
                places.add(new Place(systemDirectory, "Debian package dataset-fashion-mnist"));
            }
            return places;
        }

        private Path cache() {
            return cacheDirectory != null ? cacheDirectory : defaultCacheDirectory();
        }

        private static Path find(String name, List<Place> places) {
            for (Place place : places) {
                for (String candidate : List.of(name + ".gz", name)) {
                    Path file = place.directory().resolve(candidate);
                    if (Files.isRegularFile(file)) {
                        return file;
                    }
                }
            }
            return null;
        }

        private String memoryKey(Split split, Path labelsFile, Path imagesFile) {
            return split + "|" + verify + "|" + new TreeMap<>(checksums) + "|" + fingerprint(labelsFile)
                    + "|" + fingerprint(imagesFile);
        }

        private static String fingerprint(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return file.toRealPath() + ":" + attributes.size() + ":" + attributes.lastModifiedTime();
            } catch (IOException e) {
                // Unreadable now: never matches, so the load below reports the real problem.
                return file + ":unreadable:" + System.nanoTime();
            }
        }

        private <T> T obtain(String name, Path found, List<Place> places, Function<Path, T> reader) {
            if (found != null) {
                return reader.apply(found);
            }
            if (!download) {
                throw unavailable(name, places, "Downloading is switched off (loader().download(false)).",
                        null);
            }
            return download(name, places, reader);
        }

        private <T> T download(String name, List<Place> places, Function<Path, T> reader) {
            Path cache = cache();
            URI uri = mirror.resolve(name + ".gz");
            Path target = cache.resolve(name + ".gz");
            Path partial = null;
            try {
                Files.createDirectories(cache);
                partial = Files.createTempFile(cache, "." + name + ".gz.", ".part");
                System.err.println("Downloading " + uri + " to " + cache + " ...");
                HttpClient client = HttpClient.newBuilder()
                        .proxy(ProxySelector.getDefault())
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
                HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() != 200) {
                    throw new IOException("the server answered HTTP " + response.statusCode());
                }
                T value;
                try {
                    value = reader.apply(partial);
                } catch (FashionMnistException e) {
                    throw new FashionMnistException("Downloaded " + uri + " but it is not a good copy of "
                            + name + ", so nothing was saved in " + cache + ". " + e.getMessage()
                                    .replace(partial.toString(), "The download"), target, e);
                }
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                partial = null;
                return value;
            } catch (IOException e) {
                throw unavailable(name, places, "Downloading " + uri + " failed: " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(name, places, "Downloading " + uri + " was interrupted.", e);
            } finally {
                if (partial != null) {
                    try {
                        Files.deleteIfExists(partial);
                    } catch (IOException e) {
                        System.err.println("Could not delete the partial download " + partial + ": " + e);
                    }
                }
            }
        }

        private String describe(IOException e) {
            String detail = null;
            for (Throwable t = e; t != null && detail == null; t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    detail = t.getMessage();
                }
            }
            String text = e.getClass().getSimpleName() + (detail == null ? "" : ": " + detail);
            if (e instanceof HttpTimeoutException) {
                return text + " (no answer within " + timeout.toSeconds() + " s)";
            }
            if (e instanceof ConnectException || e instanceof UnknownHostException
                    || e.getCause() instanceof UnresolvedAddressException) {
                return text + " (no connection to the server: offline, or a proxy is needed? Java uses"
                        + " -Dhttp.proxyHost/-Dhttp.proxyPort, not the http_proxy variable)";
            }
            return text;
        }

        private FashionMnistException unavailable(String name, List<Place> places, String downloadProblem,
                Throwable cause) {
            StringBuilder text = new StringBuilder("Fashion-MNIST file ").append(name)
                    .append(".gz (or ").append(name).append(") was not found. Looked in:\n");
            for (Place place : places) {
                text.append("  ").append(place.directory()).append("  (").append(place.origin()).append(")\n");
            }
            text.append(downloadProblem).append('\n')
                    .append("Any one of these gets the data:\n")
                    .append("  1. Install the Debian package: sudo apt-get install dataset-fashion-mnist\n")
                    .append("  2. Put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
                            + " t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; gzip or raw) in a"
                            + " directory DIR and run Java with -D").append(DIRECTORY_PROPERTY)
                    .append("=DIR or set the environment variable ").append(DIRECTORY_ENVIRONMENT_VARIABLE)
                    .append("=DIR\n")
                    .append("  3. Connect to the internet and load again: the files are downloaded from ")
                    .append(mirror).append(" into ").append(cache());
            return new FashionMnistException(text.toString(), null, cause);
        }
    }
}
