"""``loopsim-dask sweep``: one task per grid point and replicate of a sweep plan."""

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile

from loopsim_dask import loopsim
from loopsim_dask.bundle import make_bundle, tracking_plan_path
from loopsim_dask.errors import RuntimeFailure, TasksFailed
from loopsim_dask.execute import new_topic, run_requests, write_result
from loopsim_dask.options import JobOptions, check_output_folder
from loopsim_dask.task import TaskRequest

# A run id becomes a folder name, so it may hold only these characters.
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def parse_plan(text: bytes) -> list[dict]:
    """Read the runs of a plan that ``loopsim sweep --plan`` printed, checking each one.

    Each run has an id that is a safe folder name, and a resolved scenario whose SHA-256
    matches the one the plan states. The runs are returned with the final line break of
    each resolvedScenario removed, as ``loopsim resolve`` output is stored.
    """
    try:
        plan = json.loads(text)
        runs = plan["runs"]
    except (ValueError, KeyError, TypeError) as error:
        raise RuntimeFailure(f"loopsim sweep --plan printed no list of runs: {error}") from error
    seen = set()
    for run in runs:
        if not isinstance(run, dict):
            raise RuntimeFailure(f"the sweep plan has a run that is not an object: {run!r}")
        run_id = run.get("id")
        if not isinstance(run_id, str) or not RUN_ID_PATTERN.fullmatch(run_id) or run_id in seen:
            raise RuntimeFailure(f"the sweep plan has an invalid or repeated run id {run_id!r}")
        seen.add(run_id)
        scenario = run.get("resolvedScenario")
        digest = run.get("scenarioSha256")
        if not isinstance(scenario, str):
            raise RuntimeFailure(f"the sweep plan's run {run_id} has no scenario text")
        # The text ends in a line break, which its SHA-256 (as summary.json records it)
        # leaves out.
        scenario = scenario.removesuffix("\n")
        run["resolvedScenario"] = scenario
        if hashlib.sha256(scenario.encode("utf-8")).hexdigest() != digest:
            raise RuntimeFailure(f"the sweep plan's run {run_id}: the scenario text does not "
                                 f"match its SHA-256 {digest}")
    return runs


def run_sweep(scenario: str, grids: list[str], replicates: int, options: JobOptions) -> int:
    """Run a sweep's runs as tasks, then combine their summaries in ``options.out``.

    Returns the exit status: 0, or 1 after runs that failed every try (then the sweep is
    combined only with --allow-partial).
    """
    check_output_folder(options.out)
    grid_arguments = [argument for grid in grids for argument in ("--grid", grid)]
    plan_text = loopsim.run(options.binary, [
        "sweep", scenario, *grid_arguments, "--replicates", str(replicates),
        *options.overrides, "--plan"])
    runs = parse_plan(plan_text)
    options.log.info("sweep plan of %d runs", len(runs))

    # Runs gather in a hidden folder beside --out, which becomes --out only when the sweep
    # is combined, so a failed or interrupted sweep leaves no folder that looks finished.
    parent = os.path.dirname(os.path.abspath(options.out))
    work = tempfile.mkdtemp(prefix=f".{os.path.basename(os.path.abspath(options.out))}.partial-",
                            dir=parent)
    try:
        with open(os.path.join(work, "plan.json"), "wb") as file:
            file.write(plan_text)
        missing = _run_tasks(scenario, runs, options, os.path.join(work, "runs"))
        if os.path.isdir(options.out):
            os.rmdir(options.out)
        os.replace(work, options.out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise

    combine_arguments = ["sweep", "--combine", options.out]
    if missing:
        combine_arguments.append("--allow-partial")
    if options.json:
        combine_arguments.append("--json")
    if options.quiet:
        combine_arguments.append("--quiet")
    sys.stdout.buffer.write(loopsim.run(options.binary, combine_arguments))
    sys.stdout.flush()
    if missing:
        print(f"loopsim-dask: error: combined {len(runs) - len(missing)} of {len(runs)} runs "
              f"in {options.out}; missing runs: {', '.join(missing)}", file=sys.stderr)
        return TasksFailed.exit_status
    return 0


def _run_tasks(scenario: str, runs: list[dict], options: JobOptions, runs_folder: str) -> list:
    """Run the plan's runs as tasks, storing each summary in ``runs_folder``/ID.

    Returns the ids of runs that failed every try. Raises TasksFailed when there are
    any and --allow-partial is not given.
    """
    topic = new_topic()
    cache: dict = {}
    # The plan file that loopsim reads for the scenario as written. A run whose grid
    # changes the plan's path falls back to reading it beside the scenario file.
    base_plan_file = loopsim.run(
        options.binary, ["resolve", scenario, *options.overrides, "--tracking-plan"]
    ).decode("utf-8").strip() or None
    base_plan = None
    if base_plan_file:
        base_plan = tracking_plan_path(
            loopsim.run(options.binary, ["resolve", scenario, *options.overrides])
            .decode("utf-8"))
    requests = [
        TaskRequest(
            label=f"run {run['id']}", name=run["id"],
            bundle=make_bundle(
                run["resolvedScenario"], scenario, cache,
                plan_file=(base_plan_file if tracking_plan_path(run["resolvedScenario"])
                           == base_plan else None)),
            arguments=(),
            binary=options.worker_binary, topic=topic,
            shared_folder=(os.path.join(options.shared_folder, "runs", topic)
                           if options.shared_folder else None),
            files=None if options.shared_folder else ("summary.json",))
        for run in runs
    ]
    outcome = run_requests(
        requests, options, lambda result: _store(result, runs_folder),
        "the runs' whole output folders")

    missing = [run["id"] for run in runs if run["id"] in outcome.failures]
    if missing and not options.allow_partial:
        raise TasksFailed(
            f"{len(missing)} of {len(runs)} runs failed every try, so the sweep was not "
            f"combined; missing runs: {', '.join(missing)}. Fix the cause and run again, or "
            "pass --allow-partial to combine the others")
    return missing


def _store(result, runs_folder: str) -> str:
    """Write a run's summary.json to runs/ID/ of the sweep folder."""
    if result.shared_path is not None:
        target = os.path.join(runs_folder, result.name)
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(result.shared_path, "summary.json"), "rb") as source:
            contents = source.read()
        with open(os.path.join(target, "summary.json"), "wb") as file:
            file.write(contents)
        return target
    return write_result(result, runs_folder)
