#!/usr/bin/python3
"""How the engine's threads wait and split the work, in interleaved rounds, with the PyTorch anchor.

    bench/threads_sweep.py                          # the default variants, 3 rounds, quiet machine
    bench/threads_sweep.py --hogs 1 --rounds 2      # the same with one busy process beside it
    bench/threads_sweep.py --variant spin-300 "OMP_WAIT_POLICY= GOMP_SPINCOUNT=300" "" \
        --variant sleep AELAB_OMP_WAIT=sleep ""

Each variant is one JVM running bench/AeEpochParts.java (notebook 02's autoencoder in a plain DJL
loop), started as the kernel is, through environment/kernel/omp-wait.sh, with the installed
aelab-java kernelspec's environment (the oneMKL vendor shim, the malloc settings, AELAB_OMP_WAIT)
changed by the variant's variables (an empty value removes one; a variant that names
OMP_WAIT_POLICY or GOMP_SPINCOUNT sets the waiting itself, without AELAB_OMP_WAIT) and given the
variant's arguments; the first epoch of each run is left out. A variant named
`pytorch-CONFIGURATION` is bench.py's PyTorch twin in one of its configurations (`openmp`, the quiet
machine's winner; `tuned`; `shipped`), without variables or arguments: one process for the whole
sweep, warmed up by one epoch, then as many epochs per round as a JVM variant measures. Prints, per
variant, the median epoch with its range, and whether its parameters after the last epoch have the
same bits as the first variant's.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VARIANTS = [
    ("sleep", "AELAB_OMP_WAIT=sleep", ""),
    ("djl-adam", "AELAB_OMP_WAIT=sleep", "--adam djl"),
    ("spin", "AELAB_OMP_WAIT=spin", ""),
    ("spin-default", "OMP_WAIT_POLICY=", ""),
    ("aten-1", "AELAB_OMP_WAIT=sleep MKL_CBWR=AUTO,STRICT", "--aten-threads 1 --mkl-threads 2"),
    ("direct-gradient", "AELAB_OMP_WAIT=sleep", "--output-gradient direct"),
    ("pytorch-openmp", "", ""),
]
# As the kernelspec starts the kernel: omp-wait.sh turns AELAB_OMP_WAIT into OpenMP's variables.
LAUNCHER = [str(ROOT / "environment/kernel/omp-wait.sh")]
EPOCH = re.compile(r"^epoch (\d+) ([\d.]+) s .*parameters (\S+)")


def environment(assignments):
    """This process's environment, then the installed kernelspec's (as Jupyter starts the kernel), then the variant's."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        spec = KernelSpecManager().get_kernel_spec("aelab-java")
    except NoSuchKernel:
        sys.exit("threads_sweep.py: no aelab-java kernelspec, whose environment the variants start from: "
                 "run environment/setup.sh (or environment/kernel/install-kernel.sh)")
    env = dict(os.environ)
    env.update(spec.env)
    bench.drop_wait_setting(env, {a.partition("=")[0] for a in assignments.split()})
    for assignment in assignments.split():
        name, _, value = assignment.partition("=")
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def run_ours(assignments, arguments, epochs):
    command = [*LAUNCHER, "java", "-Dai.djl.offline=true", "-cp", f"{ROOT}/lib/target/classpath/*:{ROOT}/lib/target/aelab-lib.jar",
               str(ROOT / "bench/AeEpochParts.java"), "--epochs", str(epochs), *arguments.split()]
    out = subprocess.run(command, env=environment(assignments), cwd=ROOT, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"AeEpochParts ended with {out.returncode}:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    epochs_seen = [EPOCH.match(line) for line in out.stdout.splitlines()]
    epochs_seen = [m for m in epochs_seen if m]
    return [float(m[2]) for m in epochs_seen[1:]], epochs_seen[-1][3]


def run_twin(twin, epochs):
    return [twin.ask("train")["train_s"] for _ in range(epochs - 1)], None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=4, help="per run; the first is left out")
    parser.add_argument("--hogs", type=int, default=0, help="busy processes running beside the sweep")
    parser.add_argument("--variant", nargs=3, action="append", metavar=("NAME", "VARIABLES", "ARGUMENTS"),
                        help="replaces the default variants (repeatable); VARIABLES like 'A=1 B=' (empty removes)")
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2: the first epoch of each run is left out")
    if not (ROOT / "lib/target/aelab-lib.jar").exists():
        sys.exit("threads_sweep.py: build the helper jar first: mvn -B -q -pl lib -am package -DskipTests")
    variants = [tuple(v) for v in args.variant] if args.variant else DEFAULT_VARIANTS
    for name, assignments, arguments in variants:
        if name.startswith("pytorch-") and (name.removeprefix("pytorch-") not in bench.PYTORCH_CONFIGURATIONS
                                            or assignments or arguments):
            parser.error(f"variant {name}: a PyTorch variant is pytorch-CONFIGURATION, CONFIGURATION one of "
                         f"{', '.join(bench.PYTORCH_CONFIGURATIONS)}, with empty variables and arguments")
    twins = {}
    hogs = []
    times = {name: [] for name, _, _ in variants}
    bits = {}
    try:
        for name, _, _ in variants:
            if name.startswith("pytorch-"):
                twins[name] = bench.Twin("ae", name.removeprefix("pytorch-"), [])
                twins[name].ask("train")                  # warm-up epoch, left out
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.hogs)]
        print(f"# load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}, {os.cpu_count()} cores, "
              f"{args.hogs} busy processes beside the sweep")
        for round_number in range(1, args.rounds + 1):
            for name, assignments, arguments in variants:
                started = time.time()
                if name.startswith("pytorch-"):
                    epoch_times, checksum = run_twin(twins[name], args.epochs)
                else:
                    epoch_times, checksum = run_ours(assignments, arguments, args.epochs)
                times[name] += epoch_times
                bits.setdefault(name, checksum)
                print(f"round {round_number} {name:16s} " + " ".join(f"{t:.3f}" for t in epoch_times)
                      + f"  ({time.time() - started:.0f} s)", flush=True)
    finally:
        for hog in hogs:
            hog.kill()
        for twin in twins.values():
            twin.close()
    reference = next((bits[name] for name, _, _ in variants if bits.get(name)), None)
    twin_medians = [statistics.median(t) for name, t in times.items() if name.startswith("pytorch-") and t]
    anchor = min(twin_medians) if twin_medians else None
    print(f"\n| variant | variables | arguments | median s/epoch | range | / fastest PyTorch | parameters' bits |")
    print("|---|---|---|---|---|---|---|")
    for name, assignments, arguments in variants:
        t = times[name]
        median = statistics.median(t)
        ratio = f"{median / anchor:.2f}" if anchor else "–"
        same = "–" if bits.get(name) is None else ("same as the first" if bits[name] == reference else "differ")
        described = (bench.PYTORCH_CONFIGURATIONS[name.removeprefix("pytorch-")] if name.startswith("pytorch-")
                     else f"`{assignments}`" if assignments else "the kernel's")
        print(f"| {name} | {described} | `{arguments or '–'}` | {median:.3f} | "
              f"{min(t):.3f}–{max(t):.3f} | {ratio} | {same} |")


if __name__ == "__main__":
    main()
