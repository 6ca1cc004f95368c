#!/usr/bin/python3
"""Where an AE epoch's time goes: variants of our side, interleaved with the PyTorch twin, in one run.

    bench/where_time_goes.py --train-limit 10000 --epochs 5
    bench/where_time_goes.py --train-limit 60000 --variant no-agent AELAB_ENGINE_AGENT off \
        --variant no-mkl-shim LD_PRELOAD "" \
        --variant no-malloc-settings MALLOC_MMAP_THRESHOLD_ "" --variant no-malloc-settings MALLOC_TRIM_THRESHOLD_ ""

Variants (each an epoch of notebook 02's model through Fit, as bench/bench.py runs it):
- default: the notebook as it is, in the kernel as installed;
- textbook-loss: the same model with the loss written max(l,0) - l*x + log(1 + exp(-|l|)) (10
  engine ops where the notebook's softplus(l) - l*x has 4; the same function);
- further kernels, one per --variant NAME (environment variables of that kernel over the
  kernelspec's; repeat a NAME to set several, an empty VALUE removes the variable), by default
  threads-1: JAVA_TOOL_OPTIONS=-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1;
- per-step: forward, loss, backward and Fit's Adam (OnePassAdam) timed apart in a plain DJL loop on the
  notebook's model (one epoch's steps), to see which part dominates.
Prints one line per round and medians; writes build/bench/where_time_goes.json.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

TEXTBOOK_LOSS = """
TrainingLoss benchTextbookLoss = TrainingLoss.of("loss", (logits, pixels) ->
        logits.maximum(0f).sub(logits.mul(pixels)).add(logits.abs().neg().exp().add(1f).log()).mean());
"""

PER_STEP = """
double[] benchParts = new double[4];
Optimizer benchAdam = org.aelab.training.OnePassAdam.of(1e-3f, 0.9f, 0.999f);   // Fit's Adam, as Fit hands it each gradient
try (Trainer benchTrainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
    long[] all = java.util.stream.LongStream.range(0, trainImages.getShape().get(0)).toArray();
    for (int from = 0; from < all.length; from += batchSize) {
        try (NDManager step = benchTrainer.getManager().newSubManager()) {
            long t0 = System.nanoTime();
            NDArray index = step.create(java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + batchSize)));
            NDArray x = trainImages.get(step, new ai.djl.ndarray.index.NDIndex("{}", index));
            try (GradientCollector collector = benchTrainer.newGradientCollector()) {
                NDArray logits = benchTrainer.forward(new NDList(x)).singletonOrThrow();
                logits.getFloat(0, 0);                    // wait for the engine (synchronous on CPU anyway)
                long t1 = System.nanoTime();
                NDArray loss = LOSS.evaluate(new NDList(logits), x).optimised();
                loss.getFloat();
                long t2 = System.nanoTime();
                collector.backward(loss);
                long t3 = System.nanoTime();
                benchParts[0] += t1 - t0; benchParts[1] += t2 - t1; benchParts[2] += t3 - t2;
            }
            long t4 = System.nanoTime();
            for (Parameter p : model.getBlock().getParameters().values()) {
                try (NDArray gradient = p.getArray().getGradient()) {
                    benchAdam.update(p.getId(), p.getArray(), gradient);
                }
            }
            benchParts[3] += System.nanoTime() - t4;
        }
    }
}
String.format(java.util.Locale.ROOT, "%.3f,%.3f,%.3f,%.3f", benchParts[0] / 1e9, benchParts[1] / 1e9,
        benchParts[2] / 1e9, benchParts[3] / 1e9)
"""


def epoch(kernel, fit):
    return float(kernel.run(f'String.valueOf({fit}.run().table().doubleColumn("seconds").get(0))'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-limit", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--variant", nargs=3, action="append", metavar=("NAME", "VARIABLE", "VALUE"),
                        help="another kernel with one more environment variable (repeatable)")
    parser.add_argument("--skip-per-step", action="store_true")
    parser.add_argument("--out", default="where_time_goes.json", help="file name under build/bench/")
    args = parser.parse_args()
    scratch = bench.ROOT / "build" / "bench" / "scratch"
    env = {"AELAB_TRAIN_LIMIT": str(args.train_limit), "AELAB_CHECKPOINT_DIR": str(scratch / "checkpoints"),
           "AELAB_RESULTS_DIR": str(scratch / "results")}
    kernels, twin = {}, None
    times = {}
    try:
        kernels["default"] = bench.Kernel(env)
        # The notebook's own `Fit fit`, varied as bench.py varies it (a Fit is a value: copies change).
        fit_cell = bench.run_notebook_until(kernels["default"], "02-autoencoder.ipynb", bench.FIT_CELL, True)
        loss_name = fit_cell.split(".loss(")[1].split(")")[0]
        kernels["default"].run(bench.BENCH_FIT)
        kernels["default"].run(TEXTBOOK_LOSS)
        kernels["default"].run("Fit benchTextbookFit = benchFit.loss(benchTextbookLoss);")
        variants = {}
        for name, variable, value in args.variant or [("threads-1", "JAVA_TOOL_OPTIONS",
                                                        "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1")]:
            variants.setdefault(name, {})[variable] = value
        for name, settings in variants.items():
            kernels[name] = bench.Kernel(dict(env, **settings))
            bench.run_notebook_until(kernels[name], "02-autoencoder.ipynb", bench.FIT_CELL, True)
            kernels[name].run(bench.BENCH_FIT)
        twin = bench.Twin("ae", "tuned", ["--train-limit", str(args.train_limit)])
        for round_ in range(1 + args.epochs):
            seconds = {"default": epoch(kernels["default"], "benchFit"),
                       "textbook-loss": epoch(kernels["default"], "benchTextbookFit")}
            for name in variants:
                seconds[name] = epoch(kernels[name], "benchFit")
            seconds["pytorch-tuned"] = twin.ask("train")["train_s"]
            if not args.skip_per_step:
                parts = kernels["default"].run(PER_STEP.replace("LOSS", loss_name))
                seconds.update(zip(("part-forward", "part-loss", "part-backward", "part-step"),
                                   map(float, parts.split(","))))
            bench.log(("warm-up " if round_ == 0 else f"round {round_}: ")
                      + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()))
            if round_:
                for k, v in seconds.items():
                    times.setdefault(k, []).append(v)
    finally:
        if twin:
            twin.close()
        for kernel in kernels.values():
            kernel.close()
    summary = {k: bench.spread(v) for k, v in times.items()}
    summary["train_limit"] = args.train_limit
    summary["variants"] = variants
    summary["load"] = list(bench.load_average())
    out = bench.ROOT / "build" / "bench" / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    for k, v in times.items():
        print(f"{k:<16} median {statistics.median(v):7.2f} s  (min {min(v):.2f}, max {max(v):.2f})")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
