#!/usr/bin/env bash
# Proves environment/Dockerfile without a Docker engine or an image registry: builds the image with
# `buildah bud --isolation chroot` from a Debian base made here (debootstrap --variant=minbase, then
# `podman import` under the tag the Dockerfile names, debian:trixie), then, as the image's user
# (uid 1000), runs the smoke main job, a kernel round trip and the image's JupyterLab command.
# Not run by test.sh: it downloads every package, Maven artifact and npm module anew (20 minutes or
# more).
#
#   sudo environment/tests/container.sh            # build commit HEAD, then check the image
#
# Options: --work DIR (default /var/tmp/aelab-container: the base's tree, the build context, logs),
# --rev REV (default HEAD: the image gets that commit's files, as a clone would), --mirror URL (the
# Debian mirror for the base; default: the one this machine's apt uses, see apt-mirror.py),
# --new-base (make the base image again), --image NAME (default localhost/aelab:test).
# The machine's TLS trust goes into the base as fresh-machine.sh carries it into its chroot: local CA
# certificates, the npm cafile setting and the CA environment variables. Needs root; installs
# buildah, podman and debootstrap when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK=/var/tmp/aelab-container
REV=HEAD
MIRROR=""
NEW_BASE=0
IMAGE=localhost/aelab:test

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --work) WORK="$2"; shift ;;
        --rev) REV="$2"; shift ;;
        --mirror) MIRROR="$2"; shift ;;
        --new-base) NEW_BASE=1 ;;
        --image) IMAGE="$2"; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option $1" >&2; usage 2 >&2 ;;
    esac
    shift
done

log() { printf '\033[1m[container]\033[0m %s (%d s so far)\n' "$*" "$(( $(date +%s) - started ))"; }
die() { printf '\033[31m[container] %s\033[0m\n' "$*" >&2; exit 1; }
started=$(date +%s)

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, buildah's chroot isolation): run it with sudo"
tools=()
command -v buildah >/dev/null || tools+=(buildah)
command -v podman >/dev/null || tools+=(podman)
command -v debootstrap >/dev/null || tools+=(debootstrap)
if [ ${#tools[@]} -gt 0 ]; then
    log "installing ${tools[*]}"
    apt-get install -y -q --no-install-recommends "${tools[@]}" >/dev/null
fi
SHA="$(git -C "$ROOT" rev-parse --verify "$REV^{commit}")" || die "no commit $REV in $ROOT"
[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ] ||
    log "note: uncommitted changes in $ROOT are not built; the image gets commit ${SHA:0:12}"

# The base the Dockerfile names, e.g. "FROM debian:trixie"; Docker resolves that short name to
# docker.io/library/debian:trixie, which is where the base made here goes.
FROM="$(git -C "$ROOT" show "$SHA:environment/Dockerfile" | sed -n 's/^FROM[[:space:]]\{1,\}debian:\([a-z]*\).*/\1/p' | head -n1)"
[ -n "$FROM" ] || die "environment/Dockerfile at ${SHA:0:12} names no debian:RELEASE base"
BASE_IMAGE="docker.io/library/debian:$FROM"
mkdir -p "$WORK"

if [ "$NEW_BASE" -eq 1 ] || ! podman image exists "$BASE_IMAGE"; then
    [ -n "$MIRROR" ] || MIRROR="$("$ROOT/environment/tests/apt-mirror.py" archive)" ||
        die "found no Debian mirror in this machine's apt sources; pass --mirror URL"
    SECURITY_MIRROR="$("$ROOT/environment/tests/apt-mirror.py" security)" || SECURITY_MIRROR=""
    tree="$WORK/base-$FROM"
    log "debootstrap --variant=minbase $FROM from $MIRROR into $tree"
    rm -rf "$tree"
    debootstrap --variant=minbase "$FROM" "$tree" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 ||
        die "debootstrap failed; see $WORK/debootstrap.log"
    {
        echo "deb $MIRROR $FROM main"
        echo "deb $MIRROR $FROM-updates main"
        [ -z "$SECURITY_MIRROR" ] || echo "deb $SECURITY_MIRROR $FROM-security main"
    } > "$tree/etc/apt/sources.list"
    # As Debian's own images: no fsync while unpacking, no package lists kept.
    echo force-unsafe-io > "$tree/etc/dpkg/dpkg.cfg.d/unsafe-io"
    rm -rf "$tree"/var/lib/apt/lists/* "$tree"/var/cache/apt/archives/*.deb
    # The machine's TLS trust (a TLS-inspecting proxy's CA): ca-certificates, which set-up installs,
    # adds these anchors to the bundle that apt, Java and npm read.
    mkdir -p "$tree/usr/local/share/ca-certificates" "$tree/usr/etc"
    cp /usr/local/share/ca-certificates/*.crt "$tree/usr/local/share/ca-certificates/" 2>/dev/null || true
    for npmrc in /etc/npmrc /usr/etc/npmrc; do
        [ -f "$npmrc" ] && cp "$npmrc" "$tree$npmrc"
    done
    changes=()
    for variable in SSL_CERT_FILE SSL_CERT_DIR NODE_EXTRA_CA_CERTS CURL_CA_BUNDLE REQUESTS_CA_BUNDLE GIT_SSL_CAINFO; do
        [ -n "${!variable:-}" ] && changes+=(--change "ENV $variable=${!variable}")
    done
    log "podman import as $BASE_IMAGE"
    podman image rm -f "$BASE_IMAGE" >/dev/null 2>&1 || true
    tar -C "$tree" --numeric-owner -c . | podman import -q "${changes[@]}" --change 'CMD ["/bin/bash"]' \
        --message "debootstrap --variant=minbase $FROM (environment/tests/container.sh)" - "$BASE_IMAGE" >/dev/null
    rm -rf "$tree"
else
    log "base image $BASE_IMAGE is there (--new-base makes it again)"
fi

context="$WORK/context"
log "build context: commit ${SHA:0:12}"
rm -rf "$context"
mkdir -p "$context"
git -C "$ROOT" archive "$SHA" | tar -x -C "$context"

log "buildah bud --isolation chroot -f environment/Dockerfile -t $IMAGE (log: $WORK/build.log)"
build_started=$(date +%s)
buildah bud --isolation chroot --pull=never --layers=false -f "$context/environment/Dockerfile" -t "$IMAGE" "$context" \
    > "$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log" >&2; die "the image did not build; see $WORK/build.log"; }
log "image built in $(( $(date +%s) - build_started )) s: $(buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$IMAGE" | head -n1)"

container="$(buildah from --pull=never "$IMAGE")"
trap 'buildah rm "$container" >/dev/null 2>&1 || true' EXIT
# As the image's user: what `docker run` does with the image's USER.
in_image() { buildah run --isolation chroot --user aelab -- "$container" /usr/bin/env HOME=/home/aelab "$@"; }

[ "$(in_image id -u)" = 1000 ] || die "the image's user aelab is not uid 1000"

log "smoke main job as aelab (log: $WORK/main.log)"
in_image bash -c 'cd /home/aelab/aelab && environment/main.sh --smoke' > "$WORK/main.log" 2>&1 ||
    { tail -n 40 "$WORK/main.log" >&2; die "the smoke main job failed in the image; see $WORK/main.log"; }
in_image bash -c 'ls /home/aelab/aelab/build/site/index.html /home/aelab/aelab/build/site/*.html' > /dev/null ||
    die "the main job left no site in build/site"

log "kernel round trip as aelab"
in_image /usr/bin/python3 - <<'PY' || die "the kernel round trip failed in the image"
import jupyter_client


def round_trip():
    spec = jupyter_client.kernelspec.KernelSpecManager().get_kernel_spec("aelab-java")
    assert spec.display_name == "Java (aelab)", spec.display_name
    manager, client = jupyter_client.manager.start_new_kernel(kernel_name="aelab-java", startup_timeout=120)
    try:
        results = []
        client.execute_interactive("var answer = 6 * 7; answer", timeout=120, output_hook=results.append)
        values = [m["content"]["data"]["text/plain"] for m in results if m["msg_type"] == "execute_result"]
        assert values == ["42"], results
        print("kernel 'Java (aelab)' answered", values[0])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


round_trip()  # in a function, so that the client is gone before the interpreter shuts down
PY

log "the image's command serves JupyterLab"
# The image's own CMD, user and port, as `docker run` takes them from the image's configuration.
mapfile -d '' image_cmd < <(buildah inspect --type image "$IMAGE" | /usr/bin/python3 -c '
import json, sys
config = json.load(sys.stdin)["OCIv1"]["config"]
cmd, user, ports = config.get("Cmd") or [], config.get("User"), config.get("ExposedPorts") or {}
problems = [what for what, ok in [
    ("runs as user aelab", user == "aelab"),
    ("exposes 8888/tcp", "8888/tcp" in ports),
    ("runs jupyter lab", cmd[:2] == ["/usr/bin/jupyter", "lab"]),
    ("listens on --ip=0.0.0.0", "--ip=0.0.0.0" in cmd),
    ("serves --port=8888", "--port=8888" in cmd),
] if not ok]
if problems:
    sys.exit("the image config does not do this: " + "; ".join(problems) + f" (User {user!r}, Cmd {cmd})")
sys.stdout.write("\0".join(cmd) + "\0")
') && [ ${#image_cmd[@]} -gt 0 ] || die "the image's configuration is not the one environment/Dockerfile describes"
in_image bash -s -- "${image_cmd[@]}" <<'SH' || die "the image's JupyterLab did not answer"
# 8888 may be in use on this machine, whose network the container shares: the same command with
# a free port in its place (and a known token, so that the check can log in).
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
command=()
for argument in "$@"; do
    [ "$argument" = "--port=8888" ] && argument="--port=$port"
    command+=("$argument")
done
cd /home/aelab/aelab
"${command[@]}" --port-retries=0 --ServerApp.token=check > /tmp/lab.log 2>&1 &
lab=$!
for _ in $(seq 120); do
    if /usr/bin/python3 - "$port" <<'PY' 2>/dev/null
import json, sys, urllib.request
api = f"http://127.0.0.1:{sys.argv[1]}/api"
listing = json.load(urllib.request.urlopen(f"{api}/contents?token=check"))
names = sorted(item["name"] for item in listing["content"])
assert "02-autoencoder.ipynb" in names, names
kernels = json.load(urllib.request.urlopen(f"{api}/kernelspecs?token=check"))["kernelspecs"]
assert kernels["aelab-java"]["spec"]["display_name"] == "Java (aelab)", kernels
print("JupyterLab lists", " ".join(name for name in names if name.endswith(".ipynb")),
      "and offers the kernel", kernels["aelab-java"]["spec"]["display_name"])
PY
    then
        echo "served by: ${command[*]}"
        echo "JupyterLab $(/usr/bin/jupyter lab --version 2>/dev/null)"
        kill "$lab"
        wait "$lab" 2>/dev/null || true
        exit 0
    fi
    kill -0 "$lab" 2>/dev/null || break
    sleep 1
done
cat /tmp/lab.log
kill "$lab" 2>/dev/null || true
exit 1
SH

log "PASSED: environment/Dockerfile at commit ${SHA:0:12} builds with buildah, and as uid 1000 runs the smoke main job, a kernel round trip and JupyterLab"
