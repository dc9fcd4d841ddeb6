"""Write pathdata_reference.json: attributions of ChannelAttribution's example path data by
ChannelAttribution 2.2.5 and by an exact numpy solve of the absorbing Markov chain.

The data, channelattribution_pathdata.csv (10,000 rows over 12 channels), is read from the
shared data folder beside the repository and not copied into it.

The end-to-end tests run `loopsim attribute` on the same file and compare (see
AttributeReferenceTests.swift).

Pinned versions (the full list is in requirements-attribution.txt):
    Python 3.11.7, ChannelAttribution 2.2.5, numpy 2.4.6, pandas 3.1.1

Regenerate from the repository root (about 10 minutes on 2 cores):
    python3 -m venv /tmp/venv-attribution
    /tmp/venv-attribution/bin/pip install -r Tests/EndToEndTests/Fixtures/requirements-attribution.txt
    /tmp/venv-attribution/bin/python Tests/EndToEndTests/Fixtures/make_pathdata_reference.py

Sections of the output:
    heuristic    ChannelAttribution.heuristic_models: first, last and linear touch, for
                 conversions and value. Its separator must be one character, so " > " is
                 rewritten as ">"; it reads conversions as integers, which this file has.
    exactMarkov  the absorbing chain of orders 1, 2 and 3 with repeats merged, solved with
                 the fundamental matrix in numpy by make_attribution_reference.py's markov()
                 (in Tests/MeasureTests/Fixtures): removal effects, credits, P(conversion).
    channelAttributionMarkov
                 ChannelAttribution.markov_model for orders 1, 2 and 3. It estimates removal
                 effects by simulating NSIM random walks in NFOLD folds and returns one fold,
                 so its values carry Monte Carlo noise. Order 1 gets the raw paths (it merges
                 repeated states itself); orders 2 and 3 get the paths with repeated channels
                 merged first, because ChannelAttribution merges repeated k-tuples rather than
                 repeated channels. max_step is MAX_STEP, far above the longest path (89
                 touches), so walks are almost never cut short. `seed0` is the run with seed 0.
                 Fold f of a run with seed s draws from mt19937 seeded s + f, so runs are
                 independent only when their seeds are NFOLD apart: the runs with seeds
                 NFOLD, 2 NFOLD, ..., SEEDS NFOLD give each value's standard deviation `sd`
                 and mean. The tests require |LoopSim - seed0| <= 5 sd + floor and
                 |LoopSim - mean| <= 5 sd / sqrt(SEEDS) + floor, where
                 floor = 5 / (converting walks per fold) on the removal-effect scale (times
                 the total for credits), for channels so rare that few walks reach them.
"""

import json
import math
import platform
import sys
from pathlib import Path

import numpy
import pandas

import ChannelAttribution as channelattribution

FIXTURES = Path(__file__).resolve().parent
REPOSITORY = FIXTURES.parent.parent.parent
DATA = (REPOSITORY / ".." / "shared" / "data" / "channelattribution_pathdata.csv").resolve()
OUTPUT = FIXTURES / "pathdata_reference.json"

sys.path.insert(0, str(REPOSITORY / "Tests" / "MeasureTests" / "Fixtures"))
from make_attribution_reference import markov  # noqa: E402

COMMAND = (
    "python3 -m venv /tmp/venv-attribution && "
    "/tmp/venv-attribution/bin/pip install -r "
    "Tests/EndToEndTests/Fixtures/requirements-attribution.txt && "
    "/tmp/venv-attribution/bin/python Tests/EndToEndTests/Fixtures/make_pathdata_reference.py"
)

NSIM = 2_000_000
NFOLD = 10
SEEDS = 20
MAX_STEP = 1000
ORDERS = (1, 2, 3)


def merge_repeats(path):
    merged = []
    for channel in path.split(">"):
        if not merged or merged[-1] != channel:
            merged.append(channel)
    return ">".join(merged)


def run_markov(frame, order, seed):
    result = channelattribution.markov_model(
        frame, "path", "total_conversions", var_value="total_conversion_value",
        var_null="total_null", order=order, nsim_start=NSIM, max_step=MAX_STEP,
        out_more=True, nfold=NFOLD, seed=seed, verbose=False, flg_pro=False)
    credits = result["result"].set_index("channel_name")
    effects = result["removal_effects"].set_index("channel_name")
    return {
        "conversions": credits["total_conversions"],
        "value": credits["total_conversion_value"],
        "removalEffects": effects["removal_effects_conversion"],
        "valueRemovalEffects": effects["removal_effects_conversion_value"],
    }


def main():
    frame = pandas.read_csv(DATA)
    frame["path"] = frame["path"].str.replace(" > ", ">", regex=False)
    channels = sorted({c for path in frame["path"] for c in path.split(">")})

    heuristic = channelattribution.heuristic_models(
        frame, "path", "total_conversions", var_value="total_conversion_value",
        flg_pro=False).set_index("channel_name")
    heuristics = {}
    for model, prefix in [("first", "first_touch"), ("last", "last_touch"),
                          ("linear", "linear_touch")]:
        heuristics[model] = {
            "conversions": [float(heuristic.loc[c, prefix + "_conversions"]) for c in channels],
            "value": [float(heuristic.loc[c, prefix + "_value"]) for c in channels],
        }

    paths = [
        {"channels": row.path.split(">"), "timestamps": None, "conversionTime": None,
         "conversions": float(row.total_conversions),
         "value": float(row.total_conversion_value), "nulls": float(row.total_null)}
        for row in frame.itertuples()
    ]
    exact = {}
    for order in ORDERS:
        print(f"exact order {order}", file=sys.stderr)
        exact[str(order)] = markov(paths, channels, order, False)

    merged = frame.copy()
    merged["path"] = merged["path"].map(merge_repeats)
    simulated = {}
    for order in ORDERS:
        data = frame if order == 1 else merged
        runs = []
        for seed in [NFOLD * index for index in range(SEEDS + 1)]:
            print(f"ChannelAttribution order {order} seed {seed}", file=sys.stderr)
            runs.append(run_markov(data, order, seed))
        converting_walks = NSIM / NFOLD * exact[str(order)]["conversionProbability"]
        entry = {"convertingWalksPerFold": converting_walks}
        for key in ["conversions", "value", "removalEffects", "valueRemovalEffects"]:
            seed0 = [float(runs[0][key].get(c, 0.0)) for c in channels]
            others = numpy.array([[float(run[key].get(c, 0.0)) for c in channels]
                                  for run in runs[1:]])
            entry[key] = {
                "seed0": seed0,
                "mean": others.mean(axis=0).tolist(),
                "sd": others.std(axis=0, ddof=1).tolist(),
            }
        simulated[str(order)] = entry

    document = {
        "generator": {
            "script": "Tests/EndToEndTests/Fixtures/make_pathdata_reference.py",
            "command": COMMAND,
            "python": platform.python_version(),
            "channelattribution": "2.2.5",
            "numpy": numpy.__version__,
            "pandas": pandas.__version__,
        },
        "data": "../shared/data/channelattribution_pathdata.csv",
        "simulation": {"nsim": NSIM, "nfold": NFOLD, "seeds": SEEDS, "maxStep": MAX_STEP},
        "channels": channels,
        "totals": {
            "conversions": float(frame["total_conversions"].sum()),
            "value": math.fsum(frame["total_conversion_value"]),
            "nulls": float(frame["total_null"].sum()),
        },
        "heuristic": heuristics,
        "exactMarkov": exact,
        "channelAttributionMarkov": simulated,
    }
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
