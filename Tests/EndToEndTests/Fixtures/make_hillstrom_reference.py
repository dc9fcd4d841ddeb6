"""Write hillstrom_reference.json: reference values for `loopsim lift` on the Hillstrom
e-mail campaign data, from statsmodels, scipy and numpy.

The end-to-end test runs `loopsim lift` on the same file with

    --arm segment --control "No E-Mail" --outcome visit --outcome conversion
    --outcome spend --covariate history --json

and compares every deterministic value here with its output to a relative 1e-9, and the
bootstrap interval limits within the Monte Carlo tolerance written beside them.

Pinned versions (the full list is in requirements-reference.txt beside this file):
    Python 3.11.7, statsmodels 0.15.0, scipy 1.17.1, numpy 2.4.6

Regenerate from the repository root (the data file sits outside the repository):
    python3 -m venv /tmp/venv-ref
    /tmp/venv-ref/bin/pip install -r Tests/EndToEndTests/Fixtures/requirements-reference.txt
    /tmp/venv-ref/bin/python Tests/EndToEndTests/Fixtures/make_hillstrom_reference.py \
        ../shared/data/hillstrom.csv

What each section holds, for both treatment arms ("Mens E-Mail", "Womens E-Mail")
against the control "No E-Mail":
    arms        rows per arm, and scipy.stats.chisquare of those counts against equal
                shares (the sample ratio check).
    binary      for visit and conversion: per arm successes, rate and
                proportion_confint(method="wilson"); per treatment arm the absolute and
                relative lift, proportions_ztest (pooled, two-sided),
                confint_proportions_2indep(method="newcomb", compare="diff") and
                (method="log", compare="ratio") minus 1, and multipletests(method="holm")
                over the two treatment arms' p-values.
    continuous  for spend: per arm mean and standard deviation (ddof=1); per treatment arm
                scipy.stats.ttest_ind(equal_var=False): statistic, p-value, the
                Welch-Satterthwaite df and confidence_interval(0.95); Holm as above.
    cuped       for every outcome with history as the covariate, pooled over the two arms
                of each comparison: theta = cov(X, Y) / var(X), the adjusted means
                Y - theta (X - mean X) per arm, the variance reduction
                1 - var(Y') / var(Y) with numpy, ttest_ind(equal_var=False) on the adjusted
                values, and Holm over the treatment arms.
    bootstrap   for spend: scipy.stats.bootstrap of the difference of means, 2000
                resamples, percentile and BCa intervals from one bootstrap distribution.

Bootstrap tolerance. Each interval limit is a Monte Carlo estimate. Its standard error is
estimated here by resampling scipy's 2000 replicates 2000 times and recomputing the
limits (z0 too for BCa, with the jackknife acceleration fixed, as it does not depend on
the resamples). LoopSim draws its own 2000 resamples independently, so the difference of
the two limits has a standard deviation of about sqrt(2) times that standard error. The
tolerance is 4 sqrt(2) standard errors. A correct implementation exceeds it with a
probability of about 6e-5 per limit (a normal tail beyond 4 standard deviations).
"""

import csv
import json
import math
import platform
import sys
from pathlib import Path

import numpy
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

CONTROL = "No E-Mail"
TREATMENTS = ["Mens E-Mail", "Womens E-Mail"]
ARMS = sorted([CONTROL] + TREATMENTS)
BINARY = ["visit", "conversion"]
CONTINUOUS = ["spend"]
COVARIATE = "history"
ALPHA = 0.05
RESAMPLES = 2000
BOOTSTRAP_SEED = 20080101
TOLERANCE_STANDARD_ERRORS = 4 * math.sqrt(2)


def read_columns(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = {"segment": numpy.array([row["segment"] for row in rows])}
    for name in BINARY + CONTINUOUS + [COVARIATE]:
        columns[name] = numpy.array([float(row[name]) for row in rows])
    return columns


def holm(p_values):
    return [float(p) for p in multipletests(p_values, method="holm")[1]]


def welch(treatment, control):
    result = stats.ttest_ind(treatment, control, equal_var=False)
    interval = result.confidence_interval(confidence_level=1 - ALPHA)
    return {
        "meanDifference": float(numpy.mean(treatment) - numpy.mean(control)),
        "tStatistic": float(result.statistic),
        "degreesOfFreedom": float(result.df),
        "pValue": float(result.pvalue),
        "ci95": [float(interval.low), float(interval.high)],
    }


def binary_section(columns, segment):
    section = {}
    for name in BINARY:
        values = columns[name]
        arms = []
        counts = {}
        for arm in ARMS:
            selected = values[segment == arm]
            successes = int(selected.sum())
            trials = len(selected)
            counts[arm] = (successes, trials)
            low, high = proportion_confint(successes, trials, alpha=ALPHA, method="wilson")
            arms.append({
                "arm": arm, "rows": trials, "successes": successes,
                "rate": successes / trials, "rateCi95": [float(low), float(high)],
            })
        comparisons = []
        for arm in TREATMENTS:
            x_t, n_t = counts[arm]
            x_c, n_c = counts[CONTROL]
            z, p = proportions_ztest([x_t, x_c], [n_t, n_c])
            diff = confint_proportions_2indep(
                x_t, n_t, x_c, n_c, method="newcomb", compare="diff", alpha=ALPHA)
            ratio = confint_proportions_2indep(
                x_t, n_t, x_c, n_c, method="log", compare="ratio", alpha=ALPHA)
            comparisons.append({
                "treatment": arm,
                "absoluteLift": x_t / n_t - x_c / n_c,
                "absoluteLiftCi95": [float(diff[0]), float(diff[1])],
                "relativeLift": (x_t / n_t) / (x_c / n_c) - 1,
                "relativeLiftCi95": [float(ratio[0]) - 1, float(ratio[1]) - 1],
                "zStatistic": float(z),
                "pValue": float(p),
            })
        for comparison, adjusted in zip(comparisons, holm([c["pValue"] for c in comparisons])):
            comparison["pValueHolm"] = adjusted
        section[name] = {"arms": arms, "comparisons": comparisons}
    return section


def continuous_section(columns, segment):
    section = {}
    for name in CONTINUOUS:
        values = columns[name]
        arms = [{
            "arm": arm, "rows": int((segment == arm).sum()),
            "mean": float(numpy.mean(values[segment == arm])),
            "standardDeviation": float(numpy.std(values[segment == arm], ddof=1)),
        } for arm in ARMS]
        comparisons = []
        for arm in TREATMENTS:
            comparison = {"treatment": arm}
            comparison.update(welch(values[segment == arm], values[segment == CONTROL]))
            comparisons.append(comparison)
        for comparison, adjusted in zip(comparisons, holm([c["pValue"] for c in comparisons])):
            comparison["pValueHolm"] = adjusted
        section[name] = {"arms": arms, "comparisons": comparisons}
    return section


def cuped_section(columns, segment):
    section = {}
    for name in BINARY + CONTINUOUS:
        comparisons = []
        for arm in TREATMENTS:
            in_pair = (segment == arm) | (segment == CONTROL)
            y = columns[name][in_pair]
            x = columns[COVARIATE][in_pair]
            is_treatment = segment[in_pair] == arm
            theta = numpy.cov(x, y, ddof=1)[0, 1] / numpy.var(x, ddof=1)
            adjusted = y - theta * (x - numpy.mean(x))
            test = welch(adjusted[is_treatment], adjusted[~is_treatment])
            comparisons.append({
                "treatment": arm,
                "theta": float(theta),
                "adjustedTreatmentMean": float(numpy.mean(adjusted[is_treatment])),
                "adjustedControlMean": float(numpy.mean(adjusted[~is_treatment])),
                "adjustedDifference": test["meanDifference"],
                "tStatistic": test["tStatistic"],
                "degreesOfFreedom": test["degreesOfFreedom"],
                "pValue": test["pValue"],
                "ci95": test["ci95"],
                "varianceReduction": float(
                    1 - numpy.var(adjusted, ddof=1) / numpy.var(y, ddof=1)),
            })
        for comparison, adjusted in zip(comparisons, holm([c["pValue"] for c in comparisons])):
            comparison["pValueHolm"] = adjusted
        section[name] = comparisons
    return section


def difference_of_means(treatment, control, axis=-1):
    return numpy.mean(treatment, axis=axis) - numpy.mean(control, axis=axis)


def acceleration(treatment, control):
    """The jackknife acceleration of a difference of means, in the closed form that scipy's
    two-sample jackknife reduces to: U = x - mean(x) for the treatment and
    -(y - mean(y)) for the control."""
    numerator = 0.0
    spread = 0.0
    for deviations in (treatment - treatment.mean(), -(control - control.mean())):
        n = len(deviations)
        numerator += numpy.sum(deviations ** 3) / n ** 3
        spread += numpy.sum(deviations ** 2) / n ** 2
    return numerator / (6 * spread ** 1.5)


def interval_limits(replicates, estimate, accel):
    """The percentile and BCa limits from a set of replicates, as scipy computes them."""
    percentile = numpy.percentile(replicates, [100 * ALPHA / 2, 100 * (1 - ALPHA / 2)])
    share = (numpy.sum(replicates < estimate) + numpy.sum(replicates <= estimate))
    z0 = stats.norm.ppf(share / (2 * len(replicates)))
    z = stats.norm.ppf([ALPHA / 2, 1 - ALPHA / 2])
    levels = stats.norm.cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
    bca = numpy.percentile(replicates, 100 * levels)
    return numpy.concatenate([percentile, bca])


def bootstrap_section(columns, segment):
    rng = numpy.random.default_rng(BOOTSTRAP_SEED)
    section = {}
    for name in CONTINUOUS:
        comparisons = []
        for arm in TREATMENTS:
            treatment = columns[name][segment == arm]
            control = columns[name][segment == CONTROL]
            percentile = stats.bootstrap(
                (treatment, control), difference_of_means, n_resamples=RESAMPLES,
                confidence_level=1 - ALPHA, method="percentile", vectorized=True,
                batch=100, rng=rng)
            bca = stats.bootstrap(
                (treatment, control), difference_of_means, n_resamples=0,
                confidence_level=1 - ALPHA, method="BCa", vectorized=True,
                bootstrap_result=percentile, rng=rng)
            replicates = percentile.bootstrap_distribution
            estimate = float(difference_of_means(treatment, control))
            accel = acceleration(treatment, control)

            # The formulas above must reproduce scipy's limits from its own replicates
            # before they are trusted to measure the limits' Monte Carlo error.
            limits = interval_limits(replicates, estimate, accel)
            scipy_limits = [
                percentile.confidence_interval.low, percentile.confidence_interval.high,
                bca.confidence_interval.low, bca.confidence_interval.high]
            if not numpy.allclose(limits, scipy_limits, rtol=1e-12, atol=0):
                sys.exit(f"the BCa formulas do not reproduce scipy: {limits} {scipy_limits}")

            inner = numpy.array([
                interval_limits(
                    rng.choice(replicates, size=len(replicates), replace=True),
                    estimate, accel)
                for _ in range(RESAMPLES)])
            standard_errors = inner.std(axis=0, ddof=1)
            comparisons.append({
                "treatment": arm,
                "observedDifference": estimate,
                "percentileCi95": [float(v) for v in scipy_limits[:2]],
                "bcaCi95": [float(v) for v in scipy_limits[2:]],
                "percentileMonteCarloStandardError": [float(v) for v in standard_errors[:2]],
                "bcaMonteCarloStandardError": [float(v) for v in standard_errors[2:]],
                "percentileTolerance": [
                    float(TOLERANCE_STANDARD_ERRORS * v) for v in standard_errors[:2]],
                "bcaTolerance": [
                    float(TOLERANCE_STANDARD_ERRORS * v) for v in standard_errors[2:]],
            })
        section[name] = comparisons
    return section


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_hillstrom_reference.py PATH/TO/hillstrom.csv")
    columns = read_columns(sys.argv[1])
    segment = columns["segment"]

    counts = [int((segment == arm).sum()) for arm in ARMS]
    chi_square = stats.chisquare(counts, f_exp=[sum(counts) / len(counts)] * len(counts))

    reference = {
        "generator": {
            "script": "make_hillstrom_reference.py",
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "bootstrapSeed": BOOTSTRAP_SEED,
            "resamples": RESAMPLES,
            "toleranceStandardErrors": TOLERANCE_STANDARD_ERRORS,
        },
        "rows": len(segment),
        "control": CONTROL,
        "covariate": COVARIATE,
        "arms": [{"arm": arm, "rows": count} for arm, count in zip(ARMS, counts)],
        "sampleRatio": {
            "statistic": float(chi_square.statistic),
            "degreesOfFreedom": len(counts) - 1,
            "pValue": float(chi_square.pvalue),
        },
        "binary": binary_section(columns, segment),
        "continuous": continuous_section(columns, segment),
        "cuped": cuped_section(columns, segment),
        "bootstrap": bootstrap_section(columns, segment),
    }
    output = Path(__file__).with_name("hillstrom_reference.json")
    output.write_text(json.dumps(reference, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
