#!/usr/bin/env bash
# Times every dashboard of running MLtrack servers with curl (docs/deploy/clickhouse.md,
# "Measured"): bench/clickhouse_dashboards.sh PORT[,PORT...] [RUNS]
# Per dashboard: one warm-up per server, then RUNS (default 5) rounds, each one request to every
# server in turn (so two builds on the same data see the same load); prints per server the HTTP
# code of its last request and the wall time p50 / p95 (nearest rank) / max in ms. Made for the
# ClickHouse backend (`serve --store clickhouse://…`), which keeps no result cache, so every run
# is a cold read for MLtrack; it works on any server.
set -euo pipefail
IFS=, read -r -a ports <<<"${1:?port[,port...]}"
runs=${2:-5}
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
printf '%-28s %6s %5s %8s %8s %8s\n' dashboard port code p50_ms p95_ms max_ms
for path in "${paths[@]}"; do
  declare -A times=() codes=()
  for port in "${ports[@]}"; do curl -s -o /dev/null "http://127.0.0.1:$port$path" || true; done
  for _ in $(seq 1 "$runs"); do
    for port in "${ports[@]}"; do
      out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$port$path" || echo "000 0")
      codes[$port]=${out%% *}
      times[$port]+="$(awk -v t="${out##* }" 'BEGIN { printf "%.0f", t * 1000 }') "
    done
  done
  name=${path#/api/analytics/}
  name=${name%%\?*}
  [[ $path == *steps=* ]] && name="$name (funnel)"
  for port in "${ports[@]}"; do
    stats=$(printf '%s\n' ${times[$port]} | sort -n | awk '{ v[NR] = $1 } END {
      r95 = int(0.95 * NR + 0.999999); if (r95 < 1) r95 = 1;
      printf "%8d %8d %8d", v[int((NR + 1) / 2)], v[r95], v[NR] }')
    printf '%-28s %6s %5s %s\n' "$name" "$port" "${codes[$port]}" "$stats"
  done
  unset times codes
done
