#!/usr/bin/python3
"""Where the training threads spend an AE epoch, on the CPU and off it, sampled with perf.

    bench/on_cpu.py                                   # the kernel's environment (AELAB_OMP_WAIT as installed)
    bench/on_cpu.py --set AELAB_OMP_WAIT=spin -- --epochs 4
    bench/on_cpu.py -- --aten-threads 1 --mkl-threads 2

Runs bench/AeEpochParts.java under `perf record` (499 samples a second per thread, CPU clock) with
the environment bench/threads_sweep.py gives it, then reads the samples of the epochs after the
first. For the two threads with the most samples (the training thread and the engine's OpenMP
worker) it prints seconds per epoch on the CPU by kind of work (oneMKL's matrix products, ATen's
element-wise loops, ATen's dispatch, the scheduler, libgomp's waiting, Java) and the time the thread
was off the CPU, asleep: the part of the epoch spent waiting for the other thread.
Needs perf (apt-get install linux-perf) and a kernel that lets this user sample (perf_event_paranoid).
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import threads_sweep  # noqa: E402

RATE = 499
SAMPLE = re.compile(r"^\s*(\d+)\s+([\d.]+):\s+[0-9a-f]+\s+(.*)\((.*)\)\s*$")
EPOCH = re.compile(r"^epoch (\d+) ([\d.]+) s .* clock ([\d.]+)-([\d.]+)$")


def kind(symbol, library):
    if "mkl_blas" in symbol or "sgemm" in symbol or "gblock" in symbol:
        return "matrix products (oneMKL)"
    if "mkl_vml" in symbol:
        return "oneMKL vector maths"
    if "kallsyms" in library:
        if any(word in symbol for word in ("switch", "schedule", "futex", "spin_unlock")):
            return "kernel: scheduling, futex"
        if "page" in symbol or "fault" in symbol:
            return "kernel: page faults"
        return "kernel: other"
    if "libgomp" in library:
        return "libgomp (spinning, barriers)"
    if "libtorch" in library or "libc10" in library:
        if any(word in symbol for word in ("VectorizedLoop", "Sleef", "cascade", "serial_for_each", "_kernel")):
            return "ATen element-wise loops"
        return "ATen dispatch, autograd, other"
    if "perf-" in library:
        return "Java (compiled)"
    if "libjvm" in library:
        return "JVM"
    if "djl_torch" in library:
        return "DJL's JNI"
    if "libc.so" in library:
        return "libc (malloc, memcpy)"
    return Path(library).name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable over the kernel's (empty VALUE removes it); repeatable")
    parser.add_argument("arguments", nargs="*", help="AeEpochParts's, after --")
    args = parser.parse_args()
    if shutil.which("perf") is None:
        sys.exit("on_cpu.py: perf is missing: apt-get install linux-perf")
    arguments = args.arguments or ["--epochs", "4"]
    env = threads_sweep.environment(" ".join(args.set))
    command = [*threads_sweep.LAUNCHER, "java", "-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit", "-Dai.djl.offline=true", "-cp",
               f"{threads_sweep.ROOT}/lib/target/classpath/*:{threads_sweep.ROOT}/lib/target/aelab-lib.jar",
               str(threads_sweep.ROOT / "bench/AeEpochParts.java"), *arguments]
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "perf.data"
        run = subprocess.run(["perf", "record", "-k", "CLOCK_MONOTONIC", "-F", str(RATE), "-o", str(data), "--", *command],
                             env=env, cwd=threads_sweep.ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"on_cpu.py: perf record ended with {run.returncode}:\n{run.stderr[-2000:]}")
        epochs = [(float(m[3]), float(m[4])) for m in map(EPOCH.match, run.stdout.splitlines()) if m]
        if len(epochs) < 2:
            sys.exit("on_cpu.py: at least two epochs are needed (the first is left out)")
        script = subprocess.run(["perf", "script", "-i", str(data), "-F", "tid,time,ip,sym,dso"],
                                capture_output=True, text=True, check=True).stdout
    print("\n".join(line for line in run.stdout.splitlines() if line.startswith(("#", "epoch"))))
    samples = [(int(m[1]), float(m[2]), m[3].strip(), m[4]) for m in map(SAMPLE.match, script.splitlines()) if m]
    # perf's clock and the JVM's System.nanoTime are both CLOCK_MONOTONIC: the epochs after the first.
    start, end = epochs[1][0], epochs[-1][1]
    window = end - start
    measured = len(epochs) - 1
    busiest = collections.Counter(tid for tid, time, _, _ in samples if start <= time <= end).most_common(2)
    for name, (tid, count) in zip(("training thread", "OpenMP worker"), busiest):
        kinds = collections.Counter(kind(symbol, library) for t, time, symbol, library in samples
                                    if t == tid and start <= time <= end)
        on_cpu = count / RATE / measured
        print(f"\n{name} (tid {tid}): {window / measured:.3f} s per epoch, {on_cpu:.3f} s on the CPU, "
              f"{window / measured - on_cpu:.3f} s off it")
        for what, n in kinds.most_common(9):
            print(f"  {what:34s} {n / RATE / measured:.3f} s")


if __name__ == "__main__":
    main()
