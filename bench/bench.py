#!/usr/bin/python3
"""The benchmark: our notebooks' training against their PyTorch twins, on this machine, in one run.

Run it through bench/bench.sh (which does the set-up first); options: bench/bench.py --help.
It prints a table and writes build/bench/results.json (schema in docs/benchmarks.md).

What it measures, and how:
- GEMM rate: fp32 2048x2048 matrix products through DJL (in the kernel) and numpy, as shipped and
  tuned (OpenBLAS free to pick its kernels for this CPU, 2 threads), interleaved, each after a warm-up
  of as many products; the fraction of peak divides by the best of the three.
- Epochs: the models come from the notebooks themselves. The bench starts the aelab-java kernel,
  executes the notebook's code cells up to the one that builds its `Fit fit`, and runs a variation
  of that value, `fit.epochs(1).progress(false)...` (a Fit is copy-on-write: the notebook's own
  stays as it was), again and again: the helper jar's Fit on the notebook's own model, loss and
  optimiser, no copy of them here. Its test set is the first test image, so the per-epoch
  evaluation is a single forward of one image. PyTorch runs bench/pytorch_twins.py --serve, tuned and as shipped, one epoch per request.
  Ours, tuned, as shipped, ours, tuned, ... (interleaved); --warmup epochs each (default 4: the
  JVM is still compiling DJL's and the helper jar's code through the first three or four, PyTorch
  allocates in its first; their times are kept), then the median of --epochs epochs. The kernel's
  OpenMP threads wait as its kernelspec says (AELAB_OMP_WAIT, applied by omp-wait.sh); how they did
  is recorded (detail.openmp_wait).
- PCA: notebook 01's covarianceOf and eigendecomposition cells (covariance through DJL, EJML's
  symmetric eigendecomposition) against numpy (float32 covariance, float64 eigh), interleaved.
- Kernel: start to idle (kernel_info answered), and notebook five-cells.ipynb of the kernel's tests
  executed with nbconvert, wall clock.
- Main job: total_seconds of the last build/site/results.json, if there is one.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TWINS = ROOT / "bench" / "pytorch_twins.py"
FIVE_CELLS = ROOT / "environment" / "kernel" / "src" / "test" / "resources" / "notebooks" / "five-cells.ipynb"
PYTHON = "/usr/bin/python3"   # --python replaces it: the one with torch and numpy
JUPYTER = "/usr/bin/jupyter"
GEMM_N = 2048

# Forward and backward matrix products of one epoch: every dense layer costs 2*m*n FLOPs per sample
# forward, and twice that backward (gradients of weights and of inputs), except that the first
# layer needs no gradient of its input (the data).
MODELS = {
    "ae": {"notebook": "02-autoencoder.ipynb", "twin": "ae",
           "layers": [(784, 256), (256, 128), (128, 20), (20, 128), (128, 256), (256, 784)]},
    "vae": {"notebook": "04-vae.ipynb", "twin": "vae",
            "layers": [(784, 128), (128, 20), (128, 20), (20, 128), (128, 784)], "first_layers": 1},
}
TRAIN_SIZE = 60_000


def gflop_per_epoch(layers, samples=TRAIN_SIZE, first_layers=1):
    forward = sum(2 * m * n for m, n in layers)
    backward = 2 * forward - sum(2 * m * n for m, n in layers[:first_layers])
    return (forward + backward) * samples / 1e9


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "values": [round(v, 4) for v in values]}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average():
    return os.getloadavg()


# ---------------------------------------------------------------- the kernel side

def drop_wait_setting(env, variables):
    """Removes AELAB_OMP_WAIT from env when variables name OpenMP's own (set or removed, they decide
    how the threads wait; omp-wait.sh would otherwise apply the setting where a removal left none)."""
    if "OMP_WAIT_POLICY" in variables or "GOMP_SPINCOUNT" in variables:
        env.pop("AELAB_OMP_WAIT", None)


class Kernel:
    """One aelab-java kernel, started the way Jupyter starts it, with cells executed by message."""

    def __init__(self, env_extra, name="aelab-java", cwd=None):
        """cwd: the kernel's working directory, the notebook's folder as under Jupyter (so that a
        cell's `%load code/data.jsh` finds the file beside the notebook); default notebooks/."""
        from jupyter_client.manager import KernelManager
        env = dict(os.environ)
        env.update(env_extra)
        self.manager = KernelManager(kernel_name=name)
        # The kernelspec's own env (OMP_WAIT_POLICY, LD_PRELOAD, MALLOC_*) would win over the launch
        # environment; a variant names exactly what it changes, so it wins here. An empty value removes.
        spec_env = self.manager.kernel_spec.env
        drop_wait_setting(spec_env, env_extra)
        for variable, value in env_extra.items():
            if value:
                spec_env[variable] = value
            else:
                spec_env.pop(variable, None)
                env.pop(variable, None)
        start = time.perf_counter()
        self.manager.start_kernel(env=env, cwd=str(cwd or ROOT / "notebooks"))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)
        self.start_to_idle_s = time.perf_counter() - start

    def openmp_wait(self):
        """How this kernel's OpenMP threads wait, as omp-wait.sh (AELAB_OMP_WAIT) or the bench set it."""
        return self.run('String.format("OMP_WAIT_POLICY=%s GOMP_SPINCOUNT=%s", System.getenv("OMP_WAIT_POLICY"), '
                        'System.getenv("GOMP_SPINCOUNT"))').replace("=null", " unset")

    def pid(self):
        provisioner = getattr(self.manager, "provisioner", None)
        process = getattr(provisioner, "process", None) or getattr(self.manager, "kernel", None)
        return process.pid

    def peak_rss_mb(self):
        with open(f"/proc/{self.pid()}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def run(self, code, timeout=1800):
        """Executes one cell; returns its text/plain result (or printed text); raises on an error."""
        reply_holder = {}
        outputs = []

        def on_output(message):
            kind = message["header"]["msg_type"]
            content = message["content"]
            if kind == "stream":
                outputs.append(content["text"])
            elif kind == "execute_result":
                outputs.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                reply_holder["error"] = content["ename"] + ": " + content["evalue"] + "\n" + "\n".join(
                    content.get("traceback", []))

        reply = self.client.execute_interactive(code, timeout=timeout, output_hook=on_output,
                                                store_history=False)
        if reply["content"]["status"] != "ok" or "error" in reply_holder:
            raise RuntimeError(f"kernel cell failed:\n{code}\n--- {reply_holder.get('error', reply['content'])}")
        return "".join(outputs).strip()

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


NOTEBOOK_PATHS = {}   # name -> path, from --notebook (default: notebooks/<name>)


def notebook_path(notebook):
    return NOTEBOOK_PATHS.get(notebook, ROOT / "notebooks" / notebook)


def code_cells(notebook):
    cells = json.loads(notebook_path(notebook).read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def run_notebook_until(kernel, notebook, marker, include):
    """Executes the notebook's code cells up to the first one containing marker; returns that cell."""
    for source in code_cells(notebook):
        if marker in source:
            if include:
                kernel.run(source)
            return source
        kernel.run(source)
    raise SystemExit(f"notebooks/{notebook} has no code cell containing {marker!r}: the bench reads "
                     "the notebook's own cells; update MODELS or the marker in bench/bench.py.")


# The notebook's Fit, held by the cell that builds it (`Fit fit = Fit.model(model)...;`), varied here:
# one epoch, no progress, checkpoint or per-epoch pictures, always trained, and tested on the first
# test image only, so that the per-epoch evaluation is one forward of one image. The data's names
# are those of notebook 02's data cell (notebooks/code/data.jsh), which every notebook loads.
FIT_CELL = "Fit fit = "
BENCH_FIT = ('Fit benchFit = fit.data(trainImages, testImages.get(":1"))'
             '.epochs(1).progress(false).checkpoint(null).afterEpoch(null).retrain(true);\n'
             'benchFit')


# ---------------------------------------------------------------- the PyTorch side

TUNED_ENV_REMOVE = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
OPENMP_BLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp"   # Debian's libopenblas0-openmp

# The PyTorch configurations the bench tries, each in its own twin process, all in the same
# interleaved rounds; the fastest is the anchor our epochs are compared with (docs/benchmarks.md).
#   tuned:   the pthread OpenBLAS build with one BLAS thread (PyTorch's own threads do the rest),
#            OpenBLAS free to pick its kernels for this CPU
#   openmp:  Debian's OpenMP OpenBLAS build, sharing PyTorch's OpenMP pool of 2 threads
#   shipped: PyTorch's own default, in the environment the bench was started in
PYTORCH_CONFIGURATIONS = {
    "tuned": "pthread OpenBLAS, OPENBLAS_NUM_THREADS=1",
    "openmp": f"OpenMP OpenBLAS (LD_LIBRARY_PATH={OPENMP_BLAS_DIR}), OMP_NUM_THREADS=2",
    "shipped": "PyTorch's default, as shipped",
}


def torch_env(configuration):
    env = dict(os.environ)
    if configuration in ("tuned", "openmp"):
        for name in TUNED_ENV_REMOVE:
            env.pop(name, None)
    if configuration == "tuned":
        env["OPENBLAS_NUM_THREADS"] = "1"
    elif configuration == "openmp":
        env["LD_LIBRARY_PATH"] = OPENMP_BLAS_DIR + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        env["OMP_NUM_THREADS"] = "2"
    return env


class Twin:
    def __init__(self, model, configuration, extra_args):
        self.process = subprocess.Popen([PYTHON, str(TWINS), model, "--serve", *extra_args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        env=torch_env(configuration), cwd=ROOT)
        hello = self.read()
        self.threads = hello.get("threads")

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the PyTorch twin ended early (exit status {self.process.wait()})")
        return json.loads(line)

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        self.process.wait(timeout=60)


# ---------------------------------------------------------------- measurements

DJL_GEMM = """
NDArray gemmA = gemmManager.randomUniform(0f, 1f, new Shape({n}, {n}));
NDArray gemmB = gemmManager.randomUniform(0f, 1f, new Shape({n}, {n}));
for (int i = 0; i < {reps}; i++) gemmA.matMul(gemmB).close();  // warm-up: the allocator's heap grows once
gemmA.matMul(gemmB).getFloat(0, 0);                              // on a GPU: waits for the warm-up
long gemmStart = System.nanoTime();
for (int i = 0; i < {reps} - 1; i++) gemmA.matMul(gemmB).close();
gemmA.matMul(gemmB).getFloat(0, 0);                              // on a GPU, products only queue: wait for them
double gemmGflops = 2.0 * {n} * {n} * {n} * {reps} / ((System.nanoTime() - gemmStart) / 1e9) / 1e9;
gemmA.close(); gemmB.close();
String.valueOf(gemmGflops)
"""


NUMPY_GEMM = """
import sys, time
import numpy as np
n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
a = rng.random((n, n), dtype=np.float32)
b = rng.random((n, n), dtype=np.float32)
for _ in range(reps):
    a @ b
start = time.perf_counter()
for _ in range(reps):
    a @ b
print(2.0 * n ** 3 * reps / (time.perf_counter() - start) / 1e9)
"""


def numpy_gemm(reps, tuned):
    """GFLOP/s of numpy's float32 product in a fresh process: as shipped (this environment) or tuned
    (OpenBLAS picks its kernels for this CPU: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, 2 threads)."""
    env = torch_env("tuned" if tuned else "shipped")
    if tuned:
        env["OPENBLAS_NUM_THREADS"] = str(os.cpu_count() or 1)  # numpy has no thread pool of its own to fight
    out = subprocess.run([PYTHON, "-c", NUMPY_GEMM, str(GEMM_N), str(reps)], env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout)


def numpy_pca(images):
    import numpy as np
    start = time.perf_counter()
    centred = images - images.mean(axis=0)
    covariance = centred.T @ centred / (len(images) - 1)
    np.linalg.eigh(covariance.astype(np.float64))
    return time.perf_counter() - start


def read_images_numpy():
    sys.path.insert(0, str(ROOT / "bench"))
    import pytorch_twins
    return pytorch_twins.read_images(pytorch_twins.data_dir(), "train").numpy()


def measure_gemm_and_pca(args, env_extra, results):
    log("kernel for GEMM and PCA (notebook 01's cells)")
    kernel = Kernel(env_extra)
    try:
        kernel.run("NDManager gemmManager = NDManager.newBaseManager();")
        device = kernel.run("ai.djl.engine.Engine.getInstance().defaultDevice().toString()")
        results["machine"]["djl_device"] = device
        log(f"DJL's default device: {device}")
        if args.gpu and not device.startswith("gpu"):
            raise SystemExit(f"--gpu, but the kernel's DJL runs on {device}: build with -Pcuda on a machine "
                             "with an NVIDIA GPU and its driver (docs/benchmarks.md, 'A GPU path')")
        djl, numpy_rates, numpy_tuned = [], [], []
        for _ in range(args.gemm_rounds):
            djl.append(float(kernel.run(DJL_GEMM.format(n=GEMM_N, reps=args.gemm_reps))))
            numpy_rates.append(numpy_gemm(args.gemm_reps, tuned=False))
            numpy_tuned.append(numpy_gemm(args.gemm_reps, tuned=True))
        results["gemm_gflops"] = {"djl": statistics.median(djl), "numpy": statistics.median(numpy_rates),
                                  "numpy_tuned": statistics.median(numpy_tuned)}
        results["detail"]["gemm"] = {"size": GEMM_N, "djl": spread(djl), "numpy": spread(numpy_rates),
                                     "numpy_tuned": spread(numpy_tuned)}
        log("GEMM GFLOP/s: DJL {djl:.1f}, numpy {numpy:.1f}, numpy tuned {numpy_tuned:.1f}".format(**results["gemm_gflops"]))
        if args.skip_pca:
            return
        run_notebook_until(kernel, "01-pca.ipynb", "pcaSeconds", include=True)
        images = read_images_numpy()
        ours, theirs = [], []
        for _ in range(args.pca_rounds):
            ours.append(float(kernel.run(
                "var benchCov = Timed.of(() -> covarianceOf(trainImages));\n"
                "var benchEig = Timed.of(() -> eigendecomposition(benchCov.value()));\n"
                "benchCov.value().close();\n"
                "String.valueOf(benchCov.seconds() + benchEig.seconds())")))
            theirs.append(numpy_pca(images))
        results["pca"] = {"ours_s": statistics.median(ours), "numpy_s": statistics.median(theirs)}
        results["detail"]["pca"] = {"ours": spread(ours), "numpy": spread(theirs)}
        log(f"PCA s: ours {results['pca']['ours_s']:.2f}, numpy {results['pca']['numpy_s']:.2f}")
    finally:
        kernel.close()


def summarise(key, times, gflop, samples, kernel, twins, results):
    """The model's entry from the epochs measured so far (a run cut short keeps them)."""
    ours = statistics.median(times["ours"])
    pytorch = {side: statistics.median(times[side]) for side in PYTORCH_CONFIGURATIONS if times.get(side)}
    best = min(pytorch, key=pytorch.get)
    peak = max((v for v in results["gemm_gflops"].values() if v), default=None)
    results["models"][key] = {
        "ours_epoch_s": ours,
        "pytorch_epoch_s": pytorch["tuned"],
        "pytorch_as_shipped_epoch_s": pytorch.get("shipped"),
        "pytorch_openmp_epoch_s": pytorch.get("openmp"),
        "ratio": ours / pytorch["tuned"],
        "pytorch_best": {"configuration": best, "description": PYTORCH_CONFIGURATIONS[best],
                         "epoch_s": pytorch[best], "ratio": ours / pytorch[best]},
        "gflop_per_epoch": round(gflop, 2),
        "fraction_of_gemm_peak": (gflop / ours) / peak if peak else None,
        "samples_per_s": samples / ours,
        "peak_rss_mb": kernel.peak_rss_mb(),
        "pytorch_peak_rss_mb": twins["tuned"].ask("rss")["peak_rss_mb"],
    }
    results["detail"][key] = {side: spread(v) for side, v in times.items() if v}
    results["detail"][key]["pytorch_threads"] = {side: twin.threads for side, twin in twins.items() if twin}
    results["detail"][key]["gemm_peak_used_for_fraction"] = peak


def measure_model(key, args, env_extra, results, save):
    spec = MODELS[key]
    notebook = notebook_path(spec["notebook"])
    if not notebook.exists():
        log(f"{key}: {notebook} does not exist (yet); skipped")
        results["models"][key] = None
        return
    if not args.skip_openmp and not Path(OPENMP_BLAS_DIR).is_dir():
        raise SystemExit(f"{OPENMP_BLAS_DIR} is missing: apt-get install libopenblas0-openmp (bench/bench.sh "
                         "does), or pass --skip-openmp")
    samples = args.train_limit or TRAIN_SIZE
    gflop = gflop_per_epoch(spec["layers"], samples, first_layers=spec.get("first_layers", 1))
    log(f"{key}: kernel executes {notebook} up to its training cell")
    # Relative to the project when inside it, so that a committed results file names no machine's paths.
    results["detail"].setdefault("notebooks", {})[key] = str(
        notebook.relative_to(ROOT) if notebook.is_relative_to(ROOT) else notebook)
    kernel = Kernel(env_extra, cwd=notebook.parent)
    twins = {}
    try:
        run_notebook_until(kernel, spec["notebook"], FIT_CELL, include=True)
        results["detail"].setdefault("fits", {})[key] = kernel.run(BENCH_FIT)   # what benchFit does, in words
        results["detail"].setdefault("openmp_wait", {})[key] = kernel.openmp_wait()
        log(f"{key}: kernel's OpenMP threads: {results['detail']['openmp_wait'][key]}")
        twin_args = ["--train-limit", str(args.train_limit)] if args.train_limit else []
        if args.gpu:
            twin_args += ["--device", "cuda"]
        twins["tuned"] = Twin(spec["twin"], "tuned", twin_args)
        twins["openmp"] = Twin(spec["twin"], "openmp", twin_args) if not args.skip_openmp else None
        twins["shipped"] = Twin(spec["twin"], "shipped", twin_args) if not args.skip_shipped else None
        for side, twin in twins.items():
            if twin:
                log(f"{key} PyTorch {side}: {twin.threads}")
        times = {"ours": [], "tuned": [], "openmp": [], "shipped": []}
        warmups = results["detail"].setdefault("warmup_epochs_s", {})[key] = {side: [] for side in times}
        for round_ in range(args.warmup + args.epochs):
            seconds = {"ours": float(kernel.run(
                'String.valueOf(benchFit.run().table().doubleColumn("seconds").get(0))'))}
            for side in PYTORCH_CONFIGURATIONS:
                if twins[side]:
                    seconds[side] = twins[side].ask("train")["train_s"]
            label = "warm-up" if round_ < args.warmup else f"epoch {round_ - args.warmup + 1}"
            log(f"{key} {label}: " + ", ".join(f"{k} {v:.2f} s" for k, v in seconds.items()))
            if round_ < args.warmup:
                for side, value in seconds.items():
                    warmups[side].append(round(value, 4))
            else:
                for side, value in seconds.items():
                    times[side].append(value)
                summarise(key, times, gflop, samples, kernel, twins, results)
                save()
    finally:
        for twin in twins.values():
            if twin:
                twin.close()
        kernel.close()


def measure_kernel(args, env_extra, results):
    starts = []
    for _ in range(args.kernel_rounds):
        kernel = Kernel(env_extra)
        starts.append(kernel.start_to_idle_s)
        kernel.close()
    out = ROOT / "build" / "bench" / "five-cells-executed.ipynb"
    walls = []
    for _ in range(args.kernel_rounds):
        start = time.perf_counter()
        subprocess.run([JUPYTER, "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=300", "--output", str(out), str(FIVE_CELLS)],
                       check=True, capture_output=True, env={**os.environ, **env_extra})
        walls.append(time.perf_counter() - start)
    results["kernel"] = {"start_to_idle_s": statistics.median(starts),
                         "five_cell_notebook_s": statistics.median(walls)}
    results["detail"]["kernel"] = {"start_to_idle": spread(starts), "five_cell_notebook": spread(walls)}
    log(f"kernel: start to idle {results['kernel']['start_to_idle_s']:.2f} s, "
        f"five-cell notebook {results['kernel']['five_cell_notebook_s']:.2f} s")


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    flags = open("/proc/cpuinfo").read()
    return {"cpu": cpu, "cores": os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "avx512_bf16": " avx512_bf16" in flags, "kernel": platform.release(),
            "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}}


def print_table(results):
    rows = [("GEMM GFLOP/s, DJL / numpy / numpy tuned", f"{results['gemm_gflops'].get('djl', 0):.1f} / "
                                          f"{results['gemm_gflops'].get('numpy', 0):.1f} / "
                                          f"{results['gemm_gflops'].get('numpy_tuned', 0):.1f}", "")]
    for key, model in results["models"].items():
        if not model:
            rows.append((f"{key}: epoch", "not measured", "notebook missing"))
            continue
        shipped, openmp = model["pytorch_as_shipped_epoch_s"], model["pytorch_openmp_epoch_s"]
        best = model["pytorch_best"]
        rows += [
            (f"{key}: epoch s, ours / PyTorch tuned / OpenMP / as shipped",
             f"{model['ours_epoch_s']:.2f} / {model['pytorch_epoch_s']:.2f} / "
             + (f"{openmp:.2f}" if openmp else "-") + " / " + (f"{shipped:.2f}" if shipped else "-"), ""),
            (f"{key}: ratio ours / tuned PyTorch", f"{model['ratio']:.2f}", "goal <= 0.5"),
            (f"{key}: ratio ours / fastest PyTorch ({best['configuration']})", f"{best['ratio']:.2f}",
             best["description"]),
            (f"{key}: GFLOP/epoch, fraction of GEMM peak",
             f"{model['gflop_per_epoch']:.1f}, " + (f"{model['fraction_of_gemm_peak']:.0%}"
                                                     if model["fraction_of_gemm_peak"] else "-"), "goal >= 60%"),
            (f"{key}: samples/s, peak RSS MB", f"{model['samples_per_s']:,.0f}, {model['peak_rss_mb']:.0f}", ""),
        ]
    if results.get("pca"):
        rows.append(("PCA s, ours / numpy", f"{results['pca']['ours_s']:.2f} / {results['pca']['numpy_s']:.2f}",
                     "goal: ours <= numpy"))
    if results.get("kernel"):
        rows.append(("kernel start to idle s", f"{results['kernel']['start_to_idle_s']:.2f}", "goal <= 1.0"))
        rows.append(("five-cell notebook s", f"{results['kernel']['five_cell_notebook_s']:.2f}", "goal <= 5"))
    rows.append(("main job s (last build/site/results.json)",
                 f"{results['main_job_s']:.0f}" if results.get("main_job_s") else "-", "goal <= 1200"))
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print()
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>{value_width}}  {goal}")
    print(f"\nload average at start {results['detail']['load_start']}, at end {results['detail']['load_end']}")


def main():
    global PYTHON
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="ae,vae", help="comma-separated: ae, vae (default both)")
    parser.add_argument("--epochs", type=int, default=5, help="measured epochs per side, after the warm-up")
    parser.add_argument("--warmup", type=int, default=4,
                        help="epochs per side before the measured ones (default 4: the JVM compiles DJL's and the "
                             "helper jar's code through the first three or four); kept in detail.warmup_epochs_s")
    parser.add_argument("--train-limit", type=int,
                        help="train on the first N images of the seeded shuffle (both sides; for quick "
                             "experiments: an epoch is then N images, and samples/s and GFLOP scale with N)")
    parser.add_argument("--gemm-rounds", type=int, default=5)
    parser.add_argument("--gemm-reps", type=int, default=10)
    parser.add_argument("--pca-rounds", type=int, default=3)
    parser.add_argument("--kernel-rounds", type=int, default=3)
    parser.add_argument("--skip-pca", action="store_true")
    parser.add_argument("--skip-kernel", action="store_true")
    parser.add_argument("--skip-shipped", action="store_true", help="do not run PyTorch as shipped")
    parser.add_argument("--skip-openmp", action="store_true",
                        help="do not run PyTorch on the OpenMP OpenBLAS build (libopenblas0-openmp)")
    parser.add_argument("--java-options", default="",
                        help="JVM options for our side (JAVA_TOOL_OPTIONS), e.g. -Dai.djl.pytorch.num_threads=2")
    parser.add_argument("--kernel-env", action="append", default=[], metavar="VARIABLE=VALUE",
                        help="an environment variable for our side's kernels, over the kernelspec's, e.g. "
                             "OMP_WAIT_POLICY=ACTIVE; VARIABLE= (empty) removes it, e.g. LD_PRELOAD=")
    parser.add_argument("--notebook", action="append", default=[], metavar="MODEL=PATH",
                        help="read a model's notebook from PATH instead of notebooks/ (e.g. a branch's copy)")
    parser.add_argument("--python", default=PYTHON,
                        help="the Python that runs the PyTorch twins and numpy (default %(default)s)")
    parser.add_argument("--gpu", action="store_true",
                        help="the GPU comparison: our kernel must run on DJL's gpu(0) (else the bench stops), "
                             "and the twins train with --device cuda; GEMM's numpy figures stay on the CPU")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "results.json"))
    args = parser.parse_args()
    PYTHON = args.python
    for key in args.models.split(","):
        if key not in MODELS:
            parser.error(f"unknown model {key!r}; choose from {', '.join(MODELS)}")
    if args.epochs < 1 or args.warmup < 0:
        parser.error("--epochs must be at least 1 and --warmup at least 0")

    for override in args.notebook:
        key, _, path = override.partition("=")
        if key not in MODELS or not path:
            parser.error(f"--notebook takes MODEL=PATH with MODEL one of {', '.join(MODELS)}")
        NOTEBOOK_PATHS[MODELS[key]["notebook"]] = Path(path).resolve()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = out.parent / "scratch"
    env_extra = {"AELAB_CHECKPOINT_DIR": str(scratch / "checkpoints"),
                 "AELAB_RESULTS_DIR": str(scratch / "results")}
    if args.train_limit:
        env_extra["AELAB_TRAIN_LIMIT"] = str(args.train_limit)
    if args.java_options:
        env_extra["JAVA_TOOL_OPTIONS"] = args.java_options
    for setting in args.kernel_env:
        variable, equals, value = setting.partition("=")
        if not equals or not variable:
            parser.error(f"--kernel-env takes VARIABLE=VALUE, not {setting!r}")
        env_extra[variable] = value
    results = {"machine": machine(), "gemm_gflops": {}, "models": {}, "pca": None, "kernel": None,
               "main_job_s": None,
               "detail": {"load_start": [round(x, 2) for x in load_average()], "epochs": args.epochs,
                          "warmup": args.warmup, "java_options": args.java_options, "kernel_env": args.kernel_env,
                          "train_limit": args.train_limit, "python": args.python, "gpu": args.gpu,
                          "command": " ".join(sys.argv)}}
    if args.gpu:
        query = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                               capture_output=True, text=True)
        results["machine"]["gpu"] = query.stdout.strip() or query.stderr.strip()
    site = ROOT / "build" / "site" / "results.json"
    if site.exists():
        results["main_job_s"] = json.loads(site.read_text()).get("total_seconds")
        results["detail"]["main_job_from"] = str(site.relative_to(ROOT))

    def save():                         # after every part, so a long run interrupted keeps what it measured
        results["detail"]["load_end"] = [round(x, 2) for x in load_average()]
        out.write_text(json.dumps(results, indent=2) + "\n")

    measure_gemm_and_pca(args, env_extra, results)
    save()
    if not args.skip_kernel:
        measure_kernel(args, env_extra, results)
        save()
    for key in args.models.split(","):
        measure_model(key, args, env_extra, results, save)
        save()
    print_table(results)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
