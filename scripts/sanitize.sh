#!/usr/bin/env bash
# `make sanitize`: builds everything with AddressSanitizer (+ LeakSanitizer) and UBSan in
# build-asan/ (the "sanitize" CMake preset, MLTRACK_SANITIZE=ON) and runs the C++ test suites:
# unit, then integration and fault, which start this build's sanitized `mltrack`. Any report fails
# the run: UBSan halts on the first finding, ASan and LSan make the process fail, and the test
# harness fails a test whose server logged a report (tests/sanitize/README.md).
#   SANITIZE_SUITES="unit fault"   only those suites (default: unit integration fault; "" builds only)
#   SANITIZE_FILTER=REGEX          only the ctest tests whose name matches (ctest -R), every suite
#   SANITIZE_INTEGRATION_FILTER=REGEX  the same for the integration suite only (CI's subset, .ci/run)
#   SANITIZE_DEADLINE=EPOCH_SECONDS   CI's time budget (.ci/run): the build is stopped at it, and no
#                                   suite starts after it; the run then ends, exit 0, with a line
#                                   "NOT RUN: …" naming what it skipped. A finding always fails.
#   SANITIZE_FUZZ_FLAGS=1           compile with the fuzz build's flags (-O2 -g, coverage) instead of
#                                   the preset's lean -O1 -gline-tables-only, so that a ccache warmed by
#                                   `make fuzz` serves build-asan/ too (a developer's machine; not CI)
# Prints the wall time of the build and of each suite (tests/sanitize/README.md records them).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build-asan
SUITES=${SANITIZE_SUITES-unit integration fault}  # set but empty: build only

export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

scripts/install_deps.sh --with-fuzz  # clang and its sanitizer runtimes
mkdir -p "$BUILD"
node tools/price-export/export.mjs "$BUILD/price_catalogue.json"
if [[ ! -f "$BUILD/CMakeCache.txt" ]] && command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
flags=(-DMLTRACK_SANITIZE_FUZZ_FLAGS=OFF)
if [[ "${SANITIZE_FUZZ_FLAGS:-0}" == 1 ]]; then
  flags=(-DMLTRACK_SANITIZE_FUZZ_FLAGS=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g -DNDEBUG")
fi
cmake --preset sanitize "${flags[@]}" >/dev/null
not_reached() {
  echo "sanitize: ==================================================================="
  echo "sanitize: time budget spent (SANITIZE_DEADLINE) $1; NOT RUN: $2"
  echo "sanitize: ==================================================================="
  exit 0
}
started=$SECONDS
if [[ -n "${SANITIZE_DEADLINE:-}" ]]; then
  budget=$((SANITIZE_DEADLINE - $(date +%s)))
  ((budget > 0)) || not_reached "before the build" "build $SUITES"
  status=0
  timeout --signal=INT --kill-after=30 "$budget" cmake --build "$BUILD" || status=$?
  ((status == 124 || status == 137)) && not_reached "during the build (after $((SECONDS - started)) s)" "$SUITES"
  ((status == 0)) || exit "$status"
else
  cmake --build "$BUILD"
fi
echo "sanitize: build took $((SECONDS - started)) s"

filter=()
[[ -n "${SANITIZE_FILTER:-}" ]] && filter=(-R "$SANITIZE_FILTER")
integration_filter=("${filter[@]}")
[[ -n "${SANITIZE_INTEGRATION_FILTER:-}" ]] && integration_filter=(-R "$SANITIZE_INTEGRATION_FILTER")
read -ra remaining <<<"$SUITES"
for suite in $SUITES; do
  if [[ -n "${SANITIZE_DEADLINE:-}" ]] && (($(date +%s) >= SANITIZE_DEADLINE)); then
    not_reached "before the $suite tests" "${remaining[*]}"
  fi
  remaining=("${remaining[@]:1}")
  echo "sanitize: $suite tests"
  started=$SECONDS
  case "$suite" in
    unit) ctest --test-dir "$BUILD" --output-on-failure -j2 -LE "integration|fault" "${filter[@]}" ;;
    integration) ctest --test-dir "$BUILD" --output-on-failure -L integration "${integration_filter[@]}" ;;
    fault) ctest --test-dir "$BUILD" --output-on-failure -L fault "${filter[@]}" ;;
    *) echo "sanitize: unknown suite $suite (unit, integration, fault)" >&2; exit 2 ;;
  esac
  echo "sanitize: $suite tests took $((SECONDS - started)) s"
done
echo "sanitize: no finding"
