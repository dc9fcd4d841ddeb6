"""The function that a Dask worker runs for one task: one ``loopsim run``.

Everything a task needs travels in its request: the scenario bundle, the loopsim
arguments, and the path of the binary on the workers. Workers therefore need no shared
input files. Each attempt sends "started", "finished" or "failed" events to the
scheduler's event log under the request's topic, which the driver turns into progress
lines.
"""

import ctypes
import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile

from distributed import get_worker

from loopsim_dask.bundle import ScenarioBundle
from loopsim_dask.errors import TaskError

# Lines of loopsim's standard error kept in a failure's message.
STDERR_LINES_KEPT = 20
# prctl(2) option: the signal the kernel sends a process when its parent dies.
PR_SET_PDEATHSIG = 1


@dataclasses.dataclass(frozen=True)
class TaskRequest:
    """One ``loopsim run`` to do on a worker."""

    label: str                # "shard 2/8" or "run p03-r02", for messages
    name: str                 # folder name of its output, such as shard-02-of-08
    bundle: ScenarioBundle
    arguments: tuple[str, ...]  # extra arguments of `loopsim run`, such as --shard 2/8
    binary: str               # the loopsim binary on the workers
    topic: str                # event-log topic of this driver's job
    # Shared folder to write the output folder into; None returns the files' bytes.
    shared_folder: str | None = None
    # Files of the output folder to return or keep; None keeps all of them.
    files: tuple[str, ...] | None = None


@dataclasses.dataclass(frozen=True)
class TaskResult:
    """The output of one task: its files' bytes, or where it wrote them."""

    name: str
    files: dict[str, bytes]
    shared_path: str | None
    worker: str


def run_task(request: TaskRequest) -> TaskResult:
    """Run ``loopsim run`` for one request on this worker and collect its output.

    Raises TaskError, which makes Dask retry the task, when loopsim fails.
    """
    worker = _worker_address()
    _log(request, "started", worker=worker, pid=os.getpid())
    try:
        result = _run(request, worker)
    except TaskError as error:
        _log(request, "failed", worker=worker, error=str(error))
        raise
    except OSError as error:
        message = f"{request.label} failed on {worker}: {error}"
        _log(request, "failed", worker=worker, error=message)
        raise TaskError(message) from error
    _log(request, "finished", worker=worker)
    return result


def _die_with_parent() -> None:
    """Ask Linux to kill this child when the worker that started it dies, so a killed
    worker leaves no loopsim running beside the task's retry."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _run(request: TaskRequest, worker: str) -> TaskResult:
    with tempfile.TemporaryDirectory(prefix="loopsim-task-") as scratch:
        scenario = request.bundle.write(os.path.join(scratch, "input"))
        output = os.path.join(scratch, "output")
        command = [request.binary, "run", scenario, *request.arguments, "--out", output, "--quiet"]
        try:
            completed = subprocess.run(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, check=False, preexec_fn=_die_with_parent)
        except OSError as error:
            raise TaskError(
                f"{request.label}: cannot start the loopsim binary {request.binary!r} on "
                f"{worker}: {error.strerror}; install loopsim on every worker or pass "
                "--worker-loopsim PATH") from error
        if completed.returncode != 0:
            raise TaskError(_failure_message(request, worker, completed))

        names = sorted(
            entry for entry in os.listdir(output)
            if os.path.isfile(os.path.join(output, entry))
            and (request.files is None or entry in request.files))
        if request.shared_folder is not None:
            for entry in os.listdir(output):
                if entry not in names:
                    os.remove(os.path.join(output, entry))
            path = _publish(output, request.shared_folder, request.name)
            return TaskResult(request.name, {}, path, worker)

        files = {}
        for entry in names:
            with open(os.path.join(output, entry), "rb") as file:
                files[entry] = file.read()
        return TaskResult(request.name, files, None, worker)


def _publish(output: str, shared_folder: str, name: str) -> str:
    """Move a finished output folder into the shared folder under ``name``.

    The folder is copied under a temporary name and renamed when complete, so the shared
    folder never contains a partial output under the final name. An output left by an
    earlier attempt of the same task is replaced.
    """
    os.makedirs(shared_folder, exist_ok=True)
    final = os.path.join(shared_folder, name)
    partial = tempfile.mkdtemp(prefix=f".{name}.partial-", dir=shared_folder)
    shutil.copytree(output, partial, dirs_exist_ok=True)
    if os.path.exists(final):
        stale = tempfile.mkdtemp(prefix=f".{name}.stale-", dir=shared_folder)
        os.replace(final, os.path.join(stale, name))
        shutil.rmtree(stale)
    os.replace(partial, final)
    return final


def _failure_message(request: TaskRequest, worker: str,
                     completed: subprocess.CompletedProcess) -> str:
    if completed.returncode < 0:
        status = f"was killed by signal {-completed.returncode}"
    else:
        status = f"exited with status {completed.returncode}"
    lines = completed.stderr.decode("utf-8", "replace").strip().splitlines()
    detail = "\n".join(lines[-STDERR_LINES_KEPT:]) or "no message"
    return f"{request.label}: loopsim {status} on {worker}: {detail}"


def _worker_address() -> str:
    try:
        return get_worker().address
    except ValueError:
        return "a process outside a Dask worker"


def _log(request: TaskRequest, event: str, **fields) -> None:
    """Send one event about this attempt to the scheduler's event log."""
    try:
        worker = get_worker()
    except ValueError:
        return
    worker.log_event(request.topic, {"event": event, "task": request.name,
                                     "label": request.label, **fields})
