#!/usr/bin/env bash
# The bench command: set-up (as the main job does), then PyTorch for the comparison, then
# bench/bench.py, which prints a table and writes build/bench/results.json.
#
# Usage: bench/bench.sh [bench.py options]      e.g. bench/bench.sh --models ae --epochs 5
#        bench/bench.sh --help                  every option
# The PyTorch side needs python3-torch with libopenblas0-pthread (without it PyTorch falls back to
# the reference BLAS and runs 8x slower), libopenblas0-openmp (the OpenMP build, one of the PyTorch
# configurations tried) and python3-numpy; they are installed here if missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_PACKAGES=(python3-torch libopenblas0-pthread libopenblas0-openmp python3-numpy)

log() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
    exec /usr/bin/python3 "$ROOT/bench/bench.py" --help
fi

"$ROOT/environment/setup.sh"

missing=()
for package in "${BENCH_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

log "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (the ratios are measured interleaved; absolute times need a quiet machine)"
cd "$ROOT"
exec /usr/bin/python3 "$ROOT/bench/bench.py" "$@"
