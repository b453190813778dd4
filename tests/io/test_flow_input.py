"""Network flows in scenario files (lanes by the km, hubs, energy, returns, quality, data
sharing, suppliers): bad input is reported at its place with a fix, and files written before
these fields existed load with the documented defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from twin_app.io.scenario_file import scenario_from_data

Data = dict[str, Any]


def _hub(**handling: Any) -> Callable[[Data], None]:
    """Make acme-1 a hub between bolt-1 and the shop (it already is: L1 in, L2 out)."""

    def edit(d: Data) -> None:
        d["sites"][0]["handling"] = {"time": 5, **handling}

    return edit


def _take_back(**fields: Any) -> Callable[[Data], None]:
    """Kits come back to be taken apart; covers are remanufactured (tiny.json's lane to the
    shop is one-way unless said otherwise: bidirectional by default, so returns can travel)."""

    def edit(d: Data) -> None:
        d["products"].append({"id": "teardown", "routing": [{"capabilities": ["mill"]}]})
        d["products"][2]["take_back"] = {"share": 0.2, "delay": 600, "process": "teardown", "replaces": "cover",
                                         **fields}  # fmt: skip
        if not fields:
            d["lanes"][1]["bidirectional"] = False  # no lane leaves the shop

    return edit


def _dead_end_hub(d: Data) -> None:
    d["sites"][1]["handling"] = {"time": 5}  # bolt-1: with one-way lanes, L1 only leaves it
    for lane in d["lanes"]:
        lane["bidirectional"] = False


CASES: list[tuple[str, Callable[[Data], None], str, str]] = [
    ("negative power", lambda d: d["machines"][0].update(power={"busy": -2}), "machines[0].power.busy", ">= 0"),
    ("negative tariff", lambda d: d["sites"][0].update(energy_price=-0.1), "sites[0].energy_price", ">= 0"),
    ("road factor below 1", lambda d: d["lanes"][0].update(road_factor=0.8), "lanes[0].road_factor", ">= 1"),
    ("zero distance", lambda d: d["lanes"][0].update(distance=0), "lanes[0].distance", "must be > 0"),
    (
        "full vehicle emits less than empty",
        lambda d: d["lanes"][0].update(co2_per_km_empty=0.9, co2_per_km_full=0.6),
        "lanes[0].co2_per_km_full",
        "emits less",
    ),
    (
        "per-km figures on a lane of 0 km",
        lambda d: (d["sites"][1].update(x=0, y=0), d["lanes"][0].update(cost_per_km=1.5)),
        "lanes[0].distance",
        "0 km long",
    ),
    ("hub without docks", _hub(capacity=0), "sites[0].handling.capacity", "must be > 0"),
    ("hub no part passes through", _dead_end_hub, "sites[1].handling", "no part can pass through"),
    ("yield of 0", lambda d: d["machines"][0].update(yield_rate=0), "machines[0].yield_rate", "must be > 0"),
    (
        "scrap and rework above 1",
        lambda d: d["machines"][0].update(yield_rate=0.5, rework_rate=0.6),
        "machines[0].rework_rate",
        "more than 1",
    ),
    (
        "a yield that makes a job restart forever",
        lambda d: d["machines"][2].update(yield_rate=0.0005),
        "machines[2].yield_rate",
        "times in expectation",
    ),
    (
        "required supplier that cannot do the step",
        lambda d: d["products"][0]["routing"][1].update(suppliers={"required": ["acme"]}),
        "products[0].routing[1].suppliers.required[0]",
        "no machine that can do this step",
    ),
    (
        "unknown preferred supplier",
        lambda d: d["products"][0]["routing"][0].update(suppliers={"preferred": ["bolts"]}),
        "products[0].routing[0].suppliers.preferred[0]",
        "'bolt'",
    ),
    ("trust above 1", lambda d: d["owners"][0].update(trust=1.5), "owners[0].trust", "<= 1"),
    ("unknown data sharing", lambda d: d["owners"][0].update(shares_data="weekly"), "owners[0].shares_data", "live"),
    ("return share above 1", _take_back(share=1.2), "products[2].take_back.share", "<= 1"),
    ("unknown remanufacturing", _take_back(process="refurb"), "products[2].take_back.process", "unknown product"),
    ("replacing an assembly", _take_back(replaces="kit"), "products[2].take_back.replaces", "bill of materials"),
    ("returns with no way back", _take_back(), "products[2].take_back.process", "cannot reach"),
]


@pytest.mark.parametrize(("name", "edit", "place", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_flows_are_reported_at_their_place(
    name: str, edit: Callable[[Data], None], place: str, fragment: str, tiny_data: Data, load_problems
) -> None:
    data = tiny_data
    data["format_version"] = 2
    edit(data)
    problems = load_problems(data)
    matching = [p for p in problems if p.place == place and fragment in str(p)]
    assert matching, f"{name}: expected {place!r} with {fragment!r}; got {[str(p) for p in problems]}"
    assert all(p.hint for p in matching)


def test_a_file_without_flow_fields_takes_the_documented_defaults(tiny_data: Data) -> None:
    scenario = scenario_from_data(tiny_data)
    lane = scenario.lanes[0]
    assert lane.distance is None and lane.road_factor == 1.3
    assert lane.cost_per_km == 0 and lane.vehicle_cost_per_day == 0
    assert lane.co2_per_km_empty == 0 and lane.co2_per_km_full == 0 and lane.co2_per_unit == 1.2
    site = scenario.sites[0]
    assert site.energy_price == 0 and site.grid_co2 == 0 and site.handling is None
    power = scenario.machines[0].power
    assert (power.busy, power.setup, power.idle, power.standby, power.standby_after) == (0, 0, 0, 0, None)
    machine, owner = scenario.machines[0], scenario.owners[0]
    assert machine.yield_rate == 1 and machine.rework_rate == 0
    assert owner.trust == 1 and owner.tier is None and owner.shares_data == "live"
    assert scenario.platform.trust_smoothing == 0.1 and scenario.platform.weights.trust == 0
    assert scenario.products[0].routing[0].suppliers.required == ()


def test_a_hub_with_docks_loads(tiny_data: Data) -> None:
    _hub(capacity=2, cost_per_unit=0.3)(tiny_data)
    handling = scenario_from_data(tiny_data).sites[0].handling
    assert handling is not None and handling.capacity == 2 and handling.time.mean == 5
