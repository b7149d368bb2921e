# The two commands a new user needs are `make run` and `make test` (README.md); the rest are the
# steps they are made of.
SHELL := /bin/bash
BUILD_DIR ?= build
DATA_DIR ?= ./data
LISTEN ?= 127.0.0.1:8080
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test deps web prices build unit-test web-test integration-test fault-test client-test e2e-test bench fuzz sanitize format clean

run: build
	$(BUILD_DIR)/mltrack serve --data $(DATA_DIR) --listen $(LISTEN) --demo

test: build
	$(MAKE) --no-print-directory unit-test web-test integration-test fault-test client-test e2e-test
	@echo "make test: all suites passed"

deps:
	@scripts/install_deps.sh

prices: deps
	@mkdir -p $(BUILD_DIR)
	@node tools/price-export/export.mjs $(BUILD_DIR)/price_catalogue.json

web: deps
	@cd web && npm run --silent build

build: deps prices web
	@cmake --preset default >/dev/null
	@cmake --build $(BUILD_DIR)

unit-test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 -LE "integration|fault"

web-test: deps
	cd web && npx vitest run

integration-test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

# Kill -9 loops, a flipped WAL byte, a full disk, overload (tests/fault/README.md).
fault-test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L fault

# Real clients against the real binary (tests/clients): the openai and Anthropic SDKs through
# the proxy, the OpenTelemetry JS SDK exporting OTLP, and the OpenAPI contract.
client-test: build
	cd tests/clients && MLTRACK_BINARY=$(abspath $(BUILD_DIR))/mltrack node --test --test-concurrency=1 test/

e2e-test: build
	cd web && npx playwright test

bench: build
	@scripts/install_deps.sh --with-bench
	@cmake -B $(BUILD_DIR) -DMLTRACK_BUILD_BENCH=ON >/dev/null  # on even where a build dir turned it off
	@cmake --build $(BUILD_DIR)
	BENCH_COMMAND="$(if $(BENCH_EVENTS),BENCH_EVENTS=$(BENCH_EVENTS) )make bench" bench/run.sh $(BUILD_DIR)

# libFuzzer on every decoder: events, OTLP, QuerySpec, live messages, SSE usage, WAL and segment files (tests/fuzz/README.md); not
# part of `make test`. FUZZ_SECONDS=60 per target.
fuzz:
	@scripts/fuzz.sh

# The whole C++ test suite (unit, integration, fault) built with ASan + UBSan in build-asan/; the
# integration and fault tests start the sanitized `mltrack`. Options and suppressions:
# tests/sanitize/README.md. Not part of `make test` (CI runs it as its own step, .ci/run).
sanitize: deps web
	@scripts/sanitize.sh

format:
	find src bench tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
