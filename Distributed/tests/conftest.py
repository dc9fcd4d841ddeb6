"""Fixtures: the loopsim binary under test and a LocalCluster of two worker processes."""

import os
import subprocess
import sys

import dask
import pytest
from distributed import Client

from loopsim_dask.cluster import QuietTaskErrors, start_local_cluster

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLAGSHIP = os.path.join(ROOT, "Scenarios", "masterclass-abandoned-cart.json5")

# Customers per test run: small, so that a debug build runs each shard in about a second.
CUSTOMERS = 1500


@pytest.fixture(scope="session")
def loopsim_binary() -> str:
    """The binary that `make test` built (.build/debug/loopsim), or $LOOPSIM_BINARY."""
    path = os.environ.get("LOOPSIM_BINARY") or os.path.join(ROOT, ".build", "debug", "loopsim")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no loopsim binary at {path}; run `swift build` first or set LOOPSIM_BINARY")
    return path


def has_verb(binary: str, verb: str) -> bool:
    """Tell whether the loopsim binary has ``verb`` (its --help exits with 0)."""
    completed = subprocess.run([binary, verb, "--help"], capture_output=True, check=False)
    return completed.returncode == 0


@pytest.fixture(scope="session")
def scheduler_address():
    """A real scheduler and two worker processes of one thread each, on loopback only."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 3}):
        cluster = start_local_cluster(2)
    with cluster, Client(cluster) as client:
        # The failures that tests provoke would otherwise print tracebacks.
        client.register_plugin(QuietTaskErrors())
        yield cluster.scheduler_address


def run_driver(*arguments: str) -> subprocess.CompletedProcess:
    """Run `loopsim-dask ARGUMENTS` as a separate process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "loopsim_dask", *arguments], cwd=ROOT, capture_output=True,
        text=True, check=False, timeout=600)


def run_single(binary: str, out: str, *arguments: str) -> None:
    """Run `loopsim run` of the flagship at the test size into ``out``."""
    subprocess.run(
        [binary, "run", FLAGSHIP, "--customers", str(CUSTOMERS), *arguments, "--out", out,
         "--quiet"], capture_output=True, check=True)
