"""Scenario bundles: the tracking plan travels with the scenario, in the same layout."""

import json
import os

import pytest

from loopsim_dask.bundle import ScenarioBundle, make_bundle
from loopsim_dask.errors import InvalidInput


def scenario_text(plan: str | None) -> str:
    pipeline = {} if plan is None else {"trackingPlan": plan}
    return json.dumps({"name": "test", "pipeline": pipeline}, indent=2, sort_keys=True)


def write_file(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("plan, location", [
    ("plans/a.json5", "scenarios/plans/a.json5"),
    ("./plans/a.json5", "scenarios/plans/a.json5"),
    ("../shared/a.json5", "shared/a.json5"),
    ("a.json5", "scenarios/a.json5"),
])
def test_plan_found_beside_written_scenario(tmp_path, plan, location):
    write_file(tmp_path / location, "{ events: [] }")
    scenario = tmp_path / "scenarios" / "s.json5"
    write_file(scenario, "{}")
    bundle = make_bundle(scenario_text(plan), str(scenario))

    written = bundle.write(str(tmp_path / "task"))

    assert open(written).read() == scenario_text(plan)
    plan_path = os.path.normpath(os.path.join(os.path.dirname(written), plan))
    assert open(plan_path).read() == "{ events: [] }"
    assert os.path.commonpath([str(tmp_path / "task"), plan_path]) == str(tmp_path / "task")


def test_scenario_without_plan_has_no_files(tmp_path):
    bundle = make_bundle(scenario_text(None), str(tmp_path / "s.json5"))

    assert bundle.files == ()


def test_absolute_plan_left_to_workers(tmp_path):
    bundle = make_bundle(scenario_text("/opt/plans/a.json5"), str(tmp_path / "s.json5"))

    assert bundle.files == ()


def test_missing_plan_names_path(tmp_path):
    with pytest.raises(InvalidInput) as error:
        make_bundle(scenario_text("plans/none.json5"), str(tmp_path / "s.json5"))

    assert "pipeline.trackingPlan" in error.value.message
    assert str(tmp_path / "plans" / "none.json5") in error.value.message


@pytest.mark.parametrize("plan", ["..", "plans/../../..", "../.."])
def test_plan_path_without_file_rejected(tmp_path, plan):
    with pytest.raises(InvalidInput) as error:
        make_bundle(scenario_text(plan), str(tmp_path / "s.json5"))

    assert "invalid path" in error.value.message


def test_bundle_file_outside_task_folder_rejected(tmp_path):
    bundle = ScenarioBundle("{}", (("plans/../../../escape.json5", b"x"),))

    with pytest.raises(ValueError):
        bundle.write(str(tmp_path / "task"))
    assert not (tmp_path.parent / "escape.json5").exists()


def test_sha256_of_text():
    assert ScenarioBundle("{}").sha256 == \
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
