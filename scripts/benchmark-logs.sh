#!/usr/bin/env bash
# The logs rows of docs/benchmarks.md (sourced by scripts/benchmarks.sh, or run alone: it then rewrites
# only the "## Logs" section). A real Elasticsearch on loopback and the local backend: a job prints 100,000
# lines as fast as Python can, the runner ships them (shipping rate: lines over the time from the job's start
# until the last line is acknowledged), then `sentinel logs` reads them back from Elasticsearch (time to the
# first line, and lines/s) against the same command reading the local output file (the yardstick).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lines=${LOG_LINES:-100000}

logs_benchmark() {
  local es_dir home url id dir start shipped_at now size
  es_dir=$(mktemp -d); home=$(mktemp -d)
  bash scripts/elasticsearch.sh install >/dev/null
  url=$(bash scripts/elasticsearch.sh start "$es_dir" | tail -n 1)
  printf 'backend: local\nlocal:\n  engine: none\n  idleTimeout: 5s\nplugins:\n  elasticsearch:\n    url: %s\n' \
    "$url" > "$home/config.yaml"
  export SENTINEL_HOME=$home
  id=$(bin/sentinel submit --name lines --image x -o name -- python3 -c \
    "for i in range($lines): print(f'line {i:06d} ' + 'x' * 60)" | sed 's#^job/##')
  dir=$home/jobs/$id
  start=$(date +%s.%N)
  until [ -f "$dir/exit" ]; do sleep 0.05; done
  size=$(stat -c %s "$dir/output.log")
  until [ "$(cut -d' ' -f1 "$dir/output.shipped" 2>/dev/null || echo 0)" = "$size" ]; do sleep 0.05; done
  shipped_at=$(date +%s.%N)
  curl -fsS -XPOST "$url/_refresh" >/dev/null
  python3 - "$id" "$lines" "$start" "$shipped_at" <<'PY'
import subprocess, sys, time
job, lines, start, shipped = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"| shipping (local runner to Elasticsearch) | {lines} lines | {shipped - start:.2f} s | {lines / (shipped - start):,.0f} lines/s |")
def read(source, runs=3):
    best = None
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen(["bin/sentinel", "logs", job, "--source", source], stdout=subprocess.PIPE)
        first = None; n = 0
        for _line in p.stdout:
            if first is None: first = time.monotonic() - t0
            n += 1
        p.wait(); total = time.monotonic() - t0
        assert n == lines, f"{source}: {n} lines, not {lines}"
        if best is None or total < best[1]: best = (first, total)
    return best
es = read("elasticsearch"); local = read("local")
for name, (first, total) in (("`sentinel logs --source elasticsearch`", es), ("`sentinel logs --source local` (the yardstick)", local)):
    print(f"| {name} | {lines} lines | first line {first:.2f} s, all {total:.2f} s | {lines / total:,.0f} lines/s |")
print(f"| ratio: Elasticsearch / local file | | {es[1] / local[1]:.1f}x | |")
PY
  bash scripts/elasticsearch.sh stop "$es_dir" >/dev/null 2>&1 || true
  pkill -f "sentinel.home=$home " 2>/dev/null || true
  rm -rf "$home"; rm -rf "$es_dir" 2>/dev/null || true
  unset SENTINEL_HOME
}

logs_section() { # the rows given as $1
  cat <<MD
## Logs

| What | Amount | Time | Rate |
|---|---|---|---|
$1

Measured $(date -u +%Y-%m-%d) by \`scripts/benchmark-logs.sh\`: a real Elasticsearch 8.19 on loopback (one node, Temurin 25)
and the local backend on the same 2 cores. Targets: the first line within 1 s and at least 50,000 lines/s read
from Elasticsearch; shipping at least 10,000 lines/s. Reading pages by point in time and \`search_after\`
(10,000 a page); the cost over the yardstick is Elasticsearch's search and the JSON of every line.
MD
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ./mvnw -q -B -DskipTests package
  section=$(logs_section "$(logs_benchmark)")
  python3 - "$section" <<'PY'
import re, sys
doc = open("docs/benchmarks.md").read()
section = sys.argv[1].rstrip() + "\n"
doc = re.sub(r"## Logs\n.*?(?=\n## |\Z)", "", doc, flags=re.S).rstrip() + "\n\n" + section
open("docs/benchmarks.md", "w").write(doc)
PY
  echo "benchmark-logs: wrote the Logs section of docs/benchmarks.md" >&2
fi
