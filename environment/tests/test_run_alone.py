"""Notebook 02 executed on its own, as a reader who opens it first on a fresh clone runs it: no
other notebook's results or checkpoints exist, so its comparison with PCA (notebook 01) has empty
rows. It must explain that, never fail.

environment/test.sh builds it, before the full smoke site, with
    AELAB_CHECKPOINT_DIR=build/test-alone/checkpoints \\
        environment/site/build_site.py --only 02 --smoke --out build/test-alone
(a new --out directory has an empty results/). ALONE_DIR overrides the directory.
"""
import json
import os
import unittest
from pathlib import Path

from test_notebooks import assert_cells_ran_cleanly, read_executed

ROOT = Path(__file__).resolve().parents[2]
ALONE = Path(os.environ.get("ALONE_DIR", ROOT / "build" / "test-alone"))
NAME = "02-autoencoder"


class AutoencoderRunAlone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nb = read_executed(ALONE / f"{NAME}.ipynb", "environment/test.sh builds it (see this file's comment)")

    def text(self):
        return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                       for c in self.nb.cells if c.cell_type == "code" for o in c.outputs)

    def test_it_really_ran_alone(self):
        self.assertEqual([f"{NAME}.json"], sorted(p.name for p in (ALONE / "results").iterdir()))
        self.assertEqual([NAME], list(json.loads((ALONE / "results.json").read_text())["notebooks"]))

    def test_every_code_cell_ran_without_error_or_stderr(self):
        assert_cells_ran_cleanly(self, self.nb)

    def test_missing_pca_results_are_explained_not_divided_by(self):
        text = self.text()
        for line in ("No saved results for 'PCA k=20' yet: run notebooks/01-pca.ipynb",
                     "The ratio to PCA's SSE/img appears here once notebooks/01-pca.ipynb has run"):
            self.assertTrue(line in text, f"no output says {line!r}")
        self.assertFalse("% of PCA's" in text, "a ratio to PCA is printed although PCA has no results")


if __name__ == "__main__":
    unittest.main()
