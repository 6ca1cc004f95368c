"""The code that notebooks share lives once, in notebooks/code/*.jsh, loaded with %load.

Each file is taught in one notebook, whose cells show that code as it is; the notebooks that reuse
it load the file and hold no copy. So the copies cannot drift apart, and notebooks 03 and 05, which
load notebook 02's, 03's and 04's checkpoints, build those models with the code that trained them
(a checkpoint's key hashes what the code does: a changed copy would silently train again).
These checks read the committed notebooks; they execute nothing.
"""
import json
import re
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CODE = NOTEBOOKS / "code"

# file -> (the notebook that teaches it, the notebooks that load it)
SHARED = {
    "data.jsh": ("02-autoencoder", ["03-denoising-dropout", "04-vae", "05-adversarial-latent",
                                    "06-conditional-beta-likelihood"]),
    "dense.jsh": ("02-autoencoder", ["03-denoising-dropout", "04-vae", "05-adversarial-latent",
                                     "06-conditional-beta-likelihood"]),
    "cross-entropy.jsh": ("02-autoencoder", ["03-denoising-dropout", "05-adversarial-latent"]),
    "autoencoder.jsh": ("03-denoising-dropout", ["05-adversarial-latent"]),
    "noise.jsh": ("03-denoising-dropout", ["05-adversarial-latent"]),
    "vae.jsh": ("04-vae", ["05-adversarial-latent", "06-conditional-beta-likelihood"]),
    "vae-model.jsh": ("04-vae", ["05-adversarial-latent", "06-conditional-beta-likelihood"]),
    "negative-elbo.jsh": ("04-vae", ["05-adversarial-latent", "06-conditional-beta-likelihood"]),
}

# What each file defines: a notebook other than the teaching one that defines it again holds a copy.
DEFINITION = re.compile(r"^(?:class (\w+)|[\w.<>\[\], ]+?\s(\w+)\s*\([^;]*\)\s*\{|[\w.<>\[\]]+\s+(\w+)\s*=)", re.M)


def code_cells(notebook):
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def body(file):
    """The file's code, without its leading comment lines, as blocks separated by blank lines."""
    lines = (CODE / file).read_text().splitlines()
    while lines and (lines[0].startswith("//") or not lines[0].strip()):
        lines.pop(0)
    return [b.strip("\n") for b in "\n".join(lines).split("\n\n") if b.strip()]


def definitions(file):
    names = set()
    for block in body(file):
        first = block.splitlines()[0]
        if first.startswith("import "):
            continue
        match = DEFINITION.match(first)
        if match:
            names.add(next(g for g in match.groups() if g))
    return names


class SharedCodeTest(unittest.TestCase):

    def test_every_file_in_code_is_listed_here(self):
        self.assertEqual(sorted(SHARED), sorted(p.name for p in CODE.glob("*.jsh")))

    def test_each_file_says_where_it_is_taught(self):
        for file, (teacher, _) in SHARED.items():
            with self.subTest(file=file):
                header = (CODE / file).read_text().split("\n\n")[0]
                self.assertIn(f"notebook {teacher[:2]}", header.lower())

    def test_the_teaching_notebook_shows_the_files_code_as_it_is(self):
        for file, (teacher, _) in SHARED.items():
            cells = code_cells(teacher)
            for block in body(file):
                with self.subTest(file=file, block=block.splitlines()[0]):
                    self.assertTrue(any(block in cell for cell in cells),
                                    f"notebooks/{teacher}.ipynb has no cell with this code of code/{file}; "
                                    "change the file and the cell together")

    def test_reusing_notebooks_load_the_file_and_hold_no_copy(self):
        for file, (teacher, users) in SHARED.items():
            names = definitions(file)
            self.assertTrue(names, f"found nothing that code/{file} defines")
            for user in users:
                cells = code_cells(user)
                with self.subTest(file=file, notebook=user):
                    self.assertTrue(any(line.strip() == f"%load code/{file}"
                                        for cell in cells for line in cell.splitlines()),
                                    f"notebooks/{user}.ipynb does not %load code/{file}")
                    for name in names:
                        copies = [c for c in cells if re.search(rf"^(?:class {name}\b|[\w.<>\[\], ]+?\s{name}\s*\(.*\{{|"
                                                                rf"[\w.<>\[\]]+\s+{name}\s*=)", c, re.M)]
                        self.assertEqual([], copies, f"notebooks/{user}.ipynb defines {name} again instead of "
                                                     f"loading it from code/{file}")

    def test_no_two_notebooks_share_an_identical_code_cell_of_more_than_three_lines(self):
        seen = {}
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
            for cell in code_cells(path.stem):
                if len(cell.strip().splitlines()) > 3:
                    self.assertNotIn(cell, seen, f"{path.stem} repeats a cell of {seen.get(cell)}: "
                                                 "move it to notebooks/code/ and %load it")
                    seen[cell] = path.stem


if __name__ == "__main__":
    unittest.main()
