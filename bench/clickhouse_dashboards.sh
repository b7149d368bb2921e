#!/usr/bin/env bash
# Times every dashboard of a running MLtrack server with curl (docs/deploy/clickhouse.md,
# "Measured"): bench/clickhouse_dashboards.sh PORT [RUNS]
# Per dashboard: one warm-up, then RUNS (default 5) requests one after another; prints the HTTP
# code of the last one and the wall time p50 / p95 (nearest rank) / max in ms. Made for the
# ClickHouse backend (`serve --store clickhouse://…`), which keeps no result cache, so every run
# is a cold read for MLtrack; it works on any server.
set -euo pipefail
port=${1:?port}
runs=${2:-5}
base="http://127.0.0.1:$port"
paths=(
  "/api/analytics/overview"
  "/api/analytics/cost"
  "/api/analytics/performance"
  "/api/analytics/users"
  "/api/analytics/users?steps=tags.step:search%2Ctags.step:answer%2Ctags.step:feedback"
  "/api/analytics/models/compare"
  "/api/analytics/ab?dimension=prompt_version&a=v3&b=v4"
  "/api/analytics/anomalies?metric=sum:cost_usd&group_by=user&bucket=1h&from=now-2d&history=28d&limit=100&series=none"
  "/api/analytics/forecast?metric=sum:cost_usd&horizon=30d"
  "/api/analytics/insights"
)
printf '%-40s %5s %8s %8s %8s\n' dashboard code p50_ms p95_ms max_ms
for path in "${paths[@]}"; do
  curl -s -o /dev/null "$base$path" || true
  times=()
  code=000
  for _ in $(seq 1 "$runs"); do
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$base$path" || echo "000 0")
    code=${out%% *}
    times+=("$(awk -v t="${out##* }" 'BEGIN { printf "%.0f", t * 1000 }')")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  stats=$(echo "$sorted" | awk '{ v[NR] = $1 } END {
    p50 = v[int((NR + 1) / 2)]; r95 = int(0.95 * NR + 0.999999); if (r95 < 1) r95 = 1;
    printf "%8d %8d %8d", p50, v[r95], v[NR] }')
  printf '%-40s %5s %s\n' "${path#/api/analytics/}" "$code" "$stats"
done
