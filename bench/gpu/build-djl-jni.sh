#!/bin/bash
# Builds DJL's PyTorch JNI bridge (libdjl_torch.so) against the libtorch of an installed PyTorch, for
# a PyTorch version that DJL publishes no bridge for (here: the GPU machine's PyTorch 2.11 with CUDA 13).
#
# Usage: build-djl-jni.sh TORCH_PACKAGE_DIR JNI_INCLUDE_DIR SOURCE_DIR OUT_SO
#   TORCH_PACKAGE_DIR  the torch package (python -c "import torch, os; print(os.path.dirname(torch.__file__))")
#   JNI_INCLUDE_DIR    a JDK's include/ (jni.h and linux/jni_md.h)
#   SOURCE_DIR         from make-kit.sh: DJL's native sources and the JNI header javac generated
#   OUT_SO             where DJL looks: $DJL_CACHE_DIR/pytorch/VERSION-FLAVOR-linux-x86_64/0.36.0-libdjl_torch.so
# Without USE_CUDA: that only adds cudaEmptyCache and separate inference streams; training needs
# neither, and the CUDA kernels come in through libtorch_cuda.so, which DJL loads for a cu* flavour.
set -euo pipefail
[ $# -eq 4 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
torch=$1; jni=$2; src=$3; out=$4
[ -f "$torch/include/torch/csrc/api/include/torch/torch.h" ] || { echo "build-djl-jni.sh: $torch has no include/torch/csrc/api/include/torch/torch.h" >&2; exit 1; }
[ -f "$jni/jni.h" ] || { echo "build-djl-jni.sh: $jni has no jni.h" >&2; exit 1; }
native=$src/native
objs=$(mktemp -d)
trap 'rm -rf "$objs"' EXIT
flags="-O2 -fPIC -std=c++17 -D_GLIBCXX_USE_CXX11_ABI=1 -w
  -I$torch/include -I$torch/include/torch/csrc/api/include
  -I$jni -I$jni/linux -I$src/api-native -I$src/jni-header -I$native"
ls "$native"/*.cc | xargs -P "$(nproc)" -I{} sh -c "g++ $(echo $flags) -c {} -o $objs/\$(basename {} .cc).o"
mkdir -p "$(dirname "$out")"
g++ -shared -o "$out" "$objs"/*.o -L"$torch/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10
