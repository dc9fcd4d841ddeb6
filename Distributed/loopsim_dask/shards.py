"""``loopsim-dask run``: one scenario run split into customer shards, one task each."""

import os
import shutil
import sys
import tempfile

from loopsim_dask import loopsim
from loopsim_dask.bundle import make_bundle
from loopsim_dask.errors import TasksFailed
from loopsim_dask.execute import new_topic, run_requests, write_result
from loopsim_dask.options import JobOptions, check_output_folder
from loopsim_dask.task import TaskRequest


def shard_name(index: int, count: int) -> str:
    """Return the folder name of shard ``index`` of ``count``, such as shard-02-of-08."""
    width = len(str(count))
    return f"shard-{index:0{width}d}-of-{count}"


def run_sharded(scenario: str, shards: int, options: JobOptions) -> int:
    """Run ``scenario`` as ``shards`` tasks and merge them into ``options.out``.

    Returns the exit status: 0, or 1 after tasks that failed every try (then the merged
    output exists only with --allow-partial).
    """
    check_output_folder(options.out)
    resolved = loopsim.run(options.binary, ["resolve", scenario, *options.overrides])
    text = resolved.decode("utf-8").removesuffix("\n")
    plan_file = loopsim.run(
        options.binary, ["resolve", scenario, *options.overrides, "--tracking-plan"]
    ).decode("utf-8").strip() or None
    bundle = make_bundle(text, scenario, plan_file=plan_file)
    options.log.info("scenario %s resolved (SHA-256 %s), %d shards", scenario, bundle.sha256,
                     shards)

    topic = new_topic()
    requests = [
        TaskRequest(
            label=f"shard {index}/{shards}", name=shard_name(index, shards), bundle=bundle,
            arguments=("--shard", f"{index}/{shards}"), binary=options.worker_binary,
            topic=topic,
            shared_folder=(os.path.join(options.shared_folder, "shards", topic)
                           if options.shared_folder else None))
        for index in range(1, shards + 1)
    ]
    parent = os.path.dirname(os.path.abspath(options.out))
    work = tempfile.mkdtemp(prefix=".loopsim-dask-shards-", dir=parent)
    try:
        outcome = run_requests(
            requests, options, lambda result: write_result(result, work),
            "the shards' output folders")

        missing = [request for request in requests if request.name in outcome.failures]
        missing_list = ", ".join(request.label.removeprefix("shard ") for request in missing)
        if missing and not options.allow_partial:
            raise TasksFailed(
                f"{len(missing)} of {shards} shards failed every try, so nothing was merged; "
                f"missing shards: {missing_list}. Fix the cause and run again, or pass "
                "--allow-partial to merge the others")
        if len(missing) == shards:
            raise TasksFailed(f"every shard failed, so there is nothing to merge; missing "
                              f"shards: {missing_list}")

        folders = [outcome.folders[request.name] for request in requests
                   if request.name in outcome.folders]
        merge_arguments = ["merge", *folders, "--out", options.out]
        if missing:
            merge_arguments.append("--allow-partial")
        if options.json:
            merge_arguments.append("--json")
        if options.quiet:
            merge_arguments.append("--quiet")
        sys.stdout.buffer.write(loopsim.run(options.binary, merge_arguments))
        sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if missing:
        print(f"loopsim-dask: error: merged {shards - len(missing)} of {shards} shards into "
              f"{options.out}; missing shards: {missing_list}", file=sys.stderr)
        return TasksFailed.exit_status
    return 0

