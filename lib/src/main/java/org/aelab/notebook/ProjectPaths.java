package org.aelab.notebook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the project is and where it keeps what notebooks produce (results, checkpoints).
 *
 * <p>The project root is the first folder, walking up from the working directory, that holds both
 * {@code pom.xml} and {@code notebooks/} (a notebook's kernel runs in {@code notebooks/}, Maven's
 * tests in {@code lib/}). The build directory is the setting {@code BUILD_DIR} (see
 * {@link Settings}: {@code AELAB_BUILD_DIR} or {@code -Daelab.build_dir}), else {@code build/}
 * under the project root, else {@code build/} in the working directory outside the project.
 */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    /** The project root, if the working directory lies inside the project. */
    public static Optional<Path> projectRoot() {
        return projectRootAbove(Path.of("").toAbsolutePath());
    }

    /** The project's build directory (not created). */
    public static Path buildDir() {
        return Settings.directory("BUILD_DIR").orElseGet(() -> buildDirAbove(Path.of("").toAbsolutePath()));
    }

    /**
     * The directory named by the setting {@code setting} (e.g. {@code RESULTS_DIR}), else
     * {@code name} inside {@link #buildDir()}.
     */
    public static Path directory(String setting, String name) {
        return Settings.directory(setting).orElseGet(() -> resolve(name));
    }

    /** A sub-directory of {@link #buildDir()}, e.g. {@code resolve("results")}. */
    public static Path resolve(String first, String... more) {
        return buildDir().resolve(Path.of(first, more));
    }

    /**
     * {@code path} as a reader should see it: relative to the project root when it lies inside the
     * project (so no page shows the layout of the machine that built it), else unchanged.
     */
    public static Path shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return projectRoot().filter(absolute::startsWith).map(root -> root.relativize(absolute)).orElse(path);
    }

    static Optional<Path> projectRootAbove(Path workingDir) {
        for (Path dir = workingDir; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("notebooks"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    static Path buildDirAbove(Path workingDir) {
        return projectRootAbove(workingDir).orElse(workingDir).resolve("build");
    }
}
