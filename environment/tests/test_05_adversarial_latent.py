"""Checks of notebook 05 (adversarial autoencoder, 2-d latent spaces) as executed with smoke knobs.

Run after `build_site.py --smoke --only 05 --out build/test-site` (or the whole smoke run of
environment/test.sh, where notebooks 02-04 ran first and 05 loads their checkpoints); SITE_DIR
overrides the directory.
"""
import base64
import json
import math
import os
import re
import struct
import unittest
from pathlib import Path

import nbformat

from test_notebooks import read_executed

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "test-site"))
NAME = "05-adversarial-latent"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]
MODELS = ["AAE (20-d)", "AE (2-d)", "VAE (2-d)", "AAE (2-d)"]
# ImageRow: a 16-pixel gap around and between pictures, a 37-pixel title band above them.
ROW_GAP, ROW_TITLE = 16, 37


def png_size(data):
    raw = base64.b64decode(data)
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        raise AssertionError("not a PNG")
    return struct.unpack(">II", raw[16:24])


def image_row_size(widths, height):
    return ROW_GAP + sum(w + ROW_GAP for w in widths), ROW_TITLE + 2 * ROW_GAP + height


class AdversarialLatent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nb = read_executed(SITE / f"{NAME}.ipynb", "run build_site.py --smoke --only 05 first")
        cls.results = json.loads((SITE / "results.json").read_text())["notebooks"][NAME]["models"]

    def cell(self, text):
        """The one code cell whose source contains `text`."""
        found = [c for c in self.nb.cells if c.cell_type == "code" and text in c.source]
        self.assertEqual(1, len(found), f"expected one cell containing {text!r}")
        return found[0]

    def pngs(self, cell):
        return [png_size(o.data["image/png"]) for o in cell.outputs if "image/png" in o.get("data", {})]

    def test_every_cell_ran_without_error_or_stderr(self):
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            with self.subTest(cell=index):
                self.assertIsNotNone(cell.execution_count, "cell did not run")
                for output in cell.outputs:
                    self.assertNotEqual("error", output.output_type, output.get("evalue"))
                    if output.output_type == "stream":
                        self.assertNotEqual("stderr", output.name, output.text)

    def test_committed_notebook_has_no_outputs_and_a_thumbnail(self):
        committed = nbformat.read(ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
        self.assertEqual([], [c for c in committed.cells if c.get("outputs")])
        tagged = [c for c in committed.cells if "thumbnail" in c.metadata.get("tags", [])]
        self.assertEqual(1, len(tagged), "exactly one cell tagged thumbnail")
        self.assertIn("ImageGrid.rows", tagged[0].source)

    def test_sample_grids_are_three_10_by_10_grids_side_by_side(self):
        sizes = self.pngs(self.cell("ImageRow.of(List.of(\"AAE (this notebook)\""))
        # Three grids of 10 x 10 images of 28 pixels, no padding: 280 x 280 each.
        self.assertEqual([image_row_size([280] * 3, 280)], sizes)

    def test_lattices_are_three_15_by_15_grids_side_by_side(self):
        sizes = self.pngs(self.cell("priorLattice"))
        self.assertEqual([image_row_size([420] * 3, 420)], sizes)

    def test_training_snapshots_show_three_labelled_rows_of_ten(self):
        cell = self.cell("fitAae(aae, aaeEpochs")
        sizes = self.pngs(cell)
        restored = any("Loaded from the checkpoint" in o.get("data", {}).get("text/markdown", "") for o in cell.outputs)
        # Before training, after epoch 1 (the smoke run has 2 epochs, so not 10) unless the
        # checkpoint was loaded, and after the last.
        self.assertEqual(2 if restored else 3, len(sizes), sizes)
        for width, height in sizes:
            self.assertEqual(3 * 56, height)                       # original, reconstruction, prior sample
            self.assertGreater(width, 560)                         # 10 columns of 56 plus the row labels
            self.assertLess(width, 560 + 200)

    def test_gallery_has_six_labelled_rows_of_ten_and_is_the_thumbnail(self):
        cell = self.cell("\"denoising AE (03)\", \"VAE (04)\"")
        self.assertIn("thumbnail", cell.metadata.get("tags", []))
        sizes = self.pngs(cell)
        self.assertEqual(1, len(sizes), sizes)
        width, height = sizes[0]
        self.assertGreater(height, 6 * 56)                         # six rows of 56 pixels plus the captions
        self.assertLess(height, 6 * 56 + 40)
        self.assertGreater(width, 10 * 56)
        self.assertLess(width, 10 * 90 + 200)

    def test_data_grid_is_two_rows_of_ten(self):
        sizes = self.pngs(self.cell("ImageGrid.of(train.limit(20))"))
        self.assertEqual(1, len(sizes), sizes)
        width, height = sizes[0]
        self.assertGreaterEqual(width, 560)
        self.assertGreater(height, 2 * 56)
        self.assertLess(height, 2 * (56 + 40))

    def test_three_scatter_plots_with_one_trace_per_class(self):
        html = "".join(o.data.get("text/html", "") for o in self.cell("latentScatter(name, codes").outputs
                       if "data" in o)
        figures = html.split("Plotly.newPlot(")[:-1]               # the script before each call draws one chart
        self.assertEqual(3, len(figures), "three scatter plots")
        titles = []
        for figure in figures:
            script = figure[figure.rfind("aelab_plot_"):]
            names = re.findall(r"name: '([^']*)'", script)
            self.assertEqual(CLASSES, names, "one trace per class, named by it, in class order")
            self.assertEqual(10, len(re.findall(r"var trace\d+ =", script)))
            titles += re.findall(r"var layout = \{\s*title: '([^']*)'", script)
        self.assertEqual(["AE (2-d)", "VAE (2-d), μ", "AAE (2-d)"], titles)

    def test_loss_and_accuracy_curves_are_present(self):
        for text in ['terms("reconstruction")', 'terms("discriminator", "regularisation")', 'terms("D accuracy")']:
            with self.subTest(chart=text):
                html = "".join(o.data.get("text/html", "") for o in self.cell(text).outputs if "data" in o)
                self.assertIn("Plotly.newPlot(", html)

    def test_results_hold_every_model_with_finite_losses(self):
        self.assertEqual(sorted(MODELS), sorted(self.results))
        for model, result in self.results.items():
            with self.subTest(model=model):
                self.assertTrue(math.isfinite(result["metrics"]["test_sse_per_image"]))
                self.assertGreater(result["metrics"]["test_sse_per_image"], 0)
                series = result["series"]
                self.assertTrue(series, "no loss curves saved")
                for name, values in series.items():
                    self.assertEqual(2, len(values), f"{name}: one value per smoke epoch")
                    self.assertTrue(all(math.isfinite(v) for v in values), f"{name} = {values}")
                self.assertEqual(2, len(result["epoch_seconds"]))

    def test_aae_records_every_step_and_a_discriminator_accuracy_in_0_1(self):
        aae = self.results["AAE (20-d)"]
        accuracy = aae["metrics"]["discriminator_accuracy"]
        self.assertGreaterEqual(accuracy, 0)
        self.assertLessEqual(accuracy, 1)
        for term in ["reconstruction", "discriminator", "regularisation", "D accuracy"]:
            for split in ["train", "test"]:
                self.assertIn(f"{split} {term}", aae["series"])
        self.assertEqual(accuracy, aae["series"]["test D accuracy"][-1])
        self.assertTrue(all(0 <= a <= 1 for a in aae["series"]["train D accuracy"] + aae["series"]["test D accuracy"]))
        # The discriminator's cross-entropy is a sum of two softplus means: positive, and near
        # 2 ln 2 = 1.386 for a discriminator that has only just started.
        self.assertTrue(all(0 < v < 5 for v in aae["series"]["test discriminator"]))


if __name__ == "__main__":
    unittest.main()
