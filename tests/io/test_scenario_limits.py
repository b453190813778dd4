"""Values no run could handle are rejected at their place, before a run hangs or fills the
memory; extreme values that a run can handle still load (the limits are in model/limits.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twin_app.errors import ScenarioError
from twin_app.io.scenario_file import load_scenario, scenario_from_data
from twin_app.model import limits
from twin_app.model.distributions import Empirical, parse_distribution

Data = dict[str, Any]
Edit = Callable[[Data], None]


def _set(path: str, value: Any) -> Edit:
    """An edit that sets the value at a dotted path (list indices as numbers)."""

    def edit(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[int(last) if isinstance(node, list) else last] = value

    return edit


def _both(first: Edit, second: Edit) -> Edit:
    def edit(data: Data) -> None:
        first(data)
        second(data)

    return edit


def _bom_chain(depth: int) -> Edit:
    """Products p0 <- p1 <- ... each holding the previous one: a bill of materials ``depth`` deep."""

    def edit(data: Data) -> None:
        chain = [{"id": "p0", "routing": [{"capabilities": ["mill"]}]}]
        for level in range(1, depth):
            chain.append(
                {"id": f"p{level}", "routing": [{"capabilities": ["assemble"]}], "bom": [{"product": f"p{level - 1}"}]}
            )
        data["products"] += chain

    return edit


def _bom_fan(levels: int, width: int) -> Edit:
    """Each level lists the level below ``width`` times: width ** levels jobs per order."""

    def edit(data: Data) -> None:
        data["products"].append({"id": "q0", "routing": [{"capabilities": ["mill"]}]})
        for level in range(1, levels + 1):
            data["products"].append(
                {
                    "id": f"q{level}",
                    "routing": [{"capabilities": ["assemble"]}],
                    "bom": [{"product": f"q{level - 1}"}] * width,
                }
            )

    return edit


REJECTED: list[tuple[str, Edit, str, str]] = [
    # name, edit, place, words of the message
    ("huge int time", _set("machines.1.capabilities.0.time", 10**400), "machines[1].capabilities[0].time", "MAX_TIME"),
    ("huge int mean", _set("lanes.1.transit", {"dist": "exponential", "mean": 10**30}), "lanes[1].transit", "MAX_TIME"),
    ("huge int count", _set("machines.0.capacity", 2**64), "machines[0].capacity", "must be <= 10000"),
    ("capacity 1e7", _set("machines.0.capacity", 10**7), "machines[0].capacity", "must be <= 10000"),
    ("1e9 vehicles", _set("lanes.0.vehicles", 10**9), "lanes[0].vehicles", "must be <= 10000"),
    ("replications 1e6", _set("run.replications", 10**6), "run.replications", "must be <= 1000"),
    ("seed 2^63", _set("run.seed", 2**63), "run.seed", "must be <="),
    ("negative seed", _set("run.seed", -1), "run.seed", "must be >= 0"),
    ("horizon 1e12", _set("run.horizon", 1e12), "run.horizon", "must be <= 1e+09"),
    ("cost 1e300", _set("machines.0.cost.running", 1e300), "machines[0].cost.running", "must be <= 1e+12"),
    (
        "interarrival 0",
        _set("demand.streams.0.interarrival", 0),
        "demand.streams[0].interarrival",
        "MIN_INTERARRIVAL_MEAN",
    ),
    (
        "a million orders a minute",
        _set("demand.streams.0.interarrival", {"dist": "exponential", "mean": 1e-6}),
        "demand.streams[0].interarrival",
        "below the minimum",
    ),
    (
        "bursts of orders at one instant",
        _set("demand.streams.0.interarrival", {"dist": "empirical", "values": [0, 1e9], "weights": [1e7, 1]}),
        "demand.streams[0].interarrival",
        "MAX_EXPECTED_ORDERS",
    ),
    (
        "bursts of breakdowns at one instant",
        _set(
            "machines.0.failures.mtbf",
            {"dist": "empirical", "values": [0, 1e9], "weights": [1e7, 1]},
        ),
        "machines[0].failures.mtbf",
        "MAX_EXPECTED_CALENDAR_EVENTS",
    ),
    (
        "orders beyond the budget",
        _set("run.horizon", 1e8),
        "demand.streams[0].interarrival",
        "MAX_EXPECTED_ORDERS",
    ),
    (
        "shift window 1e-10",
        _set("machines.1.shifts.windows", [[360, 360 + 1e-10]]),
        "machines[1].shifts.windows[0]",
        "shorter than the minimum",
    ),
    (
        "shift period 1e-9",
        _set("machines.1.shifts", {"period": 1e-9, "windows": [[0, 1e-10]]}),
        "machines[1].shifts.period",
        "must be >= 0.0166667",
    ),
    (
        "timetable period 1e-9",
        _set("lanes.1.departure", {"policy": "timetable", "period": 1e-9, "times": [0]}),
        "lanes[1].departure.period",
        "must be >= 0.0166667",
    ),
    (
        "calendar storm",
        _both(
            _set("lanes.1.departure", {"policy": "timetable", "period": 0.02, "times": [0, 0.01]}),
            _set("run.horizon", 1e6),
        ),
        "lanes[1].departure",
        "MAX_EXPECTED_CALENDAR_EVENTS",
    ),
    ("mtbf 0", _set("machines.0.failures", {"mtbf": 0, "mttr": 0}), "machines[0].failures.mtbf", "below the minimum"),
    (
        "rework 1 - 1e-10",
        _set("products.1.routing.0.rework.probability", 0.9999999999),
        "products[1].routing[0].rework.probability",
        "must be <= 0.999",
    ),
    (
        "nested rework loops",
        _set(
            "products.0.routing",
            [
                {"capabilities": ["mill"], "rework": {"probability": 0.99, "back_to": 0}},
                {"capabilities": ["paint"], "rework": {"probability": 0.99, "back_to": 0}},
            ],
        ),
        "products[0].routing[0]",
        "times in expectation",
    ),
    ("bom 2000 deep", _bom_chain(2000), "products[53].bom", "MAX_BOM_DEPTH"),
    ("bom explosion", _bom_fan(levels=10, width=4), "products[10].bom", "MAX_JOBS_PER_ORDER"),
    (
        "empirical weights 1e308",
        _set("demand.streams.0.quantity", {"dist": "empirical", "values": [1, 2], "weights": [1e308, 1e308]}),
        "demand.streams[0].quantity",
        "MAX_NUMBER",
    ),
    (
        "gamma shape 1e-310",
        _set("machines.0.capabilities.0.time", {"dist": "gamma", "shape": 1e-310, "mean": 5}),
        "machines[0].capabilities[0].time",
        "MIN_GAMMA_SHAPE",
    ),
    (
        "lognormal sd 1e9 x mean",
        _set("machines.0.capabilities.0.time", {"dist": "lognormal", "mean": 1e-3, "sd": 1e6}),
        "machines[0].capabilities[0].time",
        "MAX_COEFFICIENT_OF_VARIATION",
    ),
    ("machine speed 1e-300", _set("machines.0.speed", 1e-300), "machines[0].speed", "must be >= 1e-06"),
]


@pytest.mark.parametrize(
    ("edit", "place", "words"), [case[1:] for case in REJECTED], ids=[case[0] for case in REJECTED]
)
def test_impossible_values_are_rejected_at_their_place(
    edit: Edit, place: str, words: str, tiny_data: Data, load_problems: Callable[..., Any]
) -> None:
    edit(tiny_data)
    problems = load_problems(tiny_data)
    assert any(p.place == place and words in str(p) for p in problems), "\n".join(map(str, problems))


LEGAL: list[tuple[str, Edit]] = [
    ("capacity at the limit", _set("machines.0.capacity", limits.MAX_MACHINE_CAPACITY)),
    ("seed at the limit", _set("run.seed", limits.MAX_SEED)),
    ("replications at the limit", _set("run.replications", limits.MAX_REPLICATIONS)),
    ("a second between orders", _set("demand.streams.0.interarrival", {"dist": "exponential", "mean": 1 / 60})),
    ("a one-second shift", _set("machines.1.shifts.windows", [[360, 360 + 1 / 60]])),
    ("rework at the limit", _set("products.1.routing.0.rework.probability", limits.MAX_REWORK_PROBABILITY)),
    ("bom 50 deep", _bom_chain(limits.MAX_BOM_DEPTH)),
    ("long-tailed gamma", _set("machines.0.capabilities.0.time", {"dist": "gamma", "shape": 0.01, "mean": 5})),
    ("a thousand-year time", _set("machines.0.capabilities.0.time", 1e9)),
    ("tiny times", _set("machines.0.capabilities.0.time", {"dist": "exponential", "mean": 1e-300})),
    (
        "big weights",
        _set("demand.streams.0.quantity", {"dist": "empirical", "values": [1, 2], "weights": [1e12, 1e12]}),
    ),
]


@pytest.mark.parametrize("edit", [case[1] for case in LEGAL], ids=[case[0] for case in LEGAL])
def test_extreme_but_legal_values_still_load(edit: Edit, tiny_data: Data, tmp_path: Path) -> None:
    edit(tiny_data)
    scenario_from_data(copy.deepcopy(tiny_data), base_dir=tmp_path)


def test_empirical_weights_near_the_float_limit_draw_without_overflow() -> None:
    distribution = Empirical((1.0, 3.0), (1e308, 1e308))
    assert distribution.mean == 2.0
    draws = distribution.draw(np.random.default_rng(1), 1000)
    assert set(np.unique(draws)) == {1.0, 3.0}


def test_a_huge_integer_literal_is_a_message_not_an_overflow() -> None:
    with pytest.raises(ValueError, match="MAX_TIME"):
        parse_distribution({"dist": "uniform", "low": 0, "high": 10**5000})


def test_a_device_that_never_ends_is_not_read_into_memory() -> None:
    with pytest.raises(ScenarioError, match="binary file"):
        load_scenario("/dev/zero")


def test_a_nul_byte_in_the_path_is_a_message() -> None:
    with pytest.raises(ScenarioError, match="NUL byte"):
        load_scenario("scen\0ario.json")
