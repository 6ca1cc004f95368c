#!/usr/bin/env bash
# Installs the "aelab-java" Jupyter kernelspec: the project's Java kernel (JShell, in process) with
# the helper jar, DJL and Tablesaw on its classpath. Safe to run again: it replaces only its own
# kernelspec and never one called "java" that you may already have.
#
# Usage: environment/kernel/install-kernel.sh [--user | --prefix DIR | --data-dir DIR]
#                                             [--heap SIZE] [--java PATH] [--name NAME] [--no-cds]
#   --user          install for the current user with `jupyter kernelspec install --user` (default)
#   --prefix DIR    install with `jupyter kernelspec install --prefix DIR`
#                   (found by Jupyter when JUPYTER_PATH includes DIR/share/jupyter)
#   --data-dir DIR  write DIR/kernels/NAME/kernel.json directly, without the jupyter command
#                   (a JUPYTER_PATH-style directory: point JUPYTER_PATH at DIR; used by the tests)
#   --heap SIZE     maximum Java heap, e.g. 4g (default: $AELAB_KERNEL_HEAP or 6g)
#   --java PATH     the java launcher to run (default: $JAVA_HOME/bin/java, else java on PATH)
#   --name NAME     kernelspec name (default: aelab-java); notebooks name "aelab-java" in metadata
#   --no-cds        skip the class-data-sharing archive (a warm-up run of ~10 s at install time that
#                   makes every kernel start faster). The kernel starts through cds-launch.sh, which
#                   uses the archive only for the jar it was recorded from and, after a rebuild,
#                   records a new one in the background, so rebuilding needs no reinstall
#   --no-agent      start the kernel without the engine agent (agent/): only to measure what it fixes, since
#                   DJL's scalar operations then give wrong gradients at random and re-run cells leak
#   --no-mkl-shim   do not preload native/mkl_any_vendor.c (built here with cc) into the kernel; it
#                   lets oneMKL use AVX-512 on non-Intel CPUs, about twice the speed of its matrix
#                   products on an AMD CPU with AVX-512 (see the file)
# Environment: AELAB_OMP_WAIT, how the engine's OpenMP threads wait for each other, goes into the
#   kernelspec and omp-wait.sh applies it at each kernel start: auto (default) spins briefly when no
#   other process is running as the kernel starts and sleeps otherwise; sleep (OMP_WAIT_POLICY=PASSIVE)
#   or spin (GOMP_SPINCOUNT=1000) always. On a quiet 2-core machine spinning trains about 20% faster;
#   beside one busy process it is 13-18% slower (docs/benchmarks.md, "Issue 23's levers")
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

mode=user
target=""
heap="${AELAB_KERNEL_HEAP:-6g}"
java_cmd=""
name="aelab-java"
cds=yes
mkl_shim=yes
engine_agent=yes

die() { echo "install-kernel.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --user) mode=user; shift ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; mode=prefix; target="$2"; shift 2 ;;
    --data-dir) [ $# -ge 2 ] || die "--data-dir needs a directory"; mode=data-dir; target="$2"; shift 2 ;;
    --heap) [ $# -ge 2 ] || die "--heap needs a size such as 4g"; heap="$2"; shift 2 ;;
    --java) [ $# -ge 2 ] || die "--java needs the path of a java launcher"; java_cmd="$2"; shift 2 ;;
    --name) [ $# -ge 2 ] || die "--name needs a kernelspec name"; name="$2"; shift 2 ;;
    --no-cds) cds=no; shift ;;
    --no-mkl-shim) mkl_shim=no; shift ;;
    --no-agent) engine_agent=no; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/!p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# How the engine's OpenMP threads wait, checked before anything is built or written.
omp_wait="${AELAB_OMP_WAIT:-auto}"
case "$omp_wait" in
  auto|sleep|spin) ;;
  *) die "AELAB_OMP_WAIT=$omp_wait is not a setting: use auto (the default), sleep or spin" ;;
esac
for variable in OMP_WAIT_POLICY GOMP_SPINCOUNT; do
  if [ -n "${!variable+set}" ]; then
    die "$variable='${!variable}' is set in this shell, but the kernelspec takes how OpenMP threads wait from one" \
        "setting now: AELAB_OMP_WAIT=auto (the default), sleep (OMP_WAIT_POLICY=PASSIVE) or spin (what" \
        "OMP_WAIT_POLICY= GOMP_SPINCOUNT=1000 gave). Run env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT" \
        "AELAB_OMP_WAIT=... $0"
  fi
done

[[ "$heap" =~ ^[0-9]+[kKmMgG]?$ ]] || die "--heap must look like 512m or 6g, not '$heap'"
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "--name may use letters, digits, '.', '_' and '-' only"

if [ -z "$java_cmd" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java_cmd="$JAVA_HOME/bin/java"
  else
    java_cmd="$(command -v java || true)"
  fi
fi
[ -n "$java_cmd" ] && [ -x "$java_cmd" ] || die "no java found: install JDK 17+ (apt-get install openjdk-17-jdk-headless) or pass --java"
java_cmd="$(readlink -f "$java_cmd")"

java_major="$("$java_cmd" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)"
[ -n "$java_major" ] || die "could not tell the version of $java_cmd"
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "$java_cmd is Java $java_major; the kernel needs Java 17 or newer"
"$java_cmd" --list-modules 2>/dev/null | grep -q '^jdk.jshell@' \
  || die "$java_cmd has no jdk.jshell module: install a full JDK (e.g. openjdk-17-jdk-headless), not a JRE"

kernel_jar="$root/environment/kernel/target/aelab-kernel.jar"
# Sources whose javadoc Shift-Tab shows: DJL and Tablesaw (copied by the kernel's build), the helper jar.
doc_sources="$root/environment/kernel/target/doc-sources/*.jar:$root/lib/src/main/java"
lib_jar="$root/lib/target/aelab-lib.jar"
agent_jar="$root/agent/target/aelab-agent.jar"
lib_deps="$root/lib/target/classpath"
startup_dir="$root/environment/kernel/startup"
missing=""
[ -f "$kernel_jar" ] || missing="$missing $kernel_jar"
[ -f "$lib_jar" ] || missing="$missing $lib_jar"
[ -f "$agent_jar" ] || missing="$missing $agent_jar"
compgen -G "$lib_deps/*.jar" >/dev/null || missing="$missing $lib_deps/*.jar"
if [ -n "$missing" ]; then
  die "missing build output:$missing
Build it first, from $root:
    mvn -B -DskipTests package"
fi

# Library logging (slf4j-simple on the notebook classpath): warnings only. DJL's CUDA probe warns on
# every CPU-only machine, which would put the same noise under the first DJL cell of each notebook.
# The engine agent (agent/, docs/djl-scalar-gradients.md), from the first class DJL loads: arrays made from Java
# numbers own their memory, so every gradient is right whenever the garbage collector runs, and managers that
# nothing reaches any more (a re-run cell's old data, say) give their native memory back.
jvm_opts=("-Djava.awt.headless=true" "-Xmx$heap" "-Dai.djl.offline=true"
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
          "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"
          # A model that a re-run cell replaced is freed by the collector (the engine agent), not close():
          # DJL would warn about each one under whatever cell runs next.
          "-Dorg.slf4j.simpleLogger.log.ai.djl.BaseModel=error"
          # After the collection that follows a cell that redeclared a variable, the heap shrinks to
          # what is live plus 30% (the default keeps up to 70% free): otherwise each re-run of a data
          # cell left about 75 MB more heap resident, up to 1.5 GB (docs/djl-scalar-gradients.md).
          "-XX:MaxHeapFreeRatio=30" "-XX:MinHeapFreeRatio=10")
[ "$engine_agent" = no ] || jvm_opts=("-javaagent:$agent_jar" "${jvm_opts[@]}")
# Lets DJL's native PyTorch load without warnings on JDKs that know the option.
if "$java_cmd" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1; then
  jvm_opts+=("--enable-native-access=ALL-UNNAMED")
fi

classpath_globs="$lib_jar:$lib_deps/*.jar"
startup_globs="$startup_dir/*.jsh"

# Class-data sharing: a warm-up run records the classes a kernel loads (JShell, javac, the kernel)
# into an archive that later starts map instead of loading again. cds-launch.sh keys the archive to
# the jar and the JVM, so a rebuilt jar never meets a stale archive.
# omp-wait.sh comes first: it sets how OpenMP threads wait (AELAB_OMP_WAIT), then starts the rest.
launcher=("$here/omp-wait.sh")
if [ "$cds" = yes ]; then
  if [ "$mode" = data-dir ]; then
    mkdir -p "$target/kernels/$name"
    cds_dir="$(cd "$target/kernels/$name" && pwd)/cds"
  else
    # One archive per destination: the tests' private kernel (test.sh) never replaces the one the
    # reader's kernel maps.
    destination="$(printf '%s' "$mode:$target:${JUPYTER_DATA_DIR:-}" | sha256sum | cut -c1-12)"
    cds_dir="$root/environment/kernel/target/cds/$name-$destination"
  fi
  rm -rf "$cds_dir"
  if IJAVA_CLASSPATH="$classpath_globs" IJAVA_STARTUP_SCRIPTS_PATH="$startup_globs" AELAB_KERNEL_SOURCES="$doc_sources" \
       "$here/cds-launch.sh" --record "$cds_dir" "$java_cmd" "${jvm_opts[@]}" -jar "$kernel_jar" --warm-up; then
    launcher+=("$here/cds-launch.sh" "$cds_dir")
  else
    echo "install-kernel.sh: warning: no class-data-sharing archive (see $cds_dir/recording.log); the kernel" \
         "works but starts slower" >&2
  fi
fi

# oneMKL's vendor check, answered by what the CPU can do (native/mkl_any_vendor.c). It only matters
# where oneMKL runs, x86-64; without a C compiler the kernel works, with slower matrix products.
shim=""
if [ "$mkl_shim" = yes ] && [ "$(uname -m)" = x86_64 ]; then
  shim_dir="$root/environment/kernel/target/native"
  if ! command -v cc >/dev/null; then
    echo "install-kernel.sh: warning: no C compiler (apt-get install gcc), so oneMKL keeps its AVX2 code on" \
         "non-Intel CPUs: training works, slower where the CPU has AVX-512" >&2
  elif mkdir -p "$shim_dir" && cc -shared -fPIC -nostdlib -O2 -o "$shim_dir/libmkl_any_vendor.so" "$here/native/mkl_any_vendor.c"; then
    shim="$shim_dir/libmkl_any_vendor.so"
  else
    die "could not build $here/native/mkl_any_vendor.c with cc (or pass --no-mkl-shim)"
  fi
fi

spec_dir="$(mktemp -d)"
trap 'rm -rf "$spec_dir"' EXIT
# The kernel's logo (launcher, kernel menus). JupyterLab 4's running-kernels panel also needs one: for
# a kernelspec without any logo it throws a TypeError into the browser console.
cp "$here/logo/logo-svg.svg" "$spec_dir/logo-svg.svg"
LAUNCHER="$(printf '%s\n' "${launcher[@]}")" JAVA_CMD="$java_cmd" JVM_OPTS="$(printf '%s\n' "${jvm_opts[@]}")" \
KERNEL_JAR="$kernel_jar" DOC_SOURCES="$doc_sources" \
DISPLAY_NAME="Java (aelab)" \
CLASSPATH_GLOBS="$classpath_globs" STARTUP_GLOBS="$startup_globs" MKL_SHIM="$shim" OMP_WAIT="$omp_wait" \
  /usr/bin/env python3 - "$spec_dir/kernel.json" <<'PY'
import json, os, sys
launcher = [a for a in os.environ["LAUNCHER"].split("\n") if a]
argv = [*launcher, os.environ["JAVA_CMD"], *os.environ["JVM_OPTS"].split("\n"), "-jar", os.environ["KERNEL_JAR"],
        "{connection_file}"]
spec = {
    "argv": argv,
    "display_name": os.environ["DISPLAY_NAME"],
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "IJAVA_CLASSPATH": os.environ["CLASSPATH_GLOBS"],
        "IJAVA_STARTUP_SCRIPTS_PATH": os.environ["STARTUP_GLOBS"],
        "AELAB_KERNEL_SOURCES": os.environ["DOC_SOURCES"],
        # glibc otherwise maps every block over 128 KiB afresh and hands it back on free: PyTorch's
        # activations and gradients (0.1-1.6 MB each, thousands per epoch) then cost a page fault per
        # 4 KiB on every step. Serving them from the heap, and keeping up to 256 MiB of it after
        # frees, halved an epoch of notebook 02 (docs/benchmarks.md). Blocks over 4 MiB (data sets,
        # a test set's activations) are still mapped on their own, so that freeing them gives the
        # memory back: with 32 MiB, each re-run of notebook 02's data cell left its 31 MB test set
        # in the heap, about 55 MB more resident per run (docs/djl-scalar-gradients.md).
        "MALLOC_MMAP_THRESHOLD_": "4194304",
        "MALLOC_TRIM_THRESHOLD_": "268435456",
    },
    "metadata": {"debugger": False},
}
if os.environ["MKL_SHIM"]:
    spec["env"]["LD_PRELOAD"] = os.environ["MKL_SHIM"]
# How PyTorch's OpenMP threads wait for each other, applied by omp-wait.sh at each start. Sleeping
# suits a busy machine (spinning made training 2-10 times slower there with GNU OpenMP's default
# spin, 13-18% with a short one), a short spin a quiet one (about 20% faster); auto picks one of the
# two as the kernel starts (docs/benchmarks.md, "Issue 23's levers", second to fourth rounds).
spec["env"]["AELAB_OMP_WAIT"] = os.environ["OMP_WAIT"]
with open(sys.argv[1], "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
PY

case "$mode" in
  data-dir)
    mkdir -p "$target/kernels/$name"
    cp "$spec_dir/kernel.json" "$spec_dir/logo-svg.svg" "$target/kernels/$name/"
    echo "Installed kernelspec '$name' in $target/kernels/$name (use JUPYTER_PATH=$target)"
    ;;
  prefix|user)
    jupyter_cmd="$(command -v jupyter || true)"
    [ -n "$jupyter_cmd" ] || die "the jupyter command is missing: apt-get install jupyter-client jupyter-nbconvert python3-nbclient (or use --data-dir DIR)"
    args=(kernelspec install --replace --name "$name")
    if [ "$mode" = prefix ]; then args+=(--prefix "$target"); else args+=(--user); fi
    "$jupyter_cmd" "${args[@]}" "$spec_dir"
    ;;
esac
