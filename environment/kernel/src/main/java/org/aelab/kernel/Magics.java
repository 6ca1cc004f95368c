package org.aelab.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;

/**
 * Line magics: a cell line starting with {@code %}.
 * <ul>
 *   <li>{@code %classpath PATH...} (alias {@code %jars}): add jars, directories or globs
 *       ({@code lib/*.jar}) to the classpath;</li>
 *   <li>{@code %load FILE}: run a {@code .jsh} or {@code .java} file as if typed into the cell;</li>
 *   <li>{@code %maven GROUP:ARTIFACT:VERSION...}: resolve artifacts and their runtime dependencies
 *       with the local {@code mvn} and add them to the classpath;</li>
 *   <li>{@code %lsmagic}: list these.</li>
 * </ul>
 */
final class Magics {

    private static final List<String> NAMES = List.of("classpath", "jars", "load", "maven", "lsmagic");

    private final AelabKernel kernel;

    Magics(AelabKernel kernel) {
        this.kernel = kernel;
    }

    void run(String line, int lineNumber) throws CellError {
        if (line.startsWith("%%")) {
            throw fail("UnknownMagic", "Cell magics are not supported (cell line " + lineNumber + "): " + line
                    + ". Line magics: %" + String.join(", %", NAMES));
        }
        List<String> words = List.of(line.substring(1).strip().split("\\s+"));
        String name = words.get(0);
        List<String> args = words.subList(1, words.size()).stream().filter(s -> !s.isEmpty()).collect(Collectors.toList());
        switch (name) {
            case "classpath":
            case "jars":
                addClasspath(args);
                break;
            case "load":
                load(args);
                break;
            case "maven":
                maven(args);
                break;
            case "lsmagic":
                say("Line magics: %" + String.join(", %", NAMES) + "\n");
                break;
            default:
                throw fail("UnknownMagic", "Unknown magic %" + name + " on cell line " + lineNumber
                        + ". Available: %" + String.join(", %", NAMES));
        }
    }

    ReplacementOptions complete(String code, int at) {
        int begin = code.lastIndexOf('%', Math.max(0, at - 1));
        String typed = code.substring(begin + 1, at);
        if (typed.contains(" ")) {
            return null;
        }
        List<String> matches = NAMES.stream().filter(n -> n.startsWith(typed)).collect(Collectors.toList());
        return matches.isEmpty() ? null : new ReplacementOptions(matches, begin + 1, at);
    }

    private void addClasspath(List<String> args) throws CellError {
        if (args.isEmpty()) {
            throw fail("MagicError", "%classpath needs one or more jars, directories or globs, e.g. %classpath lib/*.jar");
        }
        int added = 0;
        for (String arg : args) {
            List<Path> paths = KernelStartup.resolveGlob(arg);
            if (paths.isEmpty()) {
                throw fail("MagicError", "%classpath: '" + arg + "' matches no file (relative paths start at "
                        + Path.of("").toAbsolutePath() + ")");
            }
            for (Path p : paths) {
                kernel.addToClasspath(p.toAbsolutePath());
                added++;
            }
        }
        say("Added " + added + (added == 1 ? " entry" : " entries") + " to the classpath.\n");
    }

    private void load(List<String> args) throws CellError {
        if (args.size() != 1) {
            throw fail("MagicError", "%load takes one file: %load path/to/helpers.jsh");
        }
        Path file = Path.of(args.get(0));
        String name = file.getFileName().toString();
        if (!name.endsWith(".jsh") && !name.endsWith(".java")) {
            throw fail("MagicError", "%load runs .jsh or .java files, not " + name);
        }
        if (!Files.isRegularFile(file)) {
            throw fail("MagicError", "%load: no file " + file.toAbsolutePath());
        }
        kernel.runFile(file);
    }

    private void maven(List<String> coordinates) throws CellError {
        if (coordinates.isEmpty() || coordinates.stream().anyMatch(c -> c.split(":").length < 3)) {
            throw fail("MagicError", "%maven takes GROUP:ARTIFACT:VERSION coordinates, e.g. %maven org.jsoup:jsoup:1.18.1");
        }
        try {
            Path dir = Files.createTempDirectory("aelab-maven");
            StringBuilder deps = new StringBuilder();
            for (String c : coordinates) {
                String[] p = c.split(":");
                deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                        .append("</artifactId><version>").append(p[p.length - 1]).append("</version></dependency>");
            }
            Files.writeString(dir.resolve("pom.xml"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                    + "<modelVersion>4.0.0</modelVersion><groupId>aelab.magic</groupId><artifactId>maven-magic</artifactId>"
                    + "<version>1</version><dependencies>" + deps + "</dependencies></project>", StandardCharsets.UTF_8);
            Path jars = dir.resolve("jars");
            Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", dir.resolve("pom.xml").toString(),
                    "dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=" + jars)
                    .redirectErrorStream(true).start();
            String log = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!mvn.waitFor(10, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
                throw fail("MavenError", "mvn could not resolve " + coordinates + ":\n" + log);
            }
            List<Path> found;
            try (Stream<Path> s = Files.list(jars)) {
                found = s.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
            }
            for (Path jar : found) {
                kernel.addToClasspath(jar);
            }
            say("Added " + found.size() + (found.size() == 1 ? " jar" : " jars") + " from Maven: " + found.stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(", ")) + "\n");
        } catch (IOException e) {
            throw fail("MavenError", "%maven needs the 'mvn' command on the kernel's PATH: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("Interrupted", "%maven was interrupted");
        }
    }

    private void say(String text) {
        kernel.output().text(PublishStream.StreamType.OUT, text);
    }

    private static CellError fail(String name, String message) {
        return new CellError(name, message, new ArrayList<>(List.of(name + ": " + message)));
    }
}
