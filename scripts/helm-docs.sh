#!/usr/bin/env bash
# Writes docs/install.md from helm/sentinels/install.md.gotmpl and the chart's values.yaml (its table of
# values), with helm-docs from the Go module proxy. `--check` writes nothing and fails when the file is stale.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
helm_docs="$("$repo/scripts/helm-binary.sh" docs)"
render() {
  (cd "$repo/helm/sentinels" && "$helm_docs" --dry-run --log-level warning --chart-search-root . \
    --template-files install.md.gotmpl --sort-values-order file)
}
if [ "${1:-}" = --check ]; then
  if ! diff -u "$repo/docs/install.md" <(render) >&2; then
    echo "helm-docs: docs/install.md is stale; run scripts/helm-docs.sh" >&2
    exit 1
  fi
else
  render > "$repo/docs/install.md"
fi
