#!/usr/bin/env bash
# Obtains the pinned CoreDNS, the test cluster's DNS server, into a cache outside the repo and prints its path.
# Built from the Go module proxy (the project's machines reach no release downloads); cached per version.
set -euo pipefail

COREDNS_VERSION=${SENTINEL_COREDNS_VERSION:-v1.15.0}
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
BIN=$CACHE/coredns/$COREDNS_VERSION/bin

if [ ! -x "$BIN/coredns" ]; then
  command -v go >/dev/null || { echo "coredns-binary: Go is needed to build CoreDNS" >&2; exit 1; }
  echo "coredns-binary: building CoreDNS $COREDNS_VERSION (cold: a few minutes on 2 cores)" >&2
  mkdir -p "$BIN"
  # Built outside any module, so this checkout's go.mod (if any) has no say.
  (cd "$BIN" && CGO_ENABLED=0 GOBIN=$BIN GOFLAGS=-trimpath go install -ldflags "-s -w" \
    "github.com/coredns/coredns@$COREDNS_VERSION")
fi
echo "$BIN/coredns"
