#!/usr/bin/env python3
"""Execute notebooks with nbclient and save the executed copies.

Usage: run_notebooks.py --out FOLDER NOTEBOOK...

Each notebook runs in a fresh kernel with Notebooks/ as its working folder. The executed
copy, with its outputs, goes to FOLDER; the notebook itself is not changed. Exits with 1
when any cell raises, after running every notebook.
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for executed copies")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    parser.add_argument("notebooks", nargs="+", type=Path)
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)

    failed = []
    for path in arguments.notebooks:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook, timeout=arguments.timeout, kernel_name="python3",
            resources={"metadata": {"path": str(path.parent.resolve())}})
        started = time.monotonic()
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as error:
            failed.append(path)
            status = f"failed\n{error}"
        nbformat.write(notebook, arguments.out / path.name)
        print(f"{path}: {status} ({time.monotonic() - started:.1f} s)", flush=True)

    print(f"{len(arguments.notebooks)} notebooks executed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
