package org.aelab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cds-launch.sh, the kernelspec's launcher: a class-data-sharing archive is used only with the
 * jar it was recorded from; a rebuilt jar starts without complaint, and the archive for it is
 * recorded in the background for the next start.
 */
class CdsArchiveIT {

    /** A JVM that loaded classes from the dynamic (top) archive logs them with this source. */
    private static final String FROM_ARCHIVE = "source: shared objects file (top)";

    @TempDir
    Path tmp;

    @Test
    void archiveIsKeyedToTheJarAndRecordedAgainAfterARebuild() throws Exception {
        Path launcher = KernelHarness.repoRoot().resolve("environment/kernel/cds-launch.sh");
        Path jar = Files.copy(Path.of(System.getProperty("aelab.kernel.jar")), tmp.resolve("aelab-kernel.jar"));
        Path dir = tmp.resolve("cds");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        run(List.of("bash", launcher.toString(), "--record", dir.toString(), java, "-Xmx512m", "-jar", jar.toString(),
                "--warm-up"), 600);
        List<Path> first = archives(dir);
        assertEquals(1, first.size(), "one archive after --record: " + first);

        String warm = start(launcher, dir, java, jar);
        assertTrue(warm.contains(FROM_ARCHIVE), "the recorded archive was not used:\n" + head(warm));

        // What mvn package does to the jar: same path, new modification time.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        String rebuilt = start(launcher, dir, java, jar);
        assertFalse(rebuilt.contains(FROM_ARCHIVE), head(rebuilt));
        assertFalse(rebuilt.contains("Unable to use shared archive") || rebuilt.contains("[warning][cds"),
                "a rebuilt jar met the old archive:\n" + head(rebuilt));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (archives(dir).equals(first) || archives(dir).size() != 1) {
            assertTrue(System.nanoTime() < deadline, "no archive recorded in the background: " + archives(dir)
                    + "\n" + (Files.exists(dir.resolve("recording.log")) ? Files.readString(dir.resolve("recording.log")) : ""));
            Thread.sleep(1000);
        }
        assertFalse(Files.exists(first.get(0)), "the old archive should be removed");
        String again = start(launcher, dir, java, jar);
        assertTrue(again.contains(FROM_ARCHIVE), "the new archive was not used:\n" + head(again));
    }

    /** Starts the kernel JVM through the launcher with a connection file that does not exist (it exits at once). */
    private String start(Path launcher, Path dir, String java, Path jar) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString(), dir.toString(), java, "-Xmx512m",
                "-Xlog:class+load=info", "-jar", jar.toString(), tmp.resolve("no-such-connection.json").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertTrue(out.contains("NoSuchFileException"), "expected the kernel to stop at the missing file:\n" + head(out));
        return out;
    }

    private static void run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
    }

    private static List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("kernel-.*\\.jsa")).sorted()
                    .collect(Collectors.toList());
        }
    }

    private static String head(String log) {
        return log.lines().filter(l -> !l.contains("source: jrt:/") && !l.contains("shared objects file"))
                .limit(40).collect(Collectors.joining("\n"));
    }
}
