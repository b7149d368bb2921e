#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) in
# build-fuzz/ and runs each for FUZZ_SECONDS (default 60) from a scratch copy of its seed corpus.
# Exits non-zero on the first crash (the input is left as crash-* in the working directory).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
scripts/install_deps.sh --with-fuzz
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLTRACK_FUZZ=ON \
  -DMLTRACK_BUILD_TESTS=OFF -DMLTRACK_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target otlp_decoder_fuzz sse_usage_fuzz
for target in otlp_decoder sse_usage; do
  corpus=$(mktemp -d "/tmp/mltrack-fuzz-$target.XXXXXX")
  cp tests/fuzz/$target/* "$corpus/"
  echo "fuzz: $target for ${SECONDS_EACH}s (seeds: tests/fuzz/$target, $(ls "$corpus" | wc -l) files)"
  if ! "$BUILD/tests/fuzz/${target}_fuzz" -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 \
      -print_final_stats=1 "$corpus" >"$corpus.log" 2>&1; then
    tail -40 "$corpus.log" >&2
    echo "fuzz: $target crashed; the input is in crash-* here" >&2
    exit 1
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)" "$corpus.log" || true
  rm -rf "$corpus" "$corpus.log"
done
echo "fuzz: no crash"
