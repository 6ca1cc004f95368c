package org.aelab.kernel;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where JShell's documentation lookup (Shift-Tab) reads javadoc: the JDK's own {@code lib/src.zip}
 * (Debian: openjdk-17-source), plus the sources of the notebook's libraries (DJL, Tablesaw, the
 * helper jar) that the build puts beside the kernel and the kernelspec names in
 * {@code AELAB_KERNEL_SOURCES}.
 *
 * <p>JShell looks only at the JDK's sources. Its analysis keeps the list in a static field meant
 * for its own tests; the kernel sets that field, with the JDK's sources first, before the first
 * lookup. The kernel jar's manifest opens {@code jdk.jshell} for this ({@code Add-Opens}); on a
 * JDK without the field the kernel documents the JDK only, and says why in Jupyter's log.
 */
final class DocSources {

    private DocSources() {
    }

    /** Adds {@code librarySources} (source jars or directories); returns null, or why they are not used. */
    static String install(List<Path> librarySources) {
        if (librarySources.isEmpty()) {
            return null;
        }
        List<Path> roots = new ArrayList<>(jdkSources());
        roots.addAll(librarySources);
        try {
            Field override = Class.forName("jdk.jshell.SourceCodeAnalysisImpl").getDeclaredField("availableSourcesOverride");
            override.setAccessible(true);
            override.set(null, List.copyOf(roots));
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "library javadoc is not shown on Shift-Tab: this JDK's JShell cannot be given more sources (" + e + ")";
        }
    }

    /**
     * The JDK's sources as JShell finds them: {@code lib/src.zip}, whose module directories
     * ({@code java.base/}, ...) are the source roots; none when the JDK has no sources.
     */
    static List<Path> jdkSources() {
        Path home = Path.of(System.getProperty("java.home"));
        Path zip = home.resolve("lib").resolve("src.zip");
        if (!Files.isReadable(zip)) {
            zip = home.getParent().resolve("src.zip");
        }
        if (!Files.isReadable(zip)) {
            return List.of();
        }
        List<Path> roots = new ArrayList<>();
        try {
            // Kept open for the kernel's lifetime: the lookups read from it.
            FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of());
            Path root = fs.getRootDirectories().iterator().next();
            if (Files.exists(root.resolve("java/lang/Object.java"))) {
                roots.add(zip);
            } else {
                try (DirectoryStream<Path> modules = Files.newDirectoryStream(root, Files::isDirectory)) {
                    modules.forEach(roots::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return roots;
    }
}
