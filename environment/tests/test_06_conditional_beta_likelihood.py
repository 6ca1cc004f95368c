"""Checks of notebook 06 (β-VAE, conditional VAE, importance-weighted likelihood, latent explorer)
as executed with smoke knobs.

Run after `build_site.py --smoke --only 04,06 --out build/test-site` (or the whole smoke run of
environment/test.sh, where 04 ran first and 06 loads its checkpoint); SITE_DIR overrides the directory.
"""
import base64
import json
import os
import re
import struct
import unittest
from pathlib import Path

import nbformat

from test_notebooks import assert_cells_ran_cleanly, read_executed

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "test-site"))
NAME = "06-conditional-beta-likelihood"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]
BETA_MODELS = ["β-VAE (β=0.25)", "β-VAE (β=1)", "β-VAE (β=4)", "β-VAE (β=16)"]


def png_size(data):
    raw = base64.b64decode(data)
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        raise AssertionError("not a PNG")
    return struct.unpack(">II", raw[16:24])


def text_table(cell):
    """The rows of the last Tablesaw text table a cell printed, as lists of stripped strings."""
    texts = [o.data["text/plain"] for o in cell.outputs if "text/plain" in o.get("data", {}) and "|" in o.data["text/plain"]]
    lines = [l for l in texts[-1].splitlines() if "|" in l]
    return [[field.strip() for field in line.split("|")[:-1]] for line in lines]


class ConditionalBetaLikelihood(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nb = read_executed(SITE / f"{NAME}.ipynb", "run build_site.py --smoke --only 04,06 first")
        cls.results = json.loads((SITE / "results.json").read_text())["notebooks"][NAME]["models"]

    def cell(self, text):
        found = [c for c in self.nb.cells if c.cell_type == "code" and text in c.source]
        self.assertEqual(1, len(found), f"expected one cell containing {text!r}")
        return found[0]

    def test_every_cell_ran_without_error_or_stderr(self):
        assert_cells_ran_cleanly(self, self.nb)

    def test_committed_notebook_has_no_outputs_and_a_thumbnail(self):
        committed = nbformat.read(ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
        self.assertEqual([], [c for c in committed.cells if c.get("outputs")])
        tagged = [c for c in committed.cells if "thumbnail" in c.metadata.get("tags", [])]
        self.assertEqual(1, len(tagged), "exactly one cell tagged thumbnail")

    def test_losses_fall(self):
        for name in BETA_MODELS + ["Conditional VAE"]:
            series = self.results[name]["series"]
            key = "train total" if name == "Conditional VAE" else "train objective"
            with self.subTest(model=name):
                self.assertLess(series[key][-1], series[key][0])
                self.assertLess(series["test reconstruction"][-1], series["test reconstruction"][0])

    def test_kl_falls_and_reconstruction_rises_with_beta(self):
        kl = [self.results[m]["metrics"]["test_kl_nats"] for m in BETA_MODELS]
        reconstruction = [self.results[m]["metrics"]["test_reconstruction_nats"] for m in BETA_MODELS]
        self.assertEqual(sorted(kl, reverse=True), kl, f"KL per β {kl}")
        self.assertEqual(len(set(kl)), len(kl))
        self.assertEqual(sorted(reconstruction), reconstruction, f"reconstruction per β {reconstruction}")
        units = [self.results[m]["metrics"]["active_units"] for m in BETA_MODELS]
        self.assertEqual(sorted(units, reverse=True), units, f"active units per β {units}")
        for name in BETA_MODELS:
            metrics = self.results[name]["metrics"]
            self.assertAlmostEqual(metrics["test_neg_elbo"],
                                   metrics["test_reconstruction_nats"] + metrics["test_kl_nats"], places=6)
            self.assertTrue(0 <= metrics["active_units"] <= 20)

    def test_neg_log_likelihood_is_below_neg_elbo_in_every_batch(self):
        rows = text_table(self.cell("Table honest = Table.create("))
        header, body = rows[0], rows[1:]
        self.assertEqual(2, len(body), "one row per model")
        for row in body:
            values = dict(zip(header, row))
            with self.subTest(model=values["model"]):
                self.assertGreater(int(values["batches"]), 0)
                self.assertEqual(values["batches"], values["batches with −log p ≤ −ELBO"])
                self.assertLessEqual(float(values["−log p (IW)"]), float(values["−ELBO"]))
                self.assertGreater(float(values["standard error"]), 0)
        for name in ["VAE (20-d), notebook 04", "Conditional VAE"]:
            metrics = self.results[name]["metrics"]
            self.assertLess(metrics["test_neg_log_likelihood_iw"], metrics["test_neg_elbo"])
            self.assertGreater(metrics["iw_samples"], 1)
            self.assertGreater(metrics["iw_images"], 1)

    def test_estimate_tightens_as_k_grows(self):
        rows = text_table(self.cell("Table byK = Table.create("))
        body = rows[1:]
        self.assertEqual(["1", "10", "100", "1000"], [r[0] for r in body])
        for column in (1, 2):
            values = [float(r[column]) for r in body]
            self.assertEqual(sorted(values, reverse=True), values, f"−log p against K: {values}")

    def test_conditional_grid_has_100_images(self):
        cell = self.cell("ImageGrid conditionalGrid")
        markdown = "".join(o.data.get("text/markdown", "") for o in cell.outputs if "data" in o)
        self.assertIn("10 classes × 10 codes = 100 images", markdown)
        sizes = [png_size(o.data["image/png"]) for o in cell.outputs if "image/png" in o.get("data", {})]
        self.assertEqual(1, len(sizes))
        width, height = sizes[0]
        self.assertGreaterEqual(width, 10 * 56)
        self.assertGreaterEqual(height, 10 * 56)

    def test_change_the_label_has_the_original_and_ten_classes_per_row(self):
        sizes = [png_size(o.data["image/png"]) for o in self.cell("changedRows.add(").outputs
                 if "image/png" in o.get("data", {})]
        self.assertEqual(1, len(sizes))
        width, height = sizes[0]
        self.assertGreaterEqual(width, 11 * 56)
        self.assertGreaterEqual(height, 5 * 56)

    def test_explorer_has_one_frame_per_class(self):
        cell = self.cell("ImageSlider explorer")
        html = "".join(o.data.get("text/html", "") for o in cell.outputs if "data" in o)
        self.assertEqual(1, html.count("Plotly.newPlot("))
        steps = re.findall(r'\{"label":"([^"]*)","method":"relayout","args":\[\{"images\[0\]\.source":"(data:image/png;base64,[^"]+)"\}\]\}', html)
        self.assertEqual(CLASSES, [label for label, _ in steps], "one slider step per class, in class order")
        self.assertEqual(10, len({source for _, source in steps}), "every class draws its own picture")
        for _, source in steps:
            self.assertEqual((8 * 56, 8 * 56), png_size(source.split(",", 1)[1]))

    def test_rate_distortion_and_kl_bars_are_figures(self):
        for text in ("ScatterPlot.create(", "VerticalBarPlot.create("):
            html = "".join(o.data.get("text/html", "") for o in self.cell(text).outputs if "data" in o)
            self.assertIn("Plotly.newPlot(", html, text)


if __name__ == "__main__":
    unittest.main()
