#!/usr/bin/env bash
# A real Elasticsearch on loopback for Sentinels' tests and demos: Elastic's own integration-test distribution from
# Maven Central (no bundled JDK: it runs on the Temurin 25 JDK under /usr/lib/jvm, or ES_JAVA_HOME), unpacked once
# into ~/.cache/sentinels (SENTINEL_CACHE moves it), one copy of config and data per server directory.
#
#   scripts/elasticsearch.sh install            download and unpack once; prints the distribution's directory
#   scripts/elasticsearch.sh start DIR          start a server whose state lives in DIR; prints its URL when ready
#   scripts/elasticsearch.sh start DIR secure   the same with security on: TLS (DIR/ca.crt signs the server's
#                                               certificate) and a user `sentinel` whose password is in DIR/password
#   scripts/elasticsearch.sh java-home          the JDK it runs on
#   scripts/elasticsearch.sh stop DIR           stop the server started in DIR (and delete nothing)
#
# Elasticsearch refuses to run as root: as root the server runs as the system user `sentinel-es`.
set -euo pipefail

ES_VERSION=${SENTINEL_ES_VERSION:-8.19.21}
CACHE=${SENTINEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentinels}
DIST=$CACHE/elasticsearch/$ES_VERSION
ES_USER=sentinel-es
URL_BASE=https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch

log() { echo "elasticsearch.sh: $*" >&2; }
die() { log "$*"; exit 1; }

java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  local jdk
  for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[1-9]-jdk-*; do
    [ -x "$jdk/bin/java" ] && { echo "$jdk"; return; }
  done
  die "no JDK 21 or newer for Elasticsearch: set ES_JAVA_HOME"
}

install() {
  if [ -x "$DIST/bin/elasticsearch" ]; then echo "$DIST"; return; fi
  mkdir -p "$CACHE/elasticsearch"
  log "downloading Elasticsearch $ES_VERSION from Maven Central (once, ~100 MiB)"
  local tmp
  tmp=$(mktemp -d "$CACHE/elasticsearch/.download.XXXXXX")
  curl -fsSL --retry 3 -o "$tmp/es.zip" "$URL_BASE/$ES_VERSION/elasticsearch-$ES_VERSION.zip" \
    || { rm -rf "$tmp"; die "download failed"; }
  (cd "$tmp" && unzip -q es.zip) || { rm -rf "$tmp"; die "unzip failed"; }
  rm -rf "$DIST" && mv "$tmp/elasticsearch-$ES_VERSION" "$DIST" && rm -rf "$tmp"
  echo "$DIST"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_es() { # runs a command as the server's user
  if [ "$(id -u)" = 0 ]; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

certificates() { # dir: a CA and a server certificate for 127.0.0.1 and localhost
  local d=$1/config/certs
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=sentinels test CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
    -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
  cp "$d/ca.crt" "$1/ca.crt"
}

start() {
  local dir=${1:?usage: elasticsearch.sh start DIR [secure]} secure=${2:-}
  install >/dev/null
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/url" ] && [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    cat "$dir/url"; return
  fi
  if [ "$(id -u)" = 0 ] && ! id "$ES_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  fi
  # The server runs from a linked copy inside DIR: the cache may sit in a home its user cannot enter.
  rm -rf "$dir/dist" "$dir/config"
  cp -al "$DIST" "$dir/dist" 2>/dev/null || cp -r "$DIST" "$dir/dist"
  cp -r "$DIST/config" "$dir/config"
  mkdir -p "$dir/data" "$dir/logs"
  local port transport scheme=http
  port=$(free_port); transport=$(free_port)
  cat >"$dir/config/elasticsearch.yml" <<YAML
cluster.name: sentinels-test
network.host: 127.0.0.1
http.port: $port
transport.port: $transport
discovery.type: single-node
path.data: $dir/data
path.logs: $dir/logs
# A test server on a busy disk: never go read-only for want of space.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YAML
  if [ "$secure" = secure ]; then
    scheme=https
    certificates "$dir"
    cat >>"$dir/config/elasticsearch.yml" <<YAML
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.certificate: certs/server.crt
xpack.security.http.ssl.key: certs/server.key
xpack.security.http.ssl.certificate_authorities: [certs/ca.crt]
xpack.security.transport.ssl.enabled: false
YAML
    openssl rand -hex 12 >"$dir/password"
    ES_PATH_CONF=$dir/config ES_JAVA_HOME=$(java_home) "$dir/dist/bin/elasticsearch-users" \
      useradd sentinel -p "$(cat "$dir/password")" -r superuser >/dev/null
  else
    echo "xpack.security.enabled: false" >>"$dir/config/elasticsearch.yml"
  fi
  [ "$(id -u)" = 0 ] && chown -R "$ES_USER" "$dir/config" "$dir/data" "$dir/logs" && chown "$ES_USER" "$dir"
  local url="$scheme://127.0.0.1:$port" auth=() i
  [ "$secure" = secure ] && auth=(--cacert "$dir/ca.crt" -u "sentinel:$(cat "$dir/password")")
  # setsid: the server outlives this script; its process group is what stop kills.
  ES_PATH_CONF=$dir/config ES_JAVA_HOME=$(java_home) ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
    setsid bash -c "$(declare -f as_es); ES_USER=$ES_USER; as_es env ES_PATH_CONF=\$ES_PATH_CONF ES_JAVA_HOME=\$ES_JAVA_HOME ES_JAVA_OPTS=\"\$ES_JAVA_OPTS\" $dir/dist/bin/elasticsearch -p $dir/es.pid" \
    >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  log "starting Elasticsearch $ES_VERSION on $url (30-120 s on 2 busy cores)"
  for ((i = 0; i < 1200; i++)); do
    if curl -fsS --max-time 2 "${auth[@]}" "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      echo "$url" >"$dir/url"
      echo "$url"
      return
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || die "Elasticsearch exited; see $dir/server.log and $dir/logs"
    sleep 0.25
  done
  die "Elasticsearch did not answer within 5 minutes; see $dir/server.log"
}

stop() {
  local dir=${1:?usage: elasticsearch.sh stop DIR} pid i
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    [ -f "$dir/es.pid" ] && kill -0 "$(cat "$dir/es.pid")" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  [ -f "$dir/es.pid" ] && kill -KILL "$(cat "$dir/es.pid")" 2>/dev/null || true
  rm -f "$dir/pid" "$dir/url"
  rm -rf "$dir/dist"
}

case "${1:-}" in
  install) install ;;
  java-home) java_home ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
