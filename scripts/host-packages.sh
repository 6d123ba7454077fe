#!/usr/bin/env bash
# Installs the Debian packages that the test cluster's real node and the image builds need, when any is missing:
# containerd, runc, the CNI plugins, iptables and conntrack (kube-proxy), podman and debootstrap (images).
# Safe to run again; does nothing when all are there. Needs root and apt (Debian 12).
#
#   scripts/host-packages.sh          install what is missing
#   scripts/host-packages.sh check    exit 1 (listing them) if any is missing, install nothing
set -euo pipefail

PACKAGES=(containerd runc containernetworking-plugins iptables conntrack iproute2 podman debootstrap)

log() { echo "host-packages: $*" >&2; }

missing() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

mapfile -t todo < <(missing)
[ "${#todo[@]}" -eq 0 ] && exit 0
if [ "${1:-}" = check ]; then
  log "missing: ${todo[*]}"
  exit 1
fi
[ "$(id -u)" = 0 ] || { log "root is needed to install: ${todo[*]}"; exit 1; }
command -v apt-get >/dev/null || { log "no apt-get; install by hand: ${todo[*]}"; exit 1; }
log "installing ${todo[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package lists are usually fresh enough; refresh them only when an install from them fails.
if ! apt-get install -y -q --no-install-recommends "${todo[@]}" >/dev/null; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${todo[@]}" >/dev/null
fi
