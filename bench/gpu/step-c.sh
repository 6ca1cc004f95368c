#!/bin/bash
# GPU check, call 3 of 3 (carry build/gpu-kit/c): notebook 02 at the chapter's settings through the
# project's kernel, then bench.py --gpu against PyTorch on the same GPU. Writes under $OUT.
set -u; cd "$(dirname "$0")/../.."; . bench/gpu/common.sh
OUT=${OUT:-/tmp/aelab-gpu-out}; mkdir -p "$OUT"
environment/kernel/install-kernel.sh --data-dir "$JUPYTER_PATH" --java "$R/jre0/bin/java" --no-cds --no-mkl-shim || exit 1
start=$(date +%s)
AELAB_RESULTS_DIR=$OUT/results AELAB_CHECKPOINT_DIR=/tmp/aelab-checkpoints AELAB_EPOCHS=${EPOCHS:-100} \
  LD_LIBRARY_PATH=$KERNEL_LIBS timeout "${NOTEBOOK_TIMEOUT:-300}" $PYK environment/kernel/src/test/resources/run_notebook.py aelab-java \
  notebooks/02-autoencoder.ipynb "$OUT/02-autoencoder.ipynb" 600
echo "notebook 02, EPOCHS=${EPOCHS:-100}: $(( $(date +%s) - start )) s"
$PYK - "$OUT/02-autoencoder.ipynb" <<'PY'
import json, sys
for cell in json.load(open(sys.argv[1]))["cells"]:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            print("ERROR in a cell:", output["ename"], output["evalue"][:300])
        elif output.get("name") == "stdout" and "Done:" in "".join(output["text"]):
            print("".join(output["text"]).strip().splitlines()[-1])
PY
LD_LIBRARY_PATH=$KERNEL_LIBS timeout "${BENCH_TIMEOUT:-300}" $PYK bench/bench.py --python "$TORCH_PYTHON" ${BENCH_GPU---gpu} --skip-pca --skip-kernel \
  --skip-shipped --models "${BENCH_MODELS:-ae,vae}" --epochs "${BENCH_EPOCHS:-5}" --warmup 1 --gemm-rounds 3 \
  --out "$OUT/bench-results.json"
