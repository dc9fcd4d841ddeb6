#!/usr/bin/env python3
"""Check that notebooks are committed without outputs.

Usage: check_outputs_stripped.py NOTEBOOK...

Exits with 1 and names each code cell that has outputs or an execution count, because
outputs in the repository go stale, bloat diffs and can hide that a notebook no longer
runs. Needs only the standard library.
"""
import json
import sys


def problems(path):
    with open(path, encoding="utf-8") as file:
        notebook = json.load(file)
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            yield f"{path}: cell {index} has outputs"
        if cell.get("execution_count") is not None:
            yield f"{path}: cell {index} has execution count {cell['execution_count']}"


def main():
    found = [problem for path in sys.argv[1:] for problem in problems(path)]
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print("Fix: clear the outputs before committing (Jupyter: Edit > Clear Outputs of "
              "All Cells, or `jupyter nbconvert --clear-output --inplace NOTEBOOK`).",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
