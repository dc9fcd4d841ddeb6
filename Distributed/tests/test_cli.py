"""Input errors that loopsim-dask reports before it starts any cluster."""

from conftest import FLAGSHIP, run_driver


def test_nonempty_output_folder_rejected(loopsim_binary, tmp_path):
    (tmp_path / "old.txt").write_text("x")

    completed = run_driver("run", FLAGSHIP, "--shards", "2", "--loopsim", loopsim_binary,
                           "--out", str(tmp_path))

    assert completed.returncode == 2
    assert f"--out {tmp_path}: the folder is not empty" in completed.stderr


def test_invalid_scenario_value_reported_by_loopsim(loopsim_binary, tmp_path):
    completed = run_driver("run", FLAGSHIP, "--customers", "many", "--shards", "2",
                           "--loopsim", loopsim_binary, "--out", str(tmp_path / "out"))

    assert completed.returncode == 2
    assert "run.customers" in completed.stderr
    assert '"many"' in completed.stderr
    assert not (tmp_path / "out").exists()


def test_missing_loopsim_binary_named(tmp_path):
    missing = str(tmp_path / "no-loopsim")

    completed = run_driver("run", FLAGSHIP, "--shards", "2", "--loopsim", missing,
                           "--out", str(tmp_path / "out"))

    assert completed.returncode == 2
    assert missing in completed.stderr


def test_shard_count_out_of_range(tmp_path):
    completed = run_driver("run", FLAGSHIP, "--shards", "0", "--out", str(tmp_path / "out"))

    assert completed.returncode == 2
    assert "--shards: expected 1 to 10000, found 0" in completed.stderr
