"""Write inference_reference.json: reference values for LoopSim's exact, t, power,
multiple-testing, SRM and CUPED statistics, from scipy, statsmodels and numpy.

The Measure tests compare LoopSim's GSL-based statistics with these values, which come
from independent implementations, or from exact rational arithmetic where the
statistic is a closed form.

Pinned versions (the full list is in requirements-reference.txt):
    Python 3.11.7, statsmodels 0.15.0, scipy 1.17.1, numpy 2.4.6

Regenerate from the repository root:
    python3 -m venv /tmp/venv-ref
    /tmp/venv-ref/bin/pip install -r Tests/MeasureTests/Fixtures/requirements-reference.txt
    /tmp/venv-ref/bin/python Tests/MeasureTests/Fixtures/make_inference_reference.py

Sections of the output:
    fisher      scipy.stats.fisher_exact on [[x_t, n_t - x_t], [x_c, n_c - x_c]] for each
                alternative, and needsExactTest: whether an expected cell count under the
                pooled rate is below 5, decided with fractions.Fraction.
    studentT    scipy.stats.t.sf(t, df) and t.isf(p, df), for the t distribution itself,
                and for df = 1 the Cauchy closed form, which is more accurate than scipy
                near t = 0.
    welch       scipy.stats.ttest_ind(equal_var=False) statistic and p-values, and the
                formula: the means, variances (n - 1), Welch-Satterthwaite df and standard
                error from exact rational arithmetic on the input doubles, rounded once;
                t = d / SE; p-values from t.sf and t.cdf; the interval
                d -/+ t.ppf(1 - alpha/2, df) * SE. The script checks that scipy's own
                statistic, df and confidence_interval() agree with the formula to 1e-12,
                except in the cases of SCIPY_IMPRECISE, where scipy loses digits.
    holm        statsmodels.stats.multitest.multipletests(p, method="holm")[1].
    srm         scipy.stats.chisquare(counts, f_exp=N * shares).
    powerSampleSize
                the Fleiss, Levin and Paik formula evaluated directly with norm.isf, and
                statsmodels' NormalIndPower on Cohen's h (proportion_effectsize), which is a
                different approximation, for comparison only.
    powerMinimumDetectableEffect
                the treatment rate that solves the same formula for n per arm, found by
                scipy.optimize.brentq to full precision.
    cuped       theta = cov(X, Y) / var(X) and the adjusted means with numpy, and
                ttest_ind(equal_var=False) on the adjusted values.

A value that the reference library cannot compute (NaN or infinity) is written as null
with the reason beside it, because JSON has no NaN.
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
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

OUTPUT = Path(__file__).resolve().parent / "inference_reference.json"

COMMAND = (
    "python3 -m venv /tmp/venv-ref && "
    "/tmp/venv-ref/bin/pip install -r Tests/MeasureTests/Fixtures/requirements-reference.txt && "
    "/tmp/venv-ref/bin/python Tests/MeasureTests/Fixtures/make_inference_reference.py"
)

# Seed of the generated samples, so that regenerating gives the same file.
DATA_SEED = 20260514


def finite_or_none(value):
    """Return value as a float, or None when it is NaN or infinite."""
    value = float(value)
    return value if math.isfinite(value) else None


def note_if_missing(record, keys, reason):
    """Add a reason to record when any of keys is None."""
    if any(record[key] is None for key in keys):
        record["error"] = reason
    return record


# Fisher's exact test -------------------------------------------------------------------

# (name, description, treatment successes, treatment trials, control successes,
#  control trials)
FISHER_CASES = [
    ("teaTasting", "Fisher's tea-tasting table, 3/4 vs 1/4", 3, 4, 1, 4),
    ("tinyArms", "1/3 vs 2/3", 1, 3, 2, 3),
    ("zeroVersusHalf", "0/10 vs 5/10", 0, 10, 5, 10),
    ("allVersusNone", "10/10 vs 0/10", 10, 10, 0, 10),
    ("singleTrials", "1/1 vs 0/1", 1, 1, 0, 1),
    ("mirrorTie", "2/5 vs 3/5: the mirror table has the same probability", 2, 5, 3, 5),
    ("mirrorTieLarge", "450/1,000 vs 550/1,000: mirror tables tie", 450, 1000, 550, 1000),
    ("atTheMode", "5/10 vs 5/10: the observed table is the mode", 5, 10, 5, 10),
    ("unequalArms", "7/12 vs 2/15", 7, 12, 2, 15),
    ("rareConversions", "3/400 vs 0/380", 3, 400, 0, 380),
    ("smallHoldout", "40/300 vs 2/60", 40, 300, 2, 60),
    ("bothRatesZero", "0/100 vs 0/120: a single table", 0, 100, 0, 120),
    ("bothRatesOne", "25/25 vs 30/30: a single table", 25, 25, 30, 30),
    ("flagshipDefaultRun", "503/4,504 vs 107/1,174", 503, 4504, 107, 1174),
    ("largePositiveLift", "100,000 per arm, 4.12 % vs 3.87 %", 4120, 100000, 3870, 100000),
    ("verySmallPValue", "10 % vs 8 % of 50,000 each", 5000, 50000, 4000, 50000),
    ("underflowingPValue", "0/5,000 vs 2,500/5,000: p below the smallest double",
     0, 5000, 2500, 5000),
]


def needs_exact_test(x1, n1, x2, n2):
    """Return whether an expected cell count under the pooled rate is below 5."""
    total = n1 + n2
    successes = x1 + x2
    failures = total - successes
    expected = [Fraction(n * column, total) for n in (n1, n2) for column in (successes, failures)]
    return min(expected) < 5


def fisher_case(name, description, x1, n1, x2, n2):
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    p = {
        alternative: float(stats.fisher_exact(table, alternative=alternative).pvalue)
        for alternative in ("two-sided", "greater", "less")
    }
    return {
        "name": name,
        "description": description,
        "treatment": {"successes": x1, "trials": n1},
        "control": {"successes": x2, "trials": n2},
        "needsExactTest": needs_exact_test(x1, n1, x2, n2),
        "scipy": {
            "pValueTwoSided": p["two-sided"],
            "pValueGreater": p["greater"],
            "pValueLess": p["less"],
        },
    }


# Student's t distribution --------------------------------------------------------------

STUDENT_T_TAILS = [
    (t, df)
    for df in (1.0, 2.5, 9.0, 29.9, 30.5, 47.3, 200.0, 1.0e4, 1.0e6)
    for t in (0.0, 1.0e-8, 0.3, 1.0, 1.96, 3.0, 6.0, 15.0, -2.0)
]
STUDENT_T_QUANTILES = [
    (p, df)
    for df in (1.0, 3.7, 29.9, 30.5, 120.0, 1.0e5)
    for p in (0.5, 0.1, 0.025, 0.005, 5.0e-7)
]


def student_t_tail(t, df):
    """Return scipy's t.sf and, for one degree of freedom, the Cauchy closed form.

    scipy 1.17.1's t.sf(1e-8, 1) is 0.4999999952568131, a relative 3e-9 below the exact
    1/2 - arctan(1e-8)/pi, so the closed form atan2(1, t)/pi is the reference there.
    """
    record = {"t": t, "degreesOfFreedom": df, "upperTail": float(stats.t.sf(t, df))}
    if df == 1.0:
        record["closedForm"] = math.atan2(1.0, t) / math.pi
    return record


def student_t_section():
    return {
        "tails": [student_t_tail(t, df) for t, df in STUDENT_T_TAILS],
        "quantiles": [
            {"upperTail": p, "degreesOfFreedom": df, "quantile": float(stats.t.isf(p, df))}
            for p, df in STUDENT_T_QUANTILES
        ],
    }


# Welch's t-test ------------------------------------------------------------------------


def generated_samples():
    """Return the named samples that the generated Welch cases use."""
    rng = numpy.random.default_rng(DATA_SEED)
    revenue_t = numpy.round(rng.lognormal(mean=3.0, sigma=1.1, size=220), 2)
    revenue_c = numpy.round(rng.lognormal(mean=2.9, sigma=1.0, size=180), 2)
    separated_t = numpy.round(rng.normal(10.0, 1.0, size=60), 3)
    separated_c = numpy.round(rng.normal(7.0, 1.5, size=70), 3)
    return {
        "revenue": (revenue_t.tolist(), revenue_c.tolist()),
        "separated": (separated_t.tolist(), separated_c.tolist()),
    }


def welch_cases():
    samples = generated_samples()
    offset = 1.0e9
    return [
        ("unequalVariances", "10 against 15 values with different spreads",
         [19.7, 20.4, 21.9, 18.2, 22.5, 20.1, 19.9, 23.3, 21.0, 20.6],
         [18.1, 17.4, 19.9, 18.8, 17.2, 18.6, 19.4, 18.0, 17.9, 18.3, 18.9, 17.5, 19.1,
          18.4, 18.7], 0.95),
        ("revenuePerCustomer", "lognormal revenue, 220 against 180 customers",
         *samples["revenue"], 0.95),
        ("revenuePerCustomer99", "the same revenue at a 99 % level", *samples["revenue"], 0.99),
        ("tinyPValue", "well separated normal samples, p about 1e-25",
         *samples["separated"], 0.95),
        ("twoValuesEach", "the smallest samples: 1, 2 against 3, 5", [1.0, 2.0], [3.0, 5.0],
         0.95),
        ("oneConstantSample", "a constant treatment sample",
         [3.0, 3.0, 3.0, 3.0], [1.0, 2.5, 4.0, 2.0, 3.5], 0.95),
        ("binaryOutcomes", "conversions as 0 and 1, 12/40 against 6/45",
         [1.0] * 12 + [0.0] * 28, [1.0] * 6 + [0.0] * 39, 0.95),
        ("largeOffset", "values near 1e9 that differ in the first decimal",
         [offset + k / 10 for k in (1, 2, 3, 4, 6)], [offset + k / 10 for k in (0, 1, 1, 2)],
         0.95),
        ("bothConstantEqual", "both samples constant at 2", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0],
         0.95),
        ("bothConstantDifferent", "constant samples at 1 and at 2", [1.0, 1.0, 1.0], [2.0, 2.0],
         0.95),
    ]


# Cases where ttest_ind's float64 means lose digits, so only the exact formula is a
# reference, with the reason.
SCIPY_IMPRECISE = {
    "largeOffset": "numpy's float64 mean of values near 1e9 is off by about 1e-7, a relative "
    "1e-6 of the difference 0.2, so scipy's statistic and p-value are right to about 1e-5",
}


def exact_summary(values):
    """Return the exact mean and variance (n - 1) of doubles, as Fractions."""
    exact = [Fraction(value) for value in values]
    n = len(exact)
    mean = sum(exact) / n
    variance = sum((value - mean) ** 2 for value in exact) / (n - 1)
    return mean, variance


def welch_case(name, description, treatment, control, level):
    mean_t, var_t = exact_summary(treatment)
    mean_c, var_c = exact_summary(control)
    w_t, w_c = var_t / len(treatment), var_c / len(control)
    difference = mean_t - mean_c
    record = {
        "name": name,
        "description": description,
        "treatment": treatment,
        "control": control,
        "confidenceLevel": level,
        "exact": {
            "treatmentMean": float(mean_t),
            "treatmentVariance": float(var_t),
            "controlMean": float(mean_c),
            "controlVariance": float(var_c),
            "meanDifference": float(difference),
        },
    }

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        results = {
            alternative: stats.ttest_ind(treatment, control, equal_var=False,
                                         alternative=alternative)
            for alternative in ("two-sided", "greater", "less")
        }
    two_sided = results["two-sided"]
    record["scipy"] = note_if_missing(
        {
            "statistic": finite_or_none(two_sided.statistic),
            "pValueTwoSided": finite_or_none(two_sided.pvalue),
            "pValueGreater": finite_or_none(results["greater"].pvalue),
            "pValueLess": finite_or_none(results["less"].pvalue),
        },
        ["statistic", "pValueTwoSided"],
        f"scipy returns statistic {two_sided.statistic} and p {two_sided.pvalue}",
    )

    if w_t + w_c == 0:
        record["formula"] = {"error": "both variances are 0, so SE is 0 and df is 0/0"}
        return record

    df = (w_t + w_c) ** 2 / (w_t**2 / (len(treatment) - 1) + w_c**2 / (len(control) - 1))
    standard_error = math.sqrt(float(w_t + w_c))
    statistic = float(difference) / standard_error
    critical = float(stats.t.ppf(1 - (1 - level) / 2, float(df)))
    lower = float(difference) - critical * standard_error
    upper = float(difference) + critical * standard_error
    record["formula"] = {
        "degreesOfFreedom": float(df),
        "standardError": standard_error,
        "statistic": statistic,
        "pValueTwoSided": float(2 * stats.t.sf(abs(statistic), float(df))),
        "pValueGreater": float(stats.t.sf(statistic, float(df))),
        "pValueLess": float(stats.t.cdf(statistic, float(df))),
        "lower": lower,
        "upper": upper,
    }
    if name in SCIPY_IMPRECISE:
        record["scipy"]["imprecise"] = SCIPY_IMPRECISE[name]
        return record

    interval = two_sided.confidence_interval(confidence_level=level)
    checks = [
        (float(two_sided.statistic), statistic),
        (float(two_sided.df), float(df)),
        (float(interval.low), lower),
        (float(interval.high), upper),
    ]
    for scipy_value, formula_value in checks:
        if not math.isclose(scipy_value, formula_value, rel_tol=1e-12):
            sys.exit(f"{name}: scipy {scipy_value} differs from the formula {formula_value}")
    return record


# Holm ----------------------------------------------------------------------------------

HOLM_CASES = [
    ("sorted", "four p-values already in ascending order", [0.01, 0.02, 0.03, 0.04]),
    ("unsorted", "the input order must be kept", [0.04, 0.001, 0.3, 0.012, 0.02]),
    ("runningMaximum", "a later raw product below an earlier one is raised to it",
     [0.010, 0.011, 0.012, 0.5]),
    ("cappedAtOne", "products above 1 are capped", [0.2, 0.4, 0.6, 0.9]),
    ("ties", "equal p-values get equal adjusted values", [0.03, 0.01, 0.03, 0.01, 0.2]),
    ("single", "one p-value is unchanged", [0.037]),
    ("zerosAndOnes", "the boundary values 0 and 1", [0.0, 1.0, 0.0, 0.5]),
    ("tiny", "very small p-values keep their precision", [1e-300, 3e-200, 2e-12]),
]


def holm_case(name, description, p_values):
    adjusted = multipletests(p_values, method="holm")[1]
    return {
        "name": name,
        "description": description,
        "pValues": p_values,
        "statsmodels": [float(value) for value in adjusted],
    }


# Sample ratio mismatch -----------------------------------------------------------------

SRM_CASES = [
    ("balanced", "50/50 with a small difference", [10_050, 9_950], [0.5, 0.5]),
    ("mismatch", "50/50 with a clear mismatch", [10_400, 9_600], [0.5, 0.5]),
    ("flagshipHoldout", "the flagship run's 80/20 split", [4504, 1174], [0.8, 0.2]),
    ("threeArms", "three arms 40/40/20", [4_010, 3_950, 2_040], [0.4, 0.4, 0.2]),
    ("zeroCount", "an arm with no customers", [0, 120], [0.5, 0.5]),
    ("tinyPValue", "a severe mismatch", [60_000, 40_000], [0.5, 0.5]),
    ("unevenShares", "shares that are not round numbers",
     [3_301, 3_335, 3_364], [0.33, 0.335, 0.335]),
]


def srm_case(name, description, counts, shares):
    total = sum(counts)
    expected = [total * share for share in shares]
    result = stats.chisquare(counts, f_exp=expected)
    return {
        "name": name,
        "description": description,
        "counts": counts,
        "expectedShares": shares,
        "scipy": {"statistic": float(result.statistic), "pValue": float(result.pvalue)},
    }


# Power analysis ------------------------------------------------------------------------


def required_effect_times_root_n(p1, p2, alpha, power):
    """Return z(1 - alpha/2) sqrt(2 pbar qbar) + z(power) sqrt(p1 q1 + p2 q2)."""
    z_alpha = stats.norm.isf(alpha / 2)
    z_power = stats.norm.isf(1 - power)
    pooled = (p1 + p2) / 2
    return z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )


def check_required_root_n_is_monotone():
    """Check on a grid that the sqrt(n) the formula requires, R(p2) / |p2 - p1| with R as in
    required_effect_times_root_n, decreases as p2 moves away from p1, for power >= 0.5.

    The bisection for the minimum detectable effect relies on this: it makes the treatment
    rate at which a given n reaches the power unique. Returns the number of grid lines.
    """
    checked = 0
    for p1 in (1e-6, 1e-3, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-6):
        for alpha in (1e-6, 0.01, 0.05, 0.5, 0.99):
            for power in (0.5, 0.8, 0.95, 0.999):
                z_alpha = stats.norm.isf(alpha / 2)
                z_power = stats.norm.isf(1 - power)
                for p2 in (numpy.linspace(p1, 1, 20001)[1:], numpy.linspace(p1, 0, 20001)[1:]):
                    pooled = (p1 + p2) / 2
                    required = z_alpha * numpy.sqrt(2 * pooled * (1 - pooled)) + z_power * (
                        numpy.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
                    )
                    root_n = required / numpy.abs(p2 - p1)
                    if numpy.any(numpy.diff(root_n) > 0):
                        sys.exit(f"sqrt(n) not monotone at p1={p1} alpha={alpha} power={power}")
                    checked += 1
    return checked


# (name, baseline rate, treatment rate, alpha, power, arms)
SAMPLE_SIZE_CASES = [
    ("tenToTwelvePercent", 0.10, 0.12, 0.05, 0.80, 2),
    ("onePercentDoubled", 0.01, 0.02, 0.05, 0.80, 2),
    ("smallRelativeLift", 0.03, 0.033, 0.05, 0.80, 2),
    ("halfToFiftyFive", 0.50, 0.55, 0.05, 0.80, 2),
    ("decrease", 0.20, 0.18, 0.05, 0.80, 2),
    ("strictAlphaHighPower", 0.05, 0.06, 0.01, 0.90, 2),
    ("fourArmsBonferroni", 0.10, 0.12, 0.05, 0.80, 4),
    ("powerOneHalf", 0.10, 0.15, 0.05, 0.50, 2),
]

# (name, baseline rate, n per arm, alpha, power, arms, direction)
MDE_CASES = [
    ("flagshipHoldout", 0.09, 1174, 0.05, 0.80, 2, "increase"),
    ("largeArms", 0.035, 100_000, 0.05, 0.80, 2, "increase"),
    ("decrease", 0.20, 5_000, 0.05, 0.80, 2, "decrease"),
    ("threeArms", 0.10, 10_000, 0.05, 0.90, 3, "increase"),
    ("highBaseline", 0.95, 2_000, 0.05, 0.80, 2, "decrease"),
    ("tinyArms", 0.30, 20, 0.05, 0.80, 2, "increase"),
]


def sample_size_case(name, p1, p2, alpha, power, arms):
    comparison_alpha = alpha / (arms - 1)
    root = required_effect_times_root_n(p1, p2, comparison_alpha, power) / (p2 - p1)
    unrounded = root * root
    effect_size = proportion_effectsize(p2, p1)
    cohen = NormalIndPower().solve_power(
        effect_size=effect_size, alpha=comparison_alpha, power=power, ratio=1.0,
        alternative="two-sided",
    )
    return {
        "name": name,
        "baselineRate": p1,
        "treatmentRate": p2,
        "alpha": alpha,
        "power": power,
        "arms": arms,
        "formula": {"unroundedPerArm": unrounded, "perArm": math.ceil(unrounded)},
        "statsmodelsCohensH": {"unroundedPerArm": float(cohen)},
    }


def mde_case(name, p1, n, alpha, power, arms, direction):
    comparison_alpha = alpha / (arms - 1)

    def margin(p2):
        return abs(p2 - p1) * math.sqrt(n) - required_effect_times_root_n(
            p1, p2, comparison_alpha, power
        )

    boundary = 1.0 if direction == "increase" else 0.0
    rate = optimize.brentq(margin, p1, boundary, xtol=1e-300, rtol=4 * sys.float_info.epsilon,
                           maxiter=500)
    return {
        "name": name,
        "baselineRate": p1,
        "sampleSizePerArm": n,
        "alpha": alpha,
        "power": power,
        "arms": arms,
        "direction": direction,
        "brentq": {"treatmentRate": float(rate), "absolute": float(rate - p1)},
    }


# CUPED ---------------------------------------------------------------------------------


def cuped_inputs():
    """Return the named CUPED inputs: outcomes, covariates and arm labels."""
    rng = numpy.random.default_rng(DATA_SEED + 1)
    n_t, n_c = 300, 280
    arms = ["treatment"] * n_t + ["control"] * n_c
    pre = numpy.round(rng.gamma(shape=2.0, scale=20.0, size=n_t + n_c), 2)
    lift = numpy.where(numpy.array(arms) == "treatment", 3.0, 0.0)
    revenue = numpy.round(0.8 * pre + lift + rng.normal(0.0, 12.0, size=n_t + n_c), 2)

    n_bt, n_bc = 400, 380
    binary_arms = ["treatment"] * n_bt + ["control"] * n_bc
    visits = rng.poisson(3.0, size=n_bt + n_bc).astype(float)
    rate = 0.01 + 0.16 * numpy.minimum(visits, 8) / 8
    rate = rate + numpy.where(numpy.array(binary_arms) == "treatment", 0.02, 0.0)
    converted = (rng.random(n_bt + n_bc) < rate).astype(float)

    return [
        ("revenueWithPrePeriod", "revenue adjusted by pre-period revenue",
         revenue.tolist(), pre.tolist(), arms),
        ("conversionWithVisits", "conversions (0 or 1) adjusted by pre-period visits",
         converted.tolist(), visits.tolist(), binary_arms),
        ("constantCovariate", "a covariate that is the same for every unit",
         [3.0, 5.0, 4.0, 1.0, 2.0, 6.0], [7.0] * 6,
         ["treatment", "control", "treatment", "control", "treatment", "control"]),
        ("perfectCovariate", "an outcome that is a linear function of the covariate",
         [2 * x + 1 for x in (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
         ["treatment", "treatment", "treatment", "control", "control", "control"]),
    ]


def cuped_case(name, description, outcomes, covariates, arms):
    y = numpy.array(outcomes)
    x = numpy.array(covariates)
    treated = numpy.array(arms) == "treatment"
    record = {
        "name": name,
        "description": description,
        "outcomes": outcomes,
        "covariates": covariates,
        "arms": arms,
    }
    variance_x = numpy.var(x, ddof=1)
    if variance_x == 0:
        theta = None
        adjusted = y
    else:
        theta = float(numpy.cov(x, y, ddof=1)[0, 1] / variance_x)
        adjusted = y - theta * (x - numpy.mean(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        test = stats.ttest_ind(adjusted[treated], adjusted[~treated], equal_var=False)
    variance_y = numpy.var(y, ddof=1)
    record["numpy"] = {
        "theta": theta,
        "covariateMean": float(numpy.mean(x)),
        "treatmentMean": float(numpy.mean(y[treated])),
        "controlMean": float(numpy.mean(y[~treated])),
        "adjustedTreatmentMean": float(numpy.mean(adjusted[treated])),
        "adjustedControlMean": float(numpy.mean(adjusted[~treated])),
        "varianceReduction": (
            float(1 - numpy.var(adjusted, ddof=1) / variance_y) if variance_y > 0 else None
        ),
    }
    record["scipy"] = note_if_missing(
        {
            "statistic": finite_or_none(test.statistic),
            "pValue": finite_or_none(test.pvalue),
            "degreesOfFreedom": finite_or_none(test.df),
        },
        ["statistic", "pValue", "degreesOfFreedom"],
        f"scipy returns statistic {test.statistic} and p {test.pvalue}",
    )
    return record


# Output --------------------------------------------------------------------------------


def main():
    monotone_grids = check_required_root_n_is_monotone()
    document = {
        "generator": {
            "script": "Tests/MeasureTests/Fixtures/make_inference_reference.py",
            "command": COMMAND,
            "python": platform.python_version(),
            "statsmodels": statsmodels.__version__,
            "scipy": scipy.__version__,
            "numpy": numpy.__version__,
            "powerRootNMonotoneGrids": monotone_grids,
        },
        "fisher": [fisher_case(*case) for case in FISHER_CASES],
        "studentT": student_t_section(),
        "welch": [welch_case(*case) for case in welch_cases()],
        "holm": [holm_case(*case) for case in HOLM_CASES],
        "srm": [srm_case(*case) for case in SRM_CASES],
        "powerSampleSize": [sample_size_case(*case) for case in SAMPLE_SIZE_CASES],
        "powerMinimumDetectableEffect": [mde_case(*case) for case in MDE_CASES],
        "cuped": [cuped_case(*case) for case in cuped_inputs()],
    }
    OUTPUT.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n")
    print(f"wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
