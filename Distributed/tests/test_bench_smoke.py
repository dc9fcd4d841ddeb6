"""The Dask benchmark driver at tiny sizes, so that it keeps working."""

import os
import subprocess
import sys

from conftest import ROOT, has_verb


def test_dask_bench_smoke(loopsim_binary, tmp_path):
    sections = "flagship,overhead" if has_verb(loopsim_binary, "merge") else "overhead"
    report = tmp_path / "report.md"
    completed = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "dask_bench.py"), "--smoke",
         "--build-dir", os.path.dirname(loopsim_binary), "--sections", sections,
         "--report", str(report)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)

    assert completed.returncode == 0, completed.stderr
    text = report.read_text()
    assert "ms per task" in text
    if "flagship" in sections:
        assert "byte-identical to the single run: yes" in text
