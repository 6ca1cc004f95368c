#!/bin/bash
# GPU check, call 1 of 3 (carry build/gpu-kit/a): unpacks the Java runtime, Python and the fonts outside
# the repository, where they outlast the call, and builds DJL's JNI bridge against the machine's PyTorch.
set -u; cd "$(dirname "$0")/../.."; . bench/gpu/common.sh
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -2
$TORCH_PYTHON -c "import torch; print('torch', torch.__version__, 'CUDA', torch.version.cuda, 'GPU', torch.cuda.is_available())"
tar -xJf "$K/a/jre0.tar.xz" -C "$R" && tar -xJf "$K/a/pykit.tar.xz" -C "$R" && cp -r "$K/a/f" "$R/" || exit 1
$PYK -c "import nbclient, zmq, sys; print('Python', sys.version.split()[0], 'with nbclient; ZeroMQ', zmq.zmq_version())" || exit 1
start=$(date +%s)
[ -f "$JNI_SO" ] || bench/gpu/build-djl-jni.sh "$TORCH_DIR" "$K/a/jni-include" "$K/a/djl-src" "$JNI_SO" || exit 1
echo "DJL's JNI bridge for torch $TORCH_VERSION_ID: $JNI_SO ($(( $(date +%s) - start )) s)"
