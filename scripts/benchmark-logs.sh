#!/usr/bin/env bash
# The logs rows of docs/benchmarks.md (sourced by scripts/benchmarks.sh, or run alone: it then rewrites
# only the "## Logs" section). A real Elasticsearch on loopback and the local backend: a job prints 100,000
# lines as fast as Python can, the runner ships them (shipping rate: lines over the time from the job's start
# until the last line is acknowledged), then `sentinel logs` reads them back from Elasticsearch (time to the
# first line, and lines/s) against the same command reading the local output file (the yardstick).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lines=${LOG_LINES:-100000}

# Watches a job's checkpoint (output.shipped) from its start until all its output is acknowledged
# and prints its row: burst, the steady rate between the first and the last acknowledgement (the
# runner's start-up is before the first); paced, how long after the job ended its last line was.
shipping_row() { # job dir, lines, burst|paced
  python3 - "$@" <<'PY'
import os, sys, time
job, lines, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def shipped():
    try: return int(open(os.path.join(job, "output.shipped")).read().split()[0])
    except (OSError, ValueError, IndexError): return 0
while not os.path.exists(os.path.join(job, "output.log")): time.sleep(0.01)
start = time.monotonic(); first = None; ended = None
while True:
    now = time.monotonic(); done = shipped()
    if ended is None and os.path.exists(os.path.join(job, "exit")): ended = now
    if first is None and done > 0:
        first = (now, open(os.path.join(job, "output.log"), "rb").read(done).count(b"\n"))
    if ended is not None and done == os.path.getsize(os.path.join(job, "output.log")): break
    time.sleep(0.02)
if kind == "burst":
    rate = (lines - first[1]) / max(now - first[0], 1e-3)
    print(f"| shipping a burst (local runner to Elasticsearch) | {lines} lines | all acknowledged {now - start:.2f} s after the job started (the first {first[1]:,} after {first[0] - start:.2f} s: runner start-up) | {rate:,.0f} lines/s after the first |")
else:
    print(f"| shipping a job printing 10,000 lines/s for 10 s | {lines} lines | last line acknowledged {now - ended:.2f} s after the job ended | {'keeps up' if now - ended < 2 else 'falls behind'} |")
PY
}

logs_benchmark() {
  local es_dir home url id paced
  es_dir=$(mktemp -d); home=$(mktemp -d)
  bash scripts/elasticsearch.sh install >/dev/null
  url=$(bash scripts/elasticsearch.sh start "$es_dir" | tail -n 1)
  printf 'backend: local\nlocal:\n  engine: none\n  idleTimeout: 5s\nplugins:\n  elasticsearch:\n    url: %s\n' \
    "$url" > "$home/config.yaml"
  export SENTINEL_HOME=$home
  # A burst (as fast as Python prints), then a job printing 10,000 lines/s for 10 s: shipping keeps
  # up when that job's last line is acknowledged soon after it is printed.
  id=$(bin/sentinel submit --name lines --image x -o name -- python3 -c \
    "for i in range($lines): print(f'line {i:06d} ' + 'x' * 60)" | sed 's#^job/##')
  shipping_row "$home/jobs/$id" "$lines" burst
  paced=$(bin/sentinel submit --name paced --image x -o name -- python3 -c "
import sys, time
start = time.monotonic()
for second in range(10):
    for tick in range(10):
        for i in range(1000):
            n = second * 10000 + tick * 1000 + i
            sys.stdout.write(f'line {n:06d} ' + 'x' * 60 + chr(10))
        sys.stdout.flush()
        time.sleep(max(0, start + second + (tick + 1) / 10 - time.monotonic()))
" | sed 's#^job/##')
  shipping_row "$home/jobs/$paced" 100000 paced
  curl -fsS -XPOST "$url/_refresh" >/dev/null
  python3 - "$id" "$lines" <<'PY'
import subprocess, sys, time
job, lines = sys.argv[1], int(sys.argv[2])
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
    print(f"| {name} | {lines} lines | first line {first:.2f} s, all {total:.2f} s | {lines / total:,.0f} lines/s; {(lines - 1) / (total - first):,.0f} after the first |")
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
from Elasticsearch; shipping keeps up with a job printing 10,000 lines/s (its last line acknowledged within 2 s
of the job's end). Reading pages by point in time and \`search_after\`
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
