"""Benchmark driver: LoopSim against SimPy on the reference funnel, the event calendar
against a plain binary heap, the full flagship loop at growing sizes, and `loopsim attribute`
against ChannelAttribution on generated path files.

Uses the Python standard library only. SimPy and ChannelAttribution run in the interpreter
given by --python (the virtual environment that `make bench` creates). Without --python
the SimPy and ChannelAttribution runs are skipped. Each run is a separate process: wall
time from the driver's clock, peak memory from the kernel's accounting of that process
(wait4, ru_maxrss).

Exit status: 0 when every run succeeded and every agreement check passed, 1 otherwise.

    python3 bench/bench.py --python bench/.venv/bin/python           # the full benchmark
    python3 bench/bench.py --smoke --build-dir .build/debug           # tiny sizes, no SimPy
"""

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import make_paths

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNNEL_SCENARIO = os.path.join(ROOT, "Scenarios", "reference-funnel.json5")
FLAGSHIP_SCENARIO = os.path.join(ROOT, "Scenarios", "masterclass-abandoned-cart.json5")
SIMPY_PROGRAM = os.path.join(ROOT, "bench", "simpy_funnel.py")
CHANNELATTRIBUTION_PROGRAM = os.path.join(ROOT, "bench", "channelattribution_paths.py")

# The attribution runs: a name, then the arguments of `loopsim attribute` and of
# bench/channelattribution_paths.py for the same models.
ATTRIBUTION_RUNS = (
    ("heuristic", ["--models", "first,last,linear"], ["--model", "heuristic"]),
    ("markov order 1", ["--models", "markov", "--order", "1"],
     ["--model", "markov", "--order", "1"]),
    ("markov order 3", ["--models", "markov", "--order", "3"],
     ["--model", "markov", "--order", "3"]),
)

# Heuristic credits must agree to this relative difference, with the same floor times the
# total for credits that are 0.
HEURISTIC_TOLERANCE = 1e-9

# Agreement is checked within this many standard errors. A check fails by chance with
# probability 6.3e-5 (two-sided normal), so a correct model fails one of the benchmark's
# 30 checks with probability about 2e-3.
TOLERANCE_SE = 4.0


# MARK: The reference funnel's expected values


def funnel_outcomes():
    """Lists (probability, events, abandoned arm or None, converted after abandoning) for
    every path one customer can take through the reference funnel."""
    outcomes = [(0.70, 1, None, False), (0.30 * 0.50, 2, None, False),
                (0.30 * 0.50 * 0.60, 3, None, False)]
    carts = 0.30 * 0.50 * 0.40
    outcomes.append((carts * 0.35, 5, None, False))
    abandoned = carts * 0.65
    for organic, organic_p in ((True, 0.05), (False, 0.95)):
        extra = 1 if organic else 0
        holdout = abandoned * 0.10 * organic_p
        outcomes.append((holdout, 5 + extra, "holdout", organic))
        treatment = abandoned * 0.90 * organic_p
        # Email sent, then opened (0.25), clicked (0.30) and followed by a purchase (0.20).
        for events, email_p, email_converts in (
            (1, 0.75, False), (2, 0.25 * 0.70, False), (3, 0.25 * 0.30 * 0.80, False),
            (4, 0.25 * 0.30 * 0.20, True),
        ):
            outcomes.append(
                (treatment * email_p, 5 + extra + events, "treatment", organic or email_converts))
    return outcomes


def funnel_expectations():
    outcomes = funnel_outcomes()
    mean = sum(p * events for p, events, _, _ in outcomes)
    second = sum(p * events * events for p, events, _, _ in outcomes)
    rates = {}
    for arm in ("treatment", "holdout"):
        share = sum(p for p, _, a, _ in outcomes if a == arm)
        rates[arm] = sum(p for p, _, a, c in outcomes if a == arm and c) / share
    return {
        "eventsPerCustomer": mean,
        "eventsVariance": second - mean * mean,
        "treatmentRate": rates["treatment"],
        "holdoutRate": rates["holdout"],
        "relativeLift": rates["treatment"] / rates["holdout"] - 1,
    }


EXPECTED = funnel_expectations()


def agreement(result):
    """Checks one funnel result against the expected values. Returns a list of
    (name, observed, expected, standard error, passed); a check without data is left out."""
    checks = []
    customers = result["customers"]
    per_customer = result["events"] / customers
    se = math.sqrt(EXPECTED["eventsVariance"] / customers)
    checks.append(("events per customer", per_customer, EXPECTED["eventsPerCustomer"], se))
    arms = {arm["name"]: arm for arm in result["arms"]}
    for arm, key in (("treatment", "treatmentRate"), ("holdout", "holdoutRate")):
        n = arms[arm]["abandoners"]
        if n == 0:
            continue
        p = EXPECTED[key]
        checks.append((f"{arm} rate", arms[arm]["conversions"] / n, p, math.sqrt(p * (1 - p) / n)))
    n_t, n_h = arms["treatment"]["abandoners"], arms["holdout"]["abandoners"]
    if n_t and n_h and arms["holdout"]["conversions"] and result.get("relativeLift") is not None:
        p_t, p_h = EXPECTED["treatmentRate"], EXPECTED["holdoutRate"]
        # Delta method for the ratio of two independent proportions.
        se = (p_t / p_h) * math.sqrt((1 - p_t) / (p_t * n_t) + (1 - p_h) / (p_h * n_h))
        checks.append(("relative lift", result["relativeLift"], EXPECTED["relativeLift"], se))
    if n_t + n_h:
        checks.append(("holdout share", n_h / (n_t + n_h), 0.10,
                       math.sqrt(0.09 / (n_t + n_h))))
    return [(name, observed, expected, se, abs(observed - expected) <= TOLERANCE_SE * se)
            for name, observed, expected, se in checks]


# MARK: Running and measuring processes


def measure(command, cwd=ROOT, cpus=None):
    """Runs `command` and returns (wall seconds, CPU seconds, peak resident KiB, stdout), or
    raises RuntimeError when it fails. With `cpus`, a set of processor numbers, the command
    may run on those processors only."""
    def pin():
        os.sched_setaffinity(0, cpus)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err,
                                   preexec_fn=pin if cpus is not None else None)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} exited with {process.returncode}: "
                + err.read().decode(errors="replace")[-2000:])
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.read().decode()


def summarize(values):
    """Median and spread (min to max) of a list of numbers."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def runs_for(size, options):
    return options.large_runs if size >= 1_000_000 else options.runs


# MARK: Sections


def bench_funnel(options, report, scratch):
    loopsim = os.path.join(options.build_dir, "loopsim")
    rows = []
    failed = False
    for size in options.funnel_sizes:
        # One LoopSim program per thread count: "loopsim" runs on one thread, "loopsim
        # --jobs J" splits the customers over J threads and gives the same summary.
        variants = {funnel_program(jobs): jobs for jobs in options.funnel_jobs}
        samples = {program: [] for program in variants}
        samples["simpy"] = []
        first = {}
        for run in range(runs_for(size, options)):
            for program, jobs in variants.items():
                out = os.path.join(scratch, f"funnel-{size}-{run}-{jobs}")
                wall, cpu, rss, stdout = measure(
                    [loopsim, "run", FUNNEL_SCENARIO, "--customers", str(size), "--out", out,
                     "--json", "--quiet", "--jobs", str(jobs)])
                result = json.loads(stdout)
                shutil.rmtree(out, ignore_errors=True)
                samples[program].append((wall, rss, result["events"], None, cpu))
                first.setdefault(program, result)
            if options.python:
                wall, cpu, rss, stdout = measure(
                    [options.python, SIMPY_PROGRAM, "--customers", str(size)])
                result = json.loads(stdout)
                samples["simpy"].append((wall, rss, result["events"],
                                         result["simulationCpuSeconds"], cpu))
                first.setdefault("simpy", result)
        row = {"customers": size}
        for program, values in samples.items():
            if not values:
                continue
            row[program] = {
                "wallSeconds": summarize([v[0] for v in values]),
                "cpuSeconds": summarize([v[4] for v in values]),
                "eventsPerSecond": summarize([v[2] / v[0] for v in values]),
                "eventsPerCpuSecond": summarize([v[2] / v[4] for v in values]),
                # SimPy's rate per CPU second inside env.run(), without interpreter start-up
                # and imports.
                "loopEventsPerSecond": (summarize([v[2] / v[3] for v in values])
                                        if values[0][3] else None),
                "peakKiB": summarize([v[1] for v in values]),
                "events": values[0][2],
                "agreement": [
                    {"check": name, "observed": observed, "expected": expected, "se": se,
                     "passed": passed}
                    for name, observed, expected, se, passed in agreement(first[program])],
            }
            failed |= not all(check["passed"] for check in row[program]["agreement"])
        if "simpy" in row:
            # Per LoopSim program: its events per second over SimPy's, by wall and CPU time.
            row["ratios"] = {
                program: {
                    "wall": (row[program]["eventsPerSecond"]["median"]
                             / row["simpy"]["eventsPerSecond"]["median"]),
                    "cpu": (row[program]["eventsPerCpuSecond"]["median"]
                            / row["simpy"]["eventsPerCpuSecond"]["median"])}
                for program in variants if program in row}
            if "loopsim" in row["ratios"]:
                row["ratio"] = row["ratios"]["loopsim"]["wall"]
                row["cpuRatio"] = row["ratios"]["loopsim"]["cpu"]
        rows.append(row)
        print(f"funnel {size}: done", file=sys.stderr)
    report["funnel"] = rows
    return not failed


def funnel_program(jobs):
    """Returns the report's name of the LoopSim funnel run on `jobs` threads."""
    return "loopsim" if jobs == 1 else f"loopsim --jobs {jobs}"


def funnel_programs(row):
    """Returns the programs of one funnel row in report order: LoopSim's, then SimPy."""
    return [key for key in row if key.startswith("loopsim")] + (
        ["simpy"] if "simpy" in row else [])


def bench_calendar(options, report):
    binary = os.path.join(options.build_dir, "calendar-bench")
    _, _, _, stdout = measure(
        [binary, "--sizes", ",".join(map(str, options.calendar_sizes)),
         "--holds", str(options.holds), "--repeats", str(options.runs)])
    report["calendar"] = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    print("calendar: done", file=sys.stderr)
    return True


def bench_flagship(options, report, scratch):
    loopsim = os.path.join(options.build_dir, "loopsim")
    rows = []
    for size in options.flagship_sizes:
        samples = []
        for run in range(runs_for(size, options)):
            out = os.path.join(scratch, f"flagship-{size}-{run}")
            wall, cpu, rss, stdout = measure(
                [loopsim, "run", FLAGSHIP_SCENARIO, "--customers", str(size), "--out", out,
                 "--json", "--quiet"])
            summary = json.loads(stdout)
            database = os.path.getsize(os.path.join(out, "results.sqlite"))
            shutil.rmtree(out, ignore_errors=True)
            samples.append((wall, rss, summary["events"], summary["messages"]["emitted"],
                            database, cpu))
        rows.append({
            "customers": size,
            "wallSeconds": summarize([s[0] for s in samples]),
            "cpuSeconds": summarize([s[5] for s in samples]),
            "peakKiB": summarize([s[1] for s in samples]),
            "events": samples[0][2],
            "messages": samples[0][3],
            "eventsPerSecond": summarize([s[2] / s[0] for s in samples]),
            "messagesPerSecond": summarize([s[3] / s[0] for s in samples]),
            "resultsBytes": samples[0][4],
        })
        print(f"flagship {size}: done", file=sys.stderr)
    if len(rows) >= 2:
        report["flagshipCostExponent"] = {
            key: log_slope([row["customers"] for row in rows],
                           [row[key]["median"] for row in rows])
            for key in ("wallSeconds", "cpuSeconds")}
    report["flagship"] = rows
    return True


# The ways of running the flagship that the two-core section compares: a name, the extra
# arguments of `loopsim run`, and whether the process is held to one processor.
CORE_SETUPS = [
    ("one core", [], True),
    ("two cores", [], False),
    ("two cores, two shards", ["--shards", "2", "--jobs", "2"], False),
]


def bench_shards(options, report, scratch):
    """Times the flagship on one core against both, and checks that all setups give the same
    summary. The setups are a plain run held to one processor, a plain run free to use both
    cores, and the run cut into two shards on two threads (`--shards 2 --jobs 2`)."""
    loopsim = os.path.join(options.build_dir, "loopsim")
    first_cpu = min(os.sched_getaffinity(0))
    rows = []
    for size in options.shard_sizes:
        samples = {name: [] for name, _, _ in CORE_SETUPS}
        summaries = set()
        for run in range(runs_for(size, options)):
            for index, (name, extra, pinned) in enumerate(CORE_SETUPS):
                out = os.path.join(scratch, f"cores-{size}-{index}-{run}")
                wall, cpu, rss, stdout = measure(
                    [loopsim, "run", FLAGSHIP_SCENARIO, "--customers", str(size), *extra,
                     "--out", out, "--json", "--quiet"],
                    cpus={first_cpu} if pinned else None)
                summaries.add(stdout)
                shutil.rmtree(out, ignore_errors=True)
                samples[name].append((wall, cpu, rss))
        row = {"customers": size, "sameSummary": len(summaries) == 1, "setups": []}
        one_core = statistics.median(v[0] for v in samples["one core"])
        for name, extra, pinned in CORE_SETUPS:
            values = samples[name]
            wall = summarize([v[0] for v in values])
            row["setups"].append({
                "name": name, "arguments": " ".join(extra), "pinned": pinned,
                "wallSeconds": wall,
                "cpuSeconds": summarize([v[1] for v in values]),
                "peakKiB": summarize([v[2] for v in values]),
                "speedup": one_core / wall["median"],
            })
        rows.append(row)
        print(f"cores {size}: done", file=sys.stderr)
    report["shards"] = rows
    return all(row["sameSummary"] for row in rows)


def log_slope(sizes, costs):
    """Least-squares slope of log cost against log size: the exponent b of cost ∝ size^b."""
    xs = [math.log(size) for size in sizes]
    ys = [math.log(cost) for cost in costs]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
            / sum((x - mean_x) ** 2 for x in xs))


def bench_attribution(options, report, scratch):
    loopsim = os.path.join(options.build_dir, "loopsim")
    rows = []
    failed = False
    for size in options.attribution_sizes:
        path = os.path.join(scratch, f"paths-{size}.csv")
        with open(path, "w", newline="") as out:
            make_paths.write(size, make_paths.DEFAULT_SEED, out)
        for name, loopsim_arguments, peer_arguments in ATTRIBUTION_RUNS:
            samples = {"loopsim": [], "channelattribution": []}
            outputs = {}
            for _ in range(runs_for(size, options)):
                wall, cpu, rss, stdout = measure(
                    [loopsim, "attribute", path, *loopsim_arguments, "--json"])
                samples["loopsim"].append((wall, cpu, rss, None, None))
                outputs.setdefault("loopsim", json.loads(stdout))
                if options.python:
                    wall, cpu, rss, stdout = measure(
                        [options.python, CHANNELATTRIBUTION_PROGRAM, path, *peer_arguments])
                    # ChannelAttribution prints a banner on import; the JSON is the last line.
                    result = json.loads(stdout.strip().splitlines()[-1])
                    samples["channelattribution"].append(
                        (wall, cpu, rss, result["modelWallSeconds"], result["modelCpuSeconds"]))
                    outputs.setdefault("channelattribution", result)
            row = {"journeys": size, "model": name,
                   "paths": outputs["loopsim"]["paths"],
                   "channels": len(outputs["loopsim"]["channels"])}
            for program, values in samples.items():
                if not values:
                    continue
                row[program] = {
                    "wallSeconds": summarize([v[0] for v in values]),
                    "cpuSeconds": summarize([v[1] for v in values]),
                    "peakKiB": summarize([v[2] for v in values]),
                }
                if values[0][3] is not None:
                    row[program]["modelWallSeconds"] = summarize([v[3] for v in values])
                    row[program]["modelCpuSeconds"] = summarize([v[4] for v in values])
            if "channelattribution" in outputs:
                ours, peer = row["loopsim"], row["channelattribution"]
                row["ratios"] = {
                    "wall": peer["wallSeconds"]["median"] / ours["wallSeconds"]["median"],
                    "cpu": peer["cpuSeconds"]["median"] / ours["cpuSeconds"]["median"],
                    "modelCpu": peer["modelCpuSeconds"]["median"] / ours["cpuSeconds"]["median"],
                }
                row["agreement"] = attribution_agreement(
                    name, outputs["loopsim"], outputs["channelattribution"]["models"])
                failed |= not row["agreement"]["passed"]
            rows.append(row)
            print(f"attribution {size} {name}: done", file=sys.stderr)
    report["attribution"] = rows
    return not failed


def attribution_agreement(name, ours, peer):
    """Compares LoopSim's credits with ChannelAttribution's.

    Heuristic credits must agree to a relative HEURISTIC_TOLERANCE. ChannelAttribution
    estimates Markov removal effects by simulating walks, so for Markov the result gives the
    largest differences of removal effects and of conversion shares and passes always."""
    models = {model["model"]: model for model in ours["models"]}
    if name == "heuristic":
        worst = 0.0
        for model in ("first", "last", "linear"):
            credits = {c["channel"]: c for c in models[model]["credits"]}
            for key in ("conversions", "value"):
                total = sum(c[key] for c in credits.values())
                for channel, credit in credits.items():
                    expected = peer[model][key].get(channel, 0.0)
                    scale = max(abs(expected), total * HEURISTIC_TOLERANCE, 1e-300)
                    worst = max(worst, abs(credit[key] - expected) / scale)
        return {"maximumRelativeDifference": worst, "passed": worst <= HEURISTIC_TOLERANCE}

    credits = models["markov"]["credits"]
    peer = peer["markov"]
    total = sum(c["conversions"] for c in credits)
    peer_total = sum(peer["conversions"].values())
    effect_differences = {}
    share_differences = {}
    for credit in credits:
        channel = credit["channel"]
        effect = credit["removalEffect"] or 0.0
        effect_differences[channel] = peer["removalEffects"].get(channel, 0.0) - effect
        share_differences[channel] = (peer["conversions"].get(channel, 0.0) / peer_total
                                      - credit["conversions"] / total)
    largest_effect = max(effect_differences, key=lambda c: abs(effect_differences[c]))
    largest_share = max(share_differences, key=lambda c: abs(share_differences[c]))
    relative = max((abs(effect_differences[c["channel"]]) / c["removalEffect"]
                    for c in credits if c["removalEffect"]), default=0.0)
    return {"maximumRemovalEffectDifference": abs(effect_differences[largest_effect]),
            "removalEffectChannel": largest_effect,
            "maximumRelativeRemovalEffectDifference": relative,
            "maximumShareDifference": abs(share_differences[largest_share]),
            "shareChannel": largest_share, "passed": True}


# MARK: Report


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": model, "cores": os.cpu_count(), "memoryGiB": round(memory, 1),
            "system": platform.platform(), "loadAverage": os.getloadavg()}


def spread(stat, scale=1.0, digits=2):
    return (f"{stat['median'] / scale:,.{digits}f} "
            f"({stat['min'] / scale:,.{digits}f}–{stat['max'] / scale:,.{digits}f})")


def markdown(report):
    lines = [f"Benchmark of {report['started']} UTC on {report['machine']['cpu']}, "
             f"{report['machine']['cores']} cores, {report['machine']['memoryGiB']} GiB; "
             f"load average at start {report['machine']['loadAverage'][0]:.2f}, "
             f"at end {report.get('loadAtEnd', [0])[0]:.2f}.", ""]
    if "funnel" in report:
        lines += ["Reference funnel: median (min–max) over the runs; events per second from "
                  "the wall or CPU time of the whole process; in-loop is SimPy's rate per CPU second inside "
                  "env.run().", "",
                  "| customers | program | runs | wall s | CPU s | events/s (wall) "
                  "| events/CPU s | in-loop events/CPU s | peak MiB | agreement |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in report["funnel"]:
            for program in funnel_programs(row):
                data = row[program]
                passed = all(c["passed"] for c in data["agreement"])
                in_loop = (f"{data['loopEventsPerSecond']['median']:,.0f}"
                           if data["loopEventsPerSecond"] else "—")
                lines.append(
                    f"| {row['customers']:,} | {program} | {data['wallSeconds']['runs']} "
                    f"| {spread(data['wallSeconds'], 1, 3)} "
                    f"| {spread(data['cpuSeconds'], 1, 3)} "
                    f"| {spread(data['eventsPerSecond'], 1, 0)} "
                    f"| {spread(data['eventsPerCpuSecond'], 1, 0)} "
                    f"| {in_loop} "
                    f"| {spread(data['peakKiB'], 1024, 1)} | {'pass' if passed else 'FAIL'} |")
        lines.append("")
        ratios = [f"{row['customers']:,}: "
                  + ", ".join(f"{'one thread' if program == 'loopsim' else program} "
                              f"{ratio['wall']:.1f}× by wall time, {ratio['cpu']:.1f}× by CPU time"
                              for program, ratio in row["ratios"].items())
                  for row in report["funnel"] if "ratios" in row]
        if ratios:
            lines += ["LoopSim ÷ SimPy events per second (medians, same run; `loopsim` runs on "
                      "one thread, `loopsim --jobs J` on J threads with the same results): "
                      + "; ".join(ratios) + ".", ""]
        lines += ["Agreement with the model's expected values (observed, expected ± standard "
                  "error):", ""]
        for row in report["funnel"]:
            for program in funnel_programs(row):
                checks = "; ".join(
                    f"{c['check']} {c['observed']:.4f} vs {c['expected']:.4f} ± {c['se']:.4f}"
                    + ("" if c["passed"] else " FAIL") for c in row[program]["agreement"])
                lines.append(f"- {row['customers']:,} {program}: {checks}")
        lines.append("")
    if "calendar" in report:
        lines += ["Calendar hold model: thread CPU ns per hold (pop one, schedule one), median "
                  "(min–max). EventQueue is the calendar without cancellation that the "
                  "reference funnel uses; the ratios are over the plain heap.",
                  "", "| pending | holds | plain binary heap | EventCalendar | ratio "
                  "| EventQueue | ratio |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in report["calendar"]:
            def times(name):
                return {"median": row[f"{name}MedianNs"], "min": min(row[f"{name}NsPerHold"]),
                        "max": max(row[f"{name}NsPerHold"])}
            lines.append(f"| {row['pending']:,} | {row['holds']:,} | {spread(times('heap'), 1, 1)} "
                         f"| {spread(times('calendar'), 1, 1)} | {row['ratio']:.2f} "
                         f"| {spread(times('queue'), 1, 1)} | {row['queueRatio']:.2f} |")
        lines.append("")
    if "flagship" in report:
        lines += ["Flagship loop (three passes: factual and one per arm; events and messages "
                  "of the factual pass over the wall time of the whole run):", "",
                  "| customers | runs | wall s | CPU s | events/s | messages/s | peak MiB "
                  "| results.sqlite MiB |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in report["flagship"]:
            lines.append(
                f"| {row['customers']:,} | {row['wallSeconds']['runs']} "
                f"| {spread(row['wallSeconds'], 1, 2)} | {spread(row['cpuSeconds'], 1, 2)} "
                f"| {spread(row['eventsPerSecond'], 1, 0)} "
                f"| {spread(row['messagesPerSecond'], 1, 0)} | {spread(row['peakKiB'], 1024, 1)} "
                f"| {row['resultsBytes'] / 2**20:,.1f} |")
        if "flagshipCostExponent" in report:
            exponent = report["flagshipCostExponent"]
            lines += ["", "Cost exponent (least-squares slope of log time against log "
                      f"customers): {exponent['wallSeconds']:.3f} by wall time, "
                      f"{exponent['cpuSeconds']:.3f} by CPU time."]
        lines.append("")
    if "shards" in report:
        lines += ["Flagship on one core against two, median (min–max). `one core` is a plain "
                  "run held to one processor. `two cores` is a plain run free to use both, "
                  "with the arm passes and the warehouse writer beside the factual pass. "
                  "`two cores, two shards` is `run --shards 2 --jobs 2`. Speed-up is against one "
                  "core's wall time.", "",
                  "| customers | runs | setup | wall s | CPU s | peak MiB | speed-up "
                  "| same summary |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in report["shards"]:
            for setup in row["setups"]:
                speedup = "" if setup["pinned"] else f"{setup['speedup']:.2f}×"
                lines.append(
                    f"| {row['customers']:,} | {setup['wallSeconds']['runs']} "
                    f"| {setup['name']} | {spread(setup['wallSeconds'], 1, 2)} "
                    f"| {spread(setup['cpuSeconds'], 1, 2)} "
                    f"| {spread(setup['peakKiB'], 1024, 1)} | {speedup} "
                    f"| {'yes' if row['sameSummary'] else 'NO'} |")
        lines.append("")
    if "attribution" in report:
        lines += attribution_markdown(report["attribution"])
    return "\n".join(lines)


def attribution_markdown(rows):
    lines = ["Attribution on generated path files: seconds per process, median (min–max); "
             "model is ChannelAttribution's time inside the model call, without starting "
             "Python and reading the file.", "",
             "| journeys | paths | models | program | runs | wall s | CPU s | model CPU s "
             "| peak MiB |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        for program in ("loopsim", "channelattribution"):
            if program not in row:
                continue
            data = row[program]
            model = spread(data["modelCpuSeconds"], 1, 3) if "modelCpuSeconds" in data else "—"
            lines.append(
                f"| {row['journeys']:,} | {row['paths']:,} | {row['model']} | {program} "
                f"| {data['wallSeconds']['runs']} | {spread(data['wallSeconds'], 1, 3)} "
                f"| {spread(data['cpuSeconds'], 1, 3)} | {model} "
                f"| {spread(data['peakKiB'], 1024, 1)} |")
    lines.append("")
    compared = [row for row in rows if "ratios" in row]
    if compared:
        lines += ["ChannelAttribution ÷ LoopSim time (medians, same run) and agreement:", "",
                  "| journeys | models | wall | CPU | model CPU ÷ LoopSim CPU | agreement |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for row in compared:
            ratios, agreement = row["ratios"], row["agreement"]
            if row["model"] == "heuristic":
                text = (f"credits equal to a relative "
                        f"{agreement['maximumRelativeDifference']:.1e}"
                        + ("" if agreement["passed"] else " FAIL"))
            else:
                text = (f"removal effects within "
                        f"{agreement['maximumRemovalEffectDifference']:.4f} "
                        f"({agreement['removalEffectChannel']}; relative "
                        f"{agreement['maximumRelativeRemovalEffectDifference']:.1%}), "
                        f"conversion shares within {agreement['maximumShareDifference']:.4f} "
                        f"({agreement['shareChannel']})")
            lines.append(f"| {row['journeys']:,} | {row['model']} | {ratios['wall']:.1f}× "
                         f"| {ratios['cpu']:.1f}× | {ratios['modelCpu']:.1f}× | {text} |")
        lines.append("")
    return lines


# The largest size any section takes: LoopSim's own limit on a scenario's customers.
MAX_SIZE = 10_000_000


def sizes(text):
    """Reads comma-separated whole numbers from 1 to MAX_SIZE."""
    parts = text.split(",")
    if not all(part.strip().isdigit() for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, such as 1000,100000; found {text!r}")
    values = [int(part) for part in parts]
    if any(value < 1 or value > MAX_SIZE for value in values):
        raise argparse.ArgumentTypeError(
            f"expected sizes from 1 to {MAX_SIZE:,}; found {text!r}")
    return values


def positive(text):
    """Reads a whole number of at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return int(text)


def check_paths(options, parser):
    """Rejects a report path or a program that cannot work before any section runs, so a
    long run never ends in an error it could have given at the start."""
    for program in ("loopsim", "calendar-bench"):
        path = os.path.join(options.build_dir, program)
        if not os.access(path, os.X_OK):
            parser.error(f"--build-dir {options.build_dir}: no executable {program} there; "
                         "build it with `make release` (or `swift build` for .build/debug)")
    if options.python and not os.access(options.python, os.X_OK):
        parser.error(f"--python {options.python}: not an executable; create the venv with "
                     "`make bench`, or leave --python out to skip SimPy and ChannelAttribution")
    if options.report:
        folder = os.path.dirname(os.path.abspath(options.report))
        if os.path.isdir(options.report):
            parser.error(f"--report {options.report}: is a folder; give a file name")
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            parser.error(f"--report {options.report}: the folder {folder} does not exist or "
                         "is not writable; create it, or give a file in a writable folder")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] + " " + __doc__.splitlines()[1])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build", "release"),
                        help="folder with the loopsim and calendar-bench binaries")
    parser.add_argument("--python", help="interpreter with SimPy and ChannelAttribution; "
                        "without it both are skipped")
    parser.add_argument("--runs", type=positive, default=5, help="runs per size (default 5)")
    parser.add_argument("--large-runs", type=positive, default=5,
                        help="runs per size at 1,000,000 customers or more (default 5)")
    parser.add_argument("--funnel-sizes", type=sizes, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--funnel-jobs", type=sizes, default=[1, 2],
                        help="thread counts of the LoopSim funnel runs (loopsim run --jobs)")
    parser.add_argument("--calendar-sizes", type=sizes, default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--holds", type=positive, default=2_000_000,
                        help="holds timed per calendar size and repeat")
    parser.add_argument("--flagship-sizes", type=sizes, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--shard-sizes", type=sizes, default=[1_000_000],
                        help="customers of the flagship on one core and on two")
    parser.add_argument("--attribution-sizes", type=sizes, default=[100_000, 1_000_000],
                        help="journeys per generated path file")
    parser.add_argument("--sections", default="funnel,calendar,flagship,shards,attribution",
                        help="comma-separated: funnel, calendar, flagship, shards, attribution")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes and one run each, to check that the driver works")
    parser.add_argument("--report", help="Markdown report file (default: under .build/bench/)")
    options = parser.parse_args()
    if options.smoke:
        options.runs = options.large_runs = 1
        options.funnel_sizes = [3_000]
        options.calendar_sizes = [1_000]
        options.holds = 20_000
        options.flagship_sizes = [300, 600]
        options.shard_sizes = [600]
        options.attribution_sizes = [2_000]
    sections = set(options.sections.split(","))
    unknown = sections - {"funnel", "calendar", "flagship", "shards", "attribution"}
    if unknown:
        parser.error(f"unknown section {sorted(unknown)[0]!r}: "
                     "use funnel, calendar, flagship, shards, attribution")
    if any(jobs > 1_024 for jobs in options.funnel_jobs):
        parser.error("--funnel-jobs: expected thread counts from 1 to 1,024")
    check_paths(options, parser)

    started = datetime.datetime.now(datetime.timezone.utc)
    report = {"started": started.strftime("%Y-%m-%d %H:%M"), "machine": machine(),
              "options": {key: value for key, value in vars(options).items()}}
    success = True
    with tempfile.TemporaryDirectory(prefix="loopsim-bench-") as scratch:
        try:
            if "funnel" in sections:
                success &= bench_funnel(options, report, scratch)
            if "calendar" in sections:
                success &= bench_calendar(options, report)
            if "flagship" in sections:
                success &= bench_flagship(options, report, scratch)
            if "shards" in sections:
                success &= bench_shards(options, report, scratch)
            if "attribution" in sections:
                success &= bench_attribution(options, report, scratch)
        except (RuntimeError, OSError, ValueError, KeyError) as error:
            print(f"bench: {error}", file=sys.stderr)
            return 1
    report["loadAtEnd"] = os.getloadavg()

    text = markdown(report)
    print(text)
    path = options.report
    if path is None and not options.smoke:
        folder = os.path.join(ROOT, ".build", "bench")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "report-" + started.strftime("%Y%m%d-%H%M%S") + ".md")
    if path:
        with open(path, "w") as file:
            file.write(text + "\n")
        with open(os.path.splitext(path)[0] + ".json", "w") as file:
            json.dump(report, file, indent=2)
        print(f"report written to {path}", file=sys.stderr)
    if not success:
        print("bench: an agreement check failed", file=sys.stderr)
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
