#!/usr/bin/env bash
# Real Prometheus, promtool and Alertmanager for Sentinels' tests, cached once in ~/.cache/sentinels
# (SENTINEL_CACHE moves it); tests start the servers themselves, each on its own port and data directory.
# - Prometheus and promtool: Debian's `prometheus` package, downloaded with apt and unpacked without installing it,
#   so no service is set up on the machine.
# - Alertmanager: built from the Go module proxy. Debian's reads its message templates from /usr/share, and the
#   newest releases embed a web UI the module does not carry; 0.28.1 is the newest that builds as a module.
#
#   scripts/prometheus.sh install      obtain once; prints the directory holding prometheus, promtool, alertmanager
#   scripts/prometheus.sh version      the versions in that directory
set -euo pipefail

CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
ALERTMANAGER_VERSION=${SENTINEL_ALERTMANAGER_VERSION:-v0.28.1}

log() { echo "prometheus.sh: $*" >&2; }
die() { log "$*"; exit 1; }

candidate() { # package: the version apt would install
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'
}

install() {
  local version
  version=$(candidate prometheus)
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    log "apt knows no prometheus package yet: updating its lists"
    apt-get update -qq >&2 || die "apt-get update failed"
    version=$(candidate prometheus)
    [ -n "$version" ] && [ "$version" != "(none)" ] || die "no prometheus package in this machine's apt sources"
  fi
  local dir=$CACHE/prometheus/${version//[^A-Za-z0-9.+-]/_}-alertmanager-$ALERTMANAGER_VERSION
  if [ -x "$dir/bin/prometheus" ] && [ -x "$dir/bin/alertmanager" ]; then echo "$dir/bin"; return; fi
  command -v go >/dev/null || die "Go is needed to build Alertmanager"
  mkdir -p "$CACHE/prometheus"
  local tmp
  tmp=$(mktemp -d "$CACHE/prometheus/.download.XXXXXX")
  chmod 777 "$tmp" # apt downloads as its own user when it can
  log "downloading Debian's prometheus $version (once, ~20 MiB)"
  (cd "$tmp" && apt-get download -qq prometheus >&2 2>/dev/null) \
    || (cd "$tmp" && apt-get download prometheus >&2) || { rm -rf "$tmp"; die "apt-get download failed"; }
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
  mkdir -p "$tmp/bin"
  mv "$tmp/root/usr/bin/prometheus" "$tmp/root/usr/bin/promtool" "$tmp/bin/"
  log "building Alertmanager $ALERTMANAGER_VERSION from the Go module proxy (once, about a minute on 2 cores)"
  GOBIN=$tmp/bin GOFLAGS=-mod=mod CGO_ENABLED=0 go install -trimpath -ldflags="-s -w" \
    "github.com/prometheus/alertmanager/cmd/alertmanager@$ALERTMANAGER_VERSION" >&2 \
    || { rm -rf "$tmp"; die "building Alertmanager failed"; }
  rm -rf "$dir" "$tmp/root" "$tmp"/*.deb && mv "$tmp" "$dir"
  chmod 755 "$dir"
  echo "$dir/bin"
}

version() {
  local bin
  bin=$(install)
  "$bin/prometheus" --version 2>&1 | head -1
  "$bin/alertmanager" --version 2>&1 | head -1
}

case "${1:-}" in
  install) install ;;
  version) version ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
