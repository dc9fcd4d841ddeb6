"""Submission of task requests to Dask and collection of their outcomes."""

import dataclasses
import os
import sys
import uuid
from collections.abc import Callable

from distributed import Client, as_completed
from distributed.scheduler import KilledWorker

from loopsim_dask.cluster import open_client
from loopsim_dask.progress import Progress
from loopsim_dask.task import TaskRequest, TaskResult, run_task


@dataclasses.dataclass
class Outcome:
    """The outcome of a job's tasks: by task name, the folder of each finished one and the
    error of each one that failed every try."""

    folders: dict[str, str] = dataclasses.field(default_factory=dict)
    failures: dict[str, str] = dataclasses.field(default_factory=dict)


def new_topic() -> str:
    """Return an event-log topic private to one job, so that jobs sharing a scheduler do
    not see each other's progress."""
    return f"loopsim-dask-{uuid.uuid4().hex}"


def execute(client: Client, requests: list[TaskRequest], retries: int, progress: Progress,
            write: Callable[[TaskResult], str]) -> Outcome:
    """Run every request as a Dask task and wait for all of them.

    Dask retries a task that raises up to ``retries`` times; the scheduler reschedules a
    task lost with its worker as its allowed-failures setting permits. ``write`` stores a
    finished task's files and returns their folder. It runs as each task finishes, so the
    driver keeps one task's bytes in memory at a time.
    """
    topics = {request.topic for request in requests}
    for topic in topics:
        client.subscribe_topic(topic, progress.handle_event)
    by_key = {}
    futures = []
    for request in requests:
        key = f"{request.name}-{request.topic}"
        by_key[key] = request
        futures.append(client.submit(run_task, request, key=key, retries=retries, pure=False))

    outcome = Outcome()
    try:
        for future in as_completed(futures):
            request = by_key[future.key]
            if future.status == "finished":
                result = future.result()
                outcome.folders[request.name] = write(result)
                progress.task_done(request.label, result.worker)
            else:
                if future.status == "cancelled":
                    message = ("the task was cancelled, for example because the scheduler "
                               "restarted or another client cancelled it")
                else:
                    message = describe_failure(future.exception())
                outcome.failures[request.name] = message
                progress.task_failed(request.label, message)
            future.release()
    finally:
        client.cancel([future for future in futures if not future.done()])
        for topic in topics:
            client.unsubscribe_topic(topic)
    return outcome


def run_requests(requests: list[TaskRequest], options, store: Callable, outputs: str):
    """Run ``requests`` on the job's cluster, passing each result to ``store``.

    Prints where the workers put ``outputs`` (such as "the shards' output folders") with a
    shared folder, and the progress summary at the end, unless the job is quiet. Returns
    the outcome of ``execute``.
    """
    if options.shared_folder and not options.quiet:
        print(f"loopsim-dask: {outputs} go to {requests[0].shared_folder}", file=sys.stderr)
    progress = Progress(len(requests), options.quiet)
    with open_client(options.scheduler, options.workers, options.allowed_failures,
                     options.log) as client:
        outcome = execute(client, requests, options.retries, progress, store)
    if not options.quiet:
        print(f"loopsim-dask: {progress.summary()}", file=sys.stderr)
    return outcome


def describe_failure(error: BaseException) -> str:
    """Return a one-paragraph description of the exception that ended a task."""
    if isinstance(error, KilledWorker):
        return (f"its worker died on each of {error.allowed_failures + 1} attempts "
                f"(the last was {error.last_worker.address}); raise the scheduler's "
                "distributed.scheduler.allowed-failures or find out why workers die, such "
                "as too little memory")
    return str(error) or type(error).__name__


def write_result(result: TaskResult, folder: str) -> str:
    """Write the files of a result into ``folder``/NAME and return that folder.

    A result written by the worker into the shared folder is left where it is.
    """
    if result.shared_path is not None:
        return result.shared_path
    target = os.path.join(folder, result.name)
    os.makedirs(target, exist_ok=True)
    for name, contents in result.files.items():
        if os.sep in name or name in (".", ".."):
            raise ValueError(f"task output file name {name!r} is not a plain file name")
        with open(os.path.join(target, name), "wb") as file:
            file.write(contents)
    return target
