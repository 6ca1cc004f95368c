#!/usr/bin/python3
"""Does one seed give one result? Runs a notebook several times with the same settings and compares
the per-epoch loss series it saves, at full precision.

The engine is deterministic for a fixed seed on a fixed machine, so every run should match the first
to the last bit. A run that parts from the others at some epoch met a wrong result somewhere in that
epoch. This is how DJL's mul(Number), which can free its number before the backward pass reads
it, was found (docs/benchmarks.md, "Repeatability"; fixed by the engine agent, docs/djl-scalar-gradients.md). Two runs at a time
keep both cores busy, as a main job beside other work does.

    bench/repeat_runs.py --notebook 04 --runs 6 --epochs 40
    JUPYTER_PATH=DIR bench/repeat_runs.py ...     # a kernel installed with install-kernel.sh --data-dir DIR

It prints, per run, the epoch at which it first parts from the most common result and its last
test figures, writes build/bench/repeat-runs.json, and exits with 1 when any run differs.
"""

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_SITE = ROOT / "environment" / "site" / "build_site.py"


def notebook_stem(prefix):
    matches = sorted(p.stem for p in (ROOT / "notebooks").glob(f"{prefix}*.ipynb"))
    if len(matches) != 1:
        sys.exit(f"repeat_runs.py: --notebook {prefix} names {len(matches)} notebooks in notebooks/ "
                 f"({', '.join(matches) or 'none'}); give a prefix that names one, such as 04")
    return matches[0]


def run_once(stem, index, args, out):
    target = out / f"run{index}"
    command = ["/usr/bin/python3", str(BUILD_SITE), "--only", stem[:2], "--out", str(target),
               "--set", f"SEED={args.seed}", "--set", f"EPOCHS={args.epochs}"]
    started = time.time()
    with open(out / f"run{index}.log", "w") as log:
        code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT).returncode
    results = target / "results" / f"{stem}.json"
    if code != 0 or not results.exists():
        sys.exit(f"repeat_runs.py: run {index} failed (exit {code}); see {out / f'run{index}.log'}")
    models = json.loads(results.read_text())["models"]
    series = {f"{model}: {name}": values for model, saved in models.items()
              for name, values in saved.get("series", {}).items()}
    if not series:
        sys.exit(f"repeat_runs.py: {stem} saved no loss series in {results}; it needs a notebook that trains")
    return {"run": index, "seconds": round(time.time() - started, 1), "series": series}


def first_difference(series, reference):
    """The first epoch (from 1) at which any series differs from the reference run's, or None."""
    epochs = [next((i + 1 for i, (a, b) in enumerate(zip(values, reference[name])) if a != b), None)
              for name, values in series.items()]
    differing = [e for e in epochs if e is not None]
    return min(differing) if differing else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", default="04", help="notebook prefix (default 04)")
    parser.add_argument("--runs", type=int, default=6, help="how many runs (default 6)")
    parser.add_argument("--epochs", type=int, default=40, help="EPOCHS of each run (default 40)")
    parser.add_argument("--seed", type=int, default=42, help="SEED of every run (default 42)")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "repeat-runs",
                        help="where the runs' sites and logs go; the JSON goes beside it")
    args = parser.parse_args()
    if args.runs < 2 or args.epochs < 1 or args.parallel < 1:
        parser.error("--runs needs at least 2, --epochs and --parallel at least 1")
    stem = notebook_stem(args.notebook)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{stem}: {args.runs} runs of {args.epochs} epochs, seed {args.seed}, {args.parallel} at a time",
          flush=True)
    with ThreadPoolExecutor(args.parallel) as pool:
        runs = list(pool.map(lambda i: run_once(stem, i, args, args.out), range(1, args.runs + 1)))

    # The most common result is the reference: a run that met a wrong result can be run 1.
    groups = {}
    for run in runs:
        groups.setdefault(json.dumps(run["series"], sort_keys=True), []).append(run["run"])
    majority = max(groups.values(), key=len)
    reference = runs[majority[0] - 1]["series"]
    for run in runs:
        run["first_differing_epoch"] = first_difference(run["series"], reference)
        run["last"] = {name: values[-1] for name, values in run["series"].items()}
        parted = run["first_differing_epoch"]
        tests = {name: value for name, value in run["last"].items() if "test" in name} or run["last"]
        print(f"run {run['run']}: " + ("as the reference" if parted is None else f"parts at epoch {parted}")
              + "; last " + ", ".join(f"{name} {value:.6f}" for name, value in tests.items()))
    parted = [r["run"] for r in runs if r["first_differing_epoch"] is not None]
    print(f"reference: the result of runs {', '.join(map(str, majority))}")
    print(f"{len(parted)} of {args.runs} runs parted from it" if parted
          else f"all {args.runs} runs identical to the last bit")
    report = args.out.with_suffix(".json")
    report.write_text(json.dumps({"notebook": stem, "seed": args.seed, "epochs": args.epochs,
                                  "parallel": args.parallel,
                                  "reference_runs": majority,
                                  "runs": [{k: v for k, v in r.items() if k != "series"} for r in runs]},
                                 indent=2) + "\n")
    print(f"wrote {report.relative_to(ROOT) if report.is_relative_to(ROOT) else report}")
    sys.exit(1 if parted else 0)


if __name__ == "__main__":
    main()
