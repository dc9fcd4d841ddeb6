"""loopsim-dask on a real LocalCluster: two worker processes on loopback.

Each test compares the cluster's output with a single `loopsim run` of the same scenario
and seed, or checks how the driver reports tasks that fail.
"""

import csv
import json
import os
import sqlite3
import stat
import subprocess

import pytest

from conftest import CUSTOMERS, FLAGSHIP, has_verb, run_driver, run_single


@pytest.fixture(scope="module")
def single_run(loopsim_binary, tmp_path_factory) -> str:
    """The folder of a single-machine run of the flagship at the test size."""
    folder = str(tmp_path_factory.mktemp("single") / "run")
    run_single(loopsim_binary, folder)
    return folder


@pytest.fixture
def needs_merge(loopsim_binary):
    if not has_verb(loopsim_binary, "merge"):
        pytest.skip("this loopsim binary has no merge verb")


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def table_rows(database: str) -> dict[str, list[tuple]]:
    """Every table of a SQLite file with its rows, sorted, for comparing contents."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(),
                             key=repr)
                for name in names}
    finally:
        connection.close()


def write_wrapper(path, body: str, real: str) -> str:
    """Write a bash script that runs ``body`` and then execs the real loopsim."""
    path.write_text(f"#!/bin/bash\n{body}\nexec {real} \"$@\"\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def shard_arguments(binary: str, scheduler: str, out: str, shards: int, *extra: str):
    return ("run", FLAGSHIP, "--customers", str(CUSTOMERS), "--shards", str(shards),
            "--scheduler", scheduler, "--loopsim", binary, "--out", out, *extra)


@pytest.mark.parametrize("shards", [2, 3])
def test_sharded_run_equals_single_run(needs_merge, loopsim_binary, scheduler_address,
                                       single_run, tmp_path, shards):
    out = str(tmp_path / "merged")
    completed = run_driver(*shard_arguments(loopsim_binary, scheduler_address, out, shards))

    assert completed.returncode == 0, completed.stderr
    assert f"{shards} of {shards} tasks done, 0 failed" in completed.stderr
    assert read_bytes(os.path.join(out, "summary.json")) == \
        read_bytes(os.path.join(single_run, "summary.json"))
    merged = table_rows(os.path.join(out, "results.sqlite"))
    single = table_rows(os.path.join(single_run, "results.sqlite"))
    for table, rows in single.items():
        assert merged.get(table) == rows, f"table {table} differs"


def test_shared_dir_run_equals_single_run(needs_merge, loopsim_binary, scheduler_address,
                                          single_run, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    out = str(tmp_path / "merged")
    completed = run_driver(*shard_arguments(
        loopsim_binary, scheduler_address, out, 2, "--shared-dir", str(shared)))

    assert completed.returncode == 0, completed.stderr
    assert read_bytes(os.path.join(out, "summary.json")) == \
        read_bytes(os.path.join(single_run, "summary.json"))
    written = sorted(name for _, _, files in os.walk(shared) for name in files
                     if name == "summary.json")
    assert len(written) == 2


def test_local_cluster_started_without_scheduler(needs_merge, loopsim_binary, single_run,
                                                 tmp_path):
    out = str(tmp_path / "merged")
    completed = run_driver("run", FLAGSHIP, "--customers", str(CUSTOMERS), "--shards", "2",
                           "--workers", "2", "--loopsim", loopsim_binary, "--out", out)

    assert completed.returncode == 0, completed.stderr
    assert read_bytes(os.path.join(out, "summary.json")) == \
        read_bytes(os.path.join(single_run, "summary.json"))


def test_killed_worker_gives_same_result(needs_merge, loopsim_binary, scheduler_address,
                                         single_run, tmp_path):
    # On the first attempt of shard 2/2 the wrapper kills its parent, the worker process.
    # The nanny restarts the worker and the scheduler reschedules the task.
    marker = tmp_path / "killed-once"
    wrapper = write_wrapper(tmp_path / "loopsim-killer", f"""
if [ "$1" = run ] && [[ " $* " == *" --shard 2/2 "* ]] && [ ! -e {marker} ]; then
  touch {marker}
  sleep 1
  kill -9 $PPID
  sleep 30
  exit 1
fi""", loopsim_binary)
    out = str(tmp_path / "merged")
    completed = run_driver(*shard_arguments(
        loopsim_binary, scheduler_address, out, 2, "--worker-loopsim", wrapper))

    assert marker.exists()
    assert completed.returncode == 0, completed.stderr
    assert "after its worker was lost" in completed.stderr
    assert read_bytes(os.path.join(out, "summary.json")) == \
        read_bytes(os.path.join(single_run, "summary.json"))


def test_always_failing_task_exits_1(loopsim_binary, scheduler_address, tmp_path):
    attempts = tmp_path / "attempts"
    wrapper = write_wrapper(tmp_path / "loopsim-failing", f"""
if [ "$1" = run ] && [[ " $* " == *" --shard 2/2 "* ]]; then
  echo attempt >> {attempts}
  echo "loopsim: error: cannot write results.sqlite: disk I/O error" >&2
  exit 3
fi""", loopsim_binary)
    out = tmp_path / "merged"
    completed = run_driver(*shard_arguments(
        loopsim_binary, scheduler_address, str(out), 2, "--worker-loopsim", wrapper,
        "--retries", "2"))

    assert completed.returncode == 1
    assert "missing shards: 2/2" in completed.stderr
    assert "disk I/O error" in completed.stderr
    assert "2 retried" in completed.stderr
    assert len(attempts.read_text().splitlines()) == 3
    assert not out.exists()
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".loopsim-dask")]


def test_allow_partial_merges_the_rest(needs_merge, loopsim_binary, scheduler_address,
                                       tmp_path):
    wrapper = write_wrapper(tmp_path / "loopsim-failing", """
if [ "$1" = run ] && [[ " $* " == *" --shard 2/3 "* ]]; then
  exit 3
fi""", loopsim_binary)
    out = tmp_path / "merged"
    completed = run_driver(*shard_arguments(
        loopsim_binary, scheduler_address, str(out), 3, "--worker-loopsim", wrapper,
        "--retries", "0", "--allow-partial", "--json"))

    assert completed.returncode == 1
    assert "missing shards: 2/3" in completed.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["missingShards"] == [2]
    assert json.loads(completed.stdout)["missingShards"] == [2]


def test_sweep_of_2x2_grid_and_3_replicates(loopsim_binary, scheduler_address, tmp_path):
    if not has_verb(loopsim_binary, "sweep"):
        pytest.skip("this loopsim binary has no sweep verb")
    sweep_arguments = (
        FLAGSHIP, "--customers", "400", "--grid", "workflows[0].steps[0].wait=1h,4h",
        "--grid", "experiment.arms[0].listedClasses=1,3", "--replicates", "3")
    out = tmp_path / "sweep"
    completed = run_driver("sweep", *sweep_arguments, "--scheduler", scheduler_address,
                           "--loopsim", loopsim_binary, "--out", str(out))
    local = tmp_path / "local-sweep"
    subprocess.run([loopsim_binary, "sweep", *sweep_arguments, "--out", str(local),
                    "--quiet"], capture_output=True, check=True)

    assert completed.returncode == 0, completed.stderr
    assert "12 of 12 tasks done, 0 failed" in completed.stderr
    plan = json.loads((out / "plan.json").read_text())
    run_ids = sorted(run["id"] for run in plan["runs"])
    assert len(run_ids) == 12
    assert sorted(os.listdir(out / "runs")) == run_ids
    with open(out / "results.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len({row["run_id"] for row in rows}) == 12
    connection = sqlite3.connect(f"file:{out / 'results.sqlite'}?mode=ro", uri=True)
    try:
        done = connection.execute(
            "SELECT count(*) FROM plan WHERE status = 'done'").fetchone()[0]
        metric_runs = connection.execute(
            "SELECT count(DISTINCT run_id) FROM metrics").fetchone()[0]
    finally:
        connection.close()
    assert done == 12
    assert metric_runs == 12
    for name in ("plan.json", "results.csv", "results.sqlite"):
        assert read_bytes(str(out / name)) == read_bytes(str(local / name)), name


@pytest.mark.parametrize("allow_partial", [False, True])
def test_sweep_with_failing_run(loopsim_binary, scheduler_address, tmp_path, allow_partial):
    if not has_verb(loopsim_binary, "sweep"):
        pytest.skip("this loopsim binary has no sweep verb")
    # Fails the run whose scenario waits 4h: point 2 of the grid, run p02-r01.
    wrapper = write_wrapper(tmp_path / "loopsim-failing", """
if [ "$1" = run ] && grep -q '"wait": "4h"' "$2"; then
  echo "loopsim: error: cannot write results.sqlite: disk I/O error" >&2
  exit 3
fi""", loopsim_binary)
    out = tmp_path / "sweep"
    completed = run_driver(
        "sweep", FLAGSHIP, "--customers", "300", "--grid", "workflows[0].steps[0].wait=1h,4h",
        "--scheduler", scheduler_address, "--loopsim", loopsim_binary,
        "--worker-loopsim", wrapper, "--retries", "0", "--out", str(out),
        *(["--allow-partial"] if allow_partial else []))

    assert completed.returncode == 1
    assert "missing runs: p02-r01" in completed.stderr
    assert not [name for name in os.listdir(tmp_path) if ".partial-" in name]
    if not allow_partial:
        assert not out.exists()
        return
    connection = sqlite3.connect(f"file:{out / 'results.sqlite'}?mode=ro", uri=True)
    try:
        statuses = dict(connection.execute("SELECT run_id, status FROM plan").fetchall())
    finally:
        connection.close()
    assert statuses == {"p01-r01": "done", "p02-r01": "missing"}
