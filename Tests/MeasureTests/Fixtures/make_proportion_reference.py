"""Write proportion_reference.json with two-proportion statistics from statsmodels.

The Measure tests compare LoopSim's GSL-based statistics with these values, which
come from an independent implementation (statsmodels on scipy and numpy).

Pinned versions (the full list is in requirements-reference.txt):
    Python 3.11.7, statsmodels 0.15.0, scipy 1.17.1, numpy 2.4.6

Regenerate from the repository root:
    python3 -m venv /tmp/venv-ref
    /tmp/venv-ref/bin/pip install -r Tests/MeasureTests/Fixtures/requirements-reference.txt
    /tmp/venv-ref/bin/python Tests/MeasureTests/Fixtures/make_proportion_reference.py

For every case the script records:
    zTest             proportions_ztest(count, nobs, alternative=...), pooled variance
                      (statsmodels' default); "larger" means H1: p_treatment > p_control.
    wilsonTreatment,  proportion_confint(count, nobs, alpha, method="wilson")
    wilsonControl
    newcombeDifference
                      confint_proportions_2indep(..., method="newcomb", compare="diff"),
                      Newcombe's hybrid score interval for p_treatment - p_control.
    logRatio          confint_proportions_2indep(..., method="log", compare="ratio"),
                      the Katz log interval for p_treatment / p_control. Its variance
                      1/x1 - 1/n1 + 1/x2 - 1/n2 equals Katz's (1 - p1)/x1 + (1 - p2)/x2,
                      and it adds nothing to the counts (method="log-adjusted" adds 0.5).
    exact             the absolute and relative lift computed with exact rational
                      arithmetic (fractions.Fraction), then rounded once to a double.

A statistic that statsmodels cannot compute (a division by zero, or NaN) is written
as null with the error text beside it, because JSON has no NaN.
"""

import json
import math
import platform
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import numpy
import scipy
import statsmodels
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

OUTPUT = Path(__file__).resolve().parent / "proportion_reference.json"

COMMAND = (
    "python3 -m venv /tmp/venv-ref && "
    "/tmp/venv-ref/bin/pip install -r Tests/MeasureTests/Fixtures/requirements-reference.txt && "
    "/tmp/venv-ref/bin/python Tests/MeasureTests/Fixtures/make_proportion_reference.py"
)

# (name, description, treatment successes, treatment trials,
#  control successes, control trials, confidence level)
CASES = [
    ("newcombeExampleA", "Newcombe (1998) example 56/70 vs 48/80", 56, 70, 48, 80, 0.95),
    ("newcombeExampleB", "Newcombe (1998) example 9/10 vs 3/10", 9, 10, 3, 10, 0.95),
    ("smallCounts99Percent", "small counts at a 99 % level", 56, 70, 48, 80, 0.99),
    ("tinyArms", "one and two successes in three trials", 1, 3, 2, 3, 0.95),
    ("largePositiveLift", "100,000 per arm, 4.12 % vs 3.87 %", 4120, 100000, 3870, 100000, 0.95),
    ("largeNegativeLift", "100,000 per arm, 3.10 % vs 3.40 %", 3100, 100000, 3400, 100000, 0.95),
    ("largeEqualRates", "100,000 per arm, both 3.5 %", 3500, 100000, 3500, 100000, 0.95),
    ("equalRatesUnequalSizes", "3 % in arms of 1,000 and 2,000", 30, 1000, 60, 2000, 0.95),
    ("unequalArmSizes", "4.5 % of 10,000 vs 3.8 % of 50,000", 450, 10000, 1900, 50000, 0.95),
    ("verySmallPValue", "10 % vs 8 % of 50,000 each", 5000, 50000, 4000, 50000, 0.95),
    ("zeroTreatmentSuccesses", "0/50 vs 4/60", 0, 50, 4, 60, 0.95),
    ("zeroControlSuccesses", "3/40 vs 0/45", 3, 40, 0, 45, 0.95),
    ("treatmentRateOne", "20/20 vs 15/20", 20, 20, 15, 20, 0.95),
    ("bothRatesZero", "0/100 vs 0/120: the pooled variance is 0", 0, 100, 0, 120, 0.95),
    ("bothRatesOne", "25/25 vs 30/30: the pooled variance is 0", 25, 25, 30, 30, 0.95),
    ("ninetyPercentLevel", "4.5 % of 10,000 vs 3.8 % of 50,000 at 90 %",
     450, 10000, 1900, 50000, 0.90),
    ("flagshipDefaultRun", "the flagship scenario's default run: 503/4,504 vs 107/1,174",
     503, 4504, 107, 1174, 0.95),
]


def finite_or_none(value):
    """Return value as a float, or None when it is NaN or infinite."""
    value = float(value)
    return value if math.isfinite(value) else None


def guarded(compute):
    """Call compute(); return (result, None), or (None, error text) when it fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return compute(), None
        except (ZeroDivisionError, FloatingPointError, RuntimeWarning) as error:
            return None, f"{type(error).__name__}: {error}"


def interval(compute):
    """Run an interval computation and return it as a JSON object."""
    bounds, error = guarded(compute)
    if bounds is None:
        return {"lower": None, "upper": None, "error": error}
    lower, upper = (finite_or_none(bound) for bound in bounds)
    if lower is None or upper is None:
        return {"lower": None, "upper": None, "error": f"non-finite bounds {bounds}"}
    return {"lower": lower, "upper": upper}


def z_test(counts, trials, alternative):
    """Run proportions_ztest and return (statistic, p-value, error text)."""
    result, error = guarded(
        lambda: proportions_ztest(counts, trials, alternative=alternative)
    )
    if result is None:
        return None, None, error
    return finite_or_none(result[0]), finite_or_none(result[1]), None


def reference_case(name, description, x1, n1, x2, n2, level):
    alpha = 1 - level
    counts, trials = [x1, x2], [n1, n2]

    z_two, p_two, error_two = z_test(counts, trials, "two-sided")
    _, p_larger, _ = z_test(counts, trials, "larger")
    _, p_smaller, _ = z_test(counts, trials, "smaller")
    z = {
        "statistic": z_two,
        "pValueTwoSided": p_two,
        "pValueLarger": p_larger,
        "pValueSmaller": p_smaller,
    }
    if error_two is not None:
        z["error"] = error_two

    rate1, rate2 = Fraction(x1, n1), Fraction(x2, n2)
    relative = float((rate1 - rate2) / rate2) if rate2 != 0 else None

    return {
        "name": name,
        "description": description,
        "treatment": {"successes": x1, "trials": n1},
        "control": {"successes": x2, "trials": n2},
        "confidenceLevel": level,
        "statsmodels": {
            "zTest": z,
            "wilsonTreatment": interval(
                lambda: proportion_confint(x1, n1, alpha=alpha, method="wilson")
            ),
            "wilsonControl": interval(
                lambda: proportion_confint(x2, n2, alpha=alpha, method="wilson")
            ),
            "newcombeDifference": interval(
                lambda: confint_proportions_2indep(
                    x1, n1, x2, n2, method="newcomb", compare="diff", alpha=alpha
                )
            ),
            "logRatio": interval(
                lambda: confint_proportions_2indep(
                    x1, n1, x2, n2, method="log", compare="ratio", alpha=alpha
                )
            ),
        },
        "exact": {"absoluteLift": float(rate1 - rate2), "relativeLift": relative},
    }


def main():
    document = {
        "generator": {
            "script": "Tests/MeasureTests/Fixtures/make_proportion_reference.py",
            "command": COMMAND,
            "python": platform.python_version(),
            "statsmodels": statsmodels.__version__,
            "scipy": scipy.__version__,
            "numpy": numpy.__version__,
        },
        "cases": [reference_case(*case) for case in CASES],
    }
    OUTPUT.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n")
    print(f"wrote {len(CASES)} cases to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
