#!/bin/bash
# GPU check, call 2 of 3 (carry build/gpu-kit/b): puts the jars where the kernel installer expects a
# build, then asks DJL for its default device and checks one matrix product on it.
set -u; cd "$(dirname "$0")/../.."; . bench/gpu/common.sh
[ -f "$JNI_SO" ] || { echo "no JNI bridge at $JNI_SO: run step-a.sh on this machine first"; exit 1; }
mkdir -p lib/target environment/kernel/target && tar -xf "$K/b/jars.tar" -C lib/target || exit 1
rm -rf environment/kernel/target/doc-sources
mv lib/target/aelab-kernel.jar lib/target/doc-sources environment/kernel/target/
LD_LIBRARY_PATH=$KERNEL_LIBS java -cp "lib/target/aelab-lib.jar:lib/target/classpath/*" -Dai.djl.offline=true bench/gpu/GpuCheck.java 2>&1 \
  | grep -v "^Picked up\|INFO"
