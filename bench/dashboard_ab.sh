#!/usr/bin/env bash
# Compares two builds' server CPU per dashboard request on the same data, on a busy machine:
#   bench/dashboard_ab.sh BINARY_A DATA_A BINARY_B DATA_B [RUNS] PATH...
# DATA_B is a copy of DATA_A (one server per data dir). Both servers run with --query-cache 0 on
# free loopback ports; per PATH, one warm-up each, then RUNS (default 6) requests alternating
# between them; prints each server's CPU time per request (utime + stime from /proc/<pid>/stat),
# which both see under the same load. BENCH_PORT picks the ports (A on it, B on the next; default:
# free ones). Both servers are stopped on exit.
set -euo pipefail
bin_a=${1:?binary A}; data_a=${2:?data A}; bin_b=${3:?binary B}; data_b=${4:?data B}
shift 4
runs=6
if [[ ${1:-} =~ ^[0-9]+$ ]]; then runs=$1; shift; fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_a=${BENCH_PORT:-$(free_port)}
port_b=$( [[ -n ${BENCH_PORT:-} ]] && echo $(( BENCH_PORT + 1 )) || free_port )
"$bin_a" serve --data "$data_a" --listen "127.0.0.1:$port_a" --log-level warn --query-cache 0 >/dev/null 2>&1 &
pid_a=$!
"$bin_b" serve --data "$data_b" --listen "127.0.0.1:$port_b" --log-level warn --query-cache 0 >/dev/null 2>&1 &
pid_b=$!
trap 'kill "$pid_a" "$pid_b" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port_a/api/health" >/dev/null && curl -sf "http://127.0.0.1:$port_b/api/health" >/dev/null && break
  sleep 0.1
done
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks one request to `port` costs server `pid`.
request_ticks() {
  local before
  before=$(cpu "$1")
  curl -s -o /dev/null "http://127.0.0.1:$2$3"
  echo $(( $(cpu "$1") - before ))
}
printf '%-60s %12s %12s\n' path "A cpu_ms/req" "B cpu_ms/req"
for path in "$@"; do
  curl -s -o /dev/null "http://127.0.0.1:$port_a$path"
  curl -s -o /dev/null "http://127.0.0.1:$port_b$path"
  sum_a=0
  sum_b=0
  for _ in $(seq 1 "$runs"); do
    sum_a=$(( sum_a + $(request_ticks "$pid_a" "$port_a" "$path") ))
    sum_b=$(( sum_b + $(request_ticks "$pid_b" "$port_b" "$path") ))
  done
  awk -v p="$path" -v a="$sum_a" -v b="$sum_b" -v t="$ticks" -v n="$runs" \
    'BEGIN { printf "%-60s %12.1f %12.1f\n", p, a * 1000 / t / n, b * 1000 / t / n }'
done
