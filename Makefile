# LoopSim: build, run and test. Installs the C libraries it links against (GSL, SQLite,
# libcrypto) from Debian's packages when pkg-config cannot find them.

SWIFT ?= swift
SCENARIO ?= Scenarios/masterclass-abandoned-cart.json5
TEST_LOG := .build/test-output.txt
BUILD_LOG := .build/build-output.txt

BENCH_VENV := bench/.venv
BENCH_ARGS ?=
SMOKE_LOG := .build/bench-smoke.txt

.PHONY: all deps build release run test bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Runs the flagship scenario with a release build and prints its summary.
run: release
	.build/release/loopsim run $(SCENARIO)

# Runs the whole test suite. The full output goes to $(TEST_LOG); failures and the
# closing line are printed here.
test: deps
	@mkdir -p .build
	@if ! $(SWIFT) build --build-tests > $(BUILD_LOG) 2>&1; then \
	  grep -E "error:" $(BUILD_LOG) | head -n 40; \
	  echo "make test: the build failed (full output in $(BUILD_LOG))" >&2; exit 1; \
	fi
	@smoke=0; python3 bench/bench.py --smoke --build-dir .build/debug > $(SMOKE_LOG) 2>&1 \
	  || smoke=$$?; \
	if [ $$smoke -ne 0 ]; then \
	  tail -n 20 $(SMOKE_LOG); \
	  echo "make test: the benchmark smoke run failed (full output in $(SMOKE_LOG))" >&2; \
	fi; \
	status=0; $(SWIFT) test --skip-build > $(TEST_LOG) 2>&1 || status=$$?; \
	grep -E "✘|Fatal error" $(TEST_LOG) | head -n 60 || true; \
	grep -E "Test run with" $(TEST_LOG) | tail -n 1; \
	if [ $$status -ne 0 ]; then \
	  echo "make test: swift test exited with $$status (full output in $(TEST_LOG))" >&2; \
	fi; \
	if [ $$status -eq 0 ] && [ $$smoke -ne 0 ]; then status=$$smoke; fi; \
	exit $$status

# Runs the benchmark (docs/benchmarks.md) on a release build: LoopSim against SimPy on the
# reference funnel, the event calendar against a plain binary heap, and the flagship at
# 10k, 100k and 1M customers. SimPy comes from PyPI into $(BENCH_VENV), with the versions
# pinned in bench/requirements.txt. Pass driver options in BENCH_ARGS, for example
# BENCH_ARGS="--sections funnel --runs 3".
bench: release $(BENCH_VENV)/.installed
	python3 bench/bench.py --python $(BENCH_VENV)/bin/python $(BENCH_ARGS)

$(BENCH_VENV)/.installed: bench/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $@

clean:
	$(SWIFT) package clean
