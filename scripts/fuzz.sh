#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) in
# build-fuzz/ and runs each for FUZZ_SECONDS (default 60) from a scratch copy of its seed corpus.
# FUZZ_TARGETS="wal_reader segment_reader" runs only those. Exits non-zero on the first crash,
# hang (-timeout) or leak (the input is left as crash-*/timeout-*/leak-* in the working directory).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
# UBSan stops at its first report, so undefined behaviour fails a target like a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
ALL="otlp_decoder sse_usage event_decoder query_spec live_subscribe wal_reader segment_reader event_search mlflow_filter"
TARGETS=${FUZZ_TARGETS:-$ALL}

# Seed folders of each target (the store's come partly from its test fixtures, not copied).
seeds() {
  case "$1" in
    wal_reader) echo tests/fuzz/wal tests/fixtures/store-v2/dict tests/fixtures/store-v2/wal ;;
    segment_reader) echo tests/fixtures/store-v2/segments ;;
    *) echo "tests/fuzz/$1" ;;
  esac
}
# Segments are larger than the other inputs: the fixtures must fit whole.
max_len() { if [ "$1" = segment_reader ]; then echo 131072; else echo 65536; fi; }

scripts/install_deps.sh --with-fuzz
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLTRACK_FUZZ=ON \
  -DMLTRACK_BUILD_TESTS=OFF -DMLTRACK_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target $(for t in $TARGETS; do printf '%s_fuzz ' "$t"; done)
for target in $TARGETS; do
  corpus=$(mktemp -d "/tmp/mltrack-fuzz-$target.XXXXXX")
  for dir in $(seeds "$target"); do find "$dir" -maxdepth 1 -type f -size +0 -exec cp {} "$corpus/" \; ; done
  echo "fuzz: $target for ${SECONDS_EACH}s (seeds: $(seeds "$target"); $(ls "$corpus" | wc -l) files)"
  if ! "$BUILD/tests/fuzz/${target}_fuzz" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$target")" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$corpus.log" 2>&1; then
    tail -40 "$corpus.log" >&2
    echo "fuzz: $target failed; the input is in crash-*/timeout-*/leak-* here" >&2
    exit 1
  fi
  # Executions, coverage and corpus at the end (tests/fuzz/README.md records them per target).
  grep -E "^#[0-9]+[[:space:]]+DONE" "$corpus.log" || true
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)" "$corpus.log" || true
  rm -rf "$corpus" "$corpus.log"
done
echo "fuzz: no crash"
