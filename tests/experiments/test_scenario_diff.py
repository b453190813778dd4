"""What changed between two scenarios: paths by id, added/removed elements, values as numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from twin_app.experiments.scenario_diff import Change, diff_data, diff_scenarios
from twin_app.io.scenario_file import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_a_lanes_vehicles_and_a_removed_machine_are_named_by_id() -> None:
    tiny = load_scenario(ROOT / "tests" / "data" / "tiny.json")
    lanes = list(tiny.lanes)
    lanes[0] = dataclasses.replace(lanes[0], vehicles=5)
    changed = tiny.with_changes(lanes=tuple(lanes), machines=tiny.machines[:2])
    changes = diff_scenarios(tiny, changed)
    assert [(c.path, c.kind) for c in changes] == [("machines[B-cell]", "removed"), ("lanes[L1].vehicles", "changed")]
    assert changes[1].text() == "2 -> 5"
    assert changes[0].section == "machines" and changes[0].old["id"] == "B-cell"


def test_equal_numbers_are_no_change_and_lists_without_ids_go_by_position() -> None:
    assert diff_data({"a": 3, "b": True}, {"a": 3.0, "b": True}) == []
    assert diff_data({"b": True}, {"b": 1}) == [Change("b", "changed", True, 1)]
    before = {"windows": [[0, 10], [20, 30]], "steps": [{"t": 1}, {"t": 2}]}
    after = {"windows": [[0, 10]], "steps": [{"t": 1}, {"t": 3}, {"t": 4}]}
    assert diff_data(before, after) == [
        Change("windows[1]", "removed", old=[20, 30]),
        Change("steps[1].t", "changed", 2, 3),
        Change("steps[2]", "added", new={"t": 4}),
    ]


def test_heavy_against_light_lists_the_owners_light_adds() -> None:
    heavy = load_scenario(ROOT / "sample_networks" / "asset_heavy.json")
    light = load_scenario(ROOT / "sample_networks" / "asset_light.json")
    added = [c.path for c in diff_scenarios(heavy, light) if c.kind == "added" and c.section == "owners"]
    assert added == ["owners[velo-a]", "owners[velo-b]", "owners[velo-c]", "owners[flexnet]"]
    assert diff_scenarios(light, light) == []
