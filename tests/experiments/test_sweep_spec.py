"""Sweep specs: paths into the scenario, designs, and every mistake named with its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from twin_app.errors import ScenarioError
from twin_app.experiments.sweep import build_points
from twin_app.experiments.sweep_spec import apply, load_spec, parse_path


@pytest.fixture
def spec_file(tmp_path: Path, tiny_file: Path):
    def write(**fields: Any) -> Path:
        data = {"base": str(tiny_file), **fields}
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


def _problem(spec_path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        build_points(load_spec(spec_path))
    return str(caught.value)


def test_paths_pick_elements_by_id_star_or_position() -> None:
    assert parse_path("lanes[van:a->b.2].departure.policy") == [
        ("lanes", ["van:a->b.2"]),
        ("departure", []),
        ("policy", []),
    ]
    base = {"lanes": [{"id": "L1", "vehicles": 1}, {"id": "L2", "vehicles": 1}], "platform": {}}
    assert [lane["vehicles"] for lane in apply(base, {"lanes[*].vehicles": 4})["lanes"]] == [4, 4]
    assert [lane["vehicles"] for lane in apply(base, {"lanes[L2].vehicles": 3})["lanes"]] == [1, 3]
    assert apply(base, {"lanes[0].vehicles": 2})["lanes"][0]["vehicles"] == 2
    assert apply(base, {"platform.batch_families": True})["platform"] == {"batch_families": True}
    assert base["lanes"][0]["vehicles"] == 1  # the base is never changed


def test_a_factorial_design_has_every_combination(spec_file) -> None:
    spec = load_spec(
        spec_file(factors={"lanes[*].vehicles": [1, 2, 3], "platform.assignment": ["fastest", "cheapest"]})
    )
    assert len(spec.points) == 6
    assert spec.points[1] == {"lanes[*].vehicles": 1, "platform.assignment": "cheapest"}
    points = build_points(spec)
    assert [lane.vehicles for lane in points[5].scenario.lanes] == [3, 3]
    assert points[5].scenario.platform.assignment == "cheapest"


def test_a_latin_hypercube_covers_each_range_once_per_stratum(spec_file) -> None:
    design = {
        "design": "lhs",
        "samples": 8,
        "seed": 4,
        "factors": {
            "machines[B-cell].capacity": {"min": 1, "max": 9, "integer": True},
            "machines[B-cell].speed": {"min": 0.5, "max": 2.5},
        },
    }
    spec = load_spec(spec_file(**design))
    speeds = sorted(p["machines[B-cell].speed"] for p in spec.points)
    strata = [int((s - 0.5) / 2.0 * 8) for s in speeds]
    assert strata == list(range(8))  # one sample in each eighth of the range
    assert all(isinstance(p["machines[B-cell].capacity"], int) for p in spec.points)
    assert spec.points == load_spec(spec_file(**design)).points  # the same seed, the same design


def test_listed_points(spec_file) -> None:
    spec = load_spec(spec_file(design="points", points=[{"lanes[L1].vehicles": 1}, {"lanes[L1].vehicles": 5}]))
    assert [p.scenario.lanes[0].vehicles for p in build_points(spec)] == [1, 5]


@pytest.mark.parametrize(
    ("factors", "expected"),
    [
        ({"lanes[*].vehicels": [1]}, "no field 'vehicels'"),
        ({"lanes[*].vehicels": [1]}, "did you mean 'vehicles'"),
        ({"lanes[L9].vehicles": [1]}, "lanes has no element 'L9'"),
        ({"lanes[L9].vehicles": [1]}, "ids here: L1, L2"),
        ({"platfrom.assignment": ["fastest"]}, "did you mean 'platform'"),
        ({"lanes.vehicles": [1]}, "factors['lanes.vehicles']"),
        ({"lanes[*].vehicles": []}, "levels must be a non-empty list"),
    ],
)
def test_a_bad_path_or_level_list_is_named_with_its_fix(spec_file, factors, expected) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_spec(spec_file(factors=factors))
    assert expected in str(caught.value)


def test_a_level_of_the_wrong_type_names_the_point_the_factor_and_the_field(spec_file) -> None:
    text = _problem(spec_file(factors={"lanes[*].vehicles": [2, "many"], "platform.assignment": ["fastest"]}))
    assert "point 2 (lanes[*].vehicles = 'many', platform.assignment = 'fastest')" in text
    assert "lanes[0].vehicles" in text


def test_a_level_the_validator_refuses_is_reported_before_anything_runs(spec_file) -> None:
    text = _problem(spec_file(factors={"platform.assignment": ["fastest", "quickest"]}))
    assert "point 2" in text and "platform.assignment" in text


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"design": "taguchi"}, "unknown design 'taguchi'"),
        ({"objective": "minimise cost"}, "must be 'min KPI' or 'max KPI'"),
        ({"pareto": ["min cost.per_unit"]}, "must list two objectives"),
        ({"replications": 0}, "replications: must be a whole number >= 1"),
        ({"factor": {}}, "did you mean 'factors'"),
    ],
)
def test_bad_spec_fields_are_named(spec_file, fields, expected) -> None:
    fields.setdefault("factors", {"lanes[*].vehicles": [1]})
    with pytest.raises(ScenarioError) as caught:
        load_spec(spec_file(**fields))
    assert expected in str(caught.value)


def test_integer_lhs_levels_are_equally_likely(spec_file) -> None:
    spec = load_spec(
        spec_file(
            design="lhs",
            samples=30,
            seed=2,
            factors={"machines[B-cell].capacity": {"min": 1, "max": 3, "integer": True}},
        )
    )
    counts = [sum(p["machines[B-cell].capacity"] == level for p in spec.points) for level in (1, 2, 3)]
    assert counts == [10, 10, 10]
    with pytest.raises(ScenarioError, match="fewer than two whole numbers"):
        load_spec(
            spec_file(design="lhs", factors={"machines[B-cell].capacity": {"min": 1, "max": 1.5, "integer": True}})
        )


def test_a_spec_needs_two_replications_for_its_intervals(spec_file) -> None:
    with pytest.raises(ScenarioError, match=r"replications: must be from 2"):
        load_spec(spec_file(factors={"lanes[*].vehicles": [1]}, replications=1))
