#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for Sentinels' tests and demos: etcd, kube-apiserver (TLS, RBAC,
# service-account tokens), kube-controller-manager, kube-scheduler, and KWOK simulating nodes with GPU capacity.
#
#   scripts/testcluster.sh up     start it (or find it running) and print the exports to use it
#   scripts/testcluster.sh env    print the exports again
#   scripts/testcluster.sh down   stop every process it started and remove its state
#   scripts/testcluster.sh status say whether it is running
#   scripts/testcluster.sh images [NAME...]  load images built since `up` into the real nodes (below)
#
# Nodes (read at `up`): SENTINEL_TEST_NODES (4), SENTINEL_TEST_NODE_CPU (8), SENTINEL_TEST_NODE_MEMORY (32Gi),
# SENTINEL_TEST_NODE_GPUS (2 nvidia.com/gpu each), SENTINEL_TEST_NODE_PODS (110).
# Pods finish after the duration in annotation sentinels.dev/kwok-duration (default 1s), and fail instead when
# sentinels.dev/kwok-fail is "true" (exit code from sentinels.dev/kwok-exit-code, default 1).
# Pod logs come from the file in annotation sentinels.dev/kwok-logs if set, else a line naming the pod.
#
# Real nodes (read at `up`): SENTINEL_TEST_REAL_NODES (1; 0 for KWOK nodes only) kubelet nodes real-node-0, ... that
# run containers (containerd, runc, CNI bridge), with kube-proxy and CoreDNS (kube-dns at 10.0.0.10). They carry
# label sentinels.dev/node-kind=real and taint sentinels.dev/real-node=true:NoSchedule: only pods that tolerate it
# land there. Images come from scripts/images.sh: `up` loads those of python, train and sentinel already built;
# `images` loads others (default: the same three). Needs root; scripts/testcluster/real-nodes.sh says what real
# nodes change on the host and how `down` undoes it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
STATE=${SENTINEL_TESTCLUSTER_DIR:-$CACHE/testcluster}

NODES=${SENTINEL_TEST_NODES:-4}
NODE_CPU=${SENTINEL_TEST_NODE_CPU:-8}
NODE_MEMORY=${SENTINEL_TEST_NODE_MEMORY:-32Gi}
NODE_GPUS=${SENTINEL_TEST_NODE_GPUS:-2}
NODE_PODS=${SENTINEL_TEST_NODE_PODS:-110}
REAL_NODES=${SENTINEL_TEST_REAL_NODES:-1}
HOST_IP="" # the host's end of the real nodes' network, when there are any

# shellcheck source=scripts/testcluster/real-nodes.sh
. "$here/testcluster/real-nodes.sh"

log() { echo "testcluster: $*" >&2; }
die() { log "$*"; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

print_env() {
  echo "export KUBECONFIG=$STATE/admin.kubeconfig"
  echo "export PATH=$(cat "$STATE/bindir"):\$PATH"
}

api_ready() {
  [ -f "$STATE/ports.env" ] || return 1
  # shellcheck disable=SC1091
  . "$STATE/ports.env"
  curl -fsS --max-time 2 --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1
}

all_running() {
  local pidfile
  [ -d "$STATE/pids" ] || return 1
  for pidfile in "$STATE"/pids/*.pid; do
    [ -f "$pidfile" ] && ours "$(cat "$pidfile")" || return 1
  done
  api_ready
}

start() { # name, command...: runs in its own session so `down` can end it and its children
  local name=$1; shift
  setsid "$@" >"$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$STATE/pids/$name.pid"
}

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2 i; shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "$what did not come up within ${seconds}s; see $STATE/logs/"
}

cert() { # name, subject, extensions (optional): a key and a certificate signed by the cluster CA
  local name=$1 subject=$2 ext=${3:-}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$STATE/pki/$name.key" -subj "$subject" \
    -out "$STATE/pki/$name.csr" 2>/dev/null
  if [ -n "$ext" ]; then
    printf '%s\n' "$ext" >"$STATE/pki/$name.ext"
    openssl x509 -req -in "$STATE/pki/$name.csr" -CA "$STATE/pki/ca.crt" -CAkey "$STATE/pki/ca.key" \
      -CAcreateserial -days 3650 -extfile "$STATE/pki/$name.ext" -out "$STATE/pki/$name.crt" 2>/dev/null
  else
    openssl x509 -req -in "$STATE/pki/$name.csr" -CA "$STATE/pki/ca.crt" -CAkey "$STATE/pki/ca.key" \
      -CAcreateserial -days 3650 -out "$STATE/pki/$name.crt" 2>/dev/null
  fi
}

make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -subj "/CN=sentinels-testcluster-ca" \
    -days 3650 -out "$pki/ca.crt" 2>/dev/null
  local serving="subjectAltName=IP:127.0.0.1,IP:10.0.0.1,${HOST_IP:+IP:$HOST_IP,}DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  cert apiserver "/CN=kube-apiserver" "$serving"
  cert kwok-serving "/CN=kwok" "subjectAltName=IP:127.0.0.1,DNS:localhost"
  cert admin "/O=system:masters/CN=kubernetes-admin"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert kwok "/O=system:masters/CN=kwok-controller"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

kubeconfig() { # name (its certificate), output file, server (default: the API server on loopback)
  local name=$1 out=$2 server=${3:-https://127.0.0.1:$API_PORT}
  cat >"$out" <<KC
apiVersion: v1
kind: Config
clusters:
- name: sentinels-test
  cluster:
    server: $server
    certificate-authority: $STATE/pki/ca.crt
users:
- name: $name
  user:
    client-certificate: $STATE/pki/$name.crt
    client-key: $STATE/pki/$name.key
contexts:
- name: sentinels-test
  context:
    cluster: sentinels-test
    user: $name
current-context: sentinels-test
KC
}

node_manifest() { # index
  cat <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$1
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: kwok-node-$1
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  allocatable: {cpu: "$NODE_CPU", memory: "$NODE_MEMORY", pods: "$NODE_PODS", nvidia.com/gpu: "$NODE_GPUS"}
  capacity: {cpu: "$NODE_CPU", memory: "$NODE_MEMORY", pods: "$NODE_PODS", nvidia.com/gpu: "$NODE_GPUS"}
NODE
}

up() {
  if all_running; then
    log "already running"
    print_env
    return 0
  fi
  [ -d "$STATE" ] && down >/dev/null 2>&1
  local bindir
  bindir=$("$here/k8s-binaries.sh")
  mkdir -p "$STATE"/{pids,logs,etcd}
  echo "$bindir" >"$STATE/bindir"
  # Real nodes reach the API server on the host's end of their network; KWOK-only clusters keep it on loopback.
  local api_bind=127.0.0.1 api_advertise=127.0.0.1
  if [ "$REAL_NODES" -gt 0 ]; then
    real_network_up
    api_bind=0.0.0.0 api_advertise=$HOST_IP
  fi

  ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); API_PORT=$(free_port)
  KCM_PORT=$(free_port); SCHED_PORT=$(free_port); KWOK_PORT=$(free_port)
  cat >"$STATE/ports.env" <<PORTS
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
API_PORT=$API_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
PORTS
  make_pki
  local c
  for c in admin controller-manager scheduler kwok; do kubeconfig "$c" "$STATE/$c.kubeconfig"; done

  start etcd "$bindir/etcd" --name sentinels --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "sentinels=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --log-level warn
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  local pki=$STATE/pki
  start kube-apiserver "$bindir/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$api_bind" --advertise-address "$api_advertise" --secure-port "$API_PORT" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --authorization-mode Node,RBAC \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --allow-privileged=true --cert-dir "$STATE/apiserver-certs" --v 1
  wait_for kube-apiserver 90 api_ready

  start kube-controller-manager "$bindir/kube-controller-manager" \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --node-monitor-period 25s --node-monitor-grace-period 3m20s --v 1

  start kube-scheduler "$bindir/kube-scheduler" \
    --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --leader-elect=false --v 1

  start_kwok "$bindir"

  local kubectl=("$bindir/kubectl" --kubeconfig "$STATE/admin.kubeconfig")
  local i manifests=""
  for ((i = 0; i < NODES; i++)); do manifests+="$(node_manifest "$i")"$'\n---\n'; done
  printf '%s' "$manifests" | "${kubectl[@]}" apply -f - >/dev/null
  wait_for "KWOK nodes" 60 nodes_ready "${kubectl[@]}"
  # Pods need the namespace's default service account, which the controller manager creates.
  [ "$REAL_NODES" -gt 0 ] && real_nodes_up "$bindir"
  wait_for "default service account" 60 "${kubectl[@]}" get serviceaccount default -n default
  log "up: $NODES KWOK nodes ($NODE_CPU cpu, $NODE_MEMORY, $NODE_GPUS nvidia.com/gpu each), $REAL_NODES real"
  print_env
}

start_kwok() { # bindir
  local bindir=$1 pki=$STATE/pki
  mkdir -p "$STATE/kwok"
  # Simulated pods print this one line; kwok serves it in CRI log format to `kubectl logs`.
  printf '%s stdout F %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000000Z)" \
    "kwok: simulated container, no code runs here" >"$STATE/kwok/pod.log"
  sed "s#@LOGS_FILE@#$STATE/kwok/pod.log#" "$here/testcluster/kwok.yaml" >"$STATE/kwok/kwok.yaml"
  start kwok "$bindir/kwok" --kubeconfig "$STATE/kwok.kubeconfig" --config "$STATE/kwok/kwok.yaml" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --node-port "$KWOK_PORT" --server-address "127.0.0.1:$KWOK_PORT" \
    --tls-cert-file "$pki/kwok-serving.crt" --tls-private-key-file "$pki/kwok-serving.key" \
    --node-lease-duration-seconds 0
}

nodes_ready() {
  local ready
  ready=$("$@" get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)
  [ "$ready" -ge "$NODES" ]
}

ours() { # pid: true if it is still one of our processes (a stale pid file may name a reused pid)
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$STATE"
}

down() {
  local pidfile pid
  if [ -d "$STATE/pids" ]; then
    for pidfile in "$STATE"/pids/*.pid; do
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      ours "$pid" || { rm -f "$pidfile"; continue; }
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    # Five seconds in all to end cleanly (not five each: the API server alone takes them), then SIGKILL.
    local deadline=$((SECONDS + 5))
    for pidfile in "$STATE"/pids/*.pid; do
      [ -f "$pidfile" ] || continue
      pid=$(cat "$pidfile")
      while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  real_nodes_down
  # Never into a mount: should one be left, it stays (and says so) rather than its files going.
  rm -rf --one-file-system "$STATE"
  log "down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) all_running || die "not running; start it with: $0 up"; print_env ;;
  status) if all_running; then log "running"; else log "not running"; exit 1; fi ;;
  images) all_running || die "not running; start it with: $0 up"; shift; real_nodes_load_images "$@" ;;
  *) echo "usage: $0 up|down|env|status|images [NAME...]" >&2; exit 2 ;;
esac
