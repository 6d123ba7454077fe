#!/usr/bin/env bash
# Builds the log shipper, an OpenTelemetry Collector with the components in scripts/otelcol/manifest.yaml, with
# the collector's own builder (ocb) from the Go module proxy, into a cache outside the repo, and prints the
# binary's path. Cached by the manifest's content; cold: about ten minutes on 2 cores.
#
#   scripts/otelcol.sh          build what is missing; print the path of the collector
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"

BUILDER_VERSION=v0.148.0
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
KEY=$(cat otelcol/manifest.yaml otelcol.sh | sha256sum | cut -c1-12)
DIR=$CACHE/otelcol/$KEY
BIN=$DIR/build/sentinel-otelcol

if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "otelcol: Go is needed to build the collector" >&2; exit 1; }
  echo "otelcol: building the OpenTelemetry Collector (cold: about ten minutes on 2 cores)" >&2
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  cp otelcol/manifest.yaml "$DIR.tmp/manifest.yaml"
  (
    cd "$DIR.tmp"
    GOBIN=$DIR.tmp/tools go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
    # The checksum database answers for some of these module versions only: they are checked against the go.sum
    # the builder writes from the proxy instead.
    GONOSUMDB=github.com/open-telemetry/opentelemetry-collector-contrib \
      CGO_ENABLED=0 GOFLAGS=-trimpath "$DIR.tmp/tools/builder" --config manifest.yaml --ldflags="-s -w" >&2
  ) || { echo "otelcol: build failed (kept in $DIR.tmp)" >&2; exit 1; }
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
echo "$BIN"
