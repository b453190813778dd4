"""Whatever a file holds, the reader either returns a scenario or raises ScenarioError.

A crash with a traceback (KeyError, TypeError, ZeroDivisionError deep in a check...) is the
worst answer to a broken file: the user learns nothing about where the mistake is. These
properties feed the reader arbitrary JSON and damaged versions of a valid scenario.
"""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin_app.errors import ScenarioError
from twin_app.io.scenario_file import loads_scenario, scenario_from_data
from twin_app.model.scenario import Scenario

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
Path_ = tuple[str | int, ...]


def _paths(node: Any, here: Path_ = ()) -> list[Path_]:
    """Every place in the JSON tree (the root excluded)."""
    found: list[Path_] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append((*here, key))
        found.extend(_paths(child, (*here, key)))
    return found


def _mutate(data: dict[str, Any], path: Path_, operation: str, value: Any) -> None:
    """Apply one damage to the value at ``path``: drop or rename its key, or replace it."""
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if operation == "drop":
        del parent[key]
    elif operation == "rename" and isinstance(parent, dict):
        parent[str(key) + "x"] = parent.pop(key)
    elif operation == "number":
        parent[key] = value if isinstance(value, int | float) and not isinstance(value, bool) else -1
    elif operation == "swap-type":
        current = parent[key]
        parent[key] = (
            str(current) if isinstance(current, int | float) else [current] if not isinstance(current, list) else {}
        )
    else:
        parent[key] = value


def _load_or_scenario_error(data: Any) -> None:
    try:
        result = scenario_from_data(data)
    except ScenarioError as error:
        assert error.problems and all(problem.message for problem in error.problems)
    else:
        assert isinstance(result, Scenario)


@FUZZ
@given(json_values)
def test_arbitrary_json_values_load_or_raise_scenario_error(value: Any) -> None:
    _load_or_scenario_error(value)


@FUZZ
@given(st.text(max_size=200))
def test_arbitrary_text_loads_or_raises_scenario_error(text: str) -> None:
    try:
        loads_scenario(text)
    except ScenarioError as error:
        assert error.problems


@FUZZ
@given(st.data())
def test_damaged_tiny_scenario_loads_or_raises_scenario_error(tiny_source: dict[str, Any], data: st.DataObject) -> None:
    scenario = copy.deepcopy(tiny_source)
    for _ in range(data.draw(st.integers(1, 4), label="damages")):
        paths = _paths(scenario)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        operation = data.draw(st.sampled_from(["drop", "rename", "number", "swap-type", "value"]), label="op")
        value = data.draw(
            json_values | st.floats(min_value=-1e6, max_value=1e6) | st.integers(-5, 10**6), label="value"
        )
        _mutate(scenario, path, operation, value)
    _load_or_scenario_error(scenario)
    with contextlib.suppress(ScenarioError):  # the same damage as text (NaN/Infinity become literals)
        loads_scenario(json.dumps(scenario))


def test_fuzz_damage_is_real_a_dropped_required_field_is_rejected(tiny_source: dict[str, Any]) -> None:
    """The mutations above must reach the reader: dropping a required key is an error."""
    scenario = copy.deepcopy(tiny_source)
    _mutate(scenario, ("machines", 0, "site"), "drop", None)
    try:
        scenario_from_data(scenario)
    except ScenarioError as error:
        assert any("missing field 'site'" in problem.message for problem in error.problems)
    else:
        raise AssertionError("a machine without a site was accepted")
