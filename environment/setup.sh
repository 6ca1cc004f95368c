#!/usr/bin/env bash
# Idempotent set-up on Debian 12: installs what is missing (apt), checks the JDK, builds the
# helper jar and the kernel with Maven, and installs the aelab-java Jupyter kernel for this user.
# Sourced by main.sh and test.sh; can also be run on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Everything the main job and the tests use; environment/tests/fresh-machine.sh proves the list on a
# minimal Debian 12. jupyter-nbextension-jupyter-js-widgets: Notebook 6 always asks for a widgets
# extension (Debian recommends it with the Notebook); without it every page load is a 404.
# openjdk-17-source: the kernel's Shift-Tab documentation of JDK classes. python3-jupyter-kernel-test:
# Jupyter's kernel conformance suite, run by the kernel's tests. python3-jinja2: the front page template.
# gcc: builds the kernel's one-function oneMKL shim (environment/kernel/native/mkl_any_vendor.c).
APT_PACKAGES=(gcc dataset-fashion-mnist jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook
              jupyter-nbextension-jupyter-js-widgets python3-jinja2 openjdk-17-source python3-jupyter-kernel-test
              libjs-mathjax libjs-requirejs chromium fonts-dejavu-core fontconfig)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@";
    elif command -v sudo >/dev/null; then sudo "$@";
    else die "need root (or sudo) to run: $*"; fi
}

apt_updated=0
apt_install() {
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        as_root apt-get update -q >/dev/null
        apt_updated=1
    fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Commands, not packages: a JDK, Maven or Node.js installed another way is fine.
command -v mvn >/dev/null || missing+=(maven)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

java_major() { java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }
if ! command -v java >/dev/null || ! command -v jshell >/dev/null || [ "$(java_major)" -lt 17 ]; then
    apt_install openjdk-17-jdk-headless
fi
command -v jshell >/dev/null || die "jshell not found: install a full JDK 17+ (apt-get install openjdk-17-jdk-headless)"
[ "$(java_major)" -ge 17 ] || die "java $(java_major) found; the project needs JDK 17 or newer on PATH"
command -v npm >/dev/null || die "npm not found after apt-get install npm: the build needs it to fetch plotly.js"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
    die "Node.js $(node --version) found; the browser tests need Node.js 18 or newer (Debian 12's nodejs)"

log "building with Maven (helper jar, kernel)"
(cd "$ROOT" && mvn -B -q -DskipTests package) || die "Maven build failed; run 'mvn -B package' in $ROOT to see why"

log "installing the aelab-java Jupyter kernel"
"$ROOT/environment/kernel/install-kernel.sh" --user >/dev/null
log "ready: JDK $(java_major), $(/usr/bin/jupyter --version 2>/dev/null | sed -n 's/^nbclient *: */nbclient /p')"
