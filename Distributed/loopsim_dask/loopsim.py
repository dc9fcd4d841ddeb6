"""The driver's calls of the local ``loopsim`` binary (resolve, merge, sweep)."""

import os
import shutil
import subprocess
import sys

from loopsim_dask.errors import (
    EXIT_INVALID_INPUT, InvalidInput, LoopsimRejected, RuntimeFailure)

# The path of the binary that `make release` builds, relative to the repository's root.
RELEASE_BINARY = os.path.join(".build", "release", "loopsim")


def find_binary(requested: str | None) -> str:
    """Find the driver's loopsim binary and return its absolute path.

    The order: ``requested`` (the --loopsim option), the LOOPSIM_BINARY environment
    variable, ``loopsim`` on PATH, then .build/release/loopsim below the current folder.
    """
    candidates = []
    if requested:
        candidates.append(("--loopsim", requested))
    elif os.environ.get("LOOPSIM_BINARY"):
        candidates.append(("LOOPSIM_BINARY", os.environ["LOOPSIM_BINARY"]))
    else:
        on_path = shutil.which("loopsim")
        if on_path:
            candidates.append(("PATH", on_path))
        candidates.append(("the default", RELEASE_BINARY))

    for source, path in candidates:
        found = shutil.which(path) if os.sep not in path else path
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return os.path.abspath(found)
        if source != "the default":
            raise InvalidInput(
                f"the loopsim binary {path!r} from {source} was not found or is not "
                "executable; build it with `make release` or pass --loopsim PATH")
    raise InvalidInput(
        "no loopsim binary found: none on PATH and none at .build/release/loopsim; build it "
        "with `make release`, or pass --loopsim PATH or set LOOPSIM_BINARY")


def run(binary: str, arguments: list[str]) -> bytes:
    """Run ``loopsim ARGUMENTS`` and return its standard output.

    Its standard error (warnings, errors) goes to the driver's. Exit status 2 raises
    LoopsimRejected with loopsim's message, which already names the file, field and fix;
    any other failure raises RuntimeFailure.
    """
    try:
        completed = subprocess.run(
            [binary, *arguments], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, check=False)
    except OSError as error:
        raise RuntimeFailure(f"cannot start {binary}: {error.strerror}") from error

    message = completed.stderr.decode("utf-8", "replace").rstrip()
    if completed.returncode == 0:
        if message:
            print(message, file=sys.stderr)
        return completed.stdout
    if completed.returncode == EXIT_INVALID_INPUT:
        raise LoopsimRejected(message or f"loopsim: error: {arguments[0]} rejected its input")
    if completed.returncode < 0:
        status = f"was killed by signal {-completed.returncode}"
    else:
        status = f"failed with exit status {completed.returncode}"
    raise RuntimeFailure(f"'loopsim {arguments[0]}' {status}: {message or 'no message'}")
