#!/usr/bin/env bash
# Obtains the pinned helm (and helm-docs, which writes docs/install.md's table of values from the chart's
# values.yaml) into a cache outside the repo and prints helm's path. Built from the Go module proxy (the
# project's machines reach no release downloads); cached per version.
#
#   scripts/helm-binary.sh          build what is missing; print the path of helm
#   scripts/helm-binary.sh docs     the same for helm-docs
set -euo pipefail

HELM_VERSION=${SENTINEL_HELM_VERSION:-v3.22.0}
# Bumped when the link flags change, so a cached helm built with others is rebuilt.
BUILD=2
HELM_DOCS_VERSION=${SENTINEL_HELM_DOCS_VERSION:-v1.14.2}
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}

build() { # dir, what, module@version, ldflags
  local bin=$1
  command -v go >/dev/null || { echo "helm-binary: Go is needed to build $2" >&2; exit 1; }
  echo "helm-binary: building $2 (cold: a few minutes on 2 cores)" >&2
  mkdir -p "$bin"
  # Built outside any module, so this checkout's go.mod (if any) has no say.
  (cd "$bin" && CGO_ENABLED=0 GOBIN=$bin GOFLAGS=-trimpath go install -ldflags "-s -w $4" "$3")
}

kube_version_flags() {
  local pkg
  for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    printf -- '-X %s.k8sVersionMajor=1 -X %s.k8sVersionMinor=37 ' "$pkg" "$pkg"
  done
}

case "${1:-helm}" in
  helm)
    BIN=$CACHE/helm/$HELM_VERSION-b$BUILD/bin
    # The version helm reports, and the Kubernetes version `helm template` and `lint` assume without a
    # cluster, come from the link flags (as helm's Makefile sets them: its client-go's, 1.37).
    [ -x "$BIN/helm" ] || build "$BIN" "helm $HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" \
      "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION $(kube_version_flags)"
    echo "$BIN/helm"
    ;;
  docs)
    BIN=$CACHE/helm-docs/$HELM_DOCS_VERSION/bin
    [ -x "$BIN/helm-docs" ] || build "$BIN" "helm-docs $HELM_DOCS_VERSION" \
      "github.com/norwoodj/helm-docs/cmd/helm-docs@$HELM_DOCS_VERSION" "-X main.version=$HELM_DOCS_VERSION"
    echo "$BIN/helm-docs"
    ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
