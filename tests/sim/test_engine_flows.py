"""Lanes by the kilometre and hubs that handle parts: exact event logs worked out by hand."""

from __future__ import annotations

from twin_app.analysis.logistics import hub_block


def test_a_trip_costs_its_shipment_and_its_kilometres_there_and_back(twin) -> None:
    # s at (0, 0), the customer at (30, 40): 50 km with road factor 1. One trip carries both
    # parts (3 + 1 units, done at 4): 10 per shipment + 2 per km x 50 km x 2 legs = 210,
    # shared 3:1, plus 1 per unit.
    machine = {"id": "M", "site": "s", "capacity": 2, "capabilities": [{"step": "cut", "time": 4}]}
    lanes = [
        {"id": "L", "origin": "s", "destination": "c", "transit": 5, "road_factor": 1,
         "cost_per_shipment": 10, "cost_per_km": 2, "cost_per_unit": 1},
    ]  # fmt: skip
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    orders = [{"product": "P", "quantity": 3}, {"product": "P", "quantity": 1}]
    customers = [{"id": "c", "x": 30, "y": 40}]
    scenario = twin.build([machine], products, orders, lanes=lanes, customers=customers)
    run = twin.simulate(scenario)
    assert {r.order: r.cost for r in run.log("TRANSPORT")} == {0: 210 * 3 / 4 + 3, 1: 210 / 4 + 1}


def hub_network(twin, **handling):
    sites = [{"id": "s", "owner": "o"}, {"id": "h", "owner": "hubco", "handling": handling}]
    owners = [{"id": "o"}, {"id": "hubco", "kind": "logistics"}]
    machine = {"id": "M", "site": "s", "capacity": 2, "capabilities": [{"step": "cut", "time": 4}]}  # 0, 1
    lanes = [
        {"id": "in", "origin": "s", "destination": "h", "transit": 5, "bidirectional": False},  # vehicle 2
        {"id": "out", "origin": "h", "destination": "c", "transit": 7, "vehicles": 2, "bidirectional": False},
    ]  # vehicles 3, 4
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    orders = [{"product": "P", "quantity": 2}, {"product": "P", "quantity": 5}]
    return twin.build([machine], products, orders, sites=sites, owners=owners, lanes=lanes)


def test_a_hub_handles_each_part_on_its_docks_before_the_next_lane(twin) -> None:
    # Both parts are done at 4 and ride together to the hub (4-9). One dock: the first is
    # handled 9-12 and leaves at once (12-19), the second waits, is handled 12-15 and leaves
    # on the second truck (15-22). Handling costs 0.5 per unit, the hub owner's (1).
    run = twin.simulate(hub_network(twin, time=3, cost_per_unit=0.5, capacity=1))
    handled = [r for r in run.log("TRANSPORT") if r.resource == -1]
    assert [(r.start, r.end, r.order, r.operation, r.cost) for r in handled] == [
        (9.0, 12.0, 0, 1, 1.0),
        (12.0, 15.0, 1, 1, 2.5),
    ]
    assert {int(e["owner"]) for e in run.events if e["resource"] == -1} == {1}
    assert run.brief("TRANSPORT")[-2:] == [("TRANSPORT", 12.0, 19.0, 3, 0), ("TRANSPORT", 15.0, 22.0, 4, 1)]
    assert run.completed() == [19.0, 22.0]


def test_a_hub_without_a_dock_limit_handles_every_part_at_once(twin) -> None:
    run = twin.simulate(hub_network(twin, time=3))
    assert [(r.start, r.end) for r in run.log("TRANSPORT") if r.resource == -1] == [(9.0, 12.0), (9.0, 12.0)]
    assert run.completed() == [19.0, 19.0]


def test_handling_under_way_at_the_horizon_is_logged_up_to_it(twin) -> None:
    scenario = hub_network(twin, time=3, capacity=1)
    scenario = scenario.with_changes(run=scenario.run.__class__(horizon=11))
    run = twin.simulate(scenario)
    assert [(r.start, r.end) for r in run.log("TRANSPORT") if r.resource == -1] == [(9.0, 11.0)]


def test_the_hub_block_counts_parts_units_cost_and_dock_use(twin) -> None:
    # From the run above (one dock): 2 parts of 2 + 5 units, 7 x 0.5 = 3.5, the dock busy
    # 9-15 of the 22 minutes the run lasts.
    scenario = hub_network(twin, time=3, cost_per_unit=0.5, capacity=1)
    run = twin.simulate(scenario)
    result = run.collector.result(scenario, run.sim.layout)
    assert hub_block(result) == {"h": {"parts": 2, "units": 7.0, "cost": 3.5, "utilisation": 6 / 22}}
