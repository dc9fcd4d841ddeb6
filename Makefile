# LoopSim: build, run and test. Installs what is missing from Debian's packages: the C
# libraries it links against (GSL, SQLite, libcrypto), Chromium for the report test, and
# Python's venv module for the notebooks.

SWIFT ?= swift
SCENARIO ?= Scenarios/masterclass-abandoned-cart.json5
TEST_LOG := .build/test-output.txt
BUILD_LOG := .build/build-output.txt

# The notebooks run in this virtual environment, created once with the pinned packages of
# Notebooks/requirements.txt and made again only when that file changes.
VENV := .venv
VENV_STAMP := $(VENV)/.requirements-installed
NOTEBOOK_RUNS := .build/notebook-runs
NOTEBOOK_OUTPUT := .build/notebooks
NOTEBOOK_CUSTOMERS ?= 6000

# loopsim-dask (Distributed/) and its tests run in this virtual environment, created once
# with the pinned packages of Distributed/requirements.txt and made again when that file
# or Distributed/pyproject.toml changes. The package itself is installed in editable mode.
DASK_VENV := Distributed/.venv
DASK_STAMP := $(DASK_VENV)/.requirements-installed
DASK_TEST_LOG := .build/distributed-test-output.txt

# The benchmark's SimPy and ChannelAttribution run in their own virtual environment, which
# only `make bench` makes.
BENCH_VENV := bench/.venv
BENCH_ARGS ?=
DASK_BENCH_ARGS ?=
SMOKE_LOG := .build/bench-smoke.txt

.PHONY: all deps build release run test notebooks baselines bench bench-dask distributed clean

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

# Executes the notebooks, runs the benchmark driver at tiny sizes without SimPy or
# ChannelAttribution, runs the loopsim-dask tests on a LocalCluster, then runs the
# whole Swift test suite. The full output goes to $(TEST_LOG), $(SMOKE_LOG) and
# $(DASK_TEST_LOG); failures and the closing lines are printed here.
test: deps $(VENV_STAMP) $(DASK_STAMP)
	@mkdir -p .build
	@if ! $(SWIFT) build --build-tests > $(BUILD_LOG) 2>&1; then \
	  grep -E "error:" $(BUILD_LOG) | head -n 40; \
	  echo "make test: the build failed (full output in $(BUILD_LOG))" >&2; exit 1; \
	fi
	@status=0; $(MAKE) --no-print-directory notebooks-only || status=$$?; \
	python3 bench/bench.py --smoke --build-dir .build/debug > $(SMOKE_LOG) 2>&1 || { \
	  tail -n 20 $(SMOKE_LOG); \
	  echo "make test: the benchmark smoke run failed (full output in $(SMOKE_LOG))" >&2; \
	  status=1; }; \
	LOOPSIM_BINARY=$$($(SWIFT) build --show-bin-path)/loopsim $(DASK_VENV)/bin/python -m pytest \
	  Distributed/tests -q -p no:cacheprovider > $(DASK_TEST_LOG) 2>&1 || { \
	  grep -E "^(FAILED|ERROR)" $(DASK_TEST_LOG) | head -n 20; \
	  echo "make test: the loopsim-dask tests failed (full output in $(DASK_TEST_LOG))" >&2; \
	  status=1; }; \
	tail -n 1 $(DASK_TEST_LOG); \
	swift_status=0; $(SWIFT) test --skip-build > $(TEST_LOG) 2>&1 || swift_status=$$?; \
	grep -E "✘|Fatal error" $(TEST_LOG) | head -n 60 || true; \
	grep -E "Test run with" $(TEST_LOG) | tail -n 1; \
	if [ $$swift_status -ne 0 ]; then \
	  echo "make test: swift test exited with $$swift_status (full output in $(TEST_LOG))" >&2; \
	  status=$$swift_status; \
	fi; \
	exit $$status

# Regenerates Results/baselines/ for every scenario in Scenarios/ (see
# scripts/update-baselines.sh). Run it after a deliberate change of the engine's numbers,
# review the changes it prints, and commit the baselines.
baselines: build
	@scripts/update-baselines.sh .build/debug/loopsim

# Executes every notebook against small runs made first with the debug build. Executed
# copies, with their outputs, go to $(NOTEBOOK_OUTPUT); the committed notebooks must have
# none.
notebooks: deps $(VENV_STAMP)
	$(SWIFT) build
	@$(MAKE) --no-print-directory notebooks-only

.PHONY: notebooks-only
notebooks-only:
	@python3 Notebooks/check_outputs_stripped.py Notebooks/*.ipynb
	@bin=$$($(SWIFT) build --show-bin-path)/loopsim; \
	rm -rf $(NOTEBOOK_RUNS) && mkdir -p $(NOTEBOOK_RUNS) && \
	$$bin run Scenarios/personalization-strategies.json5 --customers $(NOTEBOOK_CUSTOMERS) \
	  --out $(NOTEBOOK_RUNS)/personalization-strategies --quiet > /dev/null && \
	$$bin run Scenarios/masterclass-abandoned-cart.json5 --customers $(NOTEBOOK_CUSTOMERS) \
	  --out $(NOTEBOOK_RUNS)/masterclass-abandoned-cart --quiet > /dev/null && \
	LOOPSIM_BINARY=$$bin \
	LOOPSIM_PERSONALIZATION_RUN=$(CURDIR)/$(NOTEBOOK_RUNS)/personalization-strategies \
	LOOPSIM_FLAGSHIP_RUN=$(CURDIR)/$(NOTEBOOK_RUNS)/masterclass-abandoned-cart \
	$(VENV)/bin/python Notebooks/run_notebooks.py --out $(NOTEBOOK_OUTPUT) Notebooks/*.ipynb \
	  2> .build/notebooks-stderr.txt || { \
	  echo "make: a notebook failed (kernel log in .build/notebooks-stderr.txt)" >&2; exit 1; }

# Runs the benchmark (docs/benchmarks.md) on a release build: LoopSim against SimPy on the
# reference funnel, the event calendar against a plain binary heap, the flagship at 10k,
# 100k and 1M customers, and `loopsim attribute` against ChannelAttribution on generated
# path files of 100k and 1M journeys. SimPy and ChannelAttribution come from PyPI into
# $(BENCH_VENV), with the versions pinned in bench/requirements.txt. Pass driver options in
# BENCH_ARGS, for example BENCH_ARGS="--sections funnel --runs 3". Then it runs the Dask
# part (bench/dask_bench.py, options in DASK_BENCH_ARGS such as "--sections overhead").
bench: release $(BENCH_VENV)/.installed $(DASK_STAMP)
	python3 bench/bench.py --python $(BENCH_VENV)/bin/python $(BENCH_ARGS)
	$(DASK_VENV)/bin/python bench/dask_bench.py $(DASK_BENCH_ARGS)

# Runs only the Dask part of the benchmark: the 1M flagship in one process against a
# two-worker LocalCluster, and the overhead per task of going through Dask.
bench-dask: release $(DASK_STAMP)
	$(DASK_VENV)/bin/python bench/dask_bench.py $(DASK_BENCH_ARGS)

$(BENCH_VENV)/.installed: bench/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

# Creates $(DASK_VENV) with loopsim-dask installed, which puts the loopsim-dask command in
# $(DASK_VENV)/bin.
distributed: $(DASK_STAMP)

$(DASK_STAMP): Distributed/requirements.txt Distributed/pyproject.toml
	@echo "Creating $(DASK_VENV) with the packages of Distributed/requirements.txt" >&2
	@rm -rf $(DASK_VENV)
	@python3 -m venv $(DASK_VENV)
	@$(DASK_VENV)/bin/pip install --quiet --disable-pip-version-check -r Distributed/requirements.txt
	@$(DASK_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps \
	  --no-build-isolation -e Distributed
	@touch $@

$(VENV_STAMP): Notebooks/requirements.txt
	@echo "Creating $(VENV) with the packages of Notebooks/requirements.txt" >&2
	@rm -rf $(VENV)
	@python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Notebooks/requirements.txt
	@touch $@

clean:
	$(SWIFT) package clean
