"""Helpers the notebooks share: find a run's results folder, read its tables, run loopsim,
and the interval formulas that loopsim reports (Wilson for a rate, Newcombe's hybrid score
interval for a difference of rates)."""

import json
import math
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd

REPOSITORY = Path(__file__).resolve().parent.parent

# The 97.5 % quantile of the standard normal distribution, for 95 % two-sided intervals.
Z95 = 1.959963984540054


def find_run(variable, scenario):
    """Return the results folder named by the environment variable `variable`, else the
    newest folder of `scenario` under Results/runs/.

    Raises FileNotFoundError naming the command that makes such a run."""
    named = os.environ.get(variable)
    if named:
        folder = Path(named)
        if not (folder / "summary.json").is_file():
            raise FileNotFoundError(f"{variable}={named}: no summary.json in that folder")
        return folder
    runs = sorted((REPOSITORY / "Results" / "runs").glob(f"{scenario}-*"))
    runs = [run for run in runs if (run / "summary.json").is_file()]
    if not runs:
        raise FileNotFoundError(
            f"no run of {scenario} under Results/runs/. Make one with "
            f"`loopsim run Scenarios/{scenario}.json5 --customers 20000`, or set {variable} "
            "to a results folder.")
    return max(runs, key=lambda run: run.stat().st_mtime)


def read_summary(folder):
    """Return summary.json of a results folder as a dict."""
    with open(Path(folder) / "summary.json", encoding="utf-8") as file:
        return json.load(file)


def read_sql(folder, sql, params=()):
    """Run a query on the folder's results.sqlite, opened read-only, with bound parameters."""
    uri = (Path(folder) / "results.sqlite").resolve().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        return pd.read_sql_query(sql, connection, params=params)


def loopsim_binary():
    """Return the loopsim executable: LOOPSIM_BINARY, else a build in .build/, else the
    one on the PATH."""
    if os.environ.get("LOOPSIM_BINARY"):
        return os.environ["LOOPSIM_BINARY"]
    for configuration in ("release", "debug"):
        candidate = REPOSITORY / ".build" / configuration / "loopsim"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("loopsim")
    if found is None:
        raise FileNotFoundError("loopsim not found: run `swift build`, or set LOOPSIM_BINARY")
    return found


def run_loopsim_json(*arguments):
    """Run `loopsim ARGUMENTS --json` and return the parsed output."""
    result = subprocess.run(
        [loopsim_binary(), *arguments, "--json", "--quiet"],
        capture_output=True, text=True, check=False, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"loopsim {' '.join(arguments)} failed: {result.stderr}")
    return json.loads(result.stdout)


def wilson_interval(successes, trials, z=Z95):
    """Return the Wilson score interval (lower, upper) of a binomial rate."""
    rate = successes / trials
    denominator = trials + z * z
    centre = (successes + z * z / 2) / denominator
    half = z * math.sqrt(trials) / denominator * math.sqrt(rate * (1 - rate) + z * z / (4 * trials))
    return centre - half, centre + half


def newcombe_interval(treated, treated_trials, control, control_trials, z=Z95):
    """Return Newcombe's hybrid score interval (his method 10) for the difference of two
    rates, treatment minus control, from the two Wilson intervals."""
    rate_t = treated / treated_trials
    rate_c = control / control_trials
    lower_t, upper_t = wilson_interval(treated, treated_trials, z)
    lower_c, upper_c = wilson_interval(control, control_trials, z)
    difference = rate_t - rate_c
    return (
        difference - math.sqrt((rate_t - lower_t) ** 2 + (upper_c - rate_c) ** 2),
        difference + math.sqrt((upper_t - rate_t) ** 2 + (rate_c - lower_c) ** 2),
    )
