# The two commands (README): `make run` and `make test`. Everything else is for
# developers. Each build flavour has its own directory under build/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

JOBS ?= $(shell nproc)
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
SOURCES = $(shell git ls-files --cached --others --exclude-standard '*.cc' '*.h' 2>/dev/null || find storage cli tests examples bench -name '*.cc' -o -name '*.h')

RELEASE_DIR  := build/release
TEST_DIR     := build/test
COVERAGE_DIR := build/coverage
BENCH_DIR    := build/bench
FUZZ_DIR     := build/fuzz
# make fuzz: seconds of fuzzing per target.
FUZZ_SECONDS ?= 60

# configure DIR CMAKE-ARGS: (re)configure only when the cache is missing.
define configure
	@if [ ! -f $(1)/CMakeCache.txt ]; then \
	  cmake -S . -B $(1) -G "$(GENERATOR)" $(2) >/dev/null || exit 1; fi
endef

.PHONY: help setup run test build-release build-test build-fuzz fuzz coverage bench \
	bench-instructions format format-check clean

help:
	@echo "make run       set up, build, run strata's main job (SQLite)"
	@echo "make test      set up, build with ASan+UBSan, run every test on SQLite and PostgreSQL"
	@echo "make coverage  line and branch coverage of storage/ and cli/ (fails under 90% lines)"
	@echo "make bench     build optimised, run the benchmarks (strata vs raw C API ratios)"
	@echo "make bench-instructions  instructions per call (callgrind) against the baseline"
	@echo "make fuzz      build the libFuzzer targets with clang, run each FUZZ_SECONDS (60)"
	@echo "make format    clang-format the sources in place"

setup:
	@scripts/setup

build-release: setup
	$(call configure,$(RELEASE_DIR),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATA_BUILD_TESTS=OFF)
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

run: build-release
	@scripts/run $(RELEASE_DIR)/cli/strata

build-test: setup
	$(call configure,$(TEST_DIR),-DCMAKE_BUILD_TYPE=Debug -DSTRATA_ASAN=ON -DSTRATA_UBSAN=ON)
	@cmake --build $(TEST_DIR) -j $(JOBS)

# The fuzz targets (fuzz/, ADR 0008) need clang: their own build directory,
# with only the library, the CLI's library and the targets in it. -O1 and line
# tables only, as OSS-Fuzz builds: 15% less compile time than -O2 -g.
build-fuzz: setup
	$(call configure,$(FUZZ_DIR),-DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -gline-tables-only' -DSTRATA_FUZZ=ON \
	  -DSTRATA_BUILD_TESTS=OFF -DSTRATA_INSTALL=OFF -DCMAKE_CXX_COMPILER=clang++)
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target strata_fuzz_targets

# Each target for FUZZ_SECONDS; new inputs and crashes stay under build/fuzz.
fuzz: build-fuzz
	@scripts/fuzz $(FUZZ_DIR) $(FUZZ_SECONDS)

# One ctest run over both build directories (build/ctest/CTestTestfile.cmake
# names them), so that its summary covers every test. Prints, after ctest, how
# many cases of each backend ran in each database test binary, then repeats
# ctest's summary so that it stays the closing line.
ALL_TESTS_DIR := build/ctest
test: format-check build-test build-fuzz
	@mkdir -p $(ALL_TESTS_DIR)
	@printf 'subdirs("%s")\n' $(CURDIR)/$(TEST_DIR) $(CURDIR)/$(FUZZ_DIR) \
	  >$(ALL_TESTS_DIR)/CTestTestfile.cmake
	@set -o pipefail; ctest --test-dir $(ALL_TESTS_DIR) --output-on-failure -j $(JOBS) \
	  | tee $(ALL_TESTS_DIR)/ctest.out; status=$$?; \
	  echo; echo "Cases per backend, per database test binary:"; \
	  grep -h '^strata-test: .* cases:' $(ALL_TESTS_DIR)/Testing/Temporary/LastTest.log; \
	  grep -E '^[0-9]+% tests passed' $(ALL_TESTS_DIR)/ctest.out; \
	  exit $$status

coverage: setup
	$(call configure,$(COVERAGE_DIR),-DCMAKE_BUILD_TYPE=Debug -DSTRATA_COVERAGE=ON)
	@cmake --build $(COVERAGE_DIR) -j $(JOBS)
	@find $(COVERAGE_DIR) -name '*.gcda' -delete
	@ctest --test-dir $(COVERAGE_DIR) --output-on-failure -j $(JOBS)
	@gcovr --root . --object-directory $(COVERAGE_DIR) --filter 'storage/' --filter 'cli/' \
	  --exclude-unreachable-branches --exclude-throw-branches \
	  --html-details $(COVERAGE_DIR)/coverage.html --txt - --print-summary --fail-under-line 90
	@echo "details: $(COVERAGE_DIR)/coverage.html"

# Release build; each binary writes bench/results/<binary>.json, then
# scripts/bench-report pairs raw and strata into ratios.tsv and ratios.svg.
bench: setup
	$(call configure,$(BENCH_DIR),-DCMAKE_BUILD_TYPE=Release -DSTRATA_BUILD_BENCHMARKS=ON)
	@cmake --build $(BENCH_DIR) -j $(JOBS)
	@mkdir -p bench/results
	@for b in $(BENCH_DIR)/bench/*_bench; do \
	  $$b --benchmark_out=bench/results/$$(basename $$b).json --benchmark_out_format=json \
	    $(BENCH_ARGS) || exit 1; done
	@scripts/bench-report bench/results/*_bench.json
	@python3 bench/probe_latency.py $(BENCH_DIR)/cli/strata

# Instructions per call of the key paths under callgrind, against
# bench/instructions-baseline.tsv: fails when one grows more than 5 %.
# BENCH_INSTRUCTIONS_ARGS=--update rewrites the baseline.
bench-instructions: setup
	$(call configure,$(BENCH_DIR),-DCMAKE_BUILD_TYPE=Release -DSTRATA_BUILD_BENCHMARKS=ON)
	@cmake --build $(BENCH_DIR) -j $(JOBS) --target instructions
	@scripts/bench-instructions $(BENCH_DIR)/bench/instructions $(BENCH_INSTRUCTIONS_ARGS)

format:
	@clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run --Werror $(SOURCES) || \
	  { echo "clang-format: run 'make format' to fix the files above"; exit 1; }

clean:
	rm -rf build
