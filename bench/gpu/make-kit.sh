#!/bin/bash
# Assembles build/gpu-kit/: everything a GPU machine without network and without Java needs to run
# notebook 02 and bench.py --gpu through the project's own kernel (used with this workplace's device
# tool; docs/benchmarks.md, "A GPU path", says what it measured). Three parts, each under the 64 MiB
# a device call can carry:
#   a/  a Java 17 runtime (jlink), Python 3.11 with nbclient and pyzmq (the machine's Python 3.12 has no
#       pyzmq wheel here), DJL 0.36.0's JNI sources, fonts and the libraries Java draws text with
#   b/  the helper jar, its dependencies (less the CPU natives) and the kernel jar
#   c/  the four Fashion-MNIST files
# Usage: bench/gpu/make-kit.sh DJL_CHECKOUT   (a clone of github.com/deepjavalibrary/djl; tag v0.36.0 is used)
# Needs: the project built (mvn -B -DskipTests package), JDK 17 with jmods, Debian 12's python3.11 and pip.
set -euo pipefail
[ $# -eq 1 ] && git -C "$1" rev-parse --verify -q v0.36.0 >/dev/null || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
djl=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
kit=$root/build/gpu-kit
jdk=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
data=$root/../shared/data/fashion-mnist
[ -f "$root/lib/target/aelab-lib.jar" ] && [ -f "$root/environment/kernel/target/aelab-kernel.jar" ] \
  || { echo "make-kit.sh: build the project first: mvn -B -DskipTests package" >&2; exit 1; }
[ -d "$jdk/jmods" ] || { echo "make-kit.sh: $jdk has no jmods/ for jlink (set JAVA_HOME to a full JDK 17)" >&2; exit 1; }
[ -f "$data/train-images-idx3-ubyte.gz" ] || data=/usr/share/datasets/fashion-mnist
rm -rf "$kit" && mkdir -p "$kit"/a "$kit"/b "$kit"/c
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# a/: the Java runtime, uncompressed inside so that xz packs it to a quarter.
"$jdk/bin/jlink" --add-modules java.se,jdk.jshell,jdk.compiler,jdk.unsupported,jdk.zipfs,jdk.management,jdk.jdi,jdk.attach \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output "$work/jre0"
tar -C "$work" -cf - jre0 | xz -T0 -9 > "$kit/a/jre0.tar.xz"
mkdir -p "$kit/a/jni-include/linux"
cp "$jdk/include/jni.h" "$kit/a/jni-include/" && cp "$jdk/include/linux/jni_md.h" "$kit/a/jni-include/linux/"

# Python 3.11 beside its standard library finds it on its own (no PYTHONHOME to leak into PyTorch's Python).
py=$work/pykit/py
mkdir -p "$py/bin" "$py/lib/python3/dist-packages"
cp /usr/bin/python3.11 "$py/bin/" && cp -r /usr/lib/python3.11 "$py/lib/"
(cd "$py/lib/python3.11" && rm -rf test idlelib tkinter turtledemo ensurepip lib2to3 pydoc_data config-3.11* \
  && find . -name __pycache__ -prune -exec rm -rf {} +)
cp -L /usr/lib/x86_64-linux-gnu/libffi.so.8 "$py/lib/"
/usr/bin/python3.11 -m pip install -q --ignore-installed --target "$py/lib/python3/dist-packages" nbclient nbformat jupyter_client
tar -C "$work" -cf - pykit | xz -T0 -9 > "$kit/a/pykit.tar.xz"

src=$kit/a/djl-src
mkdir -p "$src/native" "$src/api-native" "$src/jni-header" "$work/djl"
git -C "$djl" archive v0.36.0 engines/pytorch/pytorch-native/src/main/native api/src/main/native \
  engines/pytorch/pytorch-engine/src/main/java | tar -x -C "$work/djl"
cp "$work"/djl/engines/pytorch/pytorch-native/src/main/native/* "$src/native/"
cp -r "$work"/djl/api/src/main/native/. "$src/api-native/"
"$jdk/bin/javac" -cp "$root/lib/target/classpath/api-0.36.0.jar" -d "$work/classes" -h "$src/jni-header" \
  -sourcepath "$work/djl/engines/pytorch/pytorch-engine/src/main/java" \
  "$work/djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"

# Java's text drawing (the grids' captions) needs FreeType, HarfBuzz and fontconfig, and a font.
mkdir -p "$kit/a/f/lib" "$kit/a/f/fonts"
for lib in libharfbuzz.so.0 libfreetype.so.6 libgraphite2.so.3 libglib-2.0.so.0 libpng16.so.16 libbrotlidec.so.1 \
           libbrotlicommon.so.1 libpcre2-8.so.0 libfontconfig.so.1 libexpat.so.1 liblcms2.so.2 libjpeg.so.62; do
  cp -L "/usr/lib/x86_64-linux-gnu/$lib" "$kit/a/f/lib/"
done
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
   /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf "$kit/a/f/fonts/"

# b/: the notebooks' classpath without the CPU natives (the machine's own PyTorch replaces them).
mkdir -p "$work/jars/classpath"
cp "$root"/lib/target/classpath/*.jar "$work/jars/classpath/"
rm "$work"/jars/classpath/pytorch-native-cpu-* "$work"/jars/classpath/pytorch-jni-*
cp "$root/lib/target/aelab-lib.jar" "$root/environment/kernel/target/aelab-kernel.jar" "$work/jars/"
cp -r "$root/environment/kernel/target/doc-sources" "$work/jars/"
tar -C "$work/jars" -cf "$kit/b/jars.tar" .

cp "$data"/*-ubyte.gz "$kit/c/"
du -sh "$kit"/*
