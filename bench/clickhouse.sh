#!/usr/bin/env bash
# Starts Debian's clickhouse-server 18.16 for the benchmark, without systemd, on loopback:
#   bench/clickhouse.sh DIR HTTP_PORT TCP_PORT INTERSERVER_PORT
# copies /etc/clickhouse-server/{config,users}.xml into DIR, points every path (data, tmp, user
# files, format schemas, logs) into DIR and the ports at the ones given, starts the server in the
# background and prints its pid once it answers SELECT 1. The caller stops it (kill PID).
# CLICKHOUSE_LOG_QUERIES=1 makes it log every query to system.query_log (the default profile's
# log_queries; bench/clickhouse_statements.sh reads it).
set -euo pipefail
dir=$1 http_port=$2 tcp_port=$3 interserver_port=$4
mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
dir=$(cd "$dir" && pwd)
cp /etc/clickhouse-server/users.xml "$dir/users.xml"
if [[ ${CLICKHOUSE_LOG_QUERIES:-0} == 1 ]]; then
  sed -i '0,/<default>/s//<default><log_queries>1<\/log_queries>/' "$dir/users.xml"
fi
sed -e "s|<log>.*</log>|<log>$dir/log/clickhouse-server.log</log>|" \
    -e "s|<errorlog>.*</errorlog>|<errorlog>$dir/log/clickhouse-server.err.log</errorlog>|" \
    -e "s|<path>/var/lib/clickhouse/</path>|<path>$dir/data/</path>|" \
    -e "s|<tmp_path>.*</tmp_path>|<tmp_path>$dir/tmp/</tmp_path>|" \
    -e "s|<user_files_path>.*</user_files_path>|<user_files_path>$dir/user_files/</user_files_path>|" \
    -e "s|<format_schema_path>.*</format_schema_path>|<format_schema_path>$dir/format_schemas/</format_schema_path>|" \
    -e "s|<http_port>8123</http_port>|<http_port>$http_port</http_port>|" \
    -e "s|<tcp_port>9000</tcp_port>|<tcp_port>$tcp_port</tcp_port><listen_host>127.0.0.1</listen_host>|" \
    -e "s|<interserver_http_port>9009</interserver_http_port>|<interserver_http_port>$interserver_port</interserver_http_port>|" \
    /etc/clickhouse-server/config.xml > "$dir/config.xml"
if grep -q "/var/lib/clickhouse\|/var/log/clickhouse" "$dir/config.xml"; then
  echo "clickhouse.sh: a path in config.xml was not rewritten:" >&2
  grep -n "/var/lib/clickhouse\|/var/log/clickhouse" "$dir/config.xml" >&2
  exit 1
fi

# As root when it accepts that, else as the clickhouse user.
start() {
  cd "$dir"
  if [[ "${1:-}" == as-user ]]; then
    chown -R clickhouse:clickhouse "$dir"
    setpriv --reuid=clickhouse --regid=clickhouse --init-groups \
      /usr/sbin/clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
  else
    /usr/sbin/clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
  fi
  echo $!
}
ready() {
  local pid=$1
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl -sf "http://127.0.0.1:$http_port/?query=SELECT%201" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}
pid=$(start)
if ! ready "$pid"; then
  kill "$pid" 2>/dev/null || true
  pid=$(start as-user)
  if ! ready "$pid"; then
    echo "clickhouse.sh: clickhouse-server did not start; see $dir/log/" >&2
    tail -20 "$dir/log/stdout.log" "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
fi
echo "$pid"
