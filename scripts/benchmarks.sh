#!/usr/bin/env bash
# Measures Sentinels on the loopback test cluster and writes docs/benchmarks.md.
#   scripts/benchmarks.sh            full run (about 10 minutes on 2 cores)
#   SMALL=1 scripts/benchmarks.sh    1k instead of 10k, for a quick look
# Restarts the test cluster so every run starts from the same state. Needs hyperfine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
big=${SMALL:+1000}; big=${big:-10000}
command -v hyperfine >/dev/null || { echo "benchmarks: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }

./mvnw -q -B -DskipTests package
bash scripts/testcluster.sh down >/dev/null 2>&1 || true
eval "$(bash scripts/testcluster.sh up)"
trap 'bash scripts/testcluster.sh down >/dev/null 2>&1' EXIT
KC=$KUBECONFIG
CP="cli/target/test-classes:cli/target/classes:cli/target/lib/*"
bench() { # prints its row, and shows it as it comes
  java -XX:+UseParallelGC -cp "$CP" dev.sentinels.cli.cluster.ClusterBenchmarks "$@" 2>/dev/null | tee >(cat >&2)
}

# Room for the admission benchmark: 20 CPU-only nodes with 1000 pod slots each.
for i in $(seq 0 19); do
  cat <<NODE
apiVersion: v1
kind: Node
metadata:
  name: bench-node-$i
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {type: kwok, kubernetes.io/hostname: bench-node-$i}
status:
  allocatable: {cpu: "1000", memory: 4Ti, pods: "1000"}
  capacity: {cpu: "1000", memory: 4Ti, pods: "1000"}
---
NODE
done | kubectl apply -f - >/dev/null
sleep 5

rows=()
echo "benchmarks: submit" >&2
rows+=("$(bench submit "$KC" 200 1)")
rows+=("$(bench submit "$KC" 400 8)")
echo "benchmarks: admission" >&2
rows+=("$(bench admit "$KC" 1000)")
rows+=("$(bench admit "$KC" "$big")")
# The commands below are timed on a settled cluster: the throughput runs leave ~11k pods that KWOK
# keeps busy on the same 2 cores, which would slow every JVM start far more than kubectl's.
echo "benchmarks: removing the throughput namespaces" >&2
kubectl get namespaces -o name | grep -E '/bench-(submit|admit)-' | xargs -r kubectl delete --wait=true --timeout=600s >/dev/null
sleep 10

hf() { # name, command...: mean and stddev in ms from hyperfine's JSON
  local name=$1; shift
  hyperfine -N --style none --export-json "/tmp/sentinel-hf-$name.json" "$@" >/dev/null 2>&1
  python3 - "/tmp/sentinel-hf-$name.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["mean"]*1000:.0f} ms ± {r["stddev"]*1000:.0f} (median {r["median"]*1000:.0f})')
PY
}
echo "benchmarks: cold status against kubectl" >&2
kubectl create namespace bench-status >/dev/null
for i in 1 2 3; do bin/sentinel submit -n bench-status --name small --image busybox --cpu 100m -o name >/dev/null; done
mapfile -t status_times < <(hf status --warmup 2 --runs 15 \
  "bin/sentinel status -n bench-status" "kubectl get configmaps -n bench-status")
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
status25=""
if [ -x "$jdk25" ]; then
  SENTINEL_JAVA=$jdk25 bin/sentinel status -n bench-status >/dev/null; sleep 15 # AOT cache built
  status25=$(SENTINEL_JAVA=$jdk25 hf status25 --warmup 2 --runs 15 "bin/sentinel status -n bench-status")
fi

echo "benchmarks: status in a REPL session (warm connection)" >&2
warm_status=$(java -XX:+UseParallelGC -cp "$CP" dev.sentinels.cli.cluster.ClusterBenchmarks warm "$KC" bench-status 50 2>/dev/null)

echo "benchmarks: where a cold status spends its time" >&2
# Marks printed at exit (-Dsentinel.timing): the steps between them, averaged over runs.
breakdown=$(for i in 1 2 3 4 5 6 7 8 9 10; do
  SENTINEL_JAVA_OPTS=-Dsentinel.timing=true bin/sentinel status -n bench-status 2>&1 >/dev/null | grep '^timing'
  echo "--"
done | python3 -c '
import sys, collections
runs, cur = [], []
for line in sys.stdin:
    if line.startswith("--"):
        runs.append(cur); cur = []
    else:
        parts = line.split(None, 3); cur.append((parts[3].strip(), int(parts[1])))
steps = collections.OrderedDict()
for run in runs:
    for (a, ta), (b, tb) in zip(run, run[1:]):
        steps.setdefault(a + " -> " + b, []).append(tb - ta)
for step, times in steps.items():
    print("| %s | %.0f ms |" % (step, sum(times) / len(times)))
')

echo "benchmarks: cold status on the local backend" >&2
local_home=$(mktemp -d)
for i in 1 2 3; do
  SENTINEL_HOME=$local_home bin/sentinel submit --local --name small --image busybox -o name -- true >/dev/null
done
sleep 3
local_status=$(SENTINEL_HOME=$local_home hf status-local --warmup 2 --runs 15 "bin/sentinel status --local")

echo "benchmarks: $big queued" >&2
setup=$(bench fill "$KC" bench-queue "$big")
echo "benchmarks: sentinel queue with $big pending" >&2
queue_time=$(hf queue --warmup 1 --runs 5 "bin/sentinel queue -n bench-queue")

echo "benchmarks: scheduler memory with $big pending" >&2
bin/sentinel scheduler -n bench-queue >/tmp/sentinel-bench-scheduler.log 2>&1 &
sched=$!
sleep 45
hwm=$(awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$(pgrep -P $sched java || echo $sched)/status" 2>/dev/null || echo "?")
rss=$(awk '/VmRSS/ {print int($2/1024) " MiB"}' "/proc/$(pgrep -P $sched java || echo $sched)/status" 2>/dev/null || echo "?")
kill -TERM "$sched"; wait "$sched" || true
passes=$(grep -c "admitted\|holding" /tmp/sentinel-bench-scheduler.log || true)

echo "benchmarks: logs in Elasticsearch" >&2
source scripts/benchmark-logs.sh
logs_rows=$(logs_benchmark)

java_version=$(java -version 2>&1 | head -n 1)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat > docs/benchmarks.md <<MD
# Benchmarks

Measured by \`scripts/benchmarks.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), $(free -g | awk '/Mem/ {print $2}') GiB,
$java_version, the loopback test cluster of \`scripts/testcluster.sh\` (Kubernetes v1.36.3, etcd and the whole
control plane on the same 2 cores as the client, so every number includes the API server's work) with 4 KWOK GPU
nodes plus 20 CPU-only KWOK nodes. Rerun: \`scripts/benchmarks.sh\` (\`SMALL=1\` for 1k instead of 10k).

## Throughput

| What | Amount | Time | Rate |
|---|---|---|---|
$(printf '%s\n' "${rows[@]}")

*Submit* is what \`sentinel submit\` does after validation: create the record, then run (or hand over) an
admission pass; these jobs never fit, so every pass walks the whole growing queue. *Admission* starts with all
jobs queued and room for all of them, and runs passes back to back (at most 1000 admissions a pass, each a
conditional record update plus a Job create, 32 in flight) until every job is admitted; the job controller,
scheduler and KWOK create and bind the pods on the same cores meanwhile. Target: at least 100 jobs/s.

## Commands

| Command | Time (hyperfine, mean ± σ) | Target |
|---|---|---|
| \`sentinel queue\` with $big pending (JDK 17 + CDS) | $queue_time | ≤ 2 s |
| cold \`sentinel status\` (JDK 17 + CDS) | ${status_times[0]} | ≤ 5× kubectl |
| cold \`sentinel status\` (JDK 25 + AOT cache) | ${status25:-not measured (no JDK 25)} | ≤ 3× kubectl |
| \`kubectl get configmaps\` (the yardstick) | ${status_times[1]} | |
| \`status\` in a \`sentinel shell\` session (warm connection, mean of 50) | $warm_status | ≤ one cold kubectl |
| cold \`sentinel status --local\` (JDK 17 + CDS, 3 jobs) | $local_status | ≤ 1.5× kubectl |

Where a cold \`status\` on the cluster spends its time (JDK 17 + CDS, marks of \`-Dsentinel.timing=true\`, mean of 10;
before \`main\` the JVM starts, about 80 ms with the class data cache, not measurable from inside):

| Step | Time |
|---|---|
$breakdown

Each step runs mostly in the interpreter and C1: picocli builds the command model by reflection, the kubeconfig is
parsed and an SSL context made, the first request pays the TLS handshake and Jackson's first use (its mappers and the
record's deserializers), the second reads the namespace's Jobs and pods. The class data cache (CDS, or the AOT cache on
JDK 25, both recorded from a training run against a loopback TLS API server) removes class loading, not this work.
Reaching kubectl's time would take a native image (GraalVM), which cannot be had from the registries here.

The throughput namespaces (and their ~11k KWOK pods) are deleted first, so the commands are timed on a
settled cluster: a JVM start is CPU-bound and suffers far more than kubectl from the control plane's
work on the same 2 cores. Setup for the queue and scheduler rows, not timed above: $(echo "$setup" | sed 's/^| setup: //; s/ |.*| \(.*\) s |.*$/ (\1 s to create)/').

## Scheduler

\`sentinel scheduler\` watching a namespace with $big queued jobs, 45 s after start: peak RSS $hwm, current RSS $rss (JVM defaults, no heap flags).

$(logs_section "$logs_rows")
MD
echo "benchmarks: wrote docs/benchmarks.md" >&2
