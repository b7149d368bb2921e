#!/usr/bin/env bash
# Times every dashboard endpoint cold on an existing data dir, without the full `make bench`:
#   bench/dashboard_cpu.sh BINARY DATA_DIR [RUNS [PATH...]]
# Starts `BINARY serve --query-cache 0` on a free loopback port, sends each path 2 warm-ups and
# RUNS (default 20) timed requests one after another, and prints per path: p50 / p95 of the
# server's own time (the `Server-Timing: app;dur=` header) and the server's CPU time per request
# (utime + stime of the process from /proc/<pid>/stat over the RUNS requests ÷ RUNS), which moves
# less than wall time on a shared machine. PATHs (default: every dashboard, most with a `model`
# filter variant — BENCH_MODEL, default gpt-4o-mini — and users and cost with a `team` and an
# `experiment` filter too: BENCH_TEAM, default search; BENCH_EXPERIMENT, default demo-rag-search)
# replace the list. BENCH_SERVE_ARGS adds server flags (e.g. "--query-timeout 120s" on a loaded
# machine); BENCH_PORT picks the port (default: a free one). The server is stopped on exit.
set -euo pipefail
binary=${1:?binary}
data=${2:?data dir}
runs=${3:-20}
shift $(( $# < 3 ? $# : 3 ))
model=${BENCH_MODEL:-gpt-4o-mini}
team=${BENCH_TEAM:-search}
experiment=${BENCH_EXPERIMENT:-demo-rag-search}
port=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
# shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of flags
"$binary" serve --data "$data" --listen "127.0.0.1:$port" --log-level warn --query-cache 0 ${BENCH_SERVE_ARGS:-} >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
paths=(
  "/api/analytics/overview" "/api/analytics/overview?model=$model"
  "/api/analytics/cost" "/api/analytics/cost?model=$model"
  "/api/analytics/cost?team=$team" "/api/analytics/cost?experiment=$experiment"
  "/api/analytics/performance" "/api/analytics/performance?model=$model"
  "/api/analytics/users" "/api/analytics/users?model=$model"
  "/api/analytics/users?team=$team" "/api/analytics/users?experiment=$experiment"
  "/api/analytics/users?steps=tags.step:search%2Ctags.step:answer%2Ctags.step:feedback"
  "/api/analytics/models/compare" "/api/analytics/models/compare?models=gpt-4o%2Cgpt-4o-mini"
  "/api/analytics/ab?dimension=prompt_version&a=v3&b=v4" "/api/analytics/ab?dimension=prompt_version&a=v3&b=v4&model=$model"
  "/api/analytics/anomalies?metric=sum:cost_usd&group_by=user&bucket=1h&from=now-2d&history=28d&limit=100&series=none"
  "/api/analytics/forecast?metric=sum:cost_usd&horizon=30d" "/api/analytics/forecast?metric=sum:cost_usd&horizon=30d&model=$model"
  "/api/analytics/insights" "/api/analytics/insights?model=$model"
)
if (( $# > 0 )); then paths=("$@"); fi
printf '%-100s %8s %8s %10s\n' path p50_ms p95_ms cpu_ms/req
for path in "${paths[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  if [[ $code != 200 ]]; then printf '%-100s HTTP %s\n' "$path" "$code"; continue; fi
  curl -s -o /dev/null "http://127.0.0.1:$port$path"
  before=$(cpu_ticks)
  times=()
  for _ in $(seq 1 "$runs"); do
    times+=("$(curl -s -D - -o /dev/null "http://127.0.0.1:$port$path" | tr -d '\r' |
      sed -n 's/^[Ss]erver-[Tt]iming:.*app;dur=\([0-9.]*\).*/\1/p')")
  done
  after=$(cpu_ticks)
  printf '%s\n' "${times[@]}" | sort -g | awk -v path="$path" -v cpu=$(( (after - before) * 1000 / ticks )) -v runs="$runs" '
    { v[NR] = $1 }
    END { p50 = v[int((NR - 1) * 0.5) + 1]; p95 = v[int((NR - 1) * 0.95 + 0.999)];
          printf "%-100s %8.1f %8.1f %10.1f\n", path, p50, p95, cpu / runs }'
done
