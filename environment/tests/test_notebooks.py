"""Checks of the notebooks as executed by the test command (smoke knobs), read from the site dir.

environment/test.sh builds the site with `build_site.py --smoke --out build/test-site`, then runs
these tests against it (SITE_DIR overrides the directory).
"""
import base64
import json
import math
import os
import re
import struct
import unittest
from html.parser import HTMLParser
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "test-site"))
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def png_size(data):
    raw = base64.b64decode(data)
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        raise AssertionError("not a PNG")
    return struct.unpack(">II", raw[16:24])


def outputs(nb):
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            yield index, cell, output


def results():
    return json.loads((SITE / "results.json").read_text())["notebooks"]


def metric(notebook, model, name):
    return results()[notebook]["models"][model]["metrics"][name]


def at_chapter_settings(notebook):
    """True when the site's results of `notebook` were produced with no knob changed."""
    entry = results().get(notebook)
    return entry is not None and entry.get("produced") is not None and not entry.get("settings")


class TableParser(HTMLParser):
    """The rows of the first <table> in an HTML output, as lists of cell texts (header row first)."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.depth = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
        elif tag == "tr" and self.depth == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth == 1:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(html_text):
    parser = TableParser()
    parser.feed(html_text)
    header, *rows = parser.rows
    return [dict(zip(header, row)) for row in rows]


def texts(nb):
    """Every text a reader sees in the outputs of `nb`."""
    for index, _, output in outputs(nb):
        yield index, output.get("text", "") + "".join(
            v for k, v in output.get("data", {}).items() if k.startswith("text/"))


def read_executed(path, how_to_build):
    """The executed notebook at `path`; the test class is skipped, saying how to build it, when it is missing."""
    if not path.is_file():
        raise unittest.SkipTest(f"{path} is missing: {how_to_build}")
    return nbformat.read(path, as_version=4)


def assert_cells_ran_cleanly(case, nb, **labels):
    """Every code cell of the executed `nb` ran, with no error and nothing on stderr (a subtest per cell)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        with case.subTest(cell=index, **labels):
            case.assertIsNotNone(cell.execution_count, "cell did not run")
            for output in cell.outputs:
                case.assertNotEqual(output.output_type, "error", f"{output.get('ename')}: {output.get('evalue')}")
                if output.output_type == "stream":
                    case.assertNotEqual(output.name, "stderr", output.text)


def close(shown, value, digits=4):
    """`shown` is `value` as the tables print it (4 significant digits)."""
    return math.isclose(float(shown.replace(",", "")), value, rel_tol=0.6 * 10 ** (1 - digits))


class EveryNotebook(unittest.TestCase):
    def test_each_notebook_was_executed_and_rendered(self):
        self.assertTrue(NOTEBOOKS, "no notebooks found")
        for name in NOTEBOOKS:
            with self.subTest(notebook=name):
                self.assertTrue((SITE / f"{name}.ipynb").is_file())
                self.assertTrue((SITE / f"{name}.html").is_file())
                self.assertIn(name, results())

    def test_committed_notebooks_have_no_outputs_and_name_the_kernel(self):
        for name in NOTEBOOKS:
            with self.subTest(notebook=name):
                nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
                self.assertEqual(nb.metadata.kernelspec.name, "aelab-java")
                self.assertEqual([], [c for c in nb.cells if c.get("outputs")])

    def test_every_notebook_names_the_kernel_as_it_is_installed(self):
        # One display name for every JDK, so no front end asks which kernel to use: the notebooks',
        # the browser fixtures' and the kernel tests' metadata match the installed kernelspec.
        from jupyter_client.kernelspec import KernelSpecManager
        installed = KernelSpecManager().get_kernel_spec("aelab-java").display_name
        self.assertEqual("Java (aelab)", installed)
        fixtures = [*(ROOT / "environment/browser/fixtures").glob("*.ipynb"),
                    *(ROOT / "environment/kernel/src/test/resources/notebooks").glob("*.ipynb")]
        for path in [*(ROOT / "notebooks" / f"{name}.ipynb" for name in NOTEBOOKS), *fixtures]:
            with self.subTest(notebook=path.name):
                spec = nbformat.read(path, as_version=4).metadata.kernelspec
                self.assertEqual(("aelab-java", installed), (spec.name, spec.display_name))

    def test_published_results_are_readable_like_the_rest_of_the_site(self):
        site_mode = (SITE / "index.html").stat().st_mode & 0o777
        files = sorted((SITE / "results").glob("*.json"))
        self.assertTrue(files, "no results/*.json published")
        for path in files:
            with self.subTest(file=path.name):
                self.assertEqual(oct(site_mode), oct(path.stat().st_mode & 0o777))

    def test_every_code_cell_ran_without_error_or_stderr(self):
        for name in NOTEBOOKS:
            assert_cells_ran_cleanly(self, nbformat.read(SITE / f"{name}.ipynb", as_version=4), notebook=name)

    def test_every_image_is_a_real_png(self):
        for name in NOTEBOOKS:
            nb = nbformat.read(SITE / f"{name}.ipynb", as_version=4)
            for index, _, output in outputs(nb):
                if "image/png" in output.get("data", {}):
                    with self.subTest(notebook=name, cell=index):
                        width, height = png_size(output.data["image/png"])
                        self.assertGreater(width, 50)
                        self.assertGreater(height, 50)

    def test_no_output_or_page_shows_a_path_of_the_build_machine(self):
        for name in NOTEBOOKS:
            with self.subTest(notebook=name):
                nb = nbformat.read(SITE / f"{name}.ipynb", as_version=4)
                for index, text in texts(nb):
                    self.assertNotIn(str(ROOT), text, f"cell {index}")
                self.assertNotIn(str(ROOT), (SITE / f"{name}.html").read_text(encoding="utf-8"))

    def test_metrics_are_finite(self):
        for name, entry in results().items():
            for model, result in entry["models"].items():
                with self.subTest(notebook=name, model=model):
                    self.assertTrue(result["metrics"])
                    for metric, value in result["metrics"].items():
                        self.assertTrue(math.isfinite(value), f"{metric} = {value}")


class Pca(unittest.TestCase):
    def setUp(self):
        self.nb = nbformat.read(SITE / "01-pca.ipynb", as_version=4)

    def test_error_falls_as_components_are_added(self):
        models = results()["01-pca"]["models"]
        k20, k30 = models["PCA k=20"]["metrics"], models["PCA k=30"]["metrics"]
        self.assertLess(k30["test_sse_per_image"], k20["test_sse_per_image"])
        self.assertLess(k20["explained_variance"], k30["explained_variance"])
        # Even a 1,000-image PCA lands near the full one (14.66 and 12.24 per image on the test set).
        self.assertLess(abs(k20["test_sse_per_image"] - 14.66), 1.5)
        self.assertLess(abs(k30["test_sse_per_image"] - 12.24), 1.5)

    def test_class_grid_is_ten_by_ten_at_scale_two(self):
        sizes = [png_size(o.data["image/png"]) for _, _, o in outputs(self.nb) if "image/png" in o.get("data", {})]
        # 10 columns of 56-pixel images (plus caption space and padding): wider than 560 pixels.
        self.assertTrue(any(w >= 560 and h >= 560 for w, h in sizes), sizes)
        # The reconstruction grid: 6 labelled rows (original, k = 2, 10, 20, 30, 50) of 10 images.
        self.assertTrue(any(h >= 6 * 56 for w, h in sizes), sizes)

    def test_error_table_computes_what_the_prose_quotes(self):
        tables = [table_rows(o.data["text/html"]) for _, _, o in outputs(self.nb)
                  if "outside [0, 1]" in o.get("data", {}).get("text/html", "")]
        self.assertEqual(1, len(tables), "no test-error table with the 'outside [0, 1]' column")
        rows = {row["k"]: row for row in tables[0]}
        self.assertEqual(["2", "10", "20", "30", "50"], list(rows))
        for k, row in rows.items():
            with self.subTest(k=k):
                self.assertTrue(0 < float(row["outside [0, 1]"]) < 0.5, row)
        models = results()["01-pca"]["models"]
        self.assertTrue(close(rows["20"]["SSE/img"], models["PCA k=20"]["metrics"]["test_sse_per_image"]))
        self.assertTrue(close(rows["30"]["BCE/pixel"], models["PCA k=30"]["metrics"]["test_bce_per_pixel"]))

    def test_entropy_floor_is_printed(self):
        # A property of the test images alone, so its value does not depend on the knobs.
        printed = [float(m) for _, t in texts(self.nb)
                   for m in re.findall(r"mean entropy of the test pixels\): ([0-9.]+)", t)]
        self.assertEqual(1, len(printed))
        self.assertAlmostEqual(0.2422, printed[0], delta=5e-4)
        bce = results()["01-pca"]["models"]["PCA k=20"]["metrics"]["test_bce_per_pixel"]
        self.assertGreater(bce, printed[0])

    def test_explained_variance_plot_is_present(self):
        html = [o.data["text/html"] for _, _, o in outputs(self.nb) if "text/html" in o.get("data", {})]
        self.assertTrue(any("Plotly.newPlot(" in h for h in html))


class DenseAutoencoder(unittest.TestCase):
    def setUp(self):
        self.nb = nbformat.read(SITE / "02-autoencoder.ipynb", as_version=4)
        self.result = results()["02-autoencoder"]["models"]["Dense AE (20-d)"]

    def test_it_learns(self):
        test_loss = self.result["series"]["test loss"]
        self.assertGreaterEqual(len(test_loss), 2)
        self.assertLess(test_loss[-1], test_loss[0], "the AE did not beat its own first epoch")
        self.assertEqual(len(self.result["epoch_seconds"]), len(test_loss))
        self.assertTrue(all(s > 0 for s in self.result["epoch_seconds"]))

    def test_reconstruction_snapshots_are_50_pairs(self):
        sizes = [png_size(o.data["image/png"]) for _, _, o in outputs(self.nb) if "image/png" in o.get("data", {})]
        # Pairs of 10 columns x 5 blocks at scale 2: 10 image rows of 56 pixels, 10 columns of 56.
        snapshots = [(w, h) for w, h in sizes if w >= 560 and h >= 560]
        self.assertGreaterEqual(len(snapshots), 2, sizes)

    def test_loss_curve_and_comparison_table(self):
        html = [o.data["text/html"] for _, _, o in outputs(self.nb) if "text/html" in o.get("data", {})]
        self.assertTrue(any("Plotly.newPlot(" in h for h in html), "no loss curve")
        tables = [table_rows(h) for h in html if "PCA k=20" in h and "Dense AE (20-d)" in h]
        self.assertEqual(1, len(tables), "no comparison table")
        rows = {row["model"]: row for row in tables[0]}
        self.assertEqual(["PCA k=20", "PCA k=30", "Dense AE (20-d)"], list(rows))
        expected = {"PCA k=20": ("01-pca", "PCA k=20"), "PCA k=30": ("01-pca", "PCA k=30"),
                    "Dense AE (20-d)": ("02-autoencoder", "Dense AE (20-d)")}
        for model, (notebook, saved) in expected.items():
            for column, key in (("SSE/img", "test_sse_per_image"), ("BCE/pixel", "test_bce_per_pixel")):
                with self.subTest(model=model, column=column):
                    self.assertTrue(close(rows[model][column], metric(notebook, saved, key)),
                                    f"{rows[model][column]} shown, {metric(notebook, saved, key)} saved")
        # Each row says under which knobs it was produced: here the smoke knobs of this run.
        for model, (notebook, _) in expected.items():
            settings = results()[notebook]["settings"]
            shown = ", ".join(f"{k}={v}" for k, v in settings.items()) or "defaults"
            self.assertEqual(shown, rows[model]["settings"], model)

    def test_ratio_line_matches_the_table(self):
        line = [m for _, t in texts(self.nb) for m in re.findall(
            r"SSE/img is (\d+)% of PCA's with k = 20 and (\d+)% of PCA's with k = 30", t)]
        self.assertEqual(1, len(line), "the ratio line is missing")
        ae = metric("02-autoencoder", "Dense AE (20-d)", "test_sse_per_image")
        for shown, pca in zip(line[0], ("PCA k=20", "PCA k=30")):
            self.assertAlmostEqual(100 * ae / metric("01-pca", pca, "test_sse_per_image"), int(shown), delta=0.51)

    def test_entropy_floor_is_the_same_as_in_notebook_01(self):
        printed = [float(m) for _, t in texts(self.nb)
                   for m in re.findall(r"mean entropy of the test pixels\): ([0-9.]+)", t)]
        self.assertEqual(1, len(printed))
        self.assertAlmostEqual(0.2422, printed[0], delta=5e-4)

    def test_reference_table_states_the_difference(self):
        tables = [table_rows(o.data["text/html"]) for _, _, o in outputs(self.nb)
                  if "PyTorch reference" in o.get("data", {}).get("text/html", "")]
        self.assertEqual(1, len(tables))
        for row in tables[0]:
            if row["PyTorch reference"] not in ("", "NaN"):
                ours, ref = float(row["this run"]), float(row["PyTorch reference"])
                self.assertAlmostEqual(100 * (ours - ref) / ref, float(row["difference %"]),
                                       delta=abs(float(row["difference %"])) * 2e-3 + 0.05)

    def test_checkpoint_directory_is_shown_relative_to_the_project(self):
        # The last code cell of the chapter, before the "Try it" exercises (cells marked aelab.exercise).
        last_code = [c for c in self.nb.cells if c.cell_type == "code" and "exercise" not in c.metadata.get("aelab", {})][-1]
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in last_code.outputs)
        self.assertRegex(shown, r"^build/checkpoints/02-autoencoder/[0-9a-f]+$")

    def test_model_summary_counts_the_parameters(self):
        text = "".join(o.data.get("text/html", "") + o.data.get("text/plain", "")
                       for _, _, o in outputs(self.nb) if "data" in o)
        self.assertIn("473,636", text)


class ChapterSettings(unittest.TestCase):
    """What the prose says of a run at the chapter's settings (main.sh, build/site). Skipped on the
    smoke site the test command builds; run it with SITE_DIR=build/site after the main job."""

    def setUp(self):
        if not (at_chapter_settings("01-pca") and at_chapter_settings("02-autoencoder")):
            self.skipTest(f"{SITE} was not built at the chapter's settings")

    def test_pca(self):
        k20 = results()["01-pca"]["models"]["PCA k=20"]["metrics"]
        self.assertAlmostEqual(14.66, k20["test_sse_per_image"], delta=0.05)
        self.assertAlmostEqual(0.79, k20["explained_variance"], delta=0.01)

    def test_autoencoder_needs_about_half_of_pca_error_and_beats_pca_with_30(self):
        ae = metric("02-autoencoder", "Dense AE (20-d)", "test_sse_per_image")
        self.assertLess(abs(ae - 7.79) / 7.79, 0.03, f"{ae} is not within 3% of the PyTorch reference 7.79")
        self.assertTrue(0.4 < ae / metric("01-pca", "PCA k=20", "test_sse_per_image") < 0.6)
        self.assertLess(ae, metric("01-pca", "PCA k=30", "test_sse_per_image"))


if __name__ == "__main__":
    unittest.main()
