package org.aelab.notebook;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project keeps what notebooks produce (results, checkpoints): its {@code build/}
 * directory.
 *
 * <p>The directory is, in order: the system property {@code aelab.buildDir}, the environment
 * variable {@code AELAB_BUILD_DIR}, or {@code build/} under the project root, found by walking up
 * from the working directory to the first folder that holds both {@code pom.xml} and
 * {@code notebooks/} (a notebook's kernel runs in {@code notebooks/}). Outside the project it
 * falls back to {@code build/} in the working directory.
 */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    /** The project's build directory (not created). */
    public static Path buildDir() {
        Path configured = configured("aelab.buildDir", "AELAB_BUILD_DIR");
        return configured != null ? configured : buildDirAbove(Path.of("").toAbsolutePath());
    }

    /**
     * A directory named by the system property {@code property}, else by the environment variable
     * {@code variable}, else {@code name} inside {@link #buildDir()}.
     */
    public static Path configuredOr(String property, String variable, String name) {
        Path configured = configured(property, variable);
        return configured != null ? configured : resolve(name);
    }

    private static Path configured(String property, String variable) {
        for (String value : new String[] {System.getProperty(property), System.getenv(variable)}) {
            if (value != null && !value.isBlank()) {
                return Path.of(value).toAbsolutePath().normalize();
            }
        }
        return null;
    }

    static Path buildDirAbove(Path workingDir) {
        for (Path dir = workingDir; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("notebooks"))) {
                return dir.resolve("build");
            }
        }
        return workingDir.resolve("build");
    }

    /** A sub-directory of {@link #buildDir()}, e.g. {@code resolve("results")}. */
    public static Path resolve(String first, String... more) {
        return buildDir().resolve(Path.of(first, more));
    }
}
