#!/usr/bin/env bash
# A real MLflow tracking server on loopback for Sentinels' tests and demos (sqlite store, local artifacts).
#
#   scripts/mlflow.sh install      create the cached venv with mlflow (reused when present); prints its python
#   scripts/mlflow.sh start DIR    start a server whose state lives in DIR; prints its URL (waits until ready)
#   scripts/mlflow.sh stop DIR     stop the server started in DIR
#   scripts/mlflow.sh python       print the venv's python (for scripts that `import mlflow`)
#
# The venv lives in ~/.cache/sentinels/mlflow-venv (SENTINEL_CACHE moves ~/.cache/sentinels);
# MLFLOW_VERSION pins the version installed (default: the newest on PyPI at install time).
set -euo pipefail

CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
VENV=$CACHE/mlflow-venv

log() { echo "mlflow.sh: $*" >&2; }
die() { log "$*"; exit 1; }

install() {
  if [ -x "$VENV/bin/mlflow" ] && "$VENV/bin/python" -c 'import mlflow' >/dev/null 2>&1; then
    echo "$VENV/bin/python"
    return
  fi
  mkdir -p "$CACHE"
  log "installing mlflow into $VENV (once; takes a few minutes)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "mlflow${MLFLOW_VERSION:+==$MLFLOW_VERSION}" >&2 \
    || { rm -rf "$VENV"; die "pip install mlflow failed"; }
  echo "$VENV/bin/python"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir=${1:?usage: mlflow.sh start DIR}
  install >/dev/null
  mkdir -p "$dir/artifacts"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/url" ] && curl -fsS --max-time 2 "$(cat "$dir/url")/health" >/dev/null 2>&1; then
    cat "$dir/url"
    return
  fi
  local port
  port=$(free_port)
  setsid "$VENV/bin/mlflow" server --host 127.0.0.1 --port "$port" --workers 1 \
    --backend-store-uri "sqlite:///$dir/mlflow.db" --default-artifact-root "$dir/artifacts" \
    >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  local url="http://127.0.0.1:$port" i
  for ((i = 0; i < 600; i++)); do
    if curl -fsS --max-time 2 "$url/health" >/dev/null 2>&1; then
      echo "$url" >"$dir/url"
      echo "$url"
      return
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || die "mlflow server exited; see $dir/server.log"
    sleep 0.2
  done
  die "mlflow server did not come up within 120s; see $dir/server.log"
}

stop() {
  local dir=${1:?usage: mlflow.sh stop DIR}
  [ -f "$dir/pid" ] || return 0
  local pid
  pid=$(cat "$dir/pid")
  # setsid made the server its own process group: end it and its gunicorn/uvicorn workers together.
  kill -- "-$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 -- "-$pid" 2>/dev/null || true
  rm -f "$dir/pid" "$dir/url"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  python) install ;;
  *) die "usage: mlflow.sh install|start DIR|stop DIR|python" ;;
esac
