"""The reference funnel of Scenarios/reference-funnel.json5 as a SimPy 4 program.

One process per customer, started by a source process at the customer's arrival time.
Every step that the LoopSim model counts as an event is one timeout here, and the program
counts those model events itself: SimPy's own process start and end events are not
counted. Time is in hours.

Prints one JSON object: events by step, conversions by arm among abandoners, the relative
lift, and the wall and CPU seconds spent in env.run().
"""

import argparse
import hashlib
import json
import random
import struct
import sys
import time

import simpy

HOUR = 1.0
MINUTE = HOUR / 60
DAY = 24 * HOUR

ARRIVAL_WINDOW = 30 * DAY
CHANNELS = ("display", "social")
TRAILER = (0.30, 2 * HOUR)
CLASS_PAGE = (0.50, 1 * HOUR)
ADD_TO_CART = (0.40, 20 * MINUTE)
CHECKOUT = (0.35, 10 * MINUTE)
HOLDOUT = 0.10
EMAIL_DELAY = 1 * HOUR
EMAIL_OPEN = (0.25, 3 * HOUR)
EMAIL_CLICK = (0.30, 10 * MINUTE)
EMAIL_RETURN = (0.20, 30 * MINUTE)
ORGANIC_RETURN = (0.05, 2 * DAY)

STEPS = (
    "arrival", "trailer", "classPage", "addToCart", "checkout", "email", "emailOpen",
    "emailClick", "emailReturn", "organicReturn",
)


class Funnel:
    """The shared state of one run: the random generator, counters and conversions."""

    def __init__(self, env, customers, seed):
        self.env = env
        self.seed = seed
        self.rng = random.Random(seed)
        self.events = dict.fromkeys(STEPS, 0)
        self.arrivals_by_channel = dict.fromkeys(CHANNELS, 0)
        self.converted = bytearray(customers)
        self.checkout_purchases = 0
        self.abandoners = {"treatment": 0, "holdout": 0}
        self.conversions = {"treatment": 0, "holdout": 0}

    def delay(self, mean):
        return self.rng.expovariate(1.0 / mean)

    def in_holdout(self, customer):
        """Assigns the arm by a hash of (seed, customer id)."""
        digest = hashlib.blake2b(struct.pack("<QQ", self.seed, customer), digest_size=8)
        return int.from_bytes(digest.digest(), "little") / 2.0**64 < HOLDOUT

    def source(self, customers):
        """Starts one customer process at each arrival, uniform over the window."""
        arrivals = sorted(self.rng.uniform(0, ARRIVAL_WINDOW) for _ in range(customers))
        for customer, arrival in enumerate(arrivals):
            yield self.env.timeout(arrival - self.env.now)
            self.events["arrival"] += 1
            self.env.process(self.customer(customer))

    def customer(self, customer):
        rng = self.rng
        self.arrivals_by_channel[rng.choice(CHANNELS)] += 1
        for step, (probability, mean) in (
            ("trailer", TRAILER), ("classPage", CLASS_PAGE), ("addToCart", ADD_TO_CART),
        ):
            if rng.random() >= probability:
                return
            yield self.env.timeout(self.delay(mean))
            self.events[step] += 1

        yield self.env.timeout(self.delay(CHECKOUT[1]))
        self.events["checkout"] += 1
        if rng.random() < CHECKOUT[0]:
            self.converted[customer] = 1
            self.checkout_purchases += 1
            return

        arm = "holdout" if self.in_holdout(customer) else "treatment"
        self.abandoners[arm] += 1
        if arm == "treatment":
            self.env.process(self.email(customer, arm))
        if rng.random() < ORGANIC_RETURN[0]:
            yield self.env.timeout(self.delay(ORGANIC_RETURN[1]))
            self.events["organicReturn"] += 1
            self.convert(customer, arm)

    def email(self, customer, arm):
        rng = self.rng
        yield self.env.timeout(EMAIL_DELAY)
        self.events["email"] += 1
        for step, (probability, mean) in (
            ("emailOpen", EMAIL_OPEN), ("emailClick", EMAIL_CLICK), ("emailReturn", EMAIL_RETURN),
        ):
            if rng.random() >= probability:
                return
            yield self.env.timeout(self.delay(mean))
            self.events[step] += 1
        self.convert(customer, arm)

    def convert(self, customer, arm):
        """Counts a return purchase unless the customer has converted already."""
        if not self.converted[customer]:
            self.converted[customer] = 1
            self.conversions[arm] += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=20261204)
    arguments = parser.parse_args()

    env = simpy.Environment()
    funnel = Funnel(env, arguments.customers, arguments.seed)
    env.process(funnel.source(arguments.customers))
    started, started_cpu = time.perf_counter(), time.process_time()
    env.run()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu

    rates = {
        arm: funnel.conversions[arm] / funnel.abandoners[arm] if funnel.abandoners[arm] else None
        for arm in ("treatment", "holdout")
    }
    lift = (
        rates["treatment"] / rates["holdout"] - 1
        if rates["treatment"] is not None and rates["holdout"]
        else None
    )
    total = sum(funnel.events.values())
    json.dump(
        {
            "program": "simpy",
            "simpyVersion": simpy.__version__,
            "customers": arguments.customers,
            "seed": arguments.seed,
            "events": total,
            "eventsPerCustomer": total / arguments.customers,
            "eventsByStep": funnel.events,
            "arrivalsByChannel": funnel.arrivals_by_channel,
            "checkoutPurchases": funnel.checkout_purchases,
            "arms": [
                {
                    "name": arm,
                    "abandoners": funnel.abandoners[arm],
                    "conversions": funnel.conversions[arm],
                    "conversionRate": rates[arm],
                }
                for arm in ("treatment", "holdout")
            ],
            "relativeLift": lift,
            "simulationSeconds": seconds,
            "simulationCpuSeconds": cpu_seconds,
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
