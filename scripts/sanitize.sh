#!/usr/bin/env bash
# `make sanitize`: builds everything with AddressSanitizer (+ LeakSanitizer) and UBSan in
# build-asan/ (the "sanitize" CMake preset, MLTRACK_SANITIZE=ON) and runs the C++ test suites:
# unit, then integration and fault, which start this build's sanitized `mltrack`. Any report fails
# the run: UBSan halts on the first finding, ASan and LSan make the process fail, and the test
# harness fails a test whose server logged a report (tests/sanitize/README.md).
#   SANITIZE_SUITES="unit fault"   only those suites (default: unit integration fault)
#   SANITIZE_FILTER=REGEX          only the ctest tests whose name matches (ctest -R)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build-asan
SUITES=${SANITIZE_SUITES:-unit integration fault}

export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

scripts/install_deps.sh --with-fuzz  # clang and its sanitizer runtimes
mkdir -p "$BUILD"
node tools/price-export/export.mjs "$BUILD/price_catalogue.json"
if [[ ! -f "$BUILD/CMakeCache.txt" ]] && command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
cmake --preset sanitize >/dev/null
cmake --build "$BUILD"

filter=()
[[ -n "${SANITIZE_FILTER:-}" ]] && filter=(-R "$SANITIZE_FILTER")
for suite in $SUITES; do
  echo "sanitize: $suite tests"
  case "$suite" in
    unit) ctest --test-dir "$BUILD" --output-on-failure -j2 -LE "integration|fault" "${filter[@]}" ;;
    integration) ctest --test-dir "$BUILD" --output-on-failure -L integration "${filter[@]}" ;;
    fault) ctest --test-dir "$BUILD" --output-on-failure -L fault "${filter[@]}" ;;
    *) echo "sanitize: unknown suite $suite (unit, integration, fault)" >&2; exit 2 ;;
  esac
done
echo "sanitize: no finding"
