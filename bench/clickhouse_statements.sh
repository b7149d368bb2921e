#!/usr/bin/env bash
# Which SQL each dashboard sends to ClickHouse, and how long each statement took there
# (docs/deploy/clickhouse.md, "Measured"):
#   bench/clickhouse_statements.sh CLICKHOUSE_TCP_PORT MLTRACK_PORT [PATH...]
# Needs a ClickHouse that logs its queries (system.query_log): start it with
# CLICKHOUSE_LOG_QUERIES=1 bench/clickhouse.sh …. Per dashboard (default: the ones
# bench/clickhouse_dashboards.sh times): one request, then every SELECT ClickHouse finished during
# it, in order: duration, CPU time of its threads (OSCPUVirtualTimeMicroseconds), rows read,
# peak memory and the statement's first 150 characters; then their total. The CPU time is the
# figure to compare between builds on a busy machine (wall times there mostly measure the load).
# CLICKHOUSE_DB=NAME keeps only statements on that database (other servers may share ClickHouse);
# the writers' statements (key lookups and recounts of an ingest) are always left out.
# CLICKHOUSE_REPLAY=1 then sends the same statements again straight to ClickHouse with
# clickhouse-client (native protocol, no MLtrack, use_uncompressed_cache=1 as MLtrack sends), one
# after another, and prints their wall time:
# the floor of that dashboard on this ClickHouse (its statements alone, without HTTP, parsing or
# the rest of MLtrack).
set -euo pipefail
ch_port=${1:?clickhouse tcp port}
port=${2:?mltrack port}
shift 2
paths=("$@")
if ((${#paths[@]} == 0)); then
  paths=(/api/analytics/overview /api/analytics/cost /api/analytics/performance /api/analytics/users
         /api/analytics/models/compare "/api/analytics/ab?dimension=prompt_version&a=v3&b=v4" /api/analytics/insights)
fi
ch() { clickhouse-client --port "$ch_port" --query "$1"; }
for path in "${paths[@]}"; do
  sleep 1  # query_start_time has whole seconds: keep the dashboards' statements apart
  start=$(ch "SELECT toUInt32(now())")
  took=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$port$path")
  end=$(( $(ch "SELECT toUInt32(now())") + 1 ))
  echo "== $path: HTTP ${took% *}, ${took#* } s"
  for _ in $(seq 1 40); do  # query_log is flushed every 7.5 s
    if [[ $(ch "SELECT count() FROM system.query_log WHERE type = 2 AND query_start_time >= toDateTime($end)") != 0 ]]; then
      break
    fi
    ch "SELECT 1" >/dev/null
    sleep 0.5
  done
  where="type = 2 AND query_start_time >= toDateTime($start) AND query_start_time < toDateTime($end)
        AND query LIKE 'SELECT%' AND query NOT LIKE '%system.%' AND query NOT LIKE 'SELECT 1%'
        AND query NOT LIKE 'SELECT toUInt32(now())%' AND query NOT LIKE '%appends%'
        AND query NOT LIKE 'SELECT \`key\`%' AND query NOT LIKE 'SELECT toUInt64(count()) FROM %\`ts\` >=%'
        AND position(query, '${CLICKHOUSE_DB:+\`$CLICKHOUSE_DB\`.}') > 0"
  cpu="intDiv(ProfileEvents.Values[indexOf(ProfileEvents.Names, 'OSCPUVirtualTimeMicroseconds')], 1000)"
  ch "SELECT query_duration_ms, $cpu, read_rows, formatReadableSize(memory_usage),
             substring(replaceRegexpAll(query, '[[:space:]]+', ' '), 1, 150)
      FROM system.query_log WHERE $where ORDER BY event_time, query_duration_ms FORMAT TSV"
  ch "SELECT concat('total: ', toString(count()), ' statements, ', toString(sum(query_duration_ms)), ' ms, cpu ',
             toString(sum($cpu)), ' ms') FROM system.query_log WHERE $where FORMAT TSV"
  if [[ ${CLICKHOUSE_REPLAY:-0} == 1 ]]; then
    mapfile -t statements < <(ch "SELECT replaceRegexpAll(query, '[[:space:]]+', ' ') FROM system.query_log
                                   WHERE $where ORDER BY event_time FORMAT TSVRaw")
    started=$(date +%s%N)
    for statement in "${statements[@]}"; do
      clickhouse-client --port "$ch_port" --use_uncompressed_cache 1 --query "${statement% FORMAT RowBinary} FORMAT Null"
    done
    echo "replayed with clickhouse-client, one after another: $(( ($(date +%s%N) - started) / 1000000 )) ms"
  fi
done
