"""Take-back and remanufacturing: a returned unit is remanufactured and replaces a new part."""

from __future__ import annotations

import pytest

from twin_app.analysis.circular import circular_block
from twin_app.analysis.logistics import vehicle_legs


def circular_network(twin):
    owners = [{"id": "oem"}, {"id": "reman"}]
    sites = [
        {"id": "plant", "owner": "oem", "grid_co2": 0.5},  # node 0
        {"id": "rm", "owner": "reman", "grid_co2": 0.2},  # node 1
    ]  # the customer c is node 2
    machines = [
        {"id": "M", "site": "plant", "capabilities": [{"step": "wind", "time": 5}], "cost": {"running": 2},
         "power": {"busy": 12}},  # resource 0
        {"id": "A", "site": "plant", "capabilities": [{"step": "assemble", "time": 3}]},  # resource 1
        {"id": "R", "site": "rm", "capabilities": [{"step": "inspect", "time": 6}], "cost": {"running": 1},
         "power": {"busy": 6}},  # resource 2
    ]  # fmt: skip
    lanes = [
        {"id": "out", "origin": "plant", "destination": "c", "transit": 2, "bidirectional": False},  # vehicle 3
        {"id": "back", "origin": "c", "destination": "rm", "transit": 4, "bidirectional": False,
         "cost_per_shipment": 3},  # vehicle 4
        {"id": "supply", "origin": "rm", "destination": "plant", "transit": 7, "bidirectional": False},  # vehicle 5
    ]  # fmt: skip
    products = [
        {"id": "scooter", "routing": [{"capabilities": ["assemble"]}], "bom": [{"product": "motor"}],
         "take_back": {"share": 1.0, "delay": 10, "process": "reman-motor", "replaces": "motor"}},
        {"id": "motor", "routing": [{"capabilities": ["wind"]}]},
        {"id": "reman-motor", "routing": [{"capabilities": ["inspect"]}]},
    ]  # fmt: skip
    orders = [{"product": "scooter", "release": 0}, {"product": "scooter", "release": 100}]
    return twin.build(machines, products, orders, owners=owners, sites=sites, lanes=lanes)


def test_a_returned_unit_is_remanufactured_and_replaces_a_new_part(twin) -> None:
    # Order 0: motor wound 0-5, assembled 5-8, delivered 8-10. Its unit comes back 10 later
    # (20), travels to rm 20-24, is inspected 24-30 and goes to stock at rm. Order 1 (at 100)
    # takes its motor from that stock: no winding; the motor travels rm -> plant 100-107,
    # assembly 107-110, delivery 110-112.
    scenario = circular_network(twin)
    run = twin.simulate(scenario)
    assert run.brief("RETURNED", "REMANUFACTURED", "REUSED", "PROCESS", "TRANSPORT") == [
        ("PROCESS", 0.0, 5.0, 0, 0),
        ("PROCESS", 5.0, 8.0, 1, 0),
        ("TRANSPORT", 8.0, 10.0, 3, 0),
        ("RETURNED", 20.0, 20.0, -1, -2),
        ("TRANSPORT", 20.0, 24.0, 4, -2),
        ("PROCESS", 24.0, 30.0, 2, -2),
        ("REMANUFACTURED", 30.0, 30.0, -1, -2),
        ("REUSED", 100.0, 100.0, -1, 1),
        ("TRANSPORT", 100.0, 107.0, 5, 1),
        ("PROCESS", 107.0, 110.0, 1, 1),
        ("TRANSPORT", 110.0, 112.0, 3, 1),
    ]
    (returned,) = run.log("RETURNED")
    assert (returned.job, returned.operation) == (-2, 2)  # job ids of returns count down; at node 2 (c)
    (reused,) = run.log("REUSED")
    assert (reused.job, reused.operation) == (3, 1)  # order 1's motor job (jobs 2, 3), from rm (node 1)
    assert run.completed() == [10.0, 112.0]

    result = run.collector.result(scenario, run.sim.layout)
    legs = vehicle_legs(result)
    back = legs.lane == 1  # carrying a return is a loaded leg (1 unit); then the van drives back empty
    assert legs.loaded[back].tolist() == [True, False] and legs.load[back].tolist() == [1.0, 0.0]
    block = circular_block(result)
    assert block["delivered"] == 2 and block["returned"] == 1 and block["return_rate"] == 0.5
    assert block["remanufactured"] == 1 and block["recycled"] == 0 and block["reused"] == 1
    assert block["remanufactured_share"] == 0.5  # one of the two motors the orders needed
    assert block["cost"] == pytest.approx(6 + 3)  # inspection 6 x 1, the trip back 3
    assert block["co2"] == pytest.approx(6 * 6 / 60 * 0.2)
    assert block["cost_avoided"] == pytest.approx(5 * 2)  # a new motor: 5 min at 2
    assert block["co2_avoided"] == pytest.approx(12 * 5 / 60 * 0.5)


def test_take_back_leaves_the_demand_and_job_numbering_alone(twin) -> None:
    scenario = circular_network(twin)
    plain = scenario.with_changes(
        products=tuple(p if p.take_back is None else p.__class__(**{**_fields(p), "take_back": None})
                       for p in scenario.products)
    )  # fmt: skip
    with_returns, without = twin.simulate(scenario), twin.simulate(plain)
    assert with_returns.orders["release"].tolist() == without.orders["release"].tolist()
    # the same jobs by the same ids; order 1's motor (job 3) is not made when it comes from stock
    assert {(r.order, r.job) for r in without.log("PROCESS")} == {(0, 0), (0, 1), (1, 2), (1, 3)}
    assert {(r.order, r.job) for r in with_returns.log("PROCESS") if r.order >= 0} == {(0, 0), (0, 1), (1, 2)}


def _fields(product):
    return {name: getattr(product, name) for name in product.__dataclass_fields__}
