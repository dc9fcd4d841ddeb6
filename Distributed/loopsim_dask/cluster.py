"""Connection to a Dask scheduler, or a LocalCluster started on this machine."""

import contextlib
import logging
import os

import dask
from distributed import Client, LocalCluster, WorkerPlugin

from loopsim_dask.errors import InvalidInput, RuntimeFailure

# Seconds to wait for a scheduler given by address before giving up.
CONNECT_TIMEOUT_SECONDS = 30


class QuietTaskErrors(WorkerPlugin):
    """Stops a local worker from logging each failed task with its traceback, which the
    driver's progress lines already report with loopsim's message."""

    name = "loopsim-dask-quiet-task-errors"

    def setup(self, worker):
        logging.getLogger("distributed.worker").setLevel(logging.CRITICAL)


def start_local_cluster(workers: int) -> LocalCluster:
    """Start a LocalCluster of ``workers`` single-threaded worker processes on 127.0.0.1.

    The scheduler's HTTP server (health and metrics routes, no dashboard) takes a free
    loopback port, so that several clusters on one machine do not compete for 8787.
    """
    return LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        scheduler_port=0, dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})


@contextlib.contextmanager
def open_client(scheduler: str | None, workers: int | None, allowed_failures: int,
                log: logging.Logger):
    """Yield a Client of the scheduler at ``scheduler``, or of a new LocalCluster.

    The LocalCluster listens on the loopback address only and runs ``workers`` worker
    processes (default: one per processor core) of one thread each, so each worker runs
    one ``loopsim`` at a time. Its scheduler lets a task be lost with a killed worker
    ``allowed_failures`` times before it fails it. A scheduler given by address keeps its
    own ``distributed.scheduler.allowed-failures`` setting.
    """
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS)
        except (ValueError, TypeError) as error:
            raise InvalidInput(
                f"--scheduler {scheduler!r} is not a scheduler address ({error}); give one "
                "such as tcp://127.0.0.1:8786, or leave out --scheduler to use a local cluster"
            ) from error
        except (OSError, TimeoutError) as error:
            raise RuntimeFailure(
                f"cannot connect to the Dask scheduler at {scheduler}: {error}; start one "
                "with `dask scheduler` or leave out --scheduler to use a local cluster"
            ) from error
        log.info("connected to the scheduler at %s (%d workers)", scheduler,
                 len(client.scheduler_info().get("workers", {})))
        with client:
            yield client
        return

    count = workers or os.cpu_count() or 1
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}):
        cluster = start_local_cluster(count)
    log.info("started a local cluster at %s with %d workers", cluster.scheduler_address, count)
    with cluster, Client(cluster) as client:
        if not log.isEnabledFor(logging.INFO):
            client.register_plugin(QuietTaskErrors())
        yield client
