#!/usr/bin/env bash
# Container images for Sentinels' tests and demos, built with no registry and no daemon: a Debian base made with
# debootstrap, the rest by `podman build` from the Containerfiles in scripts/images/, in a private podman store.
#
#   scripts/images.sh build [NAME...]        build what is missing or out of date (default: all but otelcol, whose
#                                            first build takes ten minutes)
#   scripts/images.sh ref NAME               print NAME's reference by digest: localhost/sentinels/NAME@sha256:...
#   scripts/images.sh load podman            load the built images into podman's default store (plain `podman run`)
#   scripts/images.sh load containerd SOCK [NAME...]
#                                            import them (or those named) into the containerd at SOCK, namespace
#                                            k8s.io (the CRI's)
#   scripts/images.sh list                   each built image: name, reference by digest, archive
#
# Images (all localhost/sentinels/NAME):
#   debian    debootstrap --variant=minbase bookworm, from the mirror apt uses (SENTINEL_DEBIAN_MIRROR overrides)
#   python    debian + python3                    (stands in for python:3.12-slim)
#   jre       debian + openjdk-17-jre-headless    (stands in for eclipse-temurin:17-jre)
#   train     python + examples/quickstart/train.py in /workspace: `python3 train.py`
#   mlflow    python + MLflow's tracking server from PyPI, the version the chart runs (stands in for
#             ghcr.io/mlflow/mlflow); entrypoint `mlflow`
#   sentinel  jre + the CLI, scheduler and plugins of this checkout (`./mvnw -DskipTests package` first);
#             entrypoint `sentinel`, uid 65532, works with a read-only root filesystem
#   pause     the pod sandbox image of the test cluster's real node (a static Go program)
#   elasticsearch  debian + Elastic's integration-test distribution (scripts/elasticsearch.sh install) + the
#             host's Temurin JDK (stands in for docker.elastic.co/elasticsearch/elasticsearch, same version), laid out
#             as Elastic's image is: what the chart's `elasticsearch.enabled` runs
#   prometheus  debian + Debian's prometheus and promtool (scripts/prometheus.sh install), laid out as
#             quay.io/prometheus/prometheus: what the chart's `prometheus.enabled` runs
#   alertmanager  the static Alertmanager of scripts/prometheus.sh alone (and a CA bundle), laid out as
#             quay.io/prometheus/alertmanager: what the chart's `alertmanager.enabled` runs
#   otelcol   the chart's log shipper: the OpenTelemetry Collector of scripts/otelcol.sh (a static Go program, built
#             there once, ~10 min cold) alone; entrypoint `/otelcol --config=/etc/otelcol/config.yaml`
#
# Each image is cached by content: its tag hashes what goes into it (its Containerfile, the files copied in, its
# base's tag), and it is rebuilt only when that changes. It is kept as an OCI archive in ~/.cache/sentinels/images/
# (NAME-TAG.tar, with NAME-TAG.ref beside it). OCI, not docker-archive: an OCI archive carries its manifest, so the
# digest is the same in every store it is loaded into; containerd and podman each make up a different manifest, so a
# different digest, for a docker-archive. References by digest work with podman and with a pod's
# imagePullPolicy Never or IfNotPresent on the real node (`load containerd` names the image by its digest too).
#
# SENTINEL_IMAGES_BASE=published takes python and jre from python:3.12-slim and eclipse-temurin:17-jre on Docker Hub
# instead of Debian's packages. It needs internet, so it is untested on the project's machines.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
ARCHIVES=$CACHE/images
WORK=$CACHE/podman # the private store, its containers.conf, build contexts
REPO=localhost/sentinels
SUITE=bookworm
BASES=${SENTINEL_IMAGES_BASE:-debian}

ALL=(debian python jre train mlflow sentinel pause elasticsearch prometheus alertmanager otelcol)
declare -A BASE_OF=([python]=debian [jre]=debian [train]=python [mlflow]=python [sentinel]=jre [elasticsearch]=debian [prometheus]=debian)
# Builds that download what they install (Debian packages, PyPI) use the host's network; the rest none.
NETWORKED=" python jre mlflow "
# Built only when named: a cold collector build takes about ten minutes on 2 cores.
ON_REQUEST=" otelcol "
declare -A PUBLISHED=([python]=docker.io/library/python:3.12-slim [jre]=docker.io/library/eclipse-temurin:17-jre)

log() { echo "images: $*" >&2; }
die() { log "$*"; exit 1; }

known() { # name
  local n
  for n in "${ALL[@]}"; do [ "$n" = "$1" ] && return 0; done
  die "no image named '$1' (known: ${ALL[*]})"
}

private_podman() {
  # runc: crun fails on these cgroup v1 hosts. No default ulimits: root here may not raise them (no
  # CAP_SYS_RESOURCE). A config of our own (CONTAINERS_CONF) leaves the host's podman settings alone.
  if [ ! -f "$WORK/containers.conf" ]; then
    mkdir -p "$WORK"
    printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$WORK/containers.conf"
  fi
  # podman refuses a runroot longer than 50 characters (a deep $HOME): then a short one of its own in /tmp.
  local runroot=$WORK/runroot
  [ ${#runroot} -le 50 ] || runroot=/tmp/sentinels-runroot-$(printf %s "$WORK" | sha256sum | cut -c1-12)
  CONTAINERS_CONF=$WORK/containers.conf podman --root "$WORK/root" --runroot "$runroot" \
    --storage-driver overlay "$@"
}

tree_hash() { # dir, text: a short hash of the text and of every file's path, mode and content under dir
  {
    echo "$2"
    cd "$1"
    find . -type f -printf '%m %p\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
  } | sha256sum | cut -c1-12
}

archive_of() { # name: the archive of its current build, if any
  local f
  for f in "$ARCHIVES/$1"-*.tar; do [ -f "$f" ] && [ -f "${f%.tar}.ref" ] && echo "$f" && return 0; done
  return 1
}

tag_of() { # name: the tag of its current build
  local archive
  archive=$(archive_of "$1") || die "$1 is not built; run: $0 build $1"
  archive=${archive##*/}
  archive=${archive#"$1"-}
  echo "${archive%.tar}"
}

debian_mirror() {
  # The mirror apt already uses for $SUITE: deb822 .sources files first, then one-line sources.list entries.
  local m=${SENTINEL_DEBIAN_MIRROR:-}
  [ -n "$m" ] || m=$(awk -v suite="$SUITE" '
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) { print uri; exit } }
      /^$/ { uri = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk -v suite="$SUITE" '
      $1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == suite) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# --- What goes into each image: a build context (Containerfile and the files it copies) in $1 ---

context_sentinel() {
  local target=$repo/cli/target jar="" f
  for f in "$target"/sentinels-cli-*.jar; do
    case $f in *-sources.jar | *-tests.jar) ;; *) [ -f "$f" ] && jar=$f && break ;; esac
  done
  if [ -z "$jar" ] || [ ! -d "$target/lib" ] || [ ! -d "$repo/target/plugins" ]; then
    die "sentinel needs the built CLI; run: (cd '$repo' && ./mvnw -q -DskipTests package)"
  fi
  cp "$jar" "$1/sentinels-cli.jar"
  cp -r "$target/lib" "$1/lib"
  cp -r "$repo/target/plugins" "$1/plugins"
  cp "$here/images/sentinel/sentinel" "$1/"
}

context_train() { cp "$repo/examples/quickstart/train.py" "$1/"; }

# The MLflow release the chart runs by default (helm/sentinels/values.yaml, mlflow.image.tag).
MLFLOW_VERSION=3.17.2

context_mlflow() {
  # Wheels for the base's Python (Debian's 3.11, glibc 2.36: the host's python3 must match), fetched once.
  local wheels=$CACHE/wheels/mlflow-$MLFLOW_VERSION
  if [ ! -f "$wheels/VERSION" ]; then
    python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
      || die "mlflow: the host's python3 must be 3.11 (the base image's) to fetch its wheels"
    log "mlflow: fetching mlflow $MLFLOW_VERSION and its dependencies from PyPI (once)"
    rm -rf "$wheels.part" && mkdir -p "$wheels.part"
    python3 -m pip download -q --disable-pip-version-check --only-binary=:all: -d "$wheels.part" \
      "mlflow==$MLFLOW_VERSION" >&2 || { rm -rf "$wheels.part"; die "mlflow: pip download failed"; }
    echo "$MLFLOW_VERSION" >"$wheels.part/VERSION"
    mv "$wheels.part" "$wheels"
  fi
  cp -rl "$wheels" "$1/wheels" 2>/dev/null || cp -r "$wheels" "$1/wheels"
}

context_pause() {
  command -v go >/dev/null || die "Go is needed to build the pause program"
  (cd "$here/images/pause" && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$1/pause" .)
}

context_elasticsearch() {
  # The server of scripts/elasticsearch.sh and the JDK it runs on, whole: Elasticsearch's entitlement module needs
  # jdk.jlink, which a JDK without jmods (Temurin 25) cannot put in a jlinked runtime.
  local dist jdk
  dist=$("$here/elasticsearch.sh" install) || die "elasticsearch: scripts/elasticsearch.sh install failed"
  jdk=$("$here/elasticsearch.sh" java-home) || die "elasticsearch: no JDK 21 or newer (set ES_JAVA_HOME)"
  cp -al "$jdk" "$1/java" 2>/dev/null || cp -r "$jdk" "$1/java"
  cp -al "$dist" "$1/elasticsearch" 2>/dev/null || cp -r "$dist" "$1/elasticsearch"
}

context_prometheus() {
  local bin
  bin=$("$here/prometheus.sh" install) || die "prometheus: scripts/prometheus.sh install failed"
  cp "$bin/prometheus" "$bin/promtool" "$1/"
}

context_alertmanager() {
  local bin
  bin=$("$here/prometheus.sh" install) || die "alertmanager: scripts/prometheus.sh install failed"
  cp "$bin/alertmanager" "$1/"
  cp /etc/ssl/certs/ca-certificates.crt "$1/"
}

context_otelcol() {
  # The collector binary, built (and cached by its manifest) by scripts/otelcol.sh; the image's tag hashes it.
  local bin
  bin=$("$here/otelcol.sh") || die "otelcol: scripts/otelcol.sh failed"
  cp "$bin" "$1/sentinel-otelcol"
}

# --- Building ---

ensure_in_store() { # name: its current build in the private store (a wiped store is refilled from the archive)
  local image
  image=$REPO/$1:$(tag_of "$1")
  private_podman image exists "$image" || private_podman load -q -i "$(archive_of "$1")" >/dev/null
  echo "$image"
}

save() { # name, tag: keep the image as an OCI archive and its reference by digest; drop the build it replaces
  local name=$1 tag=$2 tmp digest old
  mkdir -p "$ARCHIVES"
  tmp=$ARCHIVES/.$name-$tag.tar.$$
  private_podman save -q --format oci-archive -o "$tmp" "$REPO/$name:$tag"
  digest=$(tar -xOf "$tmp" index.json | python3 -c 'import json, sys; print(json.load(sys.stdin)["manifests"][0]["digest"])')
  for old in "$ARCHIVES/$name"-*.tar; do
    [ -f "$old" ] || continue
    rm -f "$old" "${old%.tar}.ref"
    old=${old##*/}
    old=${old#"$name"-}
    private_podman rmi -f "$REPO/$name:${old%.tar}" >/dev/null 2>&1 || true
  done
  mv "$tmp" "$ARCHIVES/$name-$tag.tar"
  echo "$REPO/$name@$digest" >"$ARCHIVES/$name-$tag.ref"
}

build_debian() {
  local tag rootfs mirror
  tag=$(printf 'debootstrap --variant=minbase %s\nnodoc v1\n' "$SUITE" | sha256sum | cut -c1-12)
  [ "$(tag_of debian 2>/dev/null)" = "$tag" ] && return 0
  mirror=$(debian_mirror)
  command -v debootstrap >/dev/null || die "debootstrap is missing; run scripts/host-packages.sh"
  log "debian: debootstrap $SUITE from $mirror"
  mkdir -p "$WORK/logs"
  rootfs=$(mktemp -d "$WORK/rootfs.XXXXXX")
  # A mount namespace of its own: whatever debootstrap mounts in the new root goes away with it, even on failure.
  if ! unshare --mount debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$WORK/logs/debian.log" 2>&1; then
    tail -n 20 "$WORK/logs/debian.log" >&2
    rm -rf "$rootfs"
    die "debian: debootstrap failed (log: $WORK/logs/debian.log)"
  fi
  # As in Debian's slim images: packages installed later leave out documentation.
  printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/01-nodoc"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*
  tar -C "$rootfs" --numeric-owner -c . | private_podman import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' - "$REPO/debian:$tag" >/dev/null
  rm -rf "$rootfs"
  save debian "$tag"
}

build_published() { # name: a base taken from Docker Hub
  local name=$1 tag
  tag=published-$(echo "${PUBLISHED[$name]}" | sha256sum | cut -c1-12)
  [ "$(tag_of "$name" 2>/dev/null)" = "$tag" ] && return 0
  private_podman pull -q "${PUBLISHED[$name]}" >/dev/null
  private_podman tag "${PUBLISHED[$name]}" "$REPO/$name:$tag"
  save "$name" "$tag"
}

build_from_containerfile() { # name
  local name=$1 base="" base_image="" ctx tag network=none
  if [ -n "${BASE_OF[$name]:-}" ]; then
    base=${BASE_OF[$name]}
    build "$base"
    base_image=$(ensure_in_store "$base")
  fi
  ctx=$WORK/context/$name
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$here/images/$name/Containerfile" "$ctx/"
  if declare -F "context_$name" >/dev/null; then "context_$name" "$ctx"; fi
  tag=$(tree_hash "$ctx" "$base_image")
  [ "$(tag_of "$name" 2>/dev/null)" = "$tag" ] && return 0
  [[ $NETWORKED == *" $name "* ]] && network=host
  log "$name: building $REPO/$name:$tag"
  mkdir -p "$WORK/logs"
  if ! private_podman build --network "$network" --build-arg "BASE=$base_image" -t "$REPO/$name:$tag" "$ctx" \
    >"$WORK/logs/$name.log" 2>&1; then
    tail -n 20 "$WORK/logs/$name.log" >&2
    die "$name: build failed (log: $WORK/logs/$name.log)"
  fi
  save "$name" "$tag"
}

build() { # name
  case $1 in
    debian) build_debian ;;
    python | jre) if [ "$BASES" = published ]; then build_published "$1"; else build_from_containerfile "$1"; fi ;;
    *) build_from_containerfile "$1" ;;
  esac
}

# --- Loading ---

load_podman() {
  local archive ref
  for archive in "$ARCHIVES"/*.tar; do
    [ -f "$archive" ] || continue
    ref=$(cat "${archive%.tar}.ref")
    podman image exists "$ref" 2>/dev/null || podman load -q -i "$archive" >/dev/null
  done
}

load_containerd() { # socket, names (default: every built image)
  local sock=$1 archive ref present name
  shift
  local ctr=(ctr -a "$sock" -n k8s.io)
  present=$("${ctr[@]}" images ls -q)
  for archive in "$ARCHIVES"/*.tar; do
    [ -f "$archive" ] || continue
    if [ $# -gt 0 ]; then
      name=${archive##*/}
      [[ " $* " == *" ${name%%-*} "* ]] || continue
    fi
    ref=$(cat "${archive%.tar}.ref")
    grep -qxF "$ref" <<<"$present" && continue
    "${ctr[@]}" images import "$archive" >/dev/null
    # The archive names the image by tag; the CRI finds an image only by a name it has, so add the digest name.
    "${ctr[@]}" images tag "$(oci_name "$archive")" "$ref" >/dev/null
  done
}

oci_name() { # archive: the name recorded in it (NAME:TAG)
  local base=${1##*/}
  base=${base%.tar}
  echo "$REPO/${base%%-*}:${base#*-}" # image names have no dash
}

case "${1:-}" in
  build)
    shift
    if [ $# -eq 0 ]; then
      for name in "${ALL[@]}"; do [[ $ON_REQUEST == *" $name "* ]] || set -- "$@" "$name"; done
    fi
    for name; do known "$name"; build "$name"; done
    ;;
  ref)
    [ $# -eq 2 ] || die "usage: $0 ref NAME"
    known "$2"
    archive=$(archive_of "$2") || die "$2 is not built; run: $0 build $2"
    cat "${archive%.tar}.ref"
    ;;
  load)
    case "${2:-}" in
      podman) load_podman ;;
      containerd) [ $# -ge 3 ] || die "usage: $0 load containerd SOCKET [NAME...]"; shift 2; load_containerd "$@" ;;
      *) die "usage: $0 load podman | load containerd SOCKET [NAME...]" ;;
    esac
    ;;
  list)
    for name in "${ALL[@]}"; do
      archive=$(archive_of "$name") || continue
      printf '%-9s %s %s\n' "$name" "$(cat "${archive%.tar}.ref")" "$archive"
    done
    ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
