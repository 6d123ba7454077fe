#!/usr/bin/env bash
# The quickstart on the embedded local backend: no cluster, no container engine.
# Three training jobs on a machine configured with room for one at a time:
# submit -> queue (priority order) -> run -> logs -> results.
#   ./mvnw -q -DskipTests package && examples/quickstart/run.sh
# QUICKSTART_HOME=DIR keeps the Sentinels home there instead of a fresh temporary one.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export SENTINEL_HOME=${QUICKSTART_HOME:-$(mktemp -d "${TMPDIR:-/tmp}/sentinel-quickstart.XXXXXX")}
mkdir -p "$SENTINEL_HOME"
cp "$here/config.yaml" "$SENTINEL_HOME/config.yaml"

sentinel() { "$repo/bin/sentinel" "$@"; }
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
submit() { # spec file; prints the job id (-o name prints job/<id>, as kubectl names objects)
  sentinel submit --local -f "$here/$1" -o name -- python3 "$here/train.py" | sed 's|^job/||'
}

step "Sentinels home: $SENTINEL_HOME (capacity: 1 cpu, so one job runs at a time)"

step "Submit a low-priority baseline: it fits, so it is admitted and starts at once"
baseline=$(submit baseline.yaml)
sentinel status --local "$baseline"

step "Submit a low-priority sweep and then an urgent high-priority run: both must wait"
sweep=$(submit sweep.yaml)
urgent=$(submit urgent.yaml)
echo "submitted $sweep (low) and $urgent (high)"

step "The queue: the high-priority run goes first, though submitted last"
sentinel queue --local

step "Follow the urgent run's output (it starts when the baseline ends)"
sentinel logs --local -f "$urgent"

step "Wait for the sweep to finish"
sentinel logs --local -f "$sweep" | tail -n 2

step "Status and history"
sentinel status --local
sentinel history --local

step "Where the urgent run ran, as describe shows it"
sentinel describe --local "$urgent" | sed -n '/^Local process/,$p'

step "Metrics each run wrote"
for id in "$baseline" "$urgent" "$sweep"; do
  echo "$id: $(cat "$SENTINEL_HOME/jobs/$id/artifacts/metrics.json")"
done

state=$(sentinel status --local "$baseline" "$sweep" "$urgent" -o name --state succeeded | wc -l)
if [ "$state" -ne 3 ]; then
  echo "quickstart: expected 3 succeeded jobs, got $state" >&2
  exit 1
fi
step "Done. Explore: SENTINEL_HOME=$SENTINEL_HOME bin/sentinel describe --local $urgent"
