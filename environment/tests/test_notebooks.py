"""Checks of the notebooks as executed by the test command (smoke knobs), read from the site dir.

environment/test.sh builds the site with `build_site.py --smoke --out build/test-site`, then runs
these tests against it (SITE_DIR overrides the directory).
"""
import base64
import json
import math
import os
import struct
import unittest
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

    def test_every_code_cell_ran_without_error_or_stderr(self):
        for name in NOTEBOOKS:
            nb = nbformat.read(SITE / f"{name}.ipynb", as_version=4)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                with self.subTest(notebook=name, cell=index):
                    self.assertIsNotNone(cell.execution_count, "cell did not run")
                    for output in cell.outputs:
                        self.assertNotEqual(output.output_type, "error", output.get("evalue"))
                        if output.output_type == "stream":
                            self.assertNotEqual(output.name, "stderr", output.text)

    def test_every_image_is_a_real_png(self):
        for name in NOTEBOOKS:
            nb = nbformat.read(SITE / f"{name}.ipynb", as_version=4)
            for index, _, output in outputs(nb):
                if "image/png" in output.get("data", {}):
                    with self.subTest(notebook=name, cell=index):
                        width, height = png_size(output.data["image/png"])
                        self.assertGreater(width, 50)
                        self.assertGreater(height, 50)

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
        self.assertTrue(any("PCA k=20" in h and "Dense AE (20-d)" in h for h in html), "no comparison table")

    def test_model_summary_counts_the_parameters(self):
        text = "".join(o.data.get("text/html", "") + o.data.get("text/plain", "")
                       for _, _, o in outputs(self.nb) if "data" in o)
        self.assertIn("473,636", text)


if __name__ == "__main__":
    unittest.main()
