"""Run one ChannelAttribution 2.2.5 model on a path file and print its credits as JSON.

The attribution benchmark's peer of `loopsim attribute`. It reads the CSV file with pandas
and runs `heuristic_models` (first, last and linear touch) or `markov_model` of the given
order. The Markov model runs on one thread with seed 0 and the package's defaults for the
simulation: at least 100,000 walks, repeated until the estimates vary by less than 5 %
over 10 folds.

Prints one JSON object: the channels, per model the conversions and value credited (and
for Markov the removal effects), and the wall and CPU seconds of reading the file and of
the model call alone.

    bench/.venv/bin/python bench/channelattribution_paths.py paths.csv --model markov --order 3
"""

import argparse
import json
import sys
import time

import pandas

import ChannelAttribution as channelattribution

HEURISTICS = (("first", "first_touch"), ("last", "last_touch"), ("linear", "linear_touch"))


def timed(function):
    """Calls `function` and returns (its result, wall seconds, CPU seconds of the process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def heuristics(frame):
    table = channelattribution.heuristic_models(
        frame, "path", "total_conversions", var_value="total_conversion_value", sep=">",
        flg_pro=False).set_index("channel_name")
    models = {}
    for name, prefix in HEURISTICS:
        models[name] = {
            "conversions": table[prefix + "_conversions"].astype(float).to_dict(),
            "value": table[prefix + "_value"].astype(float).to_dict(),
        }
    return models


def markov(frame, order):
    result = channelattribution.markov_model(
        frame, "path", "total_conversions", var_value="total_conversion_value",
        var_null="total_null", order=order, out_more=True, sep=">", ncore=1, seed=0,
        verbose=False, flg_pro=False)
    credits = result["result"].set_index("channel_name")
    effects = result["removal_effects"].set_index("channel_name")
    return {"markov": {
        "conversions": credits["total_conversions"].astype(float).to_dict(),
        "value": credits["total_conversion_value"].astype(float).to_dict(),
        "removalEffects": effects["removal_effects_conversion"].astype(float).to_dict(),
        "valueRemovalEffects":
            effects["removal_effects_conversion_value"].astype(float).to_dict(),
    }}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="CSV file in the path format, channels joined by '>'")
    parser.add_argument("--model", choices=("heuristic", "markov"), required=True)
    parser.add_argument("--order", type=int, default=1, help="Markov order (default 1)")
    options = parser.parse_args()

    frame, read_wall, read_cpu = timed(lambda: pandas.read_csv(
        options.file, dtype={"path": str}, keep_default_na=False))
    if options.model == "heuristic":
        models, wall, cpu = timed(lambda: heuristics(frame))
    else:
        models, wall, cpu = timed(lambda: markov(frame, options.order))
    json.dump({"rows": len(frame), "readWallSeconds": read_wall, "readCpuSeconds": read_cpu,
               "modelWallSeconds": wall, "modelCpuSeconds": cpu, "models": models},
              sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
