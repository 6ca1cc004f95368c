#!/usr/bin/python3
"""Execute the notebooks in order with the aelab-java kernel and publish them as a static site.

Writes, under the output directory (default build/site):
  <notebook>.ipynb   the executed notebook, outputs kept
  <notebook>.html    its rendering (nbconvert, lab template), working offline
  index.html         the front page (front_page.py): a card per notebook, loss curves, results, how to reproduce
  results.json       the same results, machine-readable (schema in README.md)
  assets/            MathJax and RequireJS copied from Debian's packages, so nothing loads from a CDN

On the HTML page, each "Try it" exercise's worked solution (notebooks/solutions/, see solutions.py)
sits folded in a <details> block below the exercise; the executed .ipynb, like the live notebook,
does not hold them.

Each notebook saves its own results to $AELAB_RESULTS_DIR/<notebook>.json through
org.aelab.notebook.Results; this script points that variable at <out>/results, which it keeps from
run to run. A notebook that runs replaces only its own file, so a partial run (--only 02) keeps
every other notebook's latest results and page, each marked with when and under which knobs it was
produced.
"""
import argparse
import copy
import datetime
import html
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JavaLexer

import front_page
import solutions

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "aelab-java"
SMOKE_KNOBS = {"EPOCHS": "2", "TRAIN_LIMIT": "2000", "IW_IMAGES": "100"}
MATHJAX_SOURCE = Path("/usr/share/javascript/mathjax")
MATHJAX_PARTS = ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions",
                 "jax/input/TeX", "jax/output/CommonHTML", "jax/element", "localization/en",
                 "fonts/HTML-CSS/TeX/woff"]
REQUIREJS = Path("/usr/share/javascript/requirejs/require.min.js")


def log(message):
    print(f"\033[1m[site]\033[0m {message}", flush=True)


class ProgressClient(NotebookClient):
    """Echoes the summary line of each finished training epoch to the terminal."""

    EPOCH_SUMMARY = re.compile(r"^epoch (\d+)/(\d+) · (?!step )")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.printed = set()

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] in ("display_data", "update_display_data", "stream"):
            content = msg["content"]
            text = content.get("text") or content.get("data", {}).get("text/plain", "")
            for line in text.splitlines():
                # The live progress shows "epoch N/M · step ..." while an epoch runs and
                # "epoch N/M · <losses> · <seconds> ..." once it is done.
                match = self.EPOCH_SUMMARY.match(line.strip())
                if match and (cell_index, match.group(0)) not in self.printed:
                    self.printed.add((cell_index, match.group(0)))
                    print(f"      {line.strip()}", flush=True)
        return super().process_message(msg, cell, cell_index)


def select_notebooks(only):
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if only:
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        notebooks = [nb for nb in notebooks if any(nb.stem.startswith(w) for w in wanted)]
        if not notebooks:
            sys.exit(f"--only {only!r} matches no notebook in {NOTEBOOKS}")
    return notebooks


def copy_assets(out):
    assets = out / "assets"
    for part in MATHJAX_PARTS:
        source, target = MATHJAX_SOURCE / part, assets / "mathjax" / part
        if not source.exists():
            sys.exit(f"{source} is missing: install it with 'apt-get install libjs-mathjax'")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    if not REQUIREJS.exists():
        sys.exit(f"{REQUIREJS} is missing: install it with 'apt-get install libjs-requirejs'")
    shutil.copy2(REQUIREJS, assets / "require.min.js")


def html_exporter():
    exporter = HTMLExporter(template_name="lab")
    exporter.mathjax_url = "assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    exporter.require_js_url = "assets/require.min.js"
    return exporter


SOLUTION_STYLE = """<style>
details.aelab-solution { margin: 0.4em 0 1.2em; border-left: 3px solid #8fb3d9; padding: 0.2em 0 0.2em 0.8em; }
details.aelab-solution > summary { cursor: pointer; color: #2a5b8a; font-weight: 600; }
details.aelab-solution[open] > summary { margin-bottom: 0.5em; }
details.aelab-solution .highlight pre { margin: 0; padding: 0.5em; background: #f7f7f7; overflow-x: auto; }
</style>"""


def solution_cell(exercise, code, first):
    """A raw HTML cell, laid out like the page's markdown cells, with the worked solution of
    `exercise` folded in a <details> block; the first one on a page carries the block's style."""
    folded = (f'<details class="aelab-solution" id="solution-{html.escape(exercise)}">'
              f"<summary>Worked solution of {html.escape(exercise)}</summary>"
              + highlight(code, JavaLexer(), HtmlFormatter(cssclass=" highlight hl-java")) + "</details>")
    # One root element: nbconvert's clean_html (lxml) wraps several in a <div> of its own.
    source = ('<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell">' + (SOLUTION_STYLE if first else "")
              + '<div class="jp-Cell-inputWrapper">'
              + '<div class="jp-Collapser jp-InputCollapser jp-Cell-inputCollapser"></div>'
              + '<div class="jp-InputArea jp-Cell-inputArea"><div class="jp-InputPrompt jp-InputArea-prompt"></div>'
              + f'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">{folded}</div>'
              + "</div></div></div>")
    return nbformat.v4.new_raw_cell(source, metadata={"raw_mimetype": "text/html"})


def with_solutions(nb, stem):
    """A copy of the executed `nb` for its HTML page: each exercise's worked solution folded below
    the exercise's check cell. An exercise without a solution is an error (the tests require one)."""
    solved = solutions.solutions_of(stem)
    cells = solutions.exercise_cells(nb)
    if not cells:
        return nb
    missing = [exercise for exercise in cells if exercise not in solved]
    if missing:
        sys.exit(f"[site] {stem}: no worked solution for exercise(s) {', '.join(missing)} in "
                 f"{solutions.SOLUTIONS / (stem + '.jsh')}; add a section '// ---- NN.k ----' for each")
    page = copy.deepcopy(nb)
    ordered = sorted(cells.items(), key=lambda item: item[1]["check"])
    for position, (exercise, where) in reversed(list(enumerate(ordered))):
        page.cells.insert(where["check"] + 1, solution_cell(exercise, solved[exercise], position == 0))
    return page


def title_of(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def execute(path, out, results_dir, index, count, timeout):
    log(f"[{index}/{count}] {path.stem}: executing")
    executed_at = now()
    nb = nbformat.read(path, as_version=4)
    client = ProgressClient(nb, kernel_name=KERNEL_NAME, timeout=timeout, allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.monotonic()
    failure = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        failure = error
    seconds = time.monotonic() - started
    nbformat.write(nb, out / f"{path.stem}.ipynb")
    body, _ = html_exporter().from_notebook_node(with_solutions(nb, path.stem))
    (out / f"{path.stem}.html").write_text(body, encoding="utf-8")
    if failure is not None:
        first_line = str(failure).strip().splitlines()[-1] if str(failure).strip() else type(failure).__name__
        sys.exit(f"[site] {path.stem} failed after {seconds:.0f} s: {first_line}\n"
                 f"       The executed notebook with the error is {out / (path.stem + '.ipynb')}")
    entry = {"title": title_of(nb, path.stem), "html": f"{path.stem}.html", "notebook": f"{path.stem}.ipynb",
             "executed": executed_at, "execution_seconds": round(seconds, 2)}
    saved = read_results(results_dir, path.stem)
    if saved and saved.get("produced", "") < executed_at:
        log(f"[{index}/{count}] {path.stem}: warning: it saved no results in this run; "
            f"keeping those of {saved.get('produced', 'an earlier run')}")
    log(f"[{index}/{count}] {path.stem}: done in {seconds:.1f} s, "
        f"{len((saved or {}).get('models', {}))} model(s) recorded")
    return entry


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def read_results(results_dir, stem):
    """The results file notebook `stem` saved (org.aelab.notebook.Results), or None."""
    path = results_dir / f"{stem}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        sys.exit(f"[site] {path} is unreadable ({error}); delete it and run notebook {stem} again")


def merge_report(out, notebooks, executed, previous, run):
    """The site's report: this run's notebooks as executed now, every other notebook as its latest
    earlier run left it (page and results), each with when and under which knobs its results were
    produced. `executed` maps stems run now to their entries, `previous` is the last results.json."""
    report = dict(run, notebooks={})
    earlier = (previous or {}).get("notebooks", {})
    for stem in notebooks:
        if stem in executed:
            entry = dict(executed[stem], this_run=True)
        elif stem in earlier and (out / earlier[stem].get("html", "")).is_file():
            entry = dict(earlier[stem], this_run=False)
        else:
            continue
        saved = read_results(out / "results", stem) or {}
        knobs = saved.get("knobs", {})
        entry.update(produced=saved.get("produced"), knobs=knobs,
                     settings={name: knobs.get(name) for name in saved.get("overridden", [])},
                     models=saved.get("models", {}))
        report["notebooks"][stem] = entry
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated notebook name prefixes, e.g. 01,02")
    parser.add_argument("--smoke", action="store_true",
                        help="small knobs for a fast check: " + " ".join(f"{k}={v}" for k, v in SMOKE_KNOBS.items()))
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE",
                        help="override a knob, e.g. --set EPOCHS=5 (becomes AELAB_EPOCHS=5)")
    parser.add_argument("--out", default=str(ROOT / "build" / "site"), help="output directory")
    parser.add_argument("--reuse-checkpoints", action="store_true",
                        help="let notebooks load a checkpoint trained earlier with the same settings "
                             "instead of training (by default the main job trains every model, so the "
                             "site shows real training runs and their timings)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    args = parser.parse_args()

    knobs = dict(SMOKE_KNOBS) if args.smoke else {}
    for assignment in args.set:
        name, sep, value = assignment.partition("=")
        if not sep or not name:
            sys.exit(f"--set {assignment!r}: expected KNOB=VALUE, e.g. EPOCHS=5")
        knobs[name.strip().upper()] = value.strip()
    if not args.reuse_checkpoints:
        knobs.setdefault("RETRAIN", "1")
    for name, value in knobs.items():
        os.environ[f"AELAB_{name}"] = value

    out = Path(args.out).resolve()
    results_dir = out / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    os.environ["AELAB_RESULTS_DIR"] = str(results_dir)
    copy_assets(out)
    report_file = out / "results.json"
    try:
        previous = json.loads(report_file.read_text(encoding="utf-8")) if report_file.is_file() else None
    except ValueError:
        log(f"warning: {report_file} is unreadable; the notebooks not run now are left off the index")
        previous = None

    notebooks = select_notebooks(args.only)
    every_notebook = [p.stem for p in select_notebooks(None)]
    started = time.monotonic()
    run = {"generated": now(), "knobs": knobs, "only": args.only}
    executed = {}
    for index, path in enumerate(notebooks, 1):
        executed[path.stem] = execute(path, out, results_dir, index, len(notebooks), args.timeout)
        # Written after every notebook, so a failure later still leaves the finished ones published.
        report = merge_report(out, every_notebook, executed, previous, run)
        report_file.write_text(json.dumps(report, indent=2), encoding="utf-8")
        front_page.write(out, report)
    run["total_seconds"] = round(time.monotonic() - started, 1)
    report = merge_report(out, every_notebook, executed, previous, run)
    report_file.write_text(json.dumps(report, indent=2), encoding="utf-8")
    front_page.write(out, report)
    kept = [stem for stem, entry in report["notebooks"].items() if not entry["this_run"]]
    log(f"{len(notebooks)} notebook(s) in {run['total_seconds']:.0f} s -> {out / 'index.html'}"
        + (f"; kept from earlier runs: {', '.join(kept)}" if kept else ""))


if __name__ == "__main__":
    main()
