#!/usr/bin/env bash
# The anomaly detector's score on the NAB open subset (docs/analytics/anomalies.md, "Benchmark"):
# starts the real binary on a free loopback port with an empty data directory, replays every file
# of ../shared/data/anomaly/nab-open into it as events (mltrack_nab: one event per row, original
# timestamps, the value as scores.value), asks GET /api/analytics/anomalies for each, and prints
# the per-file results and the NAB standard-profile score (null 0, perfect 100) next to the
# published detectors' scores on the same files (reference_scores.json).
#   bench/nab/run.sh [BUILD_DIR] [NAB_DIR]
# Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
NAB=${2:-../shared/data/anomaly/nab-open}
for tool in "$BUILD/mltrack" "$BUILD/bench/nab/mltrack_nab"; do
  [[ -x $tool ]] || { echo "nab: $tool is missing; build first (cmake --build $BUILD)" >&2; exit 1; }
done
[[ -d $NAB ]] || { echo "nab: no NAB data at $NAB" >&2; exit 1; }

work=$(mktemp -d /tmp/mltrack-nab.XXXXXX)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
# NAB's timestamps go back to 2013: no retention, so nothing replayed is dropped as too old.
"$BUILD/mltrack" serve --data "$work/data" --listen "127.0.0.1:$port" --log-level warn >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done

"$BUILD/bench/nab/mltrack_nab" --data "$NAB" --port "$port" | tee "$work/ours.txt"
ours=$(sed -n 's/^NAB standard profile.*: \([0-9.-]*\) .*/\1/p' "$work/ours.txt")
echo
echo "Published detectors on the same files (reference_scores.json), with ours:"
node -e '
  const ref = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).scores;
  const rows = Object.entries(ref).concat([["mltrack (this run)", Number(process.argv[2])]]);
  rows.sort((a, b) => b[1] - a[1]);
  for (const [name, score] of rows) console.log(`${name.padEnd(20)} ${score.toFixed(1).padStart(6)}`);
' "$NAB/reference_scores.json" "$ours"
