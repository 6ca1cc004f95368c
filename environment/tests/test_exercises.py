"""The notebooks' "Try it" exercises: unanswered in the executed site, solved by the worked solutions,
and rejected with a hint when answered wrongly.

1. The site's notebooks (SITE_DIR, built by environment/test.sh with smoke knobs) ran as a reader
   receives them: every check says "not answered yet", and the exercises are the last section.
2. Each notebook is executed once more, in the kernel, with every answer cell replaced by its worked
   solution (notebooks/solutions/<notebook>.jsh), followed by every plausible wrong answer of
   environment/tests/exercises/<notebook>.jsh, each with its exercise's check cell again. Every
   solution's check must say ✓, every wrong answer's check must say "not yet" with a hint holding
   the words its section names. The run uses the smoke knobs and the checkpoints the site's run left
   (no AELAB_RETRAIN), so it costs little more than the exercises themselves; its results go to a
   scratch directory, never to the site's. The executed notebooks are kept in build/test-exercises/
   for a look at every verdict.

EXERCISE_NOTEBOOKS=01,04 runs part 2 for some notebooks only.
"""
import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from test_notebooks import NOTEBOOKS, SITE, read_executed

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "environment" / "site"))
import build_site  # noqa: E402  (the smoke knobs and the kernel's name)
import solutions  # noqa: E402

WRONG = Path(__file__).resolve().parent / "exercises"
KEPT = ROOT / "build" / "test-exercises"
HOW_TO_BUILD = "environment/test.sh builds it (build_site.py --smoke --out build/test-site)"


def output_text(cell):
    return "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def errors(cell):
    return [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", []) if o.output_type == "error"]


def selected():
    wanted = [w.strip() for w in os.environ.get("EXERCISE_NOTEBOOKS", "").split(",") if w.strip()]
    return [stem for stem in NOTEBOOKS if not wanted or any(stem.startswith(w) for w in wanted)]


class ExercisesAsReadersReceiveThem(unittest.TestCase):
    def test_every_notebook_ends_with_3_to_5_unanswered_exercises(self):
        for stem in NOTEBOOKS:
            with self.subTest(notebook=stem):
                nb = read_executed(SITE / f"{stem}.ipynb", HOW_TO_BUILD)
                cells = solutions.exercise_cells(nb)
                self.assertTrue(3 <= len(cells) <= 5, f"{len(cells)} exercises")
                headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                            and any(line.startswith("## ") for line in c.source.splitlines())]
                self.assertIn("## Try it", nb.cells[headings[-1]].source, "the last section is not 'Try it'")
                for exercise, where in cells.items():
                    self.assertEqual({"answer", "check"}, set(where), exercise)
                    self.assertTrue(exercise.startswith(stem[:2] + "."), exercise)
                    self.assertGreater(where["answer"], headings[-1], f"{exercise} is not in the last section")
                    self.assertEqual(where["answer"] + 1, where["check"], f"{exercise}: the check is not right below")
                    self.assertIn("null", nb.cells[where["answer"]].source, f"{exercise} is answered in the notebook")
                    check = nb.cells[where["check"]]
                    self.assertEqual([], errors(check), exercise)
                    self.assertTrue(output_text(check).startswith(f"… {exercise} not answered yet"),
                                    f"{exercise}: {output_text(check)!r}")

    def test_every_exercise_has_a_solution_and_a_wrong_answer(self):
        for stem in NOTEBOOKS:
            with self.subTest(notebook=stem):
                nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
                exercises = list(solutions.exercise_cells(nb))
                self.assertEqual(exercises, list(solutions.solutions_of(stem)), "notebooks/solutions/" + stem + ".jsh")
                wrong = solutions.sections(WRONG / f"{stem}.jsh")
                self.assertEqual(set(exercises), {exercise for exercise, _, _ in wrong}, f"exercises/{stem}.jsh")
                for exercise, words, code in wrong:
                    self.assertTrue(words and code, f"{exercise}: a wrong answer needs the hint's words and code")


class SolutionsAndWrongAnswers(unittest.TestCase):
    """One execution per notebook: the solutions in place of the answer cells, then the wrong answers."""

    @classmethod
    def setUpClass(cls):
        read_executed(SITE / f"{NOTEBOOKS[0]}.ipynb", HOW_TO_BUILD)   # skips when the site was not built
        cls.scratch = Path(tempfile.mkdtemp(prefix="aelab-exercises-"))
        results = cls.scratch / "results"
        if (SITE / "results").is_dir():
            shutil.copytree(SITE / "results", results)                # what the notebooks compare with
        results.mkdir(exist_ok=True)
        cls.environment = {f"AELAB_{name}": value for name, value in build_site.SMOKE_KNOBS.items()}
        cls.environment["AELAB_RESULTS_DIR"] = str(results)
        cls.saved = {name: os.environ.get(name) for name in [*cls.environment, "AELAB_RETRAIN"]}
        os.environ.update(cls.environment)
        os.environ.pop("AELAB_RETRAIN", None)                         # load the site run's checkpoints

    @classmethod
    def tearDownClass(cls):
        for name, value in cls.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def execute(self, stem):
        """The notebook with its solutions and wrong answers, executed, and the role of each added cell."""
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        cells = solutions.exercise_cells(nb)
        solved = solutions.solutions_of(stem)
        expected = {}
        for exercise, where in cells.items():
            nb.cells[where["answer"]].source = solved[exercise]
            expected[where["check"]] = (exercise, "right", None)
        for exercise, words, code in solutions.sections(WRONG / f"{stem}.jsh"):
            nb.cells.append(nbformat.v4.new_code_cell(code))
            nb.cells.append(nbformat.v4.new_code_cell(nb.cells[cells[exercise]["check"]].source))
            expected[len(nb.cells) - 1] = (exercise, "wrong", words)
        client = NotebookClient(nb, kernel_name=build_site.KERNEL_NAME, timeout=600, allow_errors=True,
                                resources={"metadata": {"path": str(ROOT / "notebooks")}})
        try:
            client.execute()
        finally:
            KEPT.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, KEPT / f"{stem}.ipynb")
        return nb, expected

    def test_solutions_pass_and_wrong_answers_get_hints(self):
        for stem in selected():
            with self.subTest(notebook=stem):
                try:
                    nb, expected = self.execute(stem)
                except CellExecutionError as error:
                    self.fail(f"{stem} did not run: {error}")
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code" and index not in expected:
                        self.assertEqual([], errors(cell), f"{stem} cell {index}:\n{cell.source}")
                for index, (exercise, kind, words) in expected.items():
                    with self.subTest(exercise=exercise, answer=kind):
                        cell = nb.cells[index]
                        previous = nb.cells[index - 1]
                        self.assertEqual([], errors(previous) + errors(cell), f"{exercise}:\n{previous.source}")
                        text = output_text(cell).strip()
                        if kind == "right":
                            self.assertTrue(text.startswith(f"✓ {exercise} right: "), text)
                        else:
                            self.assertTrue(text.startswith(f"✗ {exercise} not yet: "), f"{words!r}: {text}")
                            self.assertIn(words.lower(), text.lower(), "the hint does not say what is off")


if __name__ == "__main__":
    unittest.main()
