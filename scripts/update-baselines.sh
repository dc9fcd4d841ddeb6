#!/bin/sh
# Regenerates the baseline of every scenario in Scenarios/: Results/baselines/NAME.json for
# Scenarios/NAME.json5, with `loopsim check --update-baseline`. An existing baseline keeps
# its customer count and seed; a new one is made at $BASELINE_CUSTOMERS customers (default
# 10000) and the scenario's own seed. Each update also runs $BASELINE_DISPERSION_SEEDS more
# seeds (default 8) to measure each count's dispersion, and prints the metrics that changed.
#
# Usage: scripts/update-baselines.sh [LOOPSIM]   (default: .build/debug/loopsim)
set -eu

loopsim=${1:-.build/debug/loopsim}
customers=${BASELINE_CUSTOMERS:-10000}
dispersion_seeds=${BASELINE_DISPERSION_SEEDS:-8}

if [ ! -x "$loopsim" ]; then
  echo "update-baselines: $loopsim not found; build it first (swift build)" >&2
  exit 2
fi

mkdir -p Results/baselines
for scenario in Scenarios/*.json5; do
  name=$(basename "$scenario" .json5)
  # The reference funnel has no warehouse or lift; the benchmark checks its numbers.
  [ "$name" = reference-funnel ] && continue
  baseline="Results/baselines/$name.json"
  echo "== $scenario"
  if [ -f "$baseline" ]; then
    "$loopsim" check "$scenario" --baseline "$baseline" --update-baseline \
      --dispersion-seeds "$dispersion_seeds" --quiet
  else
    "$loopsim" check "$scenario" --baseline "$baseline" --update-baseline \
      --customers "$customers" --dispersion-seeds "$dispersion_seeds" --quiet
  fi
done
