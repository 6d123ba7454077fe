# shellcheck shell=bash disable=SC2154 # here, STATE, API_PORT and the helpers come from testcluster.sh
# Real kubelet nodes for scripts/testcluster.sh, which sources this file (it uses its log, die, start, wait_for,
# cert and kubeconfig). Each node runs containerd (Debian's, with runc and the CNI plugins), a kubelet and kube-proxy
# of the cluster's Kubernetes version in a network and mount namespace of its own; CoreDNS runs on the host.
#
# Host changes, all undone by real_nodes_down: one bridge (sentinels<SLOT>) with the host's end of the nodes'
# network, 10.<SLOT>.255.0/24, a veth into each node (gone with its namespace), and a cgroup tree per node in every
# hierarchy. Everything else (iptables and ip6tables chains, the pods' bridge, ip_forward, netns and volume mounts,
# /run/containerd, /var/lib/cni, /var/lib/kubelet, /var/log/pods, /var/log/containers) lives in the node's
# namespaces, which end with its processes. SLOT (100-199) is picked per state directory, so two clusters can run
# side by side. docs/test-cluster.md says why each setting is what it is.

REAL_NODES_ENV=$STATE/real-nodes.env
CLUSTER_DNS=10.0.0.10 # in the API server's service range, 10.0.0.0/24
REAL_NODE_LABEL=sentinels.dev/node-kind=real
# The images that pods run, loaded at `up` when built; the bases under them (debian, jre) only on request: each
# import reads and unpacks its whole archive, seconds apiece.
POD_IMAGES=(python train sentinel)

render() { # template, output, NAME=value...: a copy of the template with each @NAME@ replaced
  local template=$1 out=$2 pair script=""
  shift 2
  for pair; do script+="s|@${pair%%=*}@|${pair#*=}|g;"; done
  sed "$script" "$template" >"$out"
}

pick_slot() { # a second octet no interface or route of this host uses, starting from one the state dir chooses
  local start slot n
  start=$(printf '%s' "$STATE" | cksum | cut -d' ' -f1)
  for ((n = 0; n < 100; n++)); do
    slot=$((100 + (start + n) % 100))
    ip link show "sentinels$slot" >/dev/null 2>&1 && continue
    ip -4 -o addr show | grep -q " 10\.$slot\." && continue
    ip -4 route show | grep -q "^10\.$slot\." && continue
    echo "$slot"
    return 0
  done
  die "no free 10.x.0.0/16 for the real nodes' network"
}

node_ip() { echo "10.$SLOT.255.$((10 + $1))"; }

# Called by `up` before the certificates are made: the API server must serve on the host end of the nodes' network.
real_network_up() {
  [ "$(id -u)" = 0 ] || die "real nodes need root (SENTINEL_TEST_REAL_NODES=0 runs KWOK nodes only)"
  case $STATE/ in
    /run/* | /var/run/* | /var/lib/* | /var/log/*) die "real nodes hide /run, /var/lib and /var/log: keep $STATE elsewhere" ;;
  esac
  "$here/host-packages.sh"
  SLOT=$(pick_slot)
  BRIDGE=sentinels$SLOT
  HOST_IP=10.$SLOT.255.1
  cat >"$REAL_NODES_ENV" <<ENV
REAL_NODES=$REAL_NODES
SLOT=$SLOT
BRIDGE=$BRIDGE
HOST_IP=$HOST_IP
ENV
  ip link add "$BRIDGE" type bridge
  ip addr add "$HOST_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# Called by `up` once the control plane answers.
real_nodes_up() { # bindir
  local bindir=$1 kubectl=("$1/kubectl" --kubeconfig "$STATE/admin.kubeconfig") i
  local pause coredns
  pause=$("$here/images.sh" build pause >&2 && "$here/images.sh" ref pause)
  coredns=$("$here/coredns-binary.sh")

  cert kube-proxy "/CN=system:kube-proxy"
  kubeconfig kube-proxy "$STATE/kube-proxy.kubeconfig" "https://$HOST_IP:$API_PORT"
  cert coredns "/CN=sentinels:coredns"
  kubeconfig coredns "$STATE/coredns.kubeconfig"

  mkdir -p "$STATE/coredns"
  render "$here/testcluster/cluster-dns.yaml" "$STATE/coredns/cluster-dns.yaml" CLUSTER_DNS="$CLUSTER_DNS" HOST_IP="$HOST_IP"
  "${kubectl[@]}" apply -f "$STATE/coredns/cluster-dns.yaml" >/dev/null
  render "$here/testcluster/Corefile" "$STATE/coredns/Corefile" HOST_IP="$HOST_IP" STATE="$STATE"
  start coredns "$coredns" -conf "$STATE/coredns/Corefile"

  local loads=()
  for ((i = 0; i < REAL_NODES; i++)); do
    real_node_up "$bindir" "$i" "$pause"
    # The other built images load while the kubelets start.
    "$here/images.sh" load containerd "$STATE/real-node-$i/containerd/containerd.sock" "${POD_IMAGES[@]}" \
      >>"$STATE/logs/real-node-$i-images.log" 2>&1 &
    loads+=($!)
  done
  wait_for CoreDNS 30 curl -fsS "http://$HOST_IP:8181/ready"
  wait_for "real nodes" 90 real_nodes_ready "${kubectl[@]}"
  for i in "${loads[@]}"; do wait "$i" || die "loading images into the real nodes failed; see $STATE/logs/"; done
}

real_node_up() { # bindir, index, pause image reference
  local bindir=$1 i=$2 pause=$3
  local name=real-node-$i dir=$STATE/real-node-$i ip j holder
  ip=$(node_ip "$i")
  mkdir -p "$dir"/{cni,manifests,pod-logs,var-log}

  # The node's namespaces are held by a process that only sleeps; every node process joins them with nsenter.
  # shellcheck disable=SC2016 # $0 is the inner shell's: the node's directory, shown in its command line
  start "$name" unshare --net --mount bash -c 'exec -a "sentinels-real-node $0" sleep infinity' "$dir"
  holder=$(cat "$STATE/pids/$name.pid")
  wait_for "$name namespaces" 10 grep -q "^sentinels-real-node" "/proc/$holder/cmdline"
  local in_node=(nsenter --target "$holder" --net --mount --)
  # Its own /run, /var/lib and /var/log, for what node processes write to fixed paths there: containerd's shim
  # sockets and runc's state, the kubelet's device-plugin socket, the CNI library's result cache, the kubelet's log
  # links in /var/log/containers.
  "${in_node[@]}" mount -t tmpfs -o mode=0755 sentinels-run /run
  "${in_node[@]}" mount -t tmpfs -o mode=0755 sentinels-var-lib /var/lib
  "${in_node[@]}" mount --bind "$dir/var-log" /var/log

  ip link add "$BRIDGE-$i" type veth peer name eth0 netns "$holder"
  ip link set "$BRIDGE-$i" master "$BRIDGE" up
  "${in_node[@]}" ip link set lo up
  "${in_node[@]}" ip addr add "$ip/24" dev eth0
  "${in_node[@]}" ip link set eth0 up
  "${in_node[@]}" ip route add default via "$HOST_IP"
  for ((j = 0; j < REAL_NODES; j++)); do
    [ "$j" = "$i" ] || "${in_node[@]}" ip route add "10.$SLOT.$j.0/24" via "$(node_ip "$j")"
  done

  render "$here/testcluster/containerd.toml" "$dir/containerd.toml" NODE_DIR="$dir" PAUSE_IMAGE="$pause"
  render "$here/testcluster/cni.conflist" "$dir/cni/10-sentinels.conflist" NODE_DIR="$dir" POD_SUBNET="10.$SLOT.$i.0/24"
  start "$name-containerd" "${in_node[@]}" containerd --config "$dir/containerd.toml"
  wait_for "$name containerd" 30 ctr -a "$dir/containerd/containerd.sock" version
  "$here/images.sh" load containerd "$dir/containerd/containerd.sock" pause

  cert "$name" "/O=system:nodes/CN=system:node:$name"
  kubeconfig "$name" "$dir/kubelet.kubeconfig" "https://$HOST_IP:$API_PORT"
  render "$here/testcluster/kubelet.yaml" "$dir/kubelet.yaml" NODE_DIR="$dir" NODE_IP="$ip" PKI="$STATE/pki" \
    CLUSTER_DNS="$CLUSTER_DNS" CGROUP_ROOT="/sentinels$SLOT-$name"
  make_cgroup_root "/sentinels$SLOT-$name"
  start "$name-kubelet" "${in_node[@]}" "$bindir/kubelet" --config "$dir/kubelet.yaml" \
    --kubeconfig "$dir/kubelet.kubeconfig" --hostname-override "$name" --node-ip "$ip" \
    --node-labels "$REAL_NODE_LABEL" --root-dir "$dir/kubelet" --cert-dir "$dir/kubelet-pki" --v 1

  render "$here/testcluster/kube-proxy.yaml" "$dir/kube-proxy.yaml" STATE="$STATE" NODE_NAME="$name" \
    CLUSTER_CIDR="10.$SLOT.0.0/16"
  start "$name-kube-proxy" "${in_node[@]}" "$bindir/kube-proxy" --config "$dir/kube-proxy.yaml" --v 1
}

make_cgroup_root() { # path: the kubelet wants its cgroup root to exist in every hierarchy
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    mkdir -p "$hierarchy${1#/}"
  done
  # A new cpuset cgroup has no CPUs or memory nodes until given its parent's.
  if [ -d "/sys/fs/cgroup/cpuset${1}" ]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset${1}/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset${1}/cpuset.mems"
  fi
}

real_nodes_ready() { # kubectl...
  local ready
  ready=$("$@" get nodes -l "$REAL_NODE_LABEL" \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)
  [ "$ready" -ge "$REAL_NODES" ]
}

# `images [NAME...]`: built images into every real node's containerd (for images built after `up`), by default
# those pods run.
real_nodes_load_images() {
  local i
  [ $# -gt 0 ] || set -- "${POD_IMAGES[@]}"
  [ -f "$REAL_NODES_ENV" ] || die "this cluster has no real nodes"
  # shellcheck disable=SC1090
  . "$REAL_NODES_ENV"
  for ((i = 0; i < REAL_NODES; i++)); do
    "$here/images.sh" load containerd "$STATE/real-node-$i/containerd/containerd.sock" "$@"
  done
}

alive() { # pid: true while it runs (a zombie has ended)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

leftover_pids() { # processes of this cluster that no pid file names: containerd's shims, the pods' processes
  local f
  for f in /sys/fs/cgroup/*/sentinels"$SLOT"-real-node-*/; do
    [ -d "$f" ] && find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
  done
  # Those naming the state directory (pgrep takes a regular expression, hence the escapes).
  pgrep -f -- "$(sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$STATE")" | grep -vx "$$" || true
}

# Called by `down` after the pid files' processes were stopped.
real_nodes_down() {
  [ -f "$REAL_NODES_ENV" ] || return 0
  # shellcheck disable=SC1090
  . "$REAL_NODES_ENV"
  local pid n hierarchy
  for ((n = 0; n < 50; n++)); do
    local pids=() left=0
    mapfile -t pids < <(leftover_pids | sort -u)
    for pid in "${pids[@]}"; do
      alive "$pid" || continue
      left=1
      kill -KILL "$pid" 2>/dev/null || true
    done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  # Cgroups go deepest first; one still holding an exiting process empties within moments.
  for ((n = 0; n < 50; n++)); do
    local busy=0
    for hierarchy in /sys/fs/cgroup/*/sentinels"$SLOT"-real-node-*/; do
      [ -d "$hierarchy" ] || continue
      find "$hierarchy" -depth -type d -exec rmdir {} + 2>/dev/null || busy=1
    done
    [ "$busy" = 0 ] && break
    sleep 0.1
  done
  # The veths end with the nodes' network namespaces; the bridge is ours to remove.
  for ((n = 0; n < REAL_NODES; n++)); do ip link del "$BRIDGE-$n" 2>/dev/null || true; done
  ip link del "$BRIDGE" 2>/dev/null || true
}
