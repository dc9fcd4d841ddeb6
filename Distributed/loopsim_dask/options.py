"""Options shared by the driver's commands, and checks of the output folder."""

import dataclasses
import logging
import os

from loopsim_dask.errors import InvalidInput


@dataclasses.dataclass(frozen=True)
class JobOptions:
    """How to run a job's tasks and where its results go."""

    binary: str                  # the driver's loopsim binary (resolve, merge, combine)
    worker_binary: str           # the loopsim binary on the workers
    out: str                     # the results folder, which must not exist or be empty
    overrides: tuple[str, ...]   # --customers, --seed and --set arguments for loopsim
    scheduler: str | None        # scheduler address; None starts a LocalCluster
    workers: int | None          # LocalCluster worker processes; None: one per core
    retries: int                 # Dask retries of a task that raises
    allowed_failures: int        # LocalCluster: losses of a task with its worker allowed
    shared_folder: str | None    # folder that workers write outputs into, if any
    allow_partial: bool
    json: bool
    quiet: bool
    log: logging.Logger


def check_output_folder(path: str) -> None:
    """Reject an output folder that exists and is not empty, or whose parent is missing.

    Checked before any task runs, so that a mistake costs no cluster time.
    """
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise InvalidInput(f"--out {path}: exists and is not a folder; name a new folder")
        if os.listdir(path):
            raise InvalidInput(f"--out {path}: the folder is not empty; name a new or empty "
                               "folder")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise InvalidInput(f"--out {path}: the parent folder {parent} does not exist; create "
                           "it first")
