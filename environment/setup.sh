#!/usr/bin/env bash
# Idempotent set-up: installs what is missing (apt, on Debian 12 and 13), checks the JDK, builds the
# helper jar and the kernel with Maven, and installs the aelab-java Jupyter kernel for this user.
# Run by main.sh, test.sh and notebook.sh; can also be run on its own.
#
#   environment/setup.sh            # on Debian 12 (bookworm) or 13 (trixie): apt-get installs what is missing
#   environment/setup.sh --no-apt   # any system: no apt-get; checks that what the project needs is there
#                                   # (AELAB_NO_APT=1 does the same for main.sh, test.sh and notebook.sh)
#   environment/setup.sh --packages-only   # only the system part (as root), e.g. before the
#                                   # build runs as another user (environment/Dockerfile)
#
# Environment: JUPYTER_DATA_DIR (where `jupyter kernelspec install --user` puts the kernel, as
# Jupyter itself reads it; test.sh points it at build/jupyter-data so the tests never touch yours).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NO_APT="${AELAB_NO_APT:-0}"
PACKAGES_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --no-apt) NO_APT=1 ;;
        --packages-only) PACKAGES_ONLY=1 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# Package names per Debian release: the only place that knows how the releases differ.
# environment/tests/fresh-machine.sh --suite bookworm|trixie proves each row on a minimal system.
#   jdk         installed when no JDK 17+ with jshell is on PATH
#   jdk_source  the JDK's sources: the kernel's Shift-Tab documentation of JDK classes
#   widgets     Notebook 6 asks for a widgets extension on every page load (Debian recommends one
#               with the Notebook); without it every page load is a 404 and a console error
#   lab         JupyterLab, where Debian packages it (13); notebook.sh opens it, the browser test drives it
declare -A RELEASE_PACKAGES=(
    [bookworm]="jdk=openjdk-17-jdk-headless jdk_source=openjdk-17-source widgets=jupyter-nbextension-jupyter-js-widgets lab="
    [trixie]="jdk=openjdk-21-jdk-headless jdk_source=openjdk-21-source widgets=python3-widgetsnbextension lab=jupyterlab"
)
# The same on every release. python3-jupyter-kernel-test: Jupyter's kernel conformance suite, run by
# the kernel's tests. python3-jinja2: the front page template. gcc: builds the kernel's one-function
# oneMKL shim (environment/kernel/native/mkl_any_vendor.c). chromium: the browser tests.
COMMON_PACKAGES=(gcc dataset-fashion-mnist jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook
                 python3-jinja2 python3-jupyter-kernel-test libjs-mathjax libjs-requirejs chromium
                 fonts-dejavu-core fontconfig)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

os_id="" os_codename="" os_name="this system"
if [ -r /etc/os-release ]; then
    os_id="$(. /etc/os-release && echo "${ID:-}")"
    os_codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    os_name="$(. /etc/os-release && echo "${PRETTY_NAME:-${NAME:-this system}}")"
fi

java_major() { java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p' | head -n1; }
node_ok() { command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; }

# What the project needs, checked by command rather than by package, for systems set-up does not
# install on (or --no-apt). Prints one line per missing thing.
missing_requirements() {
    if ! command -v java >/dev/null || ! command -v jshell >/dev/null || [ "$(java_major)" -lt 17 ]; then
        echo "a JDK 17 or newer with jshell on PATH (a full JDK, not a JRE)"
    fi
    command -v mvn >/dev/null || echo "Maven 3 (mvn on PATH)"
    node_ok || echo "Node.js 18 or newer with npm (the build fetches plotly.js; the browser tests run on it)"
    command -v npm >/dev/null || echo "npm (comes with Node.js on most systems)"
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jupyter_client, nbclient, nbconvert, jinja2' 2>/dev/null ||
        echo "/usr/bin/python3 with Jupyter's jupyter_client, nbclient, nbconvert and jinja2 (e.g. pip install nbclient nbconvert jinja2 notebook)"
    [ -x /usr/bin/jupyter ] || echo "/usr/bin/jupyter (Jupyter Notebook or JupyterLab)"
}

if [ "$NO_APT" != 1 ] && { [ "$os_id" != debian ] || [ -z "${RELEASE_PACKAGES[$os_codename]:-}" ]; }; then
    needed="$(missing_requirements)"
    if [ -n "$needed" ]; then
        die "set-up installs packages on Debian 12 (bookworm) and 13 (trixie) only; this is $os_name.
Install these yourself, then run set-up again (it then checks them and goes on, as with --no-apt):
$(printf '%s\n' "$needed" | sed 's/^/  - /')
  - for the browser tests: Chromium at /usr/bin/chromium (or set CHROMIUM to its path)
  - the data: Fashion-MNIST, downloaded on first use into ~/.cache/aelab/fashion-mnist (or set FASHION_MNIST_DIR)
Or use the container (README, \"Other machines\"), which runs on any system with Docker or Podman."
    fi
    log "$os_name: no package table for it, so no apt-get; what the project needs is present"
    NO_APT=1
fi

if [ "$NO_APT" = 1 ]; then
    needed="$(missing_requirements)"
    [ -z "$needed" ] || die "--no-apt: these are missing; install them, then run set-up again:
$(printf '%s\n' "$needed" | sed 's/^/  - /')"
else
    declare -A release=()
    for pair in ${RELEASE_PACKAGES[$os_codename]}; do
        release["${pair%%=*}"]="${pair#*=}"
    done
    APT_PACKAGES=("${COMMON_PACKAGES[@]}" "${release[jdk_source]}" "${release[widgets]}")
    [ -z "${release[lab]}" ] || APT_PACKAGES+=("${release[lab]}")

    as_root() {
        if [ "$(id -u)" -eq 0 ]; then "$@";
        elif command -v sudo >/dev/null; then sudo "$@";
        else die "need root (or sudo) to run: $* (or install the packages yourself and use --no-apt)"; fi
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

    if ! command -v java >/dev/null || ! command -v jshell >/dev/null || [ "$(java_major)" -lt 17 ]; then
        apt_install "${release[jdk]}"
    fi
fi
command -v jshell >/dev/null || die "jshell not found: install a full JDK 17+ (on Debian: apt-get install openjdk-17-jdk-headless or openjdk-21-jdk-headless)"
[ "$(java_major)" -ge 17 ] || die "java $(java_major) found; the project needs JDK 17 or newer on PATH"
command -v npm >/dev/null || die "npm not found: the build needs it to fetch plotly.js (apt-get install npm)"
node_ok || die "Node.js $(node --version 2>/dev/null || echo missing) found; the browser tests need Node.js 18 or newer"
if [ "$PACKAGES_ONLY" = 1 ]; then
    log "packages ready on $os_name (--packages-only: no build, no kernel)"
    exit 0
fi

log "building with Maven (helper jar, kernel)"
(cd "$ROOT" && mvn -B -q -DskipTests package) || die "Maven build failed; run 'mvn -B package' in $ROOT to see why"

log "installing the aelab-java Jupyter kernel${JUPYTER_DATA_DIR:+ into $JUPYTER_DATA_DIR}"
"$ROOT/environment/kernel/install-kernel.sh" --user >/dev/null
log "ready on $os_name: JDK $(java_major), $(/usr/bin/jupyter --version 2>/dev/null | sed -n 's/^nbclient *: */nbclient /p')$(
    /usr/bin/jupyter lab --version >/dev/null 2>&1 && echo ", JupyterLab $(/usr/bin/jupyter lab --version 2>/dev/null)")"
