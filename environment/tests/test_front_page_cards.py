"""The front page's cards count only the training a notebook did itself: a notebook that loads an
earlier notebook's checkpoint records that model with the earlier run's epoch timings (03 reuses 02's
AE, 05 and 06 reuse 04's VAE), and its card must not add them to its own training time."""
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "environment" / "site"))
import front_page  # noqa: E402


def entry(name, models):
    return {"title": name, "html": f"{name}.html", "notebook": f"{name}.ipynb", "execution_seconds": 60,
            "models": models}


class ReusedCheckpoints(unittest.TestCase):
    def setUp(self):
        self.notebooks = {
            "02-autoencoder": entry("02-autoencoder", {"Dense AE (20-d)": {
                "epochs": 3, "epoch_seconds": [1.5, 1.25, 1.0], "total_seconds": 3.75}}),
            "03-denoising-dropout": entry("03-denoising-dropout", {
                "Plain AE": {"epochs": 3, "epoch_seconds": [1.5, 1.25, 1.0], "total_seconds": 3.75},
                "Denoising AE": {"epochs": 3, "epoch_seconds": [2.0, 2.0, 2.0], "total_seconds": 6.0}}),
        }
        self.out = Path(tempfile.mkdtemp())

    def card(self, name):
        return front_page.card(self.out, name, self.notebooks[name], front_page.reused_runs(self.notebooks, name))

    def test_reused_model_is_not_counted_in_the_later_card(self):
        self.assertEqual(6.0, self.card("03-denoising-dropout")["training_seconds"])

    def test_the_notebook_that_trained_it_counts_it(self):
        self.assertEqual(3.75, self.card("02-autoencoder")["training_seconds"])

    def test_same_timings_in_a_later_notebook_do_not_hide_an_earlier_one(self):
        self.assertEqual(set(), front_page.reused_runs(self.notebooks, "02-autoencoder"))


if __name__ == "__main__":
    unittest.main()
