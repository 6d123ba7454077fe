#!/usr/bin/env bash
# Prints, one fact a line, what a test cluster's real nodes could change on this host, to compare before `up` and
# after `down` (`diff <(host-state.sh) <(...)`): network interfaces, iptables and ip6tables rules (without
# counters), mounts, the top two levels of every cgroup hierarchy, forwarding sysctls, the paths that container
# tools write to, and the processes whose command line names DIR (if given, e.g. the cluster's state directory).
#
#   scripts/testcluster/host-state.sh [DIR]
set -euo pipefail

dir=${1:-}

ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print "link: " $2}'
for tables in iptables-save ip6tables-save; do
  command -v "$tables" >/dev/null || continue
  "$tables" 2>/dev/null | sed -e '/^#/d' -e 's/ \[[0-9]*:[0-9]*\]$//' -e "s/^/$tables: /"
done
awk '{print "mount: " $2 " " $3}' /proc/mounts
find /sys/fs/cgroup/ -mindepth 2 -maxdepth 3 -type d -printf 'cgroup: %P\n'
for key in net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv4.conf.all.route_localnet \
  net.bridge.bridge-nf-call-iptables; do
  echo "sysctl: $key=$(sysctl -n "$key" 2>/dev/null || echo unset)"
done
for path in /var/log/containers /var/log/pods /run/containerd /var/lib/containerd /opt/containerd /var/lib/cni \
  /var/lib/kubelet /run/netns /etc/cni/net.d/*; do
  [ -e "$path" ] && echo "path: $path"
done
if [ -n "$dir" ]; then
  # pgrep takes a regular expression, hence the escapes.
  pgrep -af -- "$(sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$dir")" | grep -v "^$$ " | sed 's/^[0-9]* /process: /' || true
fi
exit 0
