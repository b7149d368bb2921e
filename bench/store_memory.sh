#!/usr/bin/env bash
# Restart time and resident memory by structure of an existing store, without the full `make bench`:
#   bench/store_memory.sh BINARY DATA_DIR
# Starts `BINARY serve --query-cache 0` on a free loopback port and prints: the seconds from the
# start to /api/health answering (the store is open: every segment read, the dictionary log
# replayed, the sealed id filter built) and to the first full count (POST /api/v1/query), with
# the server's CPU seconds up to then and the load average; then,
# right after the count and again after the overview, cost, performance, users and
# models/compare dashboards, each mltrack_store_memory_part_bytes (docs/operations.md) and the
# process's VmRSS, in bytes and bytes per event. BENCH_PORT picks the port (default: a free one).
# The server is stopped on exit.
set -euo pipefail
binary=${1:?binary}
data=${2:?data dir}
port=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
start=$(date +%s.%N)
"$binary" serve --data "$data" --listen "127.0.0.1:$port" --log-level warn --query-cache 0 >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 6000); do curl -sf "$base/api/health" >/dev/null && break; sleep 0.05; done
healthy=$(date +%s.%N)
curl -sf -o /dev/null -X POST "$base/api/v1/query" -H 'content-type: application/json' \
  -d '{"from":946684800000,"to":7258118400000,"metrics":["count"]}'
counted=$(date +%s.%N)
count=$(curl -sf "$base/metrics" | awk '$1 == "mltrack_store_events" {printf "%d", $2}')
# The server's CPU (user + system) up to the count: the open's work, apart from the load.
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat")
printf 'restart: health after %.2f s, first full count (%s events) after %.2f s, %s s CPU (load %s)\n' \
  "$(echo "$healthy - $start" | bc)" "$count" "$(echo "$counted - $start" | bc)" "$cpu" \
  "$(cut -d' ' -f1 /proc/loadavg)"

report() {
  echo "memory $1:"
  curl -sf "$base/metrics" | python3 -c '
import re, sys
events = int(sys.argv[1])
rss = 0
for line in open("/proc/%s/status" % sys.argv[2]):
    if line.startswith("VmRSS:"): rss = int(line.split()[1]) * 1024
parts = []
for line in sys.stdin:
    m = re.match(r"mltrack_store_memory_part_bytes\{part=\"([^\"]+)\"\} (\S+)", line)
    if m: parts.append((m.group(1), float(m.group(2))))
    m = re.match(r"mltrack_store_memory_bytes (\S+)", line)
    if m: total = float(m.group(1))
for name, value in sorted(parts, key=lambda p: -p[1]) + [("accounted", total), ("VmRSS", rss)]:
    print("  %-24s %14.0f %8.2f B/event" % (name, value, value / max(events, 1)))
' "$count" "$pid"
}
report "after the first count"
for path in overview cost performance users models/compare; do
  curl -sf -o /dev/null "$base/api/analytics/$path" || echo "  $path failed"
done
report "after five dashboards"
