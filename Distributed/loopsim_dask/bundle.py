"""Scenario bundles: the resolved scenario text plus the files it reads, sent in a task.

A resolved scenario may name a tracking plan by a path relative to the scenario file.
The bundle carries the plan's bytes under that relative path, and the worker writes the
scenario and the plan into a private temporary folder in the same relative layout. The
scenario text stays byte for byte as ``loopsim resolve`` printed it, so its SHA-256 (which
summary.json records) is the same as in a single-machine run.
"""

import dataclasses
import hashlib
import json
import os
import posixpath

from loopsim_dask.errors import InvalidInput

SCENARIO_FILE_NAME = "scenario.json"


@dataclasses.dataclass(frozen=True)
class ScenarioBundle:
    """A resolved scenario and the files it reads, ready to be written on a worker."""

    text: str
    # (path relative to the scenario file's folder, contents) of each file it reads.
    files: tuple[tuple[str, bytes], ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def write(self, folder: str) -> str:
        """Write the scenario and its files below ``folder``; return the scenario's path.

        A file named with leading ``..`` components (``../plans/a.json5``) needs the
        scenario as many folders deep, so the scenario goes into nested folders d1/d2/….
        """
        depth = max((_parent_steps(path) for path, _ in self.files), default=0)
        scenario_folder = os.path.join(folder, *[f"d{level + 1}" for level in range(depth)])
        os.makedirs(scenario_folder, exist_ok=True)
        for path, contents in self.files:
            target = os.path.normpath(os.path.join(scenario_folder, *path.split("/")))
            if os.path.commonpath([folder, target]) != os.path.normpath(folder):
                raise ValueError(f"bundle file {path!r} lies outside the task folder")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as file:
                file.write(contents)
        scenario_path = os.path.join(scenario_folder, SCENARIO_FILE_NAME)
        with open(scenario_path, "w", encoding="utf-8") as file:
            file.write(self.text)
        return scenario_path


def _parent_steps(path: str) -> int:
    """Count the leading ``..`` components of a normalized relative path."""
    steps = 0
    for component in path.split("/"):
        if component != "..":
            break
        steps += 1
    return steps


def tracking_plan_path(text: str) -> str | None:
    """Return ``pipeline.trackingPlan`` of a resolved scenario, or None when it has none."""
    try:
        scenario = json.loads(text)
    except ValueError as error:
        raise InvalidInput(
            "loopsim resolve printed no scenario JSON, so the binary is not loopsim; pass "
            "--loopsim PATH with the loopsim binary") from error
    pipeline = scenario.get("pipeline") if isinstance(scenario, dict) else None
    plan = pipeline.get("trackingPlan") if isinstance(pipeline, dict) else None
    return plan if isinstance(plan, str) else None


def make_bundle(text: str, scenario_file: str, cache: dict | None = None,
                plan_file: str | None = None) -> ScenarioBundle:
    """Bundle a resolved scenario with the tracking plan it names.

    ``plan_file`` is the plan file that loopsim reads for this scenario, as
    ``loopsim resolve --tracking-plan`` prints it. It resolves a plan written in an
    ``extends`` base against the base's folder. Without it, a relative plan path is read
    against the folder of ``scenario_file``. An absolute path is left to the workers, which
    then need the plan at that path. ``cache`` maps paths already read to their bytes, for
    sweeps whose runs name the same plan.
    """
    plan = tracking_plan_path(text)
    if plan is None or os.path.isabs(plan):
        return ScenarioBundle(text)

    relative = posixpath.normpath(plan.replace(os.sep, "/"))
    remainder = relative.split("/")[_parent_steps(relative):]
    if not remainder or ".." in remainder:
        raise InvalidInput(
            f"{scenario_file}: pipeline.trackingPlan: invalid path {plan!r}; name a plan "
            "file relative to the scenario file's folder")

    location = plan_file or os.path.join(
        os.path.dirname(os.path.abspath(scenario_file)), *relative.split("/"))
    cache = {} if cache is None else cache
    if location not in cache:
        try:
            with open(location, "rb") as file:
                cache[location] = file.read()
        except OSError as error:
            raise InvalidInput(
                f"{scenario_file}: pipeline.trackingPlan: cannot read {plan!r} at "
                f"{location} ({error.strerror}); the driver sends the plan to the workers, "
                "so it must be found relative to the scenario file's folder, or be an "
                "absolute path that exists on every worker") from error
    return ScenarioBundle(text, ((relative, cache[location]),))
