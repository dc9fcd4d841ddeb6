# LoopSim: build, run and test. Installs the C libraries it links against (GSL, SQLite,
# libcrypto) from Debian's packages when pkg-config cannot find them.

SWIFT ?= swift
SCENARIO ?= Scenarios/masterclass-abandoned-cart.json5
TEST_LOG := .build/test-output.txt
BUILD_LOG := .build/build-output.txt

.PHONY: all deps build release run test baselines clean

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
	@status=0; $(SWIFT) test --skip-build > $(TEST_LOG) 2>&1 || status=$$?; \
	grep -E "✘|Fatal error" $(TEST_LOG) | head -n 60 || true; \
	grep -E "Test run with" $(TEST_LOG) | tail -n 1; \
	if [ $$status -ne 0 ]; then \
	  echo "make test: swift test exited with $$status (full output in $(TEST_LOG))" >&2; \
	fi; \
	exit $$status

# Regenerates Results/baselines/ for every scenario in Scenarios/ (see
# scripts/update-baselines.sh). Run it after a deliberate change of the engine's numbers,
# review the changes it prints, and commit the baselines.
baselines: build
	@scripts/update-baselines.sh .build/debug/loopsim

clean:
	$(SWIFT) package clean
