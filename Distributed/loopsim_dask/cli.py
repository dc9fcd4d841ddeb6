"""The ``loopsim-dask`` command line."""

import argparse
import logging
import os
import signal
import sys

from loopsim_dask import __version__
from loopsim_dask.errors import (
    EXIT_INTERRUPTED, DriverError, InvalidInput, LoopsimRejected, RuntimeFailure)
from loopsim_dask.loopsim import find_binary
from loopsim_dask.options import JobOptions
from loopsim_dask.shards import run_sharded
from loopsim_dask.sweep import run_sweep

DESCRIPTION = """\
Run LoopSim on a Dask cluster: a scenario split into customer shards (run), or a sweep
of grid points and replicates (sweep). Each shard or sweep run is one Dask task that runs
`loopsim run` on a worker; the task carries the resolved scenario, so workers need no
shared input files. Without --scheduler a LocalCluster starts on this machine.

Exit status: 0 success, 1 tasks that failed every try, 2 invalid input, 3 a runtime
failure (scheduler unreachable, loopsim failed in the driver), 130 interrupted."""


def positive_integer(maximum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, found {text!r}") from None
        if not 1 <= value <= maximum:
            raise argparse.ArgumentTypeError(f"expected 1 to {maximum}, found {value}")
        return value
    return parse


def non_negative_integer(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, found {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected 0 to 100, found {value}")
    return value


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO", help="the scenario file (JSON5)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="results folder to write; must not exist or be empty")
    parser.add_argument("--customers", metavar="N", help="simulate N customers (run.customers)")
    parser.add_argument("--seed", metavar="S", help="use seed S (run.seed)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="set a scenario field, as in loopsim; repeatable")

    cluster = parser.add_argument_group("cluster")
    cluster.add_argument("--scheduler", metavar="ADDRESS",
                         help="address of a running Dask scheduler, such as "
                              "tcp://10.0.0.5:8786; without it a LocalCluster starts here")
    cluster.add_argument("--workers", type=positive_integer(1024), metavar="N",
                         help="worker processes of the LocalCluster (default: one per "
                              "processor core); ignored with --scheduler")
    cluster.add_argument("--retries", type=non_negative_integer, default=2, metavar="R",
                         help="times Dask retries a task whose loopsim run fails (default 2)")
    cluster.add_argument("--allowed-failures", type=non_negative_integer, default=3,
                         metavar="K",
                         help="times the LocalCluster reschedules a task lost with a killed "
                              "worker (default 3); a remote scheduler uses its own "
                              "distributed.scheduler.allowed-failures")
    cluster.add_argument("--shared-dir", metavar="DIR",
                         help="folder that every worker can write and the driver can read; "
                              "workers write whole output folders there instead of "
                              "returning their bytes")
    cluster.add_argument("--loopsim", metavar="PATH",
                         help="the driver's loopsim binary (default: $LOOPSIM_BINARY, "
                              "loopsim on PATH, then .build/release/loopsim)")
    cluster.add_argument("--worker-loopsim", metavar="PATH",
                         help="the loopsim binary on the workers (default: the driver's, at "
                              "the same absolute path)")

    parser.add_argument("--allow-partial", action="store_true",
                        help="merge or combine what finished even when tasks failed every "
                             "try; the exit status is still 1")
    parser.add_argument("--json", action="store_true",
                        help="print loopsim's JSON output instead of its table: the merged "
                             "summary.json (run) or the sweep's results (sweep)")
    parser.add_argument("--quiet", action="store_true", help="print no progress lines")
    parser.add_argument("--verbose", action="store_true",
                        help="also print the driver's and Dask's informational logs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loopsim-dask", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"loopsim-dask {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    run = verbs.add_parser(
        "run", help="run a scenario as N customer shards and merge them",
        description="Run SCENARIO as --shards N tasks, each `loopsim run --shard i/N`, and "
                    "merge them with `loopsim merge` into --out. The merged summary.json is "
                    "byte-identical to a single `loopsim run` of the same scenario and seed.")
    add_common_options(run)
    run.add_argument("--shards", type=positive_integer(10_000), required=True, metavar="N",
                     help="number of customer shards, 1 to 10000")

    sweep = verbs.add_parser(
        "sweep", help="run a sweep's grid points and replicates and combine them",
        description="Plan the sweep with `loopsim sweep --plan`, run each grid point and "
                    "replicate as a task, write runs/ID/summary.json under --out, and "
                    "combine them with `loopsim sweep --combine` into results.sqlite and "
                    "results.csv.")
    add_common_options(sweep)
    sweep.add_argument("--grid", action="append", required=True, metavar="PATH=V1,V2,...",
                       help="a scenario field and its values; repeatable, all combinations "
                            "run")
    sweep.add_argument("--replicates", type=positive_integer(10_000), default=1, metavar="R",
                       help="replicates per grid point, with seeds from loopsim's plan "
                            "(default 1)")
    return parser


def job_options(arguments: argparse.Namespace, log: logging.Logger) -> JobOptions:
    binary = find_binary(arguments.loopsim)
    overrides = []
    if arguments.customers is not None:
        overrides += ["--customers", arguments.customers]
    if arguments.seed is not None:
        overrides += ["--seed", arguments.seed]
    for assignment in arguments.set:
        overrides += ["--set", assignment]
    shared = arguments.shared_dir
    if shared is not None and not os.path.isdir(shared):
        raise InvalidInput(f"--shared-dir {shared}: not a folder; create it on a file system "
                           "that every worker mounts at the same path")
    if shared is not None and not os.access(shared, os.W_OK):
        raise InvalidInput(f"--shared-dir {shared}: not writable; give a folder that the "
                           "workers can write to")
    if shared is not None:
        real_shared = os.path.realpath(shared)
        real_out = os.path.realpath(arguments.out)
        if os.path.commonpath([real_shared, real_out]) == real_shared:
            raise InvalidInput(f"--out {arguments.out} lies in --shared-dir {shared}, where "
                               "the workers write; name an output folder outside it")
    return JobOptions(
        binary=binary, worker_binary=arguments.worker_loopsim or binary, out=arguments.out,
        overrides=tuple(overrides), scheduler=arguments.scheduler, workers=arguments.workers,
        retries=arguments.retries, allowed_failures=arguments.allowed_failures,
        shared_folder=os.path.abspath(shared) if shared else None,
        allow_partial=arguments.allow_partial, json=arguments.json, quiet=arguments.quiet,
        log=log)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that the same cleanup runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, frame):
    raise Terminated(signum)


def main(argv: list[str] | None = None) -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(format="loopsim-dask: %(message)s", stream=sys.stderr)
    log = logging.getLogger("loopsim_dask")
    log.setLevel(logging.INFO if arguments.verbose else logging.WARNING)
    # Dask logs each worker's start and stop at INFO and each lost worker at WARNING. The
    # progress lines already report lost workers and failed tasks.
    logging.getLogger("distributed").setLevel(
        logging.INFO if arguments.verbose else logging.ERROR)

    try:
        options = job_options(arguments, log)
        if arguments.verb == "run":
            return run_sharded(arguments.scenario, arguments.shards, options)
        return run_sweep(arguments.scenario, arguments.grid, arguments.replicates, options)
    except LoopsimRejected as error:
        print(error.message, file=sys.stderr)
        return error.exit_status
    except DriverError as error:
        print(f"loopsim-dask: error: {error.message}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt as error:
        print("loopsim-dask: interrupted; the tasks were cancelled", file=sys.stderr)
        if isinstance(error, Terminated):
            return 128 + error.signum
        return EXIT_INTERRUPTED
    except OSError as error:
        # A folder the driver cannot create or write, such as an --out on a read-only
        # volume: a runtime failure with the path, not a traceback.
        print(f"loopsim-dask: error: {error.strerror or error}: "
              f"{error.filename or ''}; choose folders in a location you can write to",
              file=sys.stderr)
        return RuntimeFailure.exit_status


if __name__ == "__main__":
    sys.exit(main())
