"""Write attribution_reference.json: reference attributions of small generated path sets,
computed independently of LoopSim with numpy and the standard library.

The Measure tests build the same paths with LoopSim's API and require agreement to a
relative 1e-9 (see AttributionReferenceTests.swift).

Pinned versions (the full list is in requirements-attribution.txt):
    Python 3.11.7, numpy 2.4.6

Regenerate from the repository root:
    python3 -m venv /tmp/venv-attribution
    /tmp/venv-attribution/bin/pip install -r Tests/MeasureTests/Fixtures/requirements-attribution.txt
    /tmp/venv-attribution/bin/python Tests/MeasureTests/Fixtures/make_attribution_reference.py

The path sets come from numpy's default generator with fixed seeds:
    integer      integer conversions and nulls, with repeated channels and a direct channel
    fractional   the same shape with fractional conversions and nulls (ChannelAttribution
                 truncates these to integers, so numpy is the reference here)
    timed        touches and conversions with millisecond timestamps, for time decay

For each set it records:
    heuristics   first, last, last-non-direct (direct channel "direct"), linear,
                 position-based (0.4 first, 0.4 last, middle split evenly; two touches
                 0.5 each) and time decay (half-life 7 days on timed paths, 1 touch by
                 position on the others), as plain loops over the paths.
    markov       the absorbing chain of orders 1, 2 and 3 with repeats merged, and orders 1
                 and 2 with repeats kept: states are the windows of k consecutive channels
                 (the whole path when shorter), transitions weighted by conversions + nulls.
                 P(conversion) and the expected value come from the fundamental matrix
                 N = inv(I - Q) (numpy.linalg.inv), as N R. A channel is removed by
                 redirecting every state that contains it to (null): its row of Q becomes 0
                 and its absorption row (0, 1). The removal effect is 1 - P_removed / P.
    shapley      Shapley values by their definition, the average over all n! orderings of
                 the channels of each channel's marginal contribution (itertools.permutations),
                 for v(S) = conversions of the paths whose channel set is a subset of S, and
                 for v(S) = their conversion rate (0 when there are none), and the same with
                 value in place of conversions.
"""

import itertools
import json
import math
import platform
import sys
from pathlib import Path

import numpy

OUTPUT = Path(__file__).resolve().parent / "attribution_reference.json"

COMMAND = (
    "python3 -m venv /tmp/venv-attribution && "
    "/tmp/venv-attribution/bin/pip install -r "
    "Tests/MeasureTests/Fixtures/requirements-attribution.txt && "
    "/tmp/venv-attribution/bin/python Tests/MeasureTests/Fixtures/make_attribution_reference.py"
)

CHANNELS = ["direct", "display", "email", "search", "social"]
DIRECT = "direct"
HALF_LIFE_MS = 7 * 86_400_000
HALF_LIFE_TOUCHES = 1.0


# Path sets


def generate_paths(seed, rows, fractional=False, timed=False):
    """Returns a list of path dicts: channels, timestamps (or None), conversionTime,
    conversions, value, nulls."""
    rng = numpy.random.default_rng(seed)
    weights = numpy.array([0.15, 0.15, 0.25, 0.3, 0.15])
    paths = []
    for _ in range(rows):
        length = int(rng.geometric(0.4))
        channels = []
        for _ in range(length):
            if channels and rng.random() < 0.25:
                channels.append(channels[-1])  # a repeat
            else:
                channels.append(CHANNELS[rng.choice(len(CHANNELS), p=weights)])
        if fractional:
            conversions = float(rng.choice([0, 0, 0.25, 0.5, 1.5, 2.75]))
            nulls = float(rng.choice([0, 0.5, 1, 3.25, 7]))
        else:
            conversions = float(rng.poisson(0.6))
            nulls = float(rng.poisson(3))
        if conversions == 0 and nulls == 0:
            nulls = 1.0
        value = round(conversions * float(rng.lognormal(3, 0.5)), 3)
        timestamps = None
        conversion_time = None
        if timed:
            start = int(rng.integers(0, 30 * 86_400_000))
            gaps = rng.exponential(2 * 86_400_000, size=length)
            times = (start + numpy.cumsum(gaps)).astype(numpy.int64)
            if length >= 2 and rng.random() < 0.3:
                times[1] = times[0]  # equal timestamps
            timestamps = [int(t) for t in times]
            if conversions > 0:
                conversion_time = int(times[-1] + rng.exponential(86_400_000))
        paths.append({
            "channels": channels,
            "timestamps": timestamps,
            "conversionTime": conversion_time,
            "conversions": conversions,
            "value": value,
            "nulls": nulls,
        })
    return paths


# Heuristic models


def heuristic(paths, channels, touch_weights):
    conversions = {c: 0.0 for c in channels}
    value = {c: 0.0 for c in channels}
    for path in paths:
        weights = touch_weights(path)
        for channel, weight in zip(path["channels"], weights):
            conversions[channel] += path["conversions"] * weight
            value[channel] += path["value"] * weight
    return {
        "conversions": [conversions[c] for c in channels],
        "value": [value[c] for c in channels],
    }


def first_weights(path):
    n = len(path["channels"])
    return [1.0 if i == 0 else 0.0 for i in range(n)]


def last_weights(path):
    n = len(path["channels"])
    return [1.0 if i == n - 1 else 0.0 for i in range(n)]


def last_non_direct_weights(path):
    n = len(path["channels"])
    chosen = n - 1
    for i in range(n - 1, -1, -1):
        if path["channels"][i] != DIRECT:
            chosen = i
            break
    return [1.0 if i == chosen else 0.0 for i in range(n)]


def linear_weights(path):
    n = len(path["channels"])
    return [1.0 / n] * n


def position_weights(path):
    n = len(path["channels"])
    if n == 1:
        return [1.0]
    if n == 2:
        return [0.5, 0.5]
    return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]


def time_decay_weights(path):
    n = len(path["channels"])
    if path["timestamps"] is not None:
        reference = path["conversionTime"]
        if reference is None:
            reference = max(path["timestamps"])
        ages = [max(0, reference - t) for t in path["timestamps"]]
        scale = HALF_LIFE_MS
    else:
        ages = [n - 1 - i for i in range(n)]
        scale = HALF_LIFE_TOUCHES
    raw = [2.0 ** (-(a - min(ages)) / scale) for a in ages]
    total = math.fsum(raw)
    return [w / total for w in raw]


def heuristics(paths, channels):
    return {
        "first": heuristic(paths, channels, first_weights),
        "last": heuristic(paths, channels, last_weights),
        "last-non-direct": heuristic(paths, channels, last_non_direct_weights),
        "linear": heuristic(paths, channels, linear_weights),
        "position": heuristic(paths, channels, position_weights),
        "time-decay": heuristic(paths, channels, time_decay_weights),
    }


# Markov chain


def chain_states(channels, order, keep_repeats):
    if not keep_repeats:
        merged = []
        for channel in channels:
            if not merged or merged[-1] != channel:
                merged.append(channel)
        channels = merged
    if len(channels) <= order:
        return [tuple(channels)]
    return [tuple(channels[i:i + order]) for i in range(len(channels) - order + 1)]


def absorbing_chain(paths, order, keep_repeats):
    """Returns (states, Q, R, value rate) with state 0 = (start). R's columns are
    (conversion) and (null). A state's value rate is the value of the conversions leaving it
    over its total outgoing weight, so that the expected value is N[start] @ value_rate."""
    sequences = []
    states = {(): 0}
    for path in paths:
        weight = path["conversions"] + path["nulls"]
        if not path["channels"] or weight <= 0:
            continue
        sequence = chain_states(path["channels"], order, keep_repeats)
        for state in sequence:
            states.setdefault(state, len(states))
        sequences.append((sequence, path))
    n = len(states)
    counts = numpy.zeros((n, n + 2))
    value = numpy.zeros(n)
    for sequence, path in sequences:
        weight = path["conversions"] + path["nulls"]
        previous = 0
        for state in sequence:
            counts[previous, states[state]] += weight
            previous = states[state]
        counts[previous, n] += path["conversions"]
        counts[previous, n + 1] += path["nulls"]
        value[previous] += path["value"]
    totals = counts.sum(axis=1)
    probabilities = counts / totals[:, None]
    return states, probabilities[:, :n], probabilities[:, n:], value / totals


def absorption(Q, R, value_rate):
    n = Q.shape[0]
    fundamental = numpy.linalg.inv(numpy.eye(n) - Q)
    conversion = (fundamental @ R)[0, 0]
    expected_value = fundamental[0] @ value_rate
    return float(conversion), float(expected_value)


def markov(paths, channels, order, keep_repeats):
    states, Q, R, value_rate = absorbing_chain(paths, order, keep_repeats)
    conversion, expected_value = absorption(Q, R, value_rate)
    effects = []
    value_effects = []
    for channel in channels:
        removed = [index for state, index in states.items() if channel in state]
        Q_removed = Q.copy()
        R_removed = R.copy()
        value_removed = value_rate.copy()
        for index in removed:
            Q_removed[index, :] = 0
            R_removed[index, :] = [0, 1]
            value_removed[index] = 0
        conversion_removed, value_without = absorption(Q_removed, R_removed, value_removed)
        effects.append(1 - conversion_removed / conversion)
        value_effects.append(1 - value_without / expected_value)
    total_conversions = math.fsum(p["conversions"] for p in paths if p["channels"])
    total_value = math.fsum(p["value"] for p in paths if p["channels"])
    return {
        "order": order,
        "keepRepeats": keep_repeats,
        "states": len(states) - 1,
        "conversionProbability": conversion,
        "expectedValue": expected_value,
        "removalEffects": effects,
        "valueRemovalEffects": value_effects,
        "conversions": [total_conversions * e / math.fsum(effects) for e in effects],
        "value": [total_value * e / math.fsum(value_effects) for e in value_effects],
    }


# Shapley values


def shapley_by_orderings(channels, game):
    """The average over all orderings of each channel's marginal contribution."""
    totals = {c: [] for c in channels}
    orderings = list(itertools.permutations(channels))
    for ordering in orderings:
        coalition = frozenset()
        for channel in ordering:
            joined = coalition | {channel}
            totals[channel].append(game(joined) - game(coalition))
            coalition = joined
    return [math.fsum(totals[c]) / len(orderings) for c in channels]


def shapley(paths, channels):
    attributable = [p for p in paths if p["channels"]]

    def sums(coalition):
        inside = [p for p in attributable if set(p["channels"]) <= coalition]
        return (
            math.fsum(p["conversions"] for p in inside),
            math.fsum(p["value"] for p in inside),
            math.fsum(p["conversions"] + p["nulls"] for p in inside),
        )

    def conversions_game(coalition):
        return sums(coalition)[0]

    def value_game(coalition):
        return sums(coalition)[1]

    def rate_game(coalition):
        conversions, _, weight = sums(coalition)
        return conversions / weight if weight > 0 else 0.0

    def value_rate_game(coalition):
        _, value, weight = sums(coalition)
        return value / weight if weight > 0 else 0.0

    weight = math.fsum(p["conversions"] + p["nulls"] for p in attributable)
    conversions = shapley_by_orderings(channels, conversions_game)
    value = shapley_by_orderings(channels, value_game)
    rates = shapley_by_orderings(channels, rate_game)
    value_rates = shapley_by_orderings(channels, value_rate_game)
    return {
        "conversions": {
            "shapleyValues": conversions,
            "valueShapleyValues": value,
            "conversionCredits": conversions,
            "valueCredits": value,
        },
        "conversionRate": {
            "shapleyValues": rates,
            "valueShapleyValues": value_rates,
            "conversionCredits": [r * weight for r in rates],
            "valueCredits": [r * weight for r in value_rates],
        },
    }


# Output


CASES = [
    ("integer", "80 rows of integer counts with repeats and a direct channel", 11, {}),
    ("fractional", "80 rows of fractional conversions and nulls", 12, {"fractional": True}),
    ("timed", "60 rows with millisecond timestamps and conversion times", 13,
     {"timed": True, "rows": 60}),
]


def main():
    cases = []
    for name, description, seed, options in CASES:
        rows = options.pop("rows", 80)
        paths = generate_paths(seed, rows, **options)
        channels = sorted({c for p in paths for c in p["channels"]})
        chains = [markov(paths, channels, order, False) for order in (1, 2, 3)]
        chains += [markov(paths, channels, order, True) for order in (1, 2)]
        cases.append({
            "name": name,
            "description": description,
            "seed": seed,
            "paths": paths,
            "channels": channels,
            "heuristics": heuristics(paths, channels),
            "markov": chains,
            "shapley": shapley(paths, channels),
        })
    document = {
        "generator": {
            "script": "Tests/MeasureTests/Fixtures/make_attribution_reference.py",
            "command": COMMAND,
            "python": platform.python_version(),
            "numpy": numpy.__version__,
        },
        "halfLifeMilliseconds": HALF_LIFE_MS,
        "halfLifeInTouches": HALF_LIFE_TOUCHES,
        "directChannel": DIRECT,
        "cases": cases,
    }
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
