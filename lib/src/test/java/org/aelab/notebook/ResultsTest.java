package org.aelab.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class ResultsTest {

    @TempDir
    Path buildDir;

    @AfterEach
    void clearProperty() {
        System.clearProperty("aelab.build_dir");
        System.clearProperty("aelab.results_dir");
        System.clearProperty("aelab.test_results_knob");
    }

    @Test
    void resultsDirectoryPropertyWinsOverTheBuildDirectory() {
        System.setProperty("aelab.build_dir", buildDir.toString());
        assertEquals(buildDir.resolve("results"), Results.directory());
        System.setProperty("aelab.results_dir", buildDir.resolve("elsewhere").toString());
        assertEquals(buildDir.resolve("elsewhere"), Results.directory());
    }

    @Test
    void writesTheDocumentedSchema() throws Exception {
        System.setProperty("aelab.build_dir", buildDir.toString());
        Path file = Results.forNotebook("02-autoencoder")
                .model("Dense AE")
                .metric("test_sse_per_image", 7.8)
                .metric("test_bce_per_pixel", 0.273)
                .epochSeconds(List.of(1.5, 2.5))
                .model("PCA k=20")
                .metric("test_sse_per_image", 14.66)
                .totalSeconds(1.9)
                .save();

        assertEquals(buildDir.resolve("results/02-autoencoder.json"), file);
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals("02-autoencoder", json.get("notebook").getAsString());
        JsonObject ae = json.getAsJsonObject("models").getAsJsonObject("Dense AE");
        assertEquals(7.8, ae.getAsJsonObject("metrics").get("test_sse_per_image").getAsDouble());
        assertEquals(2, ae.get("epochs").getAsInt());
        assertEquals(4.0, ae.get("total_seconds").getAsDouble());
        assertEquals(2, ae.getAsJsonArray("epoch_seconds").size());
        JsonObject pca = json.getAsJsonObject("models").getAsJsonObject("PCA k=20");
        assertEquals(0, pca.get("epochs").getAsInt());
        assertEquals(1.9, pca.get("total_seconds").getAsDouble());
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }
        // Published with the site, so readable like a file created there the ordinary way.
        Path ordinary = Files.writeString(buildDir.resolve("ordinary.txt"), "x");
        // (The file system's views, not Files.getFileStore: that fails in a chroot, whose mounts
        // /proc/mounts does not list.)
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(file));
        }
    }

    @Test
    void compareReadsSavedModelsAndLeavesMissingOnesEmpty() {
        System.setProperty("aelab.build_dir", buildDir.toString());
        Results.forNotebook("01-pca").model("PCA k=20").metric("test_sse_per_image", 14.66)
                .metric("explained_variance", 0.785).save();
        Results.forNotebook("02-autoencoder").model("AE").metric("test_sse_per_image", 7.8)
                .metric("test_bce_per_pixel", 0.273).series("test loss", List.of(0.3, 0.28)).save();

        Table table = Results.compare("01-pca/PCA k=20", "02-autoencoder/AE", "03-vae/VAE");

        assertEquals(List.of("model", "SSE/img", "BCE/pixel", "explained variance", "settings"), table.columnNames());
        assertEquals(List.of("PCA k=20", "AE", "VAE"), table.stringColumn("model").asList());
        assertEquals(14.66, table.doubleColumn("SSE/img").get(0));
        assertEquals(7.8, table.doubleColumn("SSE/img").get(1));
        assertTrue(table.doubleColumn("BCE/pixel").isMissing(0));
        assertTrue(table.doubleColumn("SSE/img").isMissing(2));
        assertEquals("", table.stringColumn("settings").get(2));
        assertThrows(IllegalArgumentException.class, () -> Results.compare("no-slash"));
    }

    @Test
    void savingOneNotebookKeepsTheOthersAndRecordsWhenAndUnderWhichKnobs() throws Exception {
        System.setProperty("aelab.build_dir", buildDir.toString());
        System.setProperty("aelab.test_results_knob", "7");
        Knobs.integer("TEST_RESULTS_KNOB", 100, 1, 1000);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Results.forNotebook("01-pca").model("PCA k=20").metric("test_sse_per_image", 14.66).save();
        Results.forNotebook("02-autoencoder").model("AE").metric("test_sse_per_image", 9.0).save();
        Results.forNotebook("02-autoencoder").model("AE").metric("test_sse_per_image", 7.8).save();

        JsonObject pca = JsonParser.parseString(Files.readString(buildDir.resolve("results/01-pca.json")))
                .getAsJsonObject();
        assertEquals(14.66, pca.getAsJsonObject("models").getAsJsonObject("PCA k=20")
                .getAsJsonObject("metrics").get("test_sse_per_image").getAsDouble());
        Instant produced = Instant.parse(pca.get("produced").getAsString());
        assertFalse(produced.isBefore(before), produced + " is before " + before);
        assertEquals("7", pca.getAsJsonObject("knobs").get("TEST_RESULTS_KNOB").getAsString());
        assertTrue(pca.getAsJsonArray("overridden").toString().contains("TEST_RESULTS_KNOB"));

        Table table = Results.compare("01-pca/PCA k=20", "02-autoencoder/AE");
        assertEquals(List.of(14.66, 7.8), table.doubleColumn("SSE/img").asList());
        assertTrue(table.stringColumn("settings").get(0).contains("TEST_RESULTS_KNOB=7"),
                table.stringColumn("settings").get(0));
    }

    @Test
    void shownPathsAreRelativeToTheProject() {
        Path root = ProjectPaths.projectRoot().orElseThrow();   // the tests run inside the project
        assertEquals(Path.of("build", "checkpoints", "x"), ProjectPaths.shown(root.resolve("build/checkpoints/x")));
        Path outside = root.getParent().resolve("elsewhere-" + System.nanoTime());
        assertEquals(outside, ProjectPaths.shown(outside));
    }

    @Test
    void rejectsNonFiniteMetricsAndBadNames() {
        Results results = Results.forNotebook("x");
        assertThrows(IllegalArgumentException.class, () -> results.model("m").metric("loss", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Results.forNotebook("../escape"));
    }

    @Test
    void buildDirIsUnderTheProjectRootFoundFromTheNotebooksFolder() throws Exception {
        Path root = buildDir.resolve("project");
        Files.createDirectories(root.resolve("notebooks"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        assertEquals(root.resolve("build"), ProjectPaths.buildDirAbove(root.resolve("notebooks")));
        assertEquals(root, ProjectPaths.projectRootAbove(root.resolve("notebooks")).orElseThrow());
        Path elsewhere = buildDir.resolve("elsewhere");
        assertEquals(elsewhere.resolve("build"), ProjectPaths.buildDirAbove(elsewhere));
    }

    @Test
    void explicitBuildDirWins() {
        System.setProperty("aelab.build_dir", buildDir.resolve("custom").toString());
        assertEquals(buildDir.resolve("custom"), ProjectPaths.buildDir());
    }

    @Test
    void savesAReferenceNextToAMetric() throws Exception {
        System.setProperty("aelab.build_dir", buildDir.toString());
        Path file = Results.forNotebook("02-autoencoder").model("Dense AE")
                .metric("test_sse_per_image", 7.95)
                .reference("test_sse_per_image", 7.79, "PyTorch twin")
                .save();
        JsonObject reference = JsonParser.parseString(Files.readString(file)).getAsJsonObject()
                .getAsJsonObject("models").getAsJsonObject("Dense AE")
                .getAsJsonObject("references").getAsJsonObject("test_sse_per_image");
        assertEquals(7.79, reference.get("value").getAsDouble());
        assertEquals("PyTorch twin", reference.get("source").getAsString());
        var model = Results.forNotebook("02-autoencoder").model("Dense AE");
        assertThrows(IllegalArgumentException.class, () -> model.reference("test_sse_per_image", Double.NaN, "x"));
        assertThrows(IllegalArgumentException.class, () -> model.reference("test_sse_per_image", 7.79, " "));
    }
}
