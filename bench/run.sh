#!/usr/bin/env bash
# `make bench`: generates BENCH_EVENTS demo events (default 10M), ingests them over HTTP into the
# real binary, times the dashboards and the query set of bench/queries.json, measures memory,
# disk and restart, runs the same query set on DuckDB and ClickHouse over the same rows, then
# prints one table and writes it into docs/performance.md.
#   bench/run.sh BUILD_DIR            (BENCH_EVENTS=1000000 for a quick run; BENCH_KEEP=1 keeps
#                                      the work dir; BENCH_WORK=DIR picks it; BENCH_DOC=FILE
#                                      writes the table there instead of docs/performance.md)
# The peers (DuckDB, ClickHouse, MLtrack on ClickHouse, the ingest A/B with budgets) get
# BENCH_PEER_EVENTS (default 10M) rows from a file. When BENCH_EVENTS is larger, or BENCH_STREAM=1,
# our server's events are generated while they are sent (`mltrack_bench_gen --ndjson -` piped into
# `mltrack_bench_client ingest --file -`): 100M events need no 55 GB file. With the same count the
# streamed rows are the peers' rows (same seed and end hour), so the answers still compare.
# Everything it starts is stopped on exit. Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
EVENTS=${BENCH_EVENTS:-10000000}
PEER_EVENTS=${BENCH_PEER_EVENTS:-10000000}
(( PEER_EVENTS > EVENTS )) && PEER_EVENTS=$EVENTS
STREAM=${BENCH_STREAM:-0}
(( EVENTS > PEER_EVENTS )) && STREAM=1
RUNS=${BENCH_RUNS:-20}
WARMUP=2
BATCH=${BENCH_BATCH:-5000}
CONNECTIONS=${BENCH_CONNECTIONS:-4}
COMMAND=${BENCH_COMMAND:-bench/run.sh $BUILD}
DOC=${BENCH_DOC:-docs/performance.md}
WORK=${BENCH_WORK:-$(mktemp -d /tmp/mltrack-bench.XXXXXX)}
GEN=$BUILD/bench/mltrack_bench_gen
CLIENT=$BUILD/bench/mltrack_bench_client
INTEGRATIONS=$BUILD/bench/mltrack_bench_integrations
LIVE=$BUILD/bench/mltrack_bench_live
for tool in "$BUILD/mltrack" "$GEN" "$CLIENT" "$INTEGRATIONS" "$LIVE"; do
  [[ -x $tool ]] || { echo "bench: $tool is missing; build first (make bench builds it)" >&2; exit 1; }
done

server_pid="" ch_pid="" fake_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n $fake_pid ]] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  [[ -n $ch_pid ]] && kill "$ch_pid" 2>/dev/null && while kill -0 "$ch_pid" 2>/dev/null; do sleep 0.1; done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "bench: work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { echo "bench: [$(date +%H:%M:%S)] $*" >&2; }
now_ns() { date +%s%N; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
rss_bytes() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$1/status"; }
peak_rss_bytes() { awk '/^VmHWM:/ {print $2 * 1024}' "/proc/$1/status"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
json_field() { node -e "console.log(JSON.parse(require('fs').readFileSync('$1','utf8'))['$2'])"; }

mkdir -p "$WORK"/{data,data-ours,out/ours_bodies,out/ours_cold_bodies,out/ours_clickhouse_bodies,out/duckdb_bodies,out/clickhouse_bodies,req-ours,req-clickhouse}
# What was measured: the tree when the run starts (the binary may be older: make bench rebuilds).
git describe --always --dirty > "$WORK/out/source.txt" 2>/dev/null || echo unknown > "$WORK/out/source.txt"
step "work dir $WORK; generating $PEER_EVENTS events$( ((STREAM)) && echo " (ours: $EVENTS, streamed while ingesting)")"
gen_start=$(now_ns)
# Whole hours, so that bucketed queries over [start, end) have no partial edge bucket; fixed here
# so that a streamed run generates the same rows as the file.
END_MS=$(( $(date +%s) / 3600 * 3600000 ))
# BENCH_TRACES=N appends N replays of the real traces in ../shared/data/traces (bench/trace_replay.h).
trace_args=()
if [[ ${BENCH_TRACES:-0} != 0 ]]; then
  trace_args=(--traces "${BENCH_TRACES_DIR:-../shared/data/traces}" --trace-replays "$BENCH_TRACES")
fi
"$GEN" --events "$PEER_EVENTS" --end-ms "$END_MS" --out "$WORK/data" "${trace_args[@]}" >/dev/null
gen_s=$(( ($(now_ns) - gen_start) / 1000000 ))
step "generated $(json_field "$WORK/data/meta.json" events) events in $((gen_s / 1000)) s"

# ---- MLtrack -----------------------------------------------------------------------------------
port=$(free_port)
start_server() {
  # "$@" and BENCH_SERVE_ARGS add serve options (the restarted server gets "--query-cache 0").
  "$BUILD/mltrack" serve --data "${SERVE_DATA:-$WORK/store}" --listen "127.0.0.1:$port" --log-level warn \
    ${BENCH_SERVE_ARGS:-} "$@" \
    >>"$WORK/server.log" 2>&1 &
  server_pid=$!
}
start_server
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done
step "ingesting over HTTP (port $port, $CONNECTIONS connections, $BATCH events per POST$( ((STREAM)) && echo ", streamed from the generator"))"
cpu_before_ingest=$(cpu_s "$server_pid")
if ((STREAM)); then
  "$GEN" --events "$EVENTS" --end-ms "$END_MS" --out "$WORK/data-ours" "${trace_args[@]}" --ndjson - --tsv 0 |
    "$CLIENT" ingest --port "$port" --file - --batch "$BATCH" --connections "$CONNECTIONS" \
      --out "$WORK/out/ingest.json" >&2
else
  "$CLIENT" ingest --port "$port" --file "$WORK/data/events.ndjson" --batch "$BATCH" \
    --connections "$CONNECTIONS" --out "$WORK/out/ingest.json" >&2
  cp "$WORK/data/meta.json" "$WORK/data-ours/meta.json"
fi
# Server CPU (utime + stime) over the ingest, so the load generator's share of the 2 cores shows.
node -e "const f='$WORK/out/ingest.json';const j=JSON.parse(require('fs').readFileSync(f));j.server_cpu_s=$(cpu_s "$server_pid")-$cpu_before_ingest;j.streamed=$STREAM===1;require('fs').writeFileSync(f,JSON.stringify(j))"
rss_after_load=$(rss_bytes "$server_pid")
rss_peak_load=$(peak_rss_bytes "$server_pid")
# Our rows: the peers' file, or the streamed ones (their meta.json is written when the pipe ends).
meta=$WORK/data-ours/meta.json
total=$(json_field "$meta" events)

# Saved reports (the report builder, docs/api.md): one saved over the data's range; the list and
# that report run from its stored spec are timed with the dashboards.
saved_spec=$WORK/saved-report-spec.json
printf '{"name": "bench: daily cost per model", "chart": "area", "spec": {"from": %s, "to": %s, "bucket": "1d", "group_by": ["model"], "metrics": ["sum:cost_usd", "count"]}}' \
  "$(json_field "$meta" min_ts)" "$(( $(json_field "$meta" max_ts) + 1 ))" |
  curl -sf -H 'Content-Type: application/json' --data-binary @- "http://127.0.0.1:$port/api/v1/reports" |
  node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').writeFileSync('$saved_spec',JSON.stringify(JSON.parse(s).spec)))" ||
  step "could not save a report (skipping the saved-report run)"

# Paths are handed to bench.mjs joined by commas: a comma inside a path is written %2C.
dashboards=()
top_model=$(json_field "$meta" top_model)
for path in "/api/analytics/overview" "/api/analytics/overview?model=$top_model" \
    "/api/analytics/cost" "/api/analytics/cost?model=$top_model" \
    "/api/analytics/performance" "/api/analytics/performance?model=$top_model" \
    "/api/analytics/users" "/api/analytics/users?model=$top_model" \
    "/api/analytics/users?steps=tags.step:search%2Ctags.step:answer%2Ctags.step:feedback" \
    "/api/analytics/models/compare?models=gpt-4o%2Cgpt-4o-mini" "/api/analytics/models/compare" \
    "/api/analytics/ab?dimension=prompt_version&a=v3&b=v4" "/api/analytics/ab?dimension=prompt_version&a=v3&b=v4&model=$top_model" \
    "/api/analytics/anomalies?metric=sum:cost_usd&group_by=user&bucket=1h&from=now-2d&history=28d&limit=100&series=none" \
    "/api/analytics/anomalies?metric=sum:cost_usd&group_by=user&bucket=1h&from=now-2d&history=28d&limit=100&series=none&model=$top_model" \
    "/api/analytics/forecast?metric=sum:cost_usd&horizon=30d" "/api/analytics/forecast?metric=sum:cost_usd&horizon=30d&model=$top_model" \
    "/api/v1/reports" "/api/analytics/insights" "/api/analytics/insights?model=$top_model"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path" || true)
  if [[ $code == 200 ]]; then
    dashboards+=("$path")
  else
    # Not timed, but reported: a dashboard that fails is a missed target, not a missing row.
    step "skipping $path (HTTP $code)"
    printf '%s\t%s\n' "$path" "$code" >> "$WORK/out/failed_dashboards.tsv"
  fi
done
# Event searches (docs/events_search.md): the first page, a filtered text search by cost, and a
# page 20,000 events deep (its cursor found by paging there first).
search_range="\"from\":$(json_field "$meta" min_ts),\"to\":$(( $(json_field "$meta" max_ts) + 1 ))"
printf '{%s,"limit":100}' "$search_range" > "$WORK/search-first.json"
printf '{%s,"limit":100,"q":"a","filters":[{"field":"model","op":"eq","value":"%s"}],"sort":{"by":"cost","dir":"desc"}}' \
  "$search_range" "$top_model" > "$WORK/search-filtered.json"
cursor=null
for _ in $(seq 1 20); do
  cursor=$(printf '{%s,"limit":1000,"cursor":%s}' "$search_range" "$cursor" |
    curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- "http://127.0.0.1:$port/api/v1/events/search" |
    node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify(JSON.parse(s).next_cursor)))")
done
printf '{%s,"limit":100,"cursor":%s}' "$search_range" "$cursor" > "$WORK/search-deep.json"
searches="first=$WORK/search-first.json,filtered=$WORK/search-filtered.json,deep=$WORK/search-deep.json"
node bench/bench.mjs requests --engine ours --data "$WORK/data-ours" --queries bench/queries.json \
  --out "$WORK/req-ours" --dashboards "$(IFS=,; echo "${dashboards[*]}")" --searches "$searches"
if [[ -s $saved_spec ]]; then
  printf 'dashboard_saved_report_run\tPOST\t/api/v1/query\tapplication/json\t%s\tserver-timing\t1\n' "$saved_spec" \
    >> "$WORK/req-ours/requests.tsv"
fi
step "timing ${#dashboards[@]} dashboards and the query set ($WARMUP warm-ups + $RUNS runs each)"
"$CLIENT" query --port "$port" --requests "$WORK/req-ours/requests.tsv" --runs "$RUNS" \
  --warmup "$WARMUP" --out "$WORK/out/ours.json" --bodies "$WORK/out/ours_bodies"
rss_after_queries=$(rss_bytes "$server_pid")
disk_bytes=$(du -sb "$WORK/store" | cut -f1)
# Time to first chart (issue 12; bench/ttfc.mjs): `/` in headless Chromium until every chart drew.
ttfc() {
  node bench/ttfc.mjs --url "http://127.0.0.1:$port/" --warm 3 > "$WORK/out/ttfc_$1.json" ||
    echo '{"error":"failed"}' > "$WORK/out/ttfc_$1.json"
  step "time to first chart, server query cache $1: $(cat "$WORK/out/ttfc_$1.json")"
}
ttfc on

step "restart: SIGTERM, start, wait for the first full answer"
printf '{"from": %s, "to": %s, "metrics": ["count"]}' "$(json_field "$meta" min_ts)" \
  "$(( $(json_field "$meta" max_ts) + 1 ))" > "$WORK/count.json"
stop_start=$(now_ns)
kill -TERM "$server_pid"
wait "$server_pid" || true
shutdown_ms=$(( ($(now_ns) - stop_start) / 1000000 ))
restart_start=$(now_ns)
# Restarted without the query cache: the same requests again give the cold (uncached) times,
# the ones to compare with engines that have no such cache.
start_server --query-cache 0
read -r restart_ms restart_overview_ms < <("$CLIENT" wait --port "$port" --body "$WORK/count.json" \
  --expect-count "$total" --since-ns "$restart_start" --timeout-s 600 --then-get /api/analytics/overview)
step "restart took $restart_ms ms to the full count, $restart_overview_ms ms to the overview (shutdown $shutdown_ms ms)"
rss_after_restart=$(rss_bytes "$server_pid")
step "timing the same requests again with the query cache off (cold)"
"$CLIENT" query --port "$port" --requests "$WORK/req-ours/requests.tsv" --runs "$RUNS" \
  --warmup "$WARMUP" --out "$WORK/out/ours_cold.json" --bodies "$WORK/out/ours_cold_bodies"
rss_after_cold_queries=$(rss_bytes "$server_pid")
ttfc off
# Live: event durable (POST answered) -> update read by every subscriber, on the loaded store, query cache off;
# after the cold timings, so the 80 events it adds change no compared answer.
for subscribers in 1 500; do
  "$LIVE" --port "$port" --subscribers "$subscribers" --rate "${BENCH_LIVE_RATE:-4}" --events "${BENCH_LIVE_EVENTS:-40}" \
    > "$WORK/out/live_$subscribers.json" || echo '{"error":"failed"}' > "$WORK/out/live_$subscribers.json"
  step "live push, $subscribers subscriber(s): $(cat "$WORK/out/live_$subscribers.json")"
done
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

# ---- Ingest with 20 budgets -------------------------------------------------------------------
# The same events into fresh stores, without budgets and with the 20 of bench/budgets.sh (the
# budget monitor counts every event into its budgets' periods and fires alerts as they cross), in
# the order plain, budgets, budgets, plain (ABBA: a drift of the machine's speed during the four
# runs falls on both sides alike). Wall time and the server's CPU time (utime + stime) of each, and
# from the budgets runs' /metrics what the monitor itself spent (counting on the append path, its
# thread's evaluations).
# The peers' rows (BENCH_PEER_EVENTS), from the file.
peer_total=$(json_field "$WORK/data/meta.json" events)
metric() { awk -v name="$2" '$1 == name { print $2 }' <<<"$1"; }
for run in plain_1 budgets_1 budgets_2 plain_2; do
  variant=${run%_*}
  rm -rf "$WORK/store-$run"
  "$BUILD/mltrack" serve --data "$WORK/store-$run" --listen "127.0.0.1:$port" --log-level warn \
    ${BENCH_SERVE_ARGS:-} >>"$WORK/server-$variant.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done
  [[ $variant == budgets ]] && bench/budgets.sh "$port"
  cpu_before=$(cpu_s "$server_pid")
  step "ingest A/B ($run): $peer_total events into a fresh store"
  "$CLIENT" ingest --port "$port" --file "$WORK/data/events.ndjson" --batch "$BATCH" \
    --connections "$CONNECTIONS" --out "$WORK/out/ingest_$run.json" >&2
  cpu_after=$(cpu_s "$server_pid")
  alerts=$(curl -sf "http://127.0.0.1:$port/api/v1/alerts?limit=10000" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).total))")
  metrics=$(curl -sf "http://127.0.0.1:$port/metrics")
  counting_s=$(metric "$metrics" mltrack_budget_counting_seconds_total); monitor_cpu_s=$(metric "$metrics" mltrack_budget_monitor_cpu_seconds_total)
  node -e "const f='$WORK/out/ingest_$run.json';const j=JSON.parse(require('fs').readFileSync(f));j.server_cpu_s=$cpu_after-$cpu_before;j.alerts=$alerts;
    j.monitor_counting_s=${counting_s:-0};j.monitor_thread_cpu_s=${monitor_cpu_s:-0};require('fs').writeFileSync(f,JSON.stringify(j))"
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  rm -rf "$WORK/store-$run"
done

# ---- Overload (issue 15 item 8; bench/overload.mjs) -------------------------------------------
# A fresh store offered 2x the saturating ingest rate measured above, open loop, for 60 s (15 s
# under a small BENCH_EVENTS; BENCH_OVERLOAD_SECONDS overrides), with a count query every 250 ms:
# the server must shed (429/503), keep answering queries, stay bounded in memory, and lose no
# acknowledged event.
overload_s=${BENCH_OVERLOAD_SECONDS:-$([[ $EVENTS -ge 10000000 ]] && echo 60 || echo 15)}
overload_rate=$(node -e "console.log(Math.round(2 * JSON.parse(require('fs').readFileSync('$WORK/out/ingest.json')).events_per_s))")
rm -rf "$WORK/store-overload"
"$BUILD/mltrack" serve --data "$WORK/store-overload" --listen "127.0.0.1:$port" --log-level warn \
  ${BENCH_SERVE_ARGS:-} >>"$WORK/server-overload.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done
step "overload: offering $overload_rate events/s (2x saturation) for $overload_s s"
node bench/overload.mjs --port "$port" --pid "$server_pid" --file "$WORK/data/events.ndjson" --rate "$overload_rate" \
  --seconds "$overload_s" --batch "$BATCH" --out "$WORK/out/overload.json" \
  || step "overload: an acknowledged event is missing or no query was answered (see out/overload.json)"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
rm -rf "$WORK/store-overload"

# ---- Ingest with and without an API key (issue 15; bench/auth_ingest.mjs) -------------------------
# Small batches (10 events) so that the per-request cost of authentication shows; two fresh servers.
auth_s=${BENCH_AUTH_SECONDS:-15}
step "auth: ingest with and without an ingest key, 10-event batches, ${auth_s} s each"
node bench/auth_ingest.mjs "$BUILD" "$auth_s" > "$WORK/out/auth_ingest.json" || step "the auth ingest bench failed"

# ---- The event decoder alone (bench/decode_speed.cc) --------------------------------------------
step "Event decoder: 100,000 realistic events in one body and in bodies of 1,000"
"$BUILD/bench/mltrack_bench_decode" >&2 || step "the decoder bench failed"

# ---- Integrations: OTLP ingest, the proxy's overhead, MLflow log-batch ---------------------------------------------
# A fresh store; a fake upstream (bench/integrations_bench.cc) answers the proxied chat calls.
step "OTLP ingest (${BENCH_OTLP_SPANS:-524288} spans, protobuf exports of ${BENCH_OTLP_BATCH:-512}) and the proxy's added latency"
"$INTEGRATIONS" fake-upstream --port-file "$WORK/fake-upstream.port" >/dev/null 2>&1 &
fake_pid=$!
for _ in $(seq 1 200); do [[ -s $WORK/fake-upstream.port ]] && break; sleep 0.05; done
fake_port=$(cat "$WORK/fake-upstream.port")
port=$(free_port)
"$BUILD/mltrack" serve --data "$WORK/store-integrations" --listen "127.0.0.1:$port" --log-level warn \
  --upstream "openai=http://127.0.0.1:$fake_port" >>"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done
"$INTEGRATIONS" otlp --port "$port" --spans "${BENCH_OTLP_SPANS:-524288}" --batch "${BENCH_OTLP_BATCH:-512}" \
  --connections "$CONNECTIONS" --out "$WORK/out/otlp.json" >&2
"$INTEGRATIONS" proxy --port "$port" --upstream-port "$fake_port" --requests "${BENCH_PROXY_REQUESTS:-5000}" \
  --out "$WORK/out/proxy.json" >&2
"$INTEGRATIONS" mlflow --port "$port" --runs "${BENCH_MLFLOW_RUNS:-2000}" --metrics 10 --connections "$CONNECTIONS" \
  --out "$WORK/out/mlflow.json" >&2
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=""
rm -rf "$WORK/store-integrations"

# ---- DuckDB ------------------------------------------------------------------------------------
step "DuckDB: loading the TSV and running the query set"
node bench/duckdb/run.mjs --data "$WORK/data" --queries bench/queries.json --runs "$RUNS" \
  --warmup "$WARMUP" --out "$WORK/out/duckdb.json" --bodies "$WORK/out/duckdb_bodies" \
  || step "DuckDB failed; its column will say so"

# ---- ClickHouse --------------------------------------------------------------------------------
ch_load_s=0 ch_disk=0
step "ClickHouse 18.16: starting on loopback"
if ch_pid=$(bench/clickhouse.sh "$WORK/clickhouse" "$(free_port)" "$(free_port)" "$(free_port)"); then
  ch_http=$(sed -n 's|.*<http_port>\(.*\)</http_port>.*|\1|p' "$WORK/clickhouse/config.xml")
  ch_tcp=$(sed -n 's|.*<tcp_port>\([0-9]*\)</tcp_port>.*|\1|p' "$WORK/clickhouse/config.xml")
  clickhouse-client --port "$ch_tcp" --multiquery < bench/clickhouse_schema.sql
  load_start=$(now_ns)
  clickhouse-client --port "$ch_tcp" --query "INSERT INTO events FORMAT TabSeparatedWithNames" \
    < "$WORK/data/events.tsv"
  clickhouse-client --port "$ch_tcp" --query "OPTIMIZE TABLE events FINAL"
  ch_load_s=$(( ($(now_ns) - load_start) / 1000000 ))
  step "ClickHouse loaded $(clickhouse-client --port "$ch_tcp" --query 'SELECT count() FROM events') rows in $((ch_load_s / 1000)) s"
  node bench/bench.mjs requests --engine clickhouse --data "$WORK/data" --queries bench/queries.json \
    --out "$WORK/req-clickhouse"
  "$CLIENT" query --port "$ch_http" --requests "$WORK/req-clickhouse/requests.tsv" --runs "$RUNS" \
    --warmup "$WARMUP" --out "$WORK/out/clickhouse.json" --bodies "$WORK/out/clickhouse_bodies" \
    || step "ClickHouse queries failed; its column will say so"
  ch_disk=$(du -sb "$WORK/clickhouse/data/data" | cut -f1)
  # MLtrack itself on the ClickHouse backend (--store, docs/deploy/clickhouse.md): the same
  # NDJSON over HTTP into its own database on this server, then the same requests as ours.
  # BENCH_CH_RUNS=0 skips this step (its column stays empty): at 10M it takes ~20 minutes.
  if [[ ${BENCH_CH_RUNS:-5} == 0 ]]; then
    step "MLtrack on the ClickHouse backend: skipped (BENCH_CH_RUNS=0); its column will be empty"
  else
  step "MLtrack on the ClickHouse backend: ingesting over HTTP and timing the same requests"
  SERVE_DATA="$WORK/store-ch" start_server --store "clickhouse://127.0.0.1:$ch_http/mltrack_bench"
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.05; done
  if "$CLIENT" ingest --port "$port" --file "$WORK/data/events.ndjson" --batch "$BATCH" \
      --connections "$CONNECTIONS" --out "$WORK/out/ingest_clickhouse.json" >&2; then
    # Fewer runs than ours: at 10M a dashboard takes seconds on ClickHouse 18.16, and 22 runs of
    # every request took ~45 minutes (BENCH_CH_RUNS, default 5: its p95 is then the slowest run).
    "$CLIENT" query --port "$port" --requests "$WORK/req-ours/requests.tsv" --runs "${BENCH_CH_RUNS:-5}" \
      --warmup 1 --out "$WORK/out/ours_clickhouse.json" --bodies "$WORK/out/ours_clickhouse_bodies" \
      || step "MLtrack on ClickHouse: queries failed"
  else
    step "MLtrack on ClickHouse: ingest failed; its column will be empty"
  fi
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  fi
  kill "$ch_pid"; while kill -0 "$ch_pid" 2>/dev/null; do sleep 0.1; done; ch_pid=""
else
  ch_pid=""
  step "ClickHouse did not start; its column will say so"
fi

cat > "$WORK/out/resources.json" <<JSON
{"rss_after_load_bytes": $rss_after_load, "rss_peak_load_bytes": $rss_peak_load,
 "rss_after_queries_bytes": $rss_after_queries, "restart_overview_ms": $restart_overview_ms,
 "rss_after_restart_bytes": $rss_after_restart, "rss_after_cold_queries_bytes": $rss_after_cold_queries,
 "disk_bytes": $disk_bytes, "restart_ms": $restart_ms, "shutdown_ms": $shutdown_ms,
 "gen_s": $(awk "BEGIN {print $gen_s / 1000}"), "clickhouse_load_s": $(awk "BEGIN {print $ch_load_s / 1000}"),
 "clickhouse_disk_bytes": $ch_disk}
JSON
node bench/bench.mjs report --work "$WORK" --queries bench/queries.json --command "$COMMAND" \
  --doc "$DOC"
