#!/usr/bin/env bash
# README command 2: set up (idempotent), then run every test: JUnit (helper jar, kernel), notebook 02
# executed alone as on a fresh clone, every notebook executed headless with smoke knobs, and the
# rendered pages checked in headless Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started=$(date +%s)
step() { printf '\n\033[1m[test] %s\033[0m (%d s so far)\n' "$*" "$(( $(date +%s) - started ))"; }

# The tests install and use the kernel of this checkout in a private Jupyter data directory, so the
# reader's own kernelspecs (Jupyter's user data directory, as it was before this line) stay as they
# were: the last step checks every file there, byte for byte. main.sh and notebook.sh install into
# the reader's directory on purpose.
USER_KERNELS="${JUPYTER_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/jupyter}/kernels"
kernels_manifest() {
    if [ -d "$USER_KERNELS" ]; then
        (cd "$USER_KERNELS" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum && find . -printf '%M %p\n' | sort)
    else
        echo "(no $USER_KERNELS)"
    fi
}
mkdir -p "$ROOT/build"
kernels_manifest > "$ROOT/build/user-kernels-before.txt"
export JUPYTER_DATA_DIR="$ROOT/build/test-jupyter" JUPYTER_PATH="$ROOT/build/test-jupyter"
[ "$JUPYTER_DATA_DIR/kernels" != "$USER_KERNELS" ] ||
    { echo "[test] JUPYTER_DATA_DIR is the tests' own $JUPYTER_DATA_DIR; unset it or point it elsewhere" >&2; exit 2; }

step "set-up (kernel installed into $JUPYTER_DATA_DIR)"
"$ROOT/environment/setup.sh"

step "JUnit: helper jar and kernel"
(cd "$ROOT" && mvn -B verify)

step "notebook 02 executed alone, as on a fresh clone (no other notebook's results or checkpoints)"
ALONE="$ROOT/build/test-alone"
rm -rf "$ALONE"
AELAB_CHECKPOINT_DIR="$ALONE/checkpoints" \
    /usr/bin/python3 "$ROOT/environment/site/build_site.py" --only 02 --smoke --out "$ALONE"

step "notebooks executed with smoke knobs"
SITE="$ROOT/build/test-site"
rm -rf "$SITE"
/usr/bin/python3 "$ROOT/environment/site/build_site.py" --smoke --out "$SITE"
SITE_DIR="$SITE" ALONE_DIR="$ALONE" /usr/bin/python3 -m unittest discover -s "$ROOT/environment/tests" -p 'test_*.py' -v

step "rendered pages and the live notebook in headless Chromium"
(cd "$ROOT/environment/browser" && npm ci --no-audit --no-fund --loglevel=error)
# One file at a time (each starts its own Chromium); a loop rather than --test-concurrency, which
# Debian 12's Node.js 18 does not have.
browser_failed=()
for test_file in "$ROOT"/environment/browser/*.test.mjs; do
    (cd "$ROOT/environment/browser" && SITE_DIR="$SITE" node --test "$(basename "$test_file")") ||
        browser_failed+=("$(basename "$test_file")")
done
[ ${#browser_failed[@]} -eq 0 ] || { echo "[test] browser tests failed: ${browser_failed[*]}" >&2; exit 1; }

step "the reader's kernelspecs in $USER_KERNELS are byte-identical to before"
kernels_manifest > "$ROOT/build/user-kernels-after.txt"
diff -u "$ROOT/build/user-kernels-before.txt" "$ROOT/build/user-kernels-after.txt" ||
    { echo "[test] the test command changed the kernelspecs in $USER_KERNELS (diff above)" >&2; exit 1; }

step "all tests passed in $(( $(date +%s) - started )) s"
