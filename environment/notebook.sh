#!/usr/bin/env bash
# Opens the notebooks in the interactive Jupyter server with the aelab-java kernel of this checkout
# (set-up installs it first): JupyterLab where it is installed (Debian 13), Notebook 6 otherwise.
#
#   environment/notebook.sh [--lab | --classic] [jupyter options...]
#     --lab       JupyterLab (fails with a hint where it is not installed)
#     --classic   the classic Notebook 6
# Other arguments go to the Jupyter server, e.g. --no-browser --ip=127.0.0.1 --port=8888
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
front=""
args=()
for arg in "$@"; do
    case "$arg" in
        --lab) front=lab ;;
        --classic) front=notebook ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$arg") ;;
    esac
done
"$ROOT/environment/setup.sh"
has_lab() { /usr/bin/jupyter lab --version >/dev/null 2>&1; }
if [ -z "$front" ]; then
    if has_lab; then front=lab; else front=notebook; fi
elif [ "$front" = lab ] && ! has_lab; then
    echo "notebook.sh: JupyterLab is not installed (Debian 13: apt-get install jupyterlab); --classic opens Notebook 6" >&2
    exit 1
fi
[ "$(id -u)" -ne 0 ] || args+=(--allow-root)
if [ "$front" = lab ]; then
    exec /usr/bin/jupyter lab --ServerApp.root_dir="$ROOT/notebooks" "${args[@]}"
fi
exec /usr/bin/jupyter notebook --notebook-dir="$ROOT/notebooks" "${args[@]}"
