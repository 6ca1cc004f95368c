"""The worked solutions of the notebooks' "Try it" exercises, and the cells they belong to.

A solution file, notebooks/solutions/<notebook>.jsh, holds one section per exercise:

    // ---- 04.2 ----
    Double testKl = ...;

Each section replaces the answer cell of its exercise (the code cell whose metadata is
{"aelab": {"exercise": "04.2", "role": "answer"}}); the check cell after it has role "check".
A section header may carry words after a bar, `// ---- 04.2 | factor of 2 ----`: the wrong-answer
files of the tests (environment/tests/exercises/) use them for what the hint must say.
build_site.py shows each solution folded below its exercise; environment/tests/test_exercises.py
runs them.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "notebooks" / "solutions"
HEADER = re.compile(r"^// ---- (\d\d\.\d+)(?: \| (.+?))? ----\s*$")


def sections(path):
    """The sections of a .jsh file in order, as (exercise id, words after the bar or None, code).
    Text before the first header (the file's comment) is not a section."""
    found, current = [], None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = HEADER.match(line)
        if match:
            current = [match.group(1), match.group(2), []]
            found.append(current)
        elif current is not None:
            current[2].append(line)
    return [(exercise, words, "\n".join(code).strip()) for exercise, words, code in found]


def solutions_of(stem):
    """{exercise id: worked solution} of notebook `stem`; empty when it has no solution file."""
    path = SOLUTIONS / f"{stem}.jsh"
    if not path.is_file():
        return {}
    solved = {}
    for exercise, _, code in sections(path):
        if exercise in solved:
            raise ValueError(f"{path}: exercise {exercise} has two sections")
        solved[exercise] = code
    return solved


def role(cell):
    """(exercise id, "answer" or "check") of an exercise cell, else (None, None)."""
    mark = cell.get("metadata", {}).get("aelab", {})
    return mark.get("exercise"), mark.get("role")


def exercise_cells(nb):
    """{exercise id: {"answer": index, "check": index}} of the cells of notebook `nb`, in order."""
    cells = {}
    for index, cell in enumerate(nb.cells):
        exercise, kind = role(cell)
        if exercise and kind in ("answer", "check"):
            cells.setdefault(exercise, {})[kind] = index
    return cells
