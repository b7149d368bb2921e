#!/usr/bin/env bash
# Installs what `make build` and `make test` need on Debian 12, as root. Idempotent and quiet
# when everything is already present: apt-get runs only for packages that are missing, and
# `npm ci` only when a package-lock.json is newer than its installed node_modules.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libsimdjson-dev libfmt-dev libspdlog-dev
  libzstd-dev liblz4-dev libxxhash-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm chromium curl tzdata
  # The Python SDK's tests (sdk/python) run with the system python3, standard library only.
  python3
  # The ClickHouse backend's tests (tests/clickhouse) and the bench start their own servers.
  clickhouse-server clickhouse-client
)
# `make fuzz` builds the libFuzzer targets with clang (libFuzzer ships in libclang-rt).
if [[ "${1:-}" == "--with-fuzz" ]]; then
  APT_PACKAGES+=(clang libclang-rt-14-dev)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    # Node may come from outside Debian (e.g. NodeSource); a working `node`/`npm` is enough.
    # Likewise a working python3 on PATH.
    if [[ "$pkg" == nodejs || "$pkg" == npm || "$pkg" == python3 ]] && command -v "${pkg/nodejs/node}" >/dev/null; then
      continue
    fi
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "install_deps: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci in every folder with a lock file whose node_modules is missing or older than the lock.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# tests/clients: the real client SDKs that `make client-test` drives against the server.
npm_dirs=(tools/price-export web tests/clients)
# `make bench` runs the query set on DuckDB through @duckdb/node-api (bench/duckdb/).
[[ "${1:-}" == "--with-bench" ]] && npm_dirs+=(bench/duckdb)
for dir in "${npm_dirs[@]}"; do
  [[ -f "$dir/package-lock.json" ]] || continue
  stamp="$dir/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$dir/package-lock.json" -nt "$stamp" ]]; then
    echo "install_deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
done
