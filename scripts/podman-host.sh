#!/usr/bin/env bash
# Makes plain `podman run IMAGE ...` work on this project's machines (Debian 12, root, cgroup v1, no systemd), as
# the local backend runs it: one drop-in, /etc/containers/containers.conf.d/50-sentinels.conf. Safe to run again.
#
#   default_ulimits = []  podman raises the open-files and processes limits of every container by default, and root
#                         here may not (no CAP_SYS_RESOURCE): runc fails with "error setting rlimits".
#   runtime = "runc"      crun, podman's first choice once it is installed, fails on cgroup v1 hybrid hosts.
#   netns = "host"        a job in a container reaches the servers on this machine's loopback as a job run as a
#                         plain process does (MLflow at 127.0.0.1, say), and a run changes no host network
#                         settings (podman's default bridge adds an interface, iptables chains and ip_forward=1).
#
#   scripts/podman-host.sh          write the drop-in (and install podman when missing: scripts/host-packages.sh)
#   scripts/podman-host.sh remove   remove it
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DROPIN=/etc/containers/containers.conf.d/50-sentinels.conf

if [ "${1:-}" = remove ]; then
  rm -f "$DROPIN"
  exit 0
fi
command -v podman >/dev/null || "$here/host-packages.sh"
want=$(
  cat <<'CONF'
# Written by Sentinels' scripts/podman-host.sh: podman on a cgroup v1 host whose root lacks CAP_SYS_RESOURCE.
[containers]
default_ulimits = []
netns = "host"

[engine]
runtime = "runc"
CONF
)
if [ "$(cat "$DROPIN" 2>/dev/null)" != "$want" ]; then
  mkdir -p "$(dirname "$DROPIN")"
  printf '%s\n' "$want" >"$DROPIN"
fi
