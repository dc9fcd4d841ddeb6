"""Write a CSV file of generated customer journeys for the attribution benchmark.

One row per journey in ChannelAttribution's path format, which `loopsim attribute` also
reads: `path,total_conversions,total_conversion_value,total_null`, with the channels joined
by ">" and no spaces, so that both programs read the same file unchanged.

The journeys are a small generative model, not data from a run:

- Nine channels. The first touch comes from an acquisition mix (search, social, display,
  affiliate, referral, direct), each later touch from a transition table that favours
  retargeting and email after paid media and direct visits and brand search near the end.
- Consecutive touches are on different channels: a second visit through the same channel
  counts as part of the first. So ChannelAttribution's order-3 chain, which merges repeated
  triples of channels, is the same chain as LoopSim's, which merges repeated channels.
- Path length from 1 to 10 touches, 1 in about 30 % of journeys, fewer the longer.
- A journey converts with a probability that grows with its length and with the channels
  it touched (a logistic model): 4.7 % of the journeys with the default seed. A
  conversion's value is one of four course prices. Counts are integers, which
  ChannelAttribution requires.

Every draw comes from Python's Mersenne Twister seeded with --seed, and only through
`random()`, whose sequence for a given seed the `random` module keeps the same across
Python versions. So the same seed gives the same file.

    python3 bench/make_paths.py --journeys 1000000 --out paths-1m.csv
"""

import argparse
import math
import random
import sys

CHANNELS = ("affiliate", "brand-search", "direct", "display", "email", "paid-search",
            "referral", "retargeting", "social")

# Weights of the first touch's channel.
FIRST_TOUCH = {"affiliate": 4, "direct": 10, "display": 20, "paid-search": 24,
               "referral": 6, "social": 26, "brand-search": 6, "email": 2, "retargeting": 2}

# Weights of the next channel after each channel. The current channel is left out when
# drawing, so touches never repeat.
NEXT_TOUCH = {
    "affiliate": {"direct": 4, "email": 3, "retargeting": 5, "brand-search": 3, "social": 1},
    "brand-search": {"direct": 5, "email": 4, "retargeting": 3, "paid-search": 1},
    "direct": {"email": 5, "retargeting": 4, "brand-search": 4, "social": 2, "paid-search": 2},
    "display": {"retargeting": 8, "direct": 4, "brand-search": 3, "social": 2, "email": 2},
    "email": {"direct": 6, "brand-search": 3, "retargeting": 2, "social": 1},
    "paid-search": {"retargeting": 5, "direct": 5, "email": 3, "display": 2, "brand-search": 2},
    "referral": {"direct": 5, "email": 3, "brand-search": 3, "retargeting": 2},
    "retargeting": {"direct": 5, "email": 4, "brand-search": 4, "display": 1, "social": 1},
    "social": {"retargeting": 6, "direct": 4, "email": 3, "display": 2, "paid-search": 2},
}

# Weights of the path length 1 to 10.
LENGTHS = (30, 20, 14, 10, 8, 6, 5, 3, 2, 2)

# The logistic conversion model: log-odds = INTERCEPT + PER_TOUCH × touches + the sum of
# the effects of the distinct channels touched.
INTERCEPT = -5.6
PER_TOUCH = 0.12
CHANNEL_EFFECT = {"affiliate": 0.2, "brand-search": 0.9, "direct": 0.5, "display": 0.3,
                  "email": 0.8, "paid-search": 0.6, "referral": 0.3, "retargeting": 0.7,
                  "social": 0.1}

DEFAULT_SEED = 20261205

# Course prices and their weights.
PRICES = ((49.0, 3), (99.0, 4), (149.0, 2), (249.0, 1))


def draw(rng, weights):
    """Draws a key of `weights` with probability in proportion to its weight."""
    total = sum(weights.values())
    target = rng.random() * total
    for key, weight in weights.items():
        target -= weight
        if target < 0:
            return key
    return key


def journey(rng):
    """Returns (channels, converted, value) for one generated journey."""
    length = draw(rng, dict(enumerate(LENGTHS, start=1)))
    channels = [draw(rng, FIRST_TOUCH)]
    while len(channels) < length:
        choices = {channel: weight for channel, weight in NEXT_TOUCH[channels[-1]].items()
                   if channel != channels[-1]}
        channels.append(draw(rng, choices))
    logit = INTERCEPT + PER_TOUCH * length + sum(CHANNEL_EFFECT[c] for c in set(channels))
    converted = rng.random() < 1 / (1 + math.exp(-logit))
    value = draw(rng, dict(PRICES)) if converted else 0.0
    return channels, converted, value


def write(journeys, seed, out):
    """Writes the header and `journeys` rows generated from `seed` to the text file `out`."""
    rng = random.Random(seed)
    out.write("path,total_conversions,total_conversion_value,total_null\n")
    for _ in range(journeys):
        channels, converted, value = journey(rng)
        if converted:
            out.write(f"{'>'.join(channels)},1,{value:.0f},0\n")
        else:
            out.write(f"{'>'.join(channels)},0,0,1\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, required=True, help="rows to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--out", required=True, help="the CSV file to write")
    options = parser.parse_args()
    if options.journeys <= 0:
        parser.error(f"--journeys must be at least 1, not {options.journeys}")
    with open(options.out, "w", newline="") as out:
        write(options.journeys, options.seed, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
