"""Checks of notebook 04 (the VAE) as executed headless, read from the site directory.

Build it first, at smoke settings (EPOCHS=2 TRAIN_LIMIT=2000):
    environment/site/build_site.py --smoke --only 04 --out build/test-site
then run `python3 -m unittest environment/tests/test_04_vae.py` (SITE_DIR overrides the directory).
"""
import base64
import json
import math
import os
import struct
import unittest
import zlib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "test-site"))
NOTEBOOK = "04-vae"
MODEL = "VAE (20-d)"
TERMS = ("total", "reconstruction", "kl")
# The sample grid: 10 x 10 Fashion-MNIST images of 28 pixels, drawn at scale 2, no padding.
SAMPLE_GRID_SIZE = (10 * 28 * 2, 10 * 28 * 2)
PADDING_RGB = (0x40, 0x40, 0x40)


def png_bytes(output):
    raw = base64.b64decode(output.data["image/png"])
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        raise AssertionError("not a PNG")
    return raw


def png_size(raw):
    return struct.unpack(">II", raw[16:24])


def png_rgb_rows(raw):
    """Decodes an 8-bit RGB, non-interlaced PNG (what Java's ImageIO writes for TYPE_INT_RGB)."""
    width, height = png_size(raw)
    depth, colour, _, _, interlace = raw[24:29]
    if (depth, colour, interlace) != (8, 2, 0):
        raise AssertionError(f"expected 8-bit RGB non-interlaced, got depth {depth} colour type {colour}")
    data, position = b"", 8
    while position < len(raw):
        length = struct.unpack(">I", raw[position:position + 4])[0]
        kind = raw[position + 4:position + 8]
        if kind == b"IDAT":
            data += raw[position + 8:position + 8 + length]
        position += 12 + length
    data = zlib.decompress(data)
    stride = width * 3
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = data[start], bytearray(data[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - 3] if i >= 3 else 0
            up = previous[i]
            corner = previous[i - 3] if i >= 3 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def image_columns(raw):
    """The number of grid columns: runs of x where some pixel is not the padding colour."""
    width, height, rows = png_rgb_rows(raw)
    padding = bytes(PADDING_RGB)
    occupied = [any(rows[y][3 * x:3 * x + 3] != padding for y in range(height)) for x in range(width)]
    return sum(1 for x in range(width) if occupied[x] and (x == 0 or not occupied[x - 1]))


def tagged_images(nb, tag):
    return [output for cell in nb.cells if tag in cell.get("metadata", {}).get("tags", [])
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


class Vae(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nb = nbformat.read(SITE / f"{NOTEBOOK}.ipynb", as_version=4)
        results = json.loads((SITE / "results.json").read_text())["notebooks"]
        cls.result = results[NOTEBOOK]["models"][MODEL]

    def test_committed_notebook_has_no_outputs(self):
        nb = nbformat.read(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", as_version=4)
        self.assertEqual([], [c for c in nb.cells if c.get("outputs")])
        self.assertEqual(nb.metadata.kernelspec.name, "aelab-java")

    def test_every_cell_ran_without_error(self):
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code":
                with self.subTest(cell=index):
                    self.assertIsNotNone(cell.execution_count, "cell did not run")
                    for output in cell.outputs:
                        self.assertNotEqual(output.output_type, "error", output.get("evalue"))

    def test_terms_are_finite_and_total_is_their_sum(self):
        series = self.result["series"]
        for split in ("train", "test"):
            total, reconstruction, kl = (series[f"{split} {term}"] for term in TERMS)
            self.assertEqual(len(total), len(reconstruction))
            self.assertEqual(len(total), len(kl))
            for epoch, (t, r, k) in enumerate(zip(total, reconstruction, kl), 1):
                with self.subTest(split=split, epoch=epoch):
                    self.assertTrue(all(math.isfinite(v) for v in (t, r, k)), (t, r, k))
                    self.assertAlmostEqual(t, r + k, delta=1e-4 * abs(t))
        metrics = self.result["metrics"]
        for name in ("test_neg_elbo", "test_reconstruction_nats", "test_kl_nats", "test_sse_per_image"):
            self.assertTrue(math.isfinite(metrics[name]), f"{name} = {metrics.get(name)}")
        self.assertAlmostEqual(metrics["test_neg_elbo"],
                               metrics["test_reconstruction_nats"] + metrics["test_kl_nats"],
                               delta=1e-4 * metrics["test_neg_elbo"])
        self.assertEqual(metrics["test_neg_elbo"], series["test total"][-1])

    def test_kl_is_positive(self):
        self.assertGreater(self.result["metrics"]["test_kl_nats"], 0)
        self.assertTrue(all(k > 0 for k in self.result["series"]["train kl"]))

    def test_neg_elbo_falls_from_the_first_epoch(self):
        test_total = self.result["series"]["test total"]
        self.assertGreaterEqual(len(test_total), 2)
        self.assertLess(test_total[1], test_total[0])
        self.assertEqual(len(self.result["epoch_seconds"]), len(test_total))

    def test_sample_grid_is_ten_by_ten(self):
        images = tagged_images(self.nb, "thumbnail")
        self.assertEqual(1, len(images), "one image in the cell tagged 'thumbnail'")
        self.assertEqual(SAMPLE_GRID_SIZE, png_size(png_bytes(images[0])))

    def test_interpolation_row_has_ten_images(self):
        images = tagged_images(self.nb, "interpolation")
        self.assertEqual(1, len(images), "one image in the cell tagged 'interpolation'")
        raw = png_bytes(images[0])
        width, height = png_size(raw)
        self.assertLess(height, 2 * 28 * 2, "more than one row of images")
        self.assertEqual(10, image_columns(raw))

    def test_snapshots_show_untrained_and_trained_model(self):
        text = "".join(o.data.get("text/markdown", "") for c in self.nb.cells for o in c.get("outputs", [])
                       if "data" in o)
        epochs = len(self.result["series"]["test total"])
        self.assertIn("**Untrained**", text)
        self.assertIn("**After epoch 1**", text)
        self.assertIn(f"**After epoch {epochs}**", text)

    def test_curves_and_comparison_table(self):
        html = [o.data["text/html"] for c in self.nb.cells for o in c.get("outputs", [])
                if "text/html" in o.get("data", {})]
        self.assertGreaterEqual(sum("Plotly.newPlot(" in h for h in html), 2, "reconstruction and KL curves")
        self.assertTrue(any("Reconstruction term" in h for h in html))
        self.assertTrue(any("KL term" in h for h in html))
        self.assertTrue(any("PCA k=20" in h and MODEL in h for h in html), "no comparison table")

    def test_model_summary_counts_the_parameters(self):
        text = "".join(o.data.get("text/html", "") for c in self.nb.cells for o in c.get("outputs", [])
                       if "data" in o)
        self.assertIn("209,464", text)


if __name__ == "__main__":
    unittest.main()
