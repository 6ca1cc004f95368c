"""Checks of notebook 03 (denoising and dropout autoencoders) as executed with smoke knobs.

Reads the executed notebook and results.json from the site directory that
`build_site.py --smoke --out build/test-site` writes (SITE_DIR overrides it), as
test_notebooks.py does for every notebook.
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

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "test-site"))
NAME = "03-denoising-dropout"
MODELS = ("Plain AE", "Denoising AE", "Dropout AE")
TILE = 2 * 28  # the grids draw 28-pixel images at scale 2, one row per group, no padding or captions


def png_size(data):
    raw = base64.b64decode(data)
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        raise AssertionError("not a PNG")
    return struct.unpack(">II", raw[16:24])


def cell_with(nb, text):
    """The one code cell whose source contains text."""
    found = [c for c in nb.cells if c.cell_type == "code" and text in c.source]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} code cells contain {text!r}")
    return found[0]


def images_of(cell):
    return [png_size(o.data["image/png"]) for o in cell.outputs if "image/png" in o.get("data", {})]


def text_of(cell):
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/markdown", "") + output.data.get("text/plain", "")
                         + output.data.get("text/html", ""))
    return "".join(parts)


@unittest.skipUnless((SITE / f"{NAME}.ipynb").is_file(), f"{NAME} was not executed into {SITE}")
class DenoisingAndDropout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nb = nbformat.read(SITE / f"{NAME}.ipynb", as_version=4)
        cls.report = json.loads((SITE / "results.json").read_text())["notebooks"]
        cls.models = cls.report[NAME]["models"]

    def test_grids_are_pngs_with_one_row_of_ten_per_group(self):
        # Source text -> number of labelled row groups in that grid.
        grids = {'List.of("clean", "noisy, σ = "': 2,
                 'List.of("noisy input", "denoising AE", "clean original")': 3,
                 'List.of("noisy input", "plain AE", "dropout AE", "clean original")': 4,
                 'List.of("clean original", "plain AE", "denoising AE", "dropout AE")': 4,
                 "new ArrayList<>(passes.keySet())": 4}
        for source, groups in grids.items():
            with self.subTest(grid=source):
                sizes = images_of(cell_with(self.nb, source))
                self.assertEqual(1, len(sizes), sizes)
                width, height = sizes[0]
                self.assertEqual(groups * TILE, height)
                # Ten columns of 56 pixels plus the row labels on the left.
                self.assertGreater(width, 10 * TILE)
                self.assertLess(width, 10 * TILE + 250)

    def test_the_denoising_grid_is_the_thumbnail(self):
        tagged = [c for c in self.nb.cells if "thumbnail" in c.metadata.get("tags", [])]
        self.assertEqual(1, len(tagged))
        self.assertIn('"denoising AE"', tagged[0].source)
        sizes = images_of(tagged[0])
        self.assertEqual(1, len(sizes))
        self.assertEqual(3 * TILE, sizes[0][1])

    def test_metrics_are_recorded_and_finite(self):
        self.assertEqual(set(MODELS), set(self.models))
        for model in MODELS:
            metrics = self.models[model]["metrics"]
            for key in ("test_sse_per_image", "test_sse_per_image_noisy_input", "test_bce_per_pixel"):
                with self.subTest(model=model, metric=key):
                    self.assertIn(key, metrics)
                    self.assertTrue(math.isfinite(metrics[key]), metrics[key])
                    self.assertGreater(metrics[key], 0)
        noise = self.models["Denoising AE"]["metrics"]["noisy_input_sse_per_image"]
        # Gaussian noise of σ = 0.3 on 784 pixels: 784 σ² = 70.56 per image, give or take sampling.
        self.assertAlmostEqual(70.56, noise, delta=0.5)

    def test_each_model_learnt(self):
        for model in MODELS:
            with self.subTest(model=model):
                result = self.models[model]
                train = result["series"]["train loss"]
                self.assertGreaterEqual(len(train), 2)
                self.assertLess(train[-1], train[0], "the training loss did not fall")
                self.assertEqual(len(train), len(result["epoch_seconds"]))
                self.assertTrue(all(s > 0 for s in result["epoch_seconds"]))

    def test_dropout_is_active_in_training_and_inactive_in_evaluation(self):
        text = text_of(cell_with(self.nb, "new ArrayList<>(passes.keySet())"))
        differences = dict(re.findall(r"(training|evaluation) mode: largest pixel difference between the two"
                                      r" passes ([0-9.]+)", text))
        self.assertEqual({"training", "evaluation"}, set(differences), text)
        self.assertGreater(float(differences["training"]), 0.01)
        self.assertEqual(0.0, float(differences["evaluation"]))

    def test_a_dropout_layer_zeroes_the_rate_and_scales_the_rest(self):
        text = text_of(cell_with(self.nb, "Dropout.dropout(ones"))
        zeroed, kept, expected = map(float, re.search(
            r"training: +([0-9.]+) of the units zeroed, the others ([0-9.]+) \(1/\(1 - p\) = ([0-9.]+)\)", text).groups())
        self.assertAlmostEqual(0.2, zeroed, delta=0.01)        # 100,000 units: the standard error is 0.0013
        self.assertAlmostEqual(expected, kept, places=4)
        self.assertIn("evaluation: every unit unchanged: true", text)

    def test_the_dropout_model_has_four_dropout_layers_and_02s_parameters(self):
        html = text_of(cell_with(self.nb, "dropoutLayers = Models.summary("))
        self.assertEqual(4, html.count(">Dropout<"), html)
        self.assertIn("473636", html.replace(",", ""))

    def test_the_plain_autoencoder_reuses_02s_checkpoint_when_02_ran(self):
        text = text_of(cell_with(self.nb, '.checkpoint("02-autoencoder").retrain(false)'))
        if "02-autoencoder" in self.report:
            self.assertIn("reused notebook 02's checkpoint", text)
            self.assertEqual(self.report["02-autoencoder"]["models"]["Dense AE (20-d)"]["metrics"]["test_sse_per_image"],
                             self.models["Plain AE"]["metrics"]["test_sse_per_image"])
        else:
            self.assertRegex(text, r"reused notebook 02's checkpoint|trained here")

    def test_loss_curves_and_comparison_table(self):
        curves = text_of(cell_with(self.nb, "LossPlot.of(bothCurves)"))
        self.assertIn("Plotly.newPlot(", curves)
        for name in ("train denoising AE", "test denoising AE", "train dropout AE", "test dropout AE"):
            self.assertIn(name, curves)
        table = text_of(cell_with(self.nb, "Table comparison = Table.create("))
        for row in ("noisy input itself (do nothing)", "Plain AE", "Denoising AE", "Dropout AE", "PCA k=20"):
            self.assertIn(row, table)


if __name__ == "__main__":
    unittest.main()
