#!/usr/bin/env bash
# Obtains the pinned Kubernetes test-cluster binaries (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, kubelet, kube-proxy, etcd, kwok) into a cache outside the repo, and prints the directory that holds them.
#
# Official release binaries are used when they can be downloaded; otherwise (this project's build machines reach only
# package registries) each binary is built from the Go module proxy. Builds are cached per version and reused.
set -euo pipefail

K8S_VERSION=${SENTINEL_K8S_VERSION:-v1.36.3}
ETCD_VERSION=${SENTINEL_ETCD_VERSION:-v3.6.16}
KWOK_VERSION=${SENTINEL_KWOK_VERSION:-v0.8.0}
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
BIN="$CACHE/k8s/$K8S_VERSION-etcd$ETCD_VERSION-kwok$KWOK_VERSION/bin"
NEEDED=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy etcd kwok)

log() { echo "k8s-binaries: $*" >&2; }

have_all() {
  local b
  for b in "${NEEDED[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

try_download() {
  # Official binaries; quietly gives up when the network says no.
  command -v curl >/dev/null || return 1
  local arch=amd64 tmp
  [ "$(uname -m)" = aarch64 ] && arch=arm64
  tmp=$(mktemp -d)
  local base="https://dl.k8s.io/release/$K8S_VERSION/bin/linux/$arch"
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy; do
    curl -fsSL --connect-timeout 5 -o "$tmp/$b" "$base/$b" || { rm -rf "$tmp"; return 1; }
  done
  curl -fsSL --connect-timeout 5 -o "$tmp/kwok" \
    "https://github.com/kubernetes-sigs/kwok/releases/download/$KWOK_VERSION/kwok-linux-$arch" || { rm -rf "$tmp"; return 1; }
  curl -fsSL --connect-timeout 5 "https://github.com/etcd-io/etcd/releases/download/$ETCD_VERSION/etcd-$ETCD_VERSION-linux-$arch.tar.gz" \
    | tar -xz -C "$tmp" --strip-components=1 "etcd-$ETCD_VERSION-linux-$arch/etcd" || { rm -rf "$tmp"; return 1; }
  chmod +x "$tmp"/*
  mkdir -p "$BIN" && mv "$tmp"/* "$BIN/" && rm -rf "$tmp"
}

build_kubernetes() {
  # k8s.io/kubernetes replaces its staging modules with local paths, which `go install pkg@version` refuses.
  # A throwaway module pins each staging module to its published v0.x twin instead.
  local work="$CACHE/build/kubernetes-$K8S_VERSION" minor gomod
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  mkdir -p "$work"
  gomod=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module sentinels.local/k8sbuild"
    echo
    echo "go $(sed -n 's/^go \([0-9.]*\).*/\1/p' "$gomod")"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$gomod" \
      | awk -v v="v0.$minor.${K8S_VERSION##*.}" '{print "replace " $1 " => " $1 " " v}'
  } >"$work/go.mod"
  cat >"$work/tools.go" <<'GO'
//go:build tools

package k8sbuild

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
GO
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
  ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  (
    cd "$work"
    GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
    log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubelet, kube-proxy $K8S_VERSION (cold: ~15-25 min on 2 cores)"
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$BIN/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
      k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
  )
}

build_etcd() {
  # etcd's server module also uses local replaces; the throwaway module takes the published versions.
  local work="$CACHE/build/etcd-$ETCD_VERSION"
  mkdir -p "$work"
  printf 'module sentinels.local/etcdbuild\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$work/go.mod"
  printf '//go:build tools\n\npackage etcdbuild\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$work/tools.go"
  (
    cd "$work"
    GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
    log "building etcd $ETCD_VERSION"
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  )
}

build_kwok() {
  log "building kwok $KWOK_VERSION"
  local work="$CACHE/build/kwok-$KWOK_VERSION"
  mkdir -p "$work"
  printf 'module sentinels.local/kwokbuild\n\ngo 1.24\n\nrequire sigs.k8s.io/kwok %s\n' "$KWOK_VERSION" >"$work/go.mod"
  printf '//go:build tools\n\npackage kwokbuild\n\nimport _ "sigs.k8s.io/kwok/cmd/kwok"\n' >"$work/tools.go"
  (
    cd "$work"
    GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok
  )
}

if ! have_all; then
  mkdir -p "$BIN"
  if [ "${SENTINEL_K8S_BUILD:-auto}" != always ] && try_download; then
    log "downloaded official binaries into $BIN"
  else
    command -v go >/dev/null || { log "Go is needed to build the test-cluster binaries (no download possible)"; exit 1; }
    [ -x "$BIN/etcd" ] || build_etcd
    [ -x "$BIN/kwok" ] || build_kwok
    [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kubectl" ] && [ -x "$BIN/kubelet" ] && [ -x "$BIN/kube-proxy" ] || build_kubernetes
  fi
  have_all || { log "binaries missing in $BIN after build"; exit 1; }
fi
echo "$BIN"
