"""How the main job merges results: a partial run (--only 02) keeps every other notebook's latest
page and results, marked with when and under which knobs they were produced. No kernel needed."""
import importlib.util
import json
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "environment" / "site"))     # build_site imports front_page beside it
spec = importlib.util.spec_from_file_location("build_site", ROOT / "environment" / "site" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)
front_page = build_site.front_page


def save(results, stem, produced, knobs, overridden, models):
    (results / f"{stem}.json").write_text(json.dumps(
        {"notebook": stem, "produced": produced, "knobs": knobs, "overridden": overridden, "models": models}))


class PartialRun(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        self.out = Path(self.temp.name)
        self.results = self.out / "results"
        self.results.mkdir()
        # An earlier full run left 01 and 02; now only 02 runs again, at smoke settings.
        save(self.results, "01-pca", "2026-11-26T10:00:00Z", {"TRAIN_LIMIT": "60000", "SEED": "42"}, [],
             {"PCA k=20": {"metrics": {"test_sse_per_image": 14.66}, "epochs": 0, "epoch_seconds": [],
                           "total_seconds": 1.5}})
        save(self.results, "02-autoencoder", "2026-11-27T13:00:05Z",
             {"EPOCHS": "2", "TRAIN_LIMIT": "2000", "SEED": "42"}, ["EPOCHS", "TRAIN_LIMIT"],
             {"Dense AE (20-d)": {"metrics": {"test_sse_per_image": 21.5}, "epochs": 2,
                                  "epoch_seconds": [0.5, 0.4], "total_seconds": 0.9}})
        for stem in ("01-pca", "02-autoencoder"):
            (self.out / f"{stem}.html").write_text("<html></html>")
        page = lambda stem, executed: {"title": stem, "html": f"{stem}.html", "notebook": f"{stem}.ipynb",
                                       "executed": executed, "execution_seconds": 10.0}
        self.previous = {"notebooks": {"01-pca": page("01-pca", "2026-11-26T09:59:00Z"),
                                       "02-autoencoder": page("02-autoencoder", "2026-11-26T10:00:00Z"),
                                       "09-gone": page("09-gone", "2026-11-26T10:00:00Z")}}
        self.executed = {"02-autoencoder": page("02-autoencoder", "2026-11-27T13:00:00Z")}
        self.run = {"generated": "2026-11-27T13:01:00Z", "knobs": {"EPOCHS": "2", "TRAIN_LIMIT": "2000"},
                    "only": "02"}
        self.report = build_site.merge_report(self.out, ["01-pca", "02-autoencoder", "03-denoising-dropout"],
                                              self.executed, self.previous, self.run)

    def tearDown(self):
        self.temp.cleanup()

    def test_other_notebooks_keep_their_latest_results_marked_as_earlier(self):
        pca = self.report["notebooks"]["01-pca"]
        self.assertFalse(pca["this_run"])
        self.assertEqual(14.66, pca["models"]["PCA k=20"]["metrics"]["test_sse_per_image"])
        self.assertEqual("2026-11-26T10:00:00Z", pca["produced"])
        self.assertEqual({}, pca["settings"])
        self.assertEqual("60000", pca["knobs"]["TRAIN_LIMIT"])

    def test_the_notebook_run_now_has_its_new_results_and_knobs(self):
        ae = self.report["notebooks"]["02-autoencoder"]
        self.assertTrue(ae["this_run"])
        self.assertEqual("2026-11-27T13:00:00Z", ae["executed"])
        self.assertEqual({"EPOCHS": "2", "TRAIN_LIMIT": "2000"}, ae["settings"])
        self.assertEqual(21.5, ae["models"]["Dense AE (20-d)"]["metrics"]["test_sse_per_image"])

    def test_notebooks_without_a_page_or_no_longer_present_are_left_off(self):
        self.assertEqual(["01-pca", "02-autoencoder"], list(self.report["notebooks"]))

    def test_index_marks_when_and_under_which_knobs(self):
        front_page.write(self.out, self.report, argv=["environment/site/build_site.py", "--only", "02"])
        page = (self.out / "index.html").read_text()
        rows = [r for r in page.split("<tr") if "PCA k=20" in r or "Dense AE" in r]
        self.assertEqual(2, len(rows))
        pca, ae = rows
        self.assertIn("earlier-run", pca)
        self.assertIn("2026-11-26 10:00 UTC", pca)
        self.assertIn("earlier run", pca)
        self.assertIn("defaults", pca)
        self.assertIn("this-run", ae)
        self.assertIn("EPOCHS=2, TRAIN_LIMIT=2000", ae)
        self.assertIn("14.66", pca)


if __name__ == "__main__":
    unittest.main()
