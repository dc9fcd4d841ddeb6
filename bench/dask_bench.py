"""Benchmark of loopsim-dask: one process against a LocalCluster, and Dask's cost per task.

1. The flagship at --customers (default 1,000,000) run by `loopsim run` in one process,
   by `loopsim run --shards N` on threads of one process, and by
   `loopsim-dask run --shards N` on a LocalCluster of --workers processes on this
   machine, with the shard outputs written to a shared folder. The driver's wall time
   includes starting the cluster and the merge; the merge is then timed alone on the same
   shard folders. Every summary.json must be byte-identical.
2. The overhead per task: --tasks tasks of a stand-in binary that only writes a small
   summary.json, through a one-worker LocalCluster and called directly in this process
   one after another, in alternating rounds. The difference per task is what going
   through Dask costs: submission, scheduling, serialization, the result's transfer and
   the progress events.

Runs in the virtual environment that `make distributed` creates (it imports loopsim_dask).
Exit status: 0 when every run succeeded and the summaries agree, 1 otherwise.

    Distributed/.venv/bin/python bench/dask_bench.py                          # the benchmark
    Distributed/.venv/bin/python bench/dask_bench.py --smoke --build-dir .build/debug
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import dask
from distributed import Client

from loopsim_dask.bundle import ScenarioBundle
from loopsim_dask.cluster import start_local_cluster
from loopsim_dask.execute import execute, new_topic, write_result
from loopsim_dask.progress import Progress
from loopsim_dask.task import TaskRequest, run_task

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGSHIP = os.path.join(ROOT, "Scenarios", "masterclass-abandoned-cart.json5")

# The stand-in for loopsim in the overhead section: it writes {} to OUT/summary.json.
STAND_IN = """#!/bin/sh
while [ "$#" -gt 0 ]; do
  if [ "$1" = --out ]; then out=$2; fi
  shift
done
mkdir -p "$out" && printf '{}\\n' > "$out/summary.json"
"""


def measure(command: list[str]) -> dict:
    """Run a command to completion and return its wall time and CPU time.

    The CPU time is wait4's, which adds every descendant that the process reaped.
    """
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {code}:\n"
                           f"{stderr.decode('utf-8', 'replace')[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime}


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def bench_flagship(options, scratch: str) -> dict:
    """Time the flagship in one process and on the LocalCluster; check they agree."""
    loopsim = os.path.join(options.build_dir, "loopsim")
    single = os.path.join(scratch, "single")
    print(f"flagship, {options.customers:,} customers: one process …", file=sys.stderr)
    single_process = measure([loopsim, "run", FLAGSHIP, "--customers", str(options.customers),
                   "--out", single, "--quiet"])

    threads = os.path.join(scratch, "threads")
    print(f"flagship: --shards {options.shards} on threads of one process …", file=sys.stderr)
    in_process = measure([loopsim, "run", FLAGSHIP, "--customers", str(options.customers),
                          "--shards", str(options.shards), "--jobs", str(options.workers),
                          "--out", threads, "--quiet"])

    shared = os.path.join(scratch, "shared")
    os.makedirs(shared)
    merged = os.path.join(scratch, "merged")
    print(f"flagship: {options.shards} shards on {options.workers} workers …",
          file=sys.stderr)
    cluster = measure([
        sys.executable, "-m", "loopsim_dask", "run", FLAGSHIP,
        "--customers", str(options.customers), "--shards", str(options.shards),
        "--workers", str(options.workers), "--loopsim", loopsim, "--shared-dir", shared,
        "--out", merged, "--quiet"])

    shard_folders = sorted(
        os.path.join(root, name) for root, folders, _ in os.walk(shared)
        for name in folders if name.startswith("shard-"))
    print("flagship: the merge alone …", file=sys.stderr)
    merge = measure([loopsim, "merge", *shard_folders, "--out",
                     os.path.join(scratch, "merged-again")])
    expected = read_bytes(os.path.join(single, "summary.json"))
    agree = (read_bytes(os.path.join(merged, "summary.json")) == expected
             and read_bytes(os.path.join(threads, "summary.json")) == expected)
    return {"single": single_process, "threads": in_process, "cluster": cluster, "merge": merge,
            "agree": agree}


def overhead_requests(count: int, binary: str) -> list[TaskRequest]:
    topic = new_topic()
    bundle = ScenarioBundle("{}")
    return [TaskRequest(label=f"task {index}", name=f"task-{index:04d}", bundle=bundle,
                        arguments=(), binary=binary, topic=topic)
            for index in range(count)]


def bench_overhead(options, scratch: str) -> dict:
    """Time --tasks stand-in tasks through a one-worker LocalCluster and directly."""
    binary = os.path.join(scratch, "stand-in")
    with open(binary, "w") as file:
        file.write(STAND_IN)
    os.chmod(binary, 0o755)

    print(f"overhead: {options.rounds} rounds of {options.tasks} tasks, directly and "
          "through Dask in turn …", file=sys.stderr)
    start = time.monotonic()
    cluster = start_local_cluster(1)
    started = time.monotonic() - start
    direct_rounds, dask_rounds = [], []
    with cluster, Client(cluster) as client:
        client.wait_for_workers(1)
        for round_index in range(options.rounds):
            # Alternating the two ways spreads a change of the machine's load over both.
            folder = os.path.join(scratch, f"direct-{round_index}")
            start = time.monotonic()
            for request in overhead_requests(options.tasks, binary):
                write_result(run_task(request), folder)
            direct_rounds.append(time.monotonic() - start)

            folder = os.path.join(scratch, f"dask-{round_index}")
            requests = overhead_requests(options.tasks, binary)
            start = time.monotonic()
            outcome = execute(client, requests, 0, Progress(len(requests), quiet=True),
                              lambda result, folder=folder: write_result(result, folder))
            dask_rounds.append(time.monotonic() - start)
            if outcome.failures:
                raise RuntimeError(f"overhead tasks failed: {outcome.failures}")
    direct = statistics.median(direct_rounds)
    through_dask = statistics.median(dask_rounds)
    return {"tasks": options.tasks, "direct": direct, "dask": through_dask,
            "direct_rounds": direct_rounds, "rounds": dask_rounds, "cluster_start": started,
            "per_task_ms": (through_dask - direct) / options.tasks * 1000}


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"dask {dask.__version__}; load average {load[0]:.1f} at the end")


def markdown(options, flagship: dict | None, overhead: dict | None) -> str:
    lines = [f"## Dask ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)",
             "", machine(), ""]
    if flagship is not None:
        single, cluster, merge = flagship["single"], flagship["cluster"], flagship["merge"]
        lines += [
            f"Flagship at {options.customers:,} customers, {options.shards} shards on a "
            f"LocalCluster of {options.workers} workers (shard outputs in a shared folder):",
            "",
            "| how | wall s | CPU s | speed-up by wall time |",
            "| --- | --- | --- | --- |",
            f"| `loopsim run`, one process | {single['wall']:.1f} | {single['cpu']:.1f} | 1.00 |",
            f"| `loopsim run --shards {options.shards} --jobs {options.workers}`, threads of "
            f"one process | {flagship['threads']['wall']:.1f} | "
            f"{flagship['threads']['cpu']:.1f} | "
            f"{single['wall'] / flagship['threads']['wall']:.2f} |",
            f"| `loopsim-dask run`, whole command | {cluster['wall']:.1f} | "
            f"{cluster['cpu']:.1f} | {single['wall'] / cluster['wall']:.2f} |",
            f"| of which `loopsim merge` (timed alone) | {merge['wall']:.1f} | "
            f"{merge['cpu']:.1f} | |",
            "",
            "summary.json of both sharded runs byte-identical to the single run: "
            + ("yes" if flagship["agree"] else "NO"),
            ""]
    if overhead is None:
        return "\n".join(lines)
    direct_rounds = ", ".join(f"{value:.2f}" for value in overhead["direct_rounds"])
    dask_rounds = ", ".join(f"{value:.2f}" for value in overhead["rounds"])
    lines += [
        f"Overhead per task ({overhead['tasks']} tasks of a stand-in binary, one worker, "
        f"medians of {len(overhead['rounds'])} alternating rounds): "
        f"{overhead['direct']:.2f} s called directly (rounds {direct_rounds} s), "
        f"{overhead['dask']:.2f} s through Dask (rounds {dask_rounds} s), so "
        f"{overhead['per_task_ms']:.1f} ms per task. "
        f"Starting the LocalCluster took {overhead['cluster_start']:.1f} s.",
        ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build", "release"),
                        help="folder of the loopsim binary (default .build/release)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=200,
                        help="tasks in the overhead section (default 200)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of tasks each way in the overhead section (default 5)")
    parser.add_argument("--sections", default="flagship,overhead",
                        help="comma-separated sections to run (default flagship,overhead)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes that only check that the driver works")
    parser.add_argument("--report", help="Markdown report file (default: under .build/bench/)")
    options = parser.parse_args()
    if options.smoke:
        options.customers, options.tasks, options.rounds = 2_000, 10, 1
    sections = set(options.sections.split(","))

    scratch = tempfile.mkdtemp(prefix="loopsim-dask-bench-")
    try:
        flagship = bench_flagship(options, scratch) if "flagship" in sections else None
        overhead = bench_overhead(options, scratch) if "overhead" in sections else None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    report = markdown(options, flagship, overhead)
    print(report)
    path = options.report or os.path.join(
        ROOT, ".build", "bench", f"dask-{datetime.datetime.now():%Y%m%d-%H%M%S}.md")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as file:
        file.write(report)
    print(f"report written to {path}", file=sys.stderr)
    return 0 if flagship is None or flagship["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
