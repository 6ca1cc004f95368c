#!/usr/bin/env bash
# Proves README command 2 on a fresh Debian 12 or 13 machine: runs .ci/run (set-up, then every test)
# in a minimal chroot of that release (debootstrap --variant=minbase), where nothing is installed
# that set-up does not install itself. The chroot gets a clone of this repository's committed HEAD and, as CI
# lays it out, a read-only ../shared beside it. Not run by test.sh: it downloads every package,
# Maven artifact and npm module anew and takes 30 minutes or more.
#
#   sudo environment/tests/fresh-machine.sh                  # the whole test command on Debian 12
#   sudo environment/tests/fresh-machine.sh --suite trixie   # ... on Debian 13
#   sudo environment/tests/fresh-machine.sh --setup-only     # environment/setup.sh alone
#
# Options: --suite bookworm|trixie (default bookworm), --work DIR (default
# /var/tmp/aelab-fresh-machine; each suite's minbase tree is cached there as SUITE/base/ and copied
# for each run), --rev REV (default HEAD), --mirror URL and --security-mirror URL (default: the
# Debian mirror this machine's apt uses, from /etc/apt/sources.list.d/*.sources or sources.list, so a
# local or proxied mirror works), --keep (leave SUITE/root/ for a look inside), --reuse (run again in
# the SUITE/root/ a --keep run left, with a new clone: set-up then finds its packages installed). Runs in its own mount and PID namespaces: the mounts and every
# process started in the chroot end with the script. Needs root, debootstrap (installed if
# missing) and the network to Debian, Maven Central and the npm registry. The machine's own TLS
# trust goes into the chroot like its resolv.conf: local CA certificates (a TLS-inspecting proxy's),
# the npm cafile setting and the CA environment variables (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, ...).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK=/var/tmp/aelab-fresh-machine
REV=HEAD
MIRROR=""
SECURITY_MIRROR=""
SUITE=bookworm
COMMAND=".ci/run"
KEEP=0
REUSE=0
SHARED="$(cd "$ROOT/.." && pwd)/shared"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --setup-only) COMMAND="environment/setup.sh" ;;
        --work) WORK="$2"; shift ;;
        --rev) REV="$2"; shift ;;
        --suite) SUITE="$2"; shift ;;
        --mirror) MIRROR="$2"; shift ;;
        --security-mirror) SECURITY_MIRROR="$2"; shift ;;
        --keep) KEEP=1 ;;
        --reuse) REUSE=1; KEEP=1 ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option $1" >&2; usage 2 >&2 ;;
    esac
    shift
done

log() { printf '\033[1m[fresh-machine]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[fresh-machine] %s\033[0m\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts): run it with sudo"
command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    apt-get install -y -q --no-install-recommends debootstrap >/dev/null
}
SHA="$(git -C "$ROOT" rev-parse --verify "$REV^{commit}")" || die "no commit $REV in $ROOT"
[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ] ||
    log "note: uncommitted changes in $ROOT are not tested; the chroot gets commit ${SHA:0:12}"

case "$SUITE" in
    bookworm|trixie) ;;
    *) die "--suite must be bookworm (Debian 12) or trixie (Debian 13), the releases set-up knows; not '$SUITE'" ;;
esac

# The Debian archive and security mirrors this machine's apt uses (apt-mirror.py).
apt_mirror() { /usr/bin/python3 "$ROOT/environment/tests/apt-mirror.py" "$1"; }  # $1: archive | security
if [ -z "$MIRROR" ]; then
    MIRROR="$(apt_mirror archive)" ||
        die "found no Debian mirror in this machine's apt sources (/etc/apt/sources.list.d/*.sources, sources.list); pass --mirror URL"
fi
if [ -z "$SECURITY_MIRROR" ]; then
    SECURITY_MIRROR="$(apt_mirror security)" || SECURITY_MIRROR=""
fi
log "Debian $SUITE from $MIRROR${SECURITY_MIRROR:+, security updates from $SECURITY_MIRROR}"

WORK="$WORK/$SUITE"
mkdir -p "$WORK"
BASE="$WORK/base"
if [ ! -f "$BASE/.complete" ]; then
    log "debootstrap --variant=minbase $SUITE into $BASE (once; later runs copy it)"
    rm -rf "$BASE.tmp"
    debootstrap --variant=minbase "$SUITE" "$BASE.tmp" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 ||
        die "debootstrap failed; see $WORK/debootstrap.log"
    # Updates and security fixes, as on an installed machine.
    {
        echo "deb $MIRROR $SUITE main"
        echo "deb $MIRROR $SUITE-updates main"
        [ -z "$SECURITY_MIRROR" ] || echo "deb $SECURITY_MIRROR $SUITE-security main"
    } > "$BASE.tmp/etc/apt/sources.list"
    touch "$BASE.tmp/.complete"
    rm -rf "$BASE"
    mv "$BASE.tmp" "$BASE"
fi

CHROOT="$WORK/root"
if [ "$REUSE" -eq 1 ] && [ -d "$CHROOT/ci" ]; then
    log "reusing $CHROOT as an earlier --keep run left it"
    rm -rf "$CHROOT/ci/aelab"
else
    log "fresh copy of the minbase tree in $CHROOT"
    rm -rf "$CHROOT"
    cp -a "$BASE" "$CHROOT"
    # As in Debian's container images: dpkg skips fsync, which makes unpacking several times faster
    # on a busy disk and changes nothing that gets installed.
    echo force-unsafe-io > "$CHROOT/etc/dpkg/dpkg.cfg.d/unsafe-io"
    grep -q localhost "$CHROOT/etc/hosts" 2>/dev/null || printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$CHROOT/etc/hosts"
    chroot "$CHROOT" dpkg-query -W -f='${Package}\n' | sort > "$WORK/packages-before.txt"
fi
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
# The machine's TLS trust, not the project's: ca-certificates (installed by set-up) adds these local
# anchors to the bundle that Java, npm and Node read.
mkdir -p "$CHROOT/usr/local/share/ca-certificates" "$CHROOT/usr/etc"
cp /usr/local/share/ca-certificates/*.crt "$CHROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
for npmrc in /etc/npmrc /usr/etc/npmrc; do
    [ -f "$npmrc" ] && cp "$npmrc" "$CHROOT$npmrc"
done
mkdir -p "$CHROOT/ci"
: > "$CHROOT/ci/environment"
for variable in SSL_CERT_FILE SSL_CERT_DIR NODE_EXTRA_CA_CERTS CURL_CA_BUNDLE REQUESTS_CA_BUNDLE GIT_SSL_CAINFO; do
    [ -n "${!variable:-}" ] && printf '%s=%q\n' "$variable" "${!variable}" >> "$CHROOT/ci/environment"
done

log "clone of commit ${SHA:0:12} in /ci/aelab"
git clone --quiet --no-checkout --no-hardlinks "$ROOT" "$CHROOT/ci/aelab"
git -C "$CHROOT/ci/aelab" -c advice.detachedHead=false checkout --quiet --detach "$SHA"
mkdir -p "$CHROOT/ci/shared"

LOG="$WORK/run.log"
log "running '$COMMAND' in the chroot (log: $LOG)"
started=$(date +%s)
set +e
# A private mount namespace and a PID namespace whose init is this shell: the mounts vanish and
# every process left in the chroot (servers, browsers, JVMs) is killed when it exits.
unshare --mount --pid --fork --propagation private /bin/bash -s "$CHROOT" "$SHARED" "$COMMAND" <<'INNER' 2>&1 | tee "$LOG"
set -e
chroot_dir="$1" shared="$2" command="$3"
mount -t proc proc "$chroot_dir/proc"
mount -t sysfs sysfs "$chroot_dir/sys"
mount -t tmpfs -o mode=755,size=64k dev "$chroot_dir/dev"
for node in null zero full random urandom tty; do
    touch "$chroot_dir/dev/$node"
    mount --bind "/dev/$node" "$chroot_dir/dev/$node"
done
mkdir -p "$chroot_dir/dev/pts" "$chroot_dir/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$chroot_dir/dev/pts"
ln -s pts/ptmx "$chroot_dir/dev/ptmx"
mount -t tmpfs -o mode=1777,size=2g shm "$chroot_dir/dev/shm"
ln -s /proc/self/fd "$chroot_dir/dev/fd"
if [ -d "$shared" ]; then
    mount --bind "$shared" "$chroot_dir/ci/shared"
    mount -o remount,bind,ro "$chroot_dir/ci/shared"
fi
if [ -x "$chroot_dir/usr/sbin/update-ca-certificates" ]; then
    chroot "$chroot_dir" /usr/sbin/update-ca-certificates > /dev/null
fi
set +e
chroot "$chroot_dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI=true \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "set -a; . /ci/environment; set +a; cd /ci/aelab && bash $command" < /dev/null
INNER
status=${PIPESTATUS[0]}
set -e
seconds=$(( $(date +%s) - started ))

chroot "$CHROOT" dpkg-query -W -f='${Package}\n' | sort > "$WORK/packages-after.txt"
comm -13 "$WORK/packages-before.txt" "$WORK/packages-after.txt" > "$WORK/packages-installed.txt"
log "set-up installed $(wc -l < "$WORK/packages-installed.txt") packages on the minbase system (list: $WORK/packages-installed.txt)"
[ "$KEEP" -eq 1 ] || rm -rf "$CHROOT"
if [ "$status" -eq 0 ]; then
    log "PASSED: '$COMMAND' on a fresh $(. "$BASE/etc/os-release" && echo "$PRETTY_NAME") ($SUITE minbase), commit ${SHA:0:12}, in $seconds s"
else
    die "FAILED (exit $status) after $seconds s: '$COMMAND' on commit ${SHA:0:12}; log: $LOG"
fi
