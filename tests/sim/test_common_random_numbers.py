"""Common random numbers per random quantity: changing one input leaves every other draw alone.

Compared scenarios are only as sharply compared as their random streams are separate. Each
test below changes one random input (a repair time, the distribution kind of one capability,
a setup pair, an optional step, a lane, a new demand stream in front of the others) and checks
that the draws of every other random quantity are the same, read from the event log restricted
to the entities the change cannot reach.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twin_app.errors import ScenarioError
from twin_app.io.scenario_file import scenario_from_data
from twin_app.model.events import EventKind
from twin_app.model.scenario import demand_stream_ids

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.json"

DOWN = int(EventKind.DOWN)
PROCESS = int(EventKind.PROCESS)
SETUP = int(EventKind.SETUP)
TRANSPORT = int(EventKind.TRANSPORT)


def exponential(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": mean}


def two_machine_shop(twin, m1: dict[str, Any] | None = None, orders: int = 400):
    """Two machines, each the only one for its product, orders alternating every 10 minutes."""
    machines = [
        {"id": "M1", "site": "s", "capabilities": [{"step": "cut", "time": exponential(4)}]},
        {"id": "M2", "site": "s", "capabilities": [{"step": "drill", "time": exponential(3)}]},
    ]
    for machine in machines:
        machine["failures"] = {"mtbf": exponential(3), "mttr": exponential(1)}
    machines[0].update(m1 or {})
    products = [
        {"id": "Pc", "routing": [{"capabilities": ["cut"]}]},
        {"id": "Pd", "routing": [{"capabilities": ["drill"]}]},
    ]
    book = [{"product": "Pc" if i % 2 == 0 else "Pd", "release": 10.0 * i} for i in range(orders)]
    return twin.build(machines, products, book)


def records(run, kind: int, resource: int, before: float = float("inf")) -> np.ndarray:
    """The ``kind`` records of ``resource`` ending before ``before``, by start time."""
    events = run.events
    chosen = events[(events["kind"] == kind) & (events["resource"] == resource) & (events["end"] < before)]
    return chosen[np.argsort(chosen["start"], kind="stable")]


def up_times(run, resource: int) -> np.ndarray:
    """Time from each repair (or the start) to the next breakdown of ``resource``."""
    down = records(run, DOWN, resource)
    ends = np.concatenate([[0.0], down["end"][:-1]])
    return down["start"] - ends


def test_a_machines_repair_time_leaves_its_up_times_and_the_other_machines_draws(twin) -> None:
    base = twin.simulate(two_machine_shop(twin), seed=3)
    slower = {"failures": {"mtbf": exponential(3), "mttr": {"dist": "uniform", "low": 0.5, "high": 4}}}
    changed = twin.simulate(two_machine_shop(twin, slower), seed=3)
    before, after = up_times(base, 0), up_times(changed, 0)
    n = min(len(before), len(after))
    assert n > 600  # past the first block of draws (the streams are drawn in blocks of 512)
    np.testing.assert_allclose(after[:n], before[:n], rtol=1e-9, atol=1e-9)
    repairs_before = records(base, DOWN, 0)
    repairs_after = records(changed, DOWN, 0)
    assert not np.allclose(
        repairs_before["end"][:n] - repairs_before["start"][:n], repairs_after["end"][:n] - repairs_after["start"][:n]
    )
    # the other machine, with its own work, breakdowns and repairs, is not touched at all
    # (up to the end of the shorter run: a run ends when its last order is delivered)
    end = min(base.end.now, changed.end.now)
    for kind in (DOWN, PROCESS):
        assert len(records(base, kind, 1, end)) > 100
        assert records(changed, kind, 1, end).tobytes() == records(base, kind, 1, end).tobytes()


def operation_times(run, resource: int, product: int) -> np.ndarray:
    """Processing time of each operation of ``product`` on ``resource`` in the order they
    started (pieces split by a breakdown are added up)."""
    events = run.events
    of_product = run.orders["product"][events["order"]] == product
    chosen = events[(events["kind"] == PROCESS) & (events["resource"] == resource) & of_product]
    by_job: dict[int, float] = {}
    first: dict[int, float] = {}
    for record in chosen[np.argsort(chosen["start"], kind="stable")]:
        job = int(record["job"])
        first.setdefault(job, float(record["start"]))
        by_job[job] = by_job.get(job, 0.0) + float(record["end"] - record["start"])
    return np.array([by_job[job] for job in sorted(by_job, key=first.__getitem__)])


def test_the_distribution_kind_of_one_capability_leaves_the_other_capabilitys_times(twin) -> None:
    def shop(cut_time: dict[str, Any]):
        machine = {
            "id": "M",
            "site": "s",
            "capabilities": [{"step": "cut", "time": cut_time}, {"step": "drill", "time": exponential(3)}],
        }
        products = [
            {"id": "Pc", "routing": [{"capabilities": ["cut"]}]},
            {"id": "Pd", "routing": [{"capabilities": ["drill"]}]},
        ]
        book = [{"product": "Pc" if i % 2 == 0 else "Pd", "release": 10.0 * i} for i in range(400)]
        return twin.build([machine], products, book)

    base = twin.simulate(shop(exponential(4)), seed=11)
    changed = twin.simulate(shop({"dist": "gamma", "shape": 2.5, "mean": 4}), seed=11)
    drill, drill_changed = operation_times(base, 0, 1), operation_times(changed, 0, 1)
    assert len(drill) == len(drill_changed) == 200
    np.testing.assert_allclose(drill_changed, drill, rtol=1e-9)
    assert not np.allclose(operation_times(base, 0, 0), operation_times(changed, 0, 0))


def test_one_setup_pair_leaves_the_other_pairs_setup_times(twin) -> None:
    def shop(a_to_b: dict[str, Any]):
        machine = {
            "id": "M",
            "site": "s",
            "capabilities": [{"step": "cut", "time": 1}],
            "setup": {"A": {"B": a_to_b}, "B": {"A": exponential(2)}},
        }
        products = [
            {"id": "Pa", "family": "A", "routing": [{"capabilities": ["cut"]}]},
            {"id": "Pb", "family": "B", "routing": [{"capabilities": ["cut"]}]},
        ]
        book = [{"product": "Pa" if i % 2 == 0 else "Pb", "release": 20.0 * i} for i in range(200)]
        return twin.build([machine], products, book)

    def setups_into(run, family_product: int) -> np.ndarray:
        setups = records(run, SETUP, 0)
        return (setups["end"] - setups["start"])[run.orders["product"][setups["order"]] == family_product]

    base = twin.simulate(shop(exponential(2)), seed=4)
    changed = twin.simulate(shop({"dist": "triangular", "low": 1, "mode": 2, "high": 6}), seed=4)
    into_a, into_a_changed = setups_into(base, 0), setups_into(changed, 0)
    assert len(into_a) == len(into_a_changed) == 99
    np.testing.assert_allclose(into_a_changed, into_a, rtol=1e-9)
    assert not np.allclose(setups_into(base, 1), setups_into(changed, 1))


def test_one_optional_steps_probability_leaves_the_other_steps_decisions(twin) -> None:
    def shop(first_probability: float):
        machines = [
            {"id": "M1", "site": "s", "capabilities": [{"step": "paint", "time": 1}]},
            {"id": "M2", "site": "s", "capabilities": [{"step": "polish", "time": 1}]},
        ]
        routing = [
            {"capabilities": ["paint"], "probability": first_probability},
            {"capabilities": ["polish"], "probability": 0.5},
        ]
        book = [{"product": "P", "release": 10.0 * i} for i in range(300)]
        return twin.build(machines, [{"id": "P", "routing": routing}], book)

    def polished(run) -> list[int]:
        return sorted(int(order) for order in records(run, PROCESS, 1)["order"])

    base = twin.simulate(shop(0.5), seed=8)
    changed = twin.simulate(shop(0.9), seed=8)
    assert 100 < len(polished(base)) < 200
    assert polished(changed) == polished(base)
    assert len(records(changed, PROCESS, 0)) > len(records(base, PROCESS, 0))


def test_one_lanes_transit_leaves_the_other_lanes_trips(twin) -> None:
    def shop(first_lane_transit: dict[str, Any]):
        sites = [{"id": "s1", "owner": "o"}, {"id": "s2", "owner": "o"}]
        machines = [
            {"id": "M1", "site": "s1", "capabilities": [{"step": "cut", "time": 1}]},
            {"id": "M2", "site": "s2", "capabilities": [{"step": "drill", "time": 1}]},
        ]
        lanes = [
            {"id": "L1", "origin": "s1", "destination": "c", "transit": first_lane_transit},
            {"id": "L2", "origin": "s2", "destination": "c", "transit": exponential(30)},
        ]
        products = [
            {"id": "Pc", "routing": [{"capabilities": ["cut"]}]},
            {"id": "Pd", "routing": [{"capabilities": ["drill"]}]},
        ]
        book = [{"product": "Pc" if i % 2 == 0 else "Pd", "release": 5.0 * i} for i in range(300)]
        return twin.build(machines, products, book, sites=sites, lanes=lanes)

    base = twin.simulate(shop(exponential(20)), seed=2)
    changed = twin.simulate(shop({"dist": "lognormal", "mean": 20, "sd": 5}), seed=2)
    end = min(base.end.now, changed.end.now)  # a run ends when its last order is delivered

    def trips(run, lane_vehicle: int) -> bytes:
        return records(run, TRANSPORT, lane_vehicle, end).tobytes()

    assert len(records(base, TRANSPORT, 3, end)) > 100
    assert trips(changed, 3) == trips(base, 3)  # L2's vehicle (after M1, M2 and L1's vehicle)
    assert trips(changed, 2) != trips(base, 2)


# --------------------------------------------------------------------------------------------
# Demand streams are keyed by a stable id, not by their place in the list
# --------------------------------------------------------------------------------------------


def tiny_data() -> dict[str, Any]:
    """tiny.json with a second customer and a stream of its own."""
    data = json.loads(TINY.read_text(encoding="utf-8"))
    data["customers"].append({"id": "second"})
    stream = data["demand"]["streams"][0]
    data["demand"]["streams"].append({**stream, "customer": "second", "interarrival": exponential(45)})
    return data


def demand_of_customer(run, scenario, customer: str) -> list[tuple]:
    """What the streams decided for one customer: product, quantity, release, due, in order."""
    index = [c.id for c in scenario.customers].index(customer)
    orders = run.orders[run.orders["customer"] == index]
    products = [p.id for p in scenario.products]
    return [(products[o["product"]], float(o["quantity"]), float(o["release"]), float(o["due"])) for o in orders]


def test_a_stream_inserted_before_the_first_leaves_every_other_streams_orders(twin) -> None:
    data = tiny_data()
    base_scenario = scenario_from_data(data, "tiny")
    changed_data = copy.deepcopy(data)
    changed_data["customers"].append({"id": "newcomer"})
    first = copy.deepcopy(data["demand"]["streams"][0])
    changed_data["demand"]["streams"].insert(0, {**first, "customer": "newcomer"})
    changed_scenario = scenario_from_data(changed_data, "tiny with a new first stream")
    base = twin.simulate(base_scenario, seed=5)
    changed = twin.simulate(changed_scenario, seed=5)
    for customer in {s["customer"] for s in data["demand"]["streams"]}:
        before = demand_of_customer(base, base_scenario, customer)
        after = demand_of_customer(changed, changed_scenario, customer)
        n = min(len(before), len(after))
        assert n > 10
        assert after[:n] == before[:n]
    assert demand_of_customer(changed, changed_scenario, "newcomer")


def test_stream_ids_default_to_the_customer_and_count_repeats_per_customer() -> None:
    data = tiny_data()
    stream = data["demand"]["streams"][0]
    customer = stream["customer"]
    other = "second"
    data["demand"]["streams"] = [
        {**stream, "customer": other},
        stream,
        stream,
        {**stream, "id": "rush"},
        {**stream, "id": f"{customer}#2"},  # an explicit id is kept; the derived one skips it
    ]
    scenario = scenario_from_data(data, "streams")
    assert demand_stream_ids(scenario.demand.streams) == [other, customer, f"{customer}#3", "rush", f"{customer}#2"]


def test_duplicate_stream_ids_are_an_error_naming_the_place() -> None:
    data = tiny_data()
    stream = data["demand"]["streams"][0]
    data["demand"]["streams"] = [{**stream, "id": "main"}, {**stream, "id": "main"}]
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data, "dup.json")
    assert "demand.streams[1].id: 'main' is already the id of demand.streams[0]" in str(error.value)


def test_an_explicit_stream_id_keeps_its_draws_when_the_customer_changes(twin) -> None:
    data = tiny_data()
    data["demand"]["streams"][0]["id"] = "web"
    base_scenario = scenario_from_data(data, "tiny")
    renamed = copy.deepcopy(data)
    renamed["customers"].append({"id": "moved"})
    renamed["demand"]["streams"][0]["customer"] = "moved"
    renamed_scenario = scenario_from_data(renamed, "tiny, stream moved to a new customer")
    base = twin.simulate(base_scenario, seed=1)
    changed = twin.simulate(renamed_scenario, seed=1)
    n = min(len(base.orders), len(changed.orders))
    assert n > 10
    for name in ("product", "quantity", "release"):
        assert changed.orders[name][:n].tobytes() == base.orders[name][:n].tobytes()
