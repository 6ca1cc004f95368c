#!/usr/bin/env bash
# Opens the notebooks in the interactive Jupyter server with the aelab-java kernel.
# Extra arguments go to `jupyter notebook`, e.g. --no-browser --ip=127.0.0.1 --port=8888
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/environment/setup.sh"
extra=()
[ "$(id -u)" -ne 0 ] || extra+=(--allow-root)
exec /usr/bin/jupyter notebook --notebook-dir="$ROOT/notebooks" "${extra[@]}" "$@"
