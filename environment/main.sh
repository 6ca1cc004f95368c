#!/usr/bin/env bash
# README command 1: set up (idempotent), then execute every notebook at its chapter settings and
# publish build/site/ (rendered notebooks, index.html with the results table, results.json).
# Options are passed to environment/site/build_site.py: --only 01,02  --smoke  --set EPOCHS=5  --out DIR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started=$(date +%s)
"$ROOT/environment/setup.sh"
/usr/bin/python3 "$ROOT/environment/site/build_site.py" "$@"
echo "[main] finished in $(( $(date +%s) - started )) s"
