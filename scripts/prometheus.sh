#!/usr/bin/env bash
# Real Prometheus, promtool and Alertmanager for Sentinels' tests: Debian's own packages (prometheus, which has
# promtool, and prometheus-alertmanager), downloaded with apt and unpacked once into ~/.cache/sentinels
# (SENTINEL_CACHE moves it) without installing them, so no service is set up on the machine. Go binaries on libc
# only. Tests start the servers themselves, each on its own port and data directory.
#
#   scripts/prometheus.sh install      download and unpack once; prints the directory holding the four binaries
#                                      (prometheus, promtool, alertmanager, amtool)
#   scripts/prometheus.sh version      the versions in that directory
set -euo pipefail

CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
PACKAGES=(prometheus prometheus-alertmanager)

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
  local dir=$CACHE/prometheus/${version//[^A-Za-z0-9.+-]/_}
  if [ -x "$dir/bin/prometheus" ] && [ -x "$dir/bin/alertmanager" ]; then echo "$dir/bin"; return; fi
  mkdir -p "$CACHE/prometheus"
  local tmp
  tmp=$(mktemp -d "$CACHE/prometheus/.download.XXXXXX")
  chmod 777 "$tmp" # apt downloads as its own user when it can
  log "downloading Debian's ${PACKAGES[*]} $version (once, ~30 MiB)"
  (cd "$tmp" && apt-get download -qq "${PACKAGES[@]}" >&2 2>/dev/null) \
    || (cd "$tmp" && apt-get download "${PACKAGES[@]}" >&2) || { rm -rf "$tmp"; die "apt-get download failed"; }
  local deb
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  mkdir -p "$tmp/bin"
  mv "$tmp/root/usr/bin/prometheus" "$tmp/root/usr/bin/promtool" "$tmp/root/usr/bin/amtool" "$tmp/bin/"
  mv "$tmp/root/usr/bin/prometheus-alertmanager" "$tmp/bin/alertmanager"
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
