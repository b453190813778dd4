"""Lanes and bills of materials: TRANSPORT records, departure policies, consolidation, lead times.

Resources are numbered machine units first, then the vehicles of each lane in scenario order.
"""

from __future__ import annotations

import pytest

# --------------------------------------------------------------------------------------------
# Bill of materials: two components made at two sites, assembled at a third, delivered by lane
# --------------------------------------------------------------------------------------------


def kit_network(twin, **assembly):
    owners = [{"id": "a"}, {"id": "b"}, {"id": "k"}, {"id": "truck", "kind": "logistics"}]
    sites = [{"id": "S1", "owner": "a"}, {"id": "S2", "owner": "b"}, {"id": "S3", "owner": "k"}]
    machines = [
        {"id": "M1", "site": "S1", "capabilities": [{"step": "mill", "time": 5}]},  # resource 0
        {"id": "M2", "site": "S2", "capabilities": [{"step": "turn", "time": 3}]},  # resource 1
        {"id": "M3", "site": "S3", "capabilities": [{"step": "assemble", "time": 6}], **assembly},  # resource 2
    ]
    lanes = [
        {"id": "L1", "origin": "S1", "destination": "S3", "transit": 10, "owner": "truck",
         "cost_per_shipment": 20, "cost_per_unit": 1},  # vehicle: resource 3
        {"id": "L2", "origin": "S2", "destination": "S3", "transit": 4, "owner": "truck",
         "cost_per_shipment": 8, "cost_per_unit": 0.5},  # vehicle: resource 4
        {"id": "L3", "origin": "S3", "destination": "c", "transit": 7, "owner": "truck"},  # vehicle: resource 5
    ]  # fmt: skip
    products = [
        {"id": "frame", "family": "frame", "routing": [{"capabilities": ["mill"]}]},
        {"id": "cover", "family": "cover", "routing": [{"capabilities": ["turn"]}]},
        {"id": "kit", "family": "kit", "routing": [{"capabilities": ["assemble"]}],
         "bom": [{"product": "frame", "quantity": 1}, {"product": "cover", "quantity": 2}]},
    ]  # fmt: skip
    orders = [{"product": "kit", "release": 0, "due": 100}]
    return twin.build(machines, products, orders, owners=owners, sites=sites, lanes=lanes)


def test_kit_components_made_at_two_sites_consolidated_assembled_and_delivered(twin) -> None:
    # Jobs: kit 0, frame 1, cover 2 (x2 per kit). Frame 0-5 at S1, cover 0-3 at S2. Each
    # component travels to the consolidation (assembly) site as soon as it is made: cover 3-7
    # on L2, frame 5-15 on L1. Assembly waits for both: 15-21. Delivery 21-28 on L3.
    run = twin.simulate(kit_network(twin))
    assert [(r.kind, r.start, r.end, r.resource, r.job, r.quantity) for r in run.log("PROCESS", "TRANSPORT")] == [
        ("PROCESS", 0.0, 3.0, 1, 2, 2.0),
        ("PROCESS", 0.0, 5.0, 0, 1, 1.0),
        ("TRANSPORT", 3.0, 7.0, 4, 2, 2.0),
        ("TRANSPORT", 5.0, 15.0, 3, 1, 1.0),
        ("PROCESS", 15.0, 21.0, 2, 0, 1.0),
        ("TRANSPORT", 21.0, 28.0, 5, 0, 1.0),
    ]
    assert all(r.order == 0 for r in run.log() if r.kind != "RETURN")
    (release, delivered) = run.recorder.order_records
    assert release == (0, 0.0, None)
    assert delivered == (0, 0.0, 28.0)
    lead_time = run.orders["completed"][0] - run.orders["release"][0]
    assert lead_time == 28.0  # max(frame 5 + 10, cover 3 + 4) + assembly 6 + delivery 7
    # shipment cost + per-unit cost: frame 20 + 1 x 1, cover 8 + 0.5 x 2
    assert {r.job: r.cost for r in run.log("TRANSPORT")} == {1: 21.0, 2: 9.0, 0: 0.0}


def test_assembly_starts_only_after_the_last_component_arrived(twin) -> None:
    run = twin.simulate(kit_network(twin))
    arrivals = [r.end for r in run.log("TRANSPORT") if r.job in (1, 2)]
    (assembly,) = [r for r in run.log("PROCESS") if r.job == 0]
    assert assembly.start == max(arrivals) == 15.0
    # one WAIT per visit: frame, cover, and the assembly (ready when its parts are there)
    assert sorted((r.job, r.resource) for r in run.log("WAIT")) == [(0, 2), (1, 0), (2, 1)]


def test_kit_assembly_machine_off_shift_delays_assembly_not_transport(twin) -> None:
    run = twin.simulate(kit_network(twin, shifts={"period": 100, "windows": [[0, 10], [20, 100]]}))
    (assembly,) = [r for r in run.log("PROCESS") if r.job == 0]
    assert (assembly.start, assembly.end) == (20.0, 26.0)
    assert run.completed() == [33.0]


# --------------------------------------------------------------------------------------------
# Lanes: one machine at site S making 1-minute jobs, a lane from S to the customer
# --------------------------------------------------------------------------------------------


def shipping(twin, lane, orders, *, time=1, capacity=1):
    machine = {"id": "M", "site": "s", "capacity": capacity, "capabilities": [{"step": "cut", "time": time}]}
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    lane = {"id": "L", "origin": "s", "destination": "c", **lane}
    return twin.build([machine], products, orders, lanes=[lane])


def transports(run):
    return [(r.order, r.resource, r.start, r.end) for r in run.log("TRANSPORT")]


def test_on_demand_departs_immediately(twin) -> None:
    run = twin.simulate(shipping(twin, {"transit": 10}, [{"product": "P", "release": 3}]))
    assert transports(run) == [(0, 1, 4.0, 14.0)]
    assert run.completed() == [14.0]


def test_vehicle_capacity_splits_loads_over_trips_and_the_vehicle_returns_empty(twin) -> None:
    # Parts ready at 1, 2, 3, 4. One vehicle of capacity 2, transit 5, away 2 x 5 per trip:
    # part 0 leaves at 1 (back at 11); parts 1 and 2 leave together at 11 (back at 21);
    # part 3 leaves at 21.
    lane = {"transit": 5, "vehicles": 1, "vehicle_capacity": 2}
    run = twin.simulate(shipping(twin, lane, [{"product": "P"}] * 4))
    assert transports(run) == [(0, 1, 1.0, 6.0), (1, 1, 11.0, 16.0), (2, 1, 11.0, 16.0), (3, 1, 21.0, 26.0)]
    assert run.completed() == [6.0, 16.0, 16.0, 26.0]


def test_two_vehicles_share_the_waiting_load(twin) -> None:
    # Parts ready at 1, 2, 3; two vehicles of capacity 1, transit 5: parts 0 and 1 leave at
    # once on the two vehicles; part 2 waits for the first vehicle back (11).
    lane = {"transit": 5, "vehicles": 2, "vehicle_capacity": 1}
    run = twin.simulate(shipping(twin, lane, [{"product": "P"}] * 3))
    trips = transports(run)
    assert [(o, s, e) for o, _, s, e in trips] == [(0, 1.0, 6.0), (1, 2.0, 7.0), (2, 11.0, 16.0)]
    assert {trips[0][1], trips[1][1]} == {1, 2}
    assert trips[2][1] == trips[0][1]


def test_parts_ready_at_the_same_instant_leave_together_up_to_capacity(twin) -> None:
    # A 3-unit machine finishes three parts at exactly 4. Two vehicles of capacity 2: at 4 one
    # leaves with two parts and the other with one; all delivered at 9. (Non-delay: all
    # completions at 4 are processed before the departure decision at 4.)
    lane = {"transit": 5, "vehicles": 2, "vehicle_capacity": 2, "cost_per_shipment": 10}
    run = twin.simulate(shipping(twin, lane, [{"product": "P"}] * 3, time=4, capacity=3))
    assert [(o, s, e) for o, _, s, e in transports(run)] == [(0, 4.0, 9.0), (1, 4.0, 9.0), (2, 4.0, 9.0)]
    assert run.completed() == [9.0, 9.0, 9.0]
    assert sorted(r.cost for r in run.log("TRANSPORT")) == [5.0, 5.0, 10.0]  # 2 shipments of 10


def test_when_full_waits_for_a_full_load_or_max_wait(twin) -> None:
    # Capacity 3, max_wait 20, transit 5. Parts ready at 1, 2, 3, 4: the third fills the
    # vehicle at 3 (3-8, back at 13); part 3 (ready 4) is alone and leaves after waiting 20.
    lane = {"transit": 5, "vehicle_capacity": 3, "departure": {"policy": "when_full", "max_wait": 20}}
    run = twin.simulate(shipping(twin, lane, [{"product": "P"}] * 4))
    assert transports(run) == [(0, 1, 3.0, 8.0), (1, 1, 3.0, 8.0), (2, 1, 3.0, 8.0), (3, 1, 24.0, 29.0)]


def test_when_full_overdue_part_leaves_when_the_vehicle_comes_back(twin) -> None:
    # Capacity 2, max_wait 3, transit 5, one vehicle. Parts at 1, 2, 3: 0 and 1 fill it at 2
    # (back at 12); part 2 is overdue at 6 but the vehicle is away: it leaves at 12.
    lane = {"transit": 5, "vehicle_capacity": 2, "departure": {"policy": "when_full", "max_wait": 3}}
    run = twin.simulate(shipping(twin, lane, [{"product": "P"}] * 3))
    assert transports(run) == [(0, 1, 2.0, 7.0), (1, 1, 2.0, 7.0), (2, 1, 12.0, 17.0)]


def test_timetable_departs_only_at_the_scheduled_times(twin) -> None:
    # Departures at 5 and 15 of every 20; transit 3. Parts ready at 1, 7, 17:
    # 1 -> leaves 5; 7 -> leaves 15; 17 -> leaves 25 (next period).
    lane = {"transit": 3, "departure": {"policy": "timetable", "period": 20, "times": [5, 15]}}
    orders = [{"product": "P", "release": r} for r in (0, 6, 16)]
    run = twin.simulate(shipping(twin, lane, orders))
    assert transports(run) == [(0, 1, 5.0, 8.0), (1, 1, 15.0, 18.0), (2, 1, 25.0, 28.0)]
    assert run.completed() == [8.0, 18.0, 28.0]


def test_timetable_takes_a_part_finished_at_the_departure_instant(twin) -> None:
    # Departure at 5 of every 20; the part is finished at exactly 5. Completions at t are
    # processed before decisions at t, so it catches the 5 o'clock vehicle (arrives 8), not 25.
    lane = {"transit": 3, "departure": {"policy": "timetable", "period": 20, "times": [5]}}
    run = twin.simulate(shipping(twin, lane, [{"product": "P"}], time=5))
    assert transports(run) == [(0, 1, 5.0, 8.0)]


def test_shipment_cost_is_shared_by_quantity_plus_cost_per_unit(twin) -> None:
    # Quantities 1 and 3 travel together (when_full, capacity 4): 40 per shipment shared 1:3,
    # plus 0.5 per unit.
    lane = {
        "transit": 5,
        "vehicle_capacity": 4,
        "cost_per_shipment": 40,
        "cost_per_unit": 0.5,
        "departure": {"policy": "when_full", "max_wait": 100},
    }
    orders = [{"product": "P", "quantity": 1}, {"product": "P", "quantity": 3}]
    run = twin.simulate(shipping(twin, lane, orders))
    assert [(r.order, r.start, r.end, r.quantity, r.cost) for r in run.log("TRANSPORT")] == [
        (0, 2.0, 7.0, 1.0, 10.5),
        (1, 2.0, 7.0, 3.0, 31.5),
    ]


def test_multi_hop_routing_through_a_hub(twin) -> None:
    # S -> H (3) -> c (4) is faster than the direct S -> c (10): two TRANSPORT hops.
    sites = [{"id": "s", "owner": "o"}, {"id": "H", "owner": "o"}]
    lanes = [
        {"id": "A", "origin": "s", "destination": "H", "transit": 3},  # vehicle: resource 1
        {"id": "B", "origin": "H", "destination": "c", "transit": 4},  # vehicle: resource 2
        {"id": "D", "origin": "s", "destination": "c", "transit": 10},  # vehicle: resource 3
    ]
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "cut", "time": 2}]}
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    run = twin.simulate(twin.build([machine], products, [{"product": "P"}], sites=sites, lanes=lanes))
    assert transports(run) == [(0, 1, 2.0, 5.0), (0, 2, 5.0, 9.0)]
    assert run.completed() == [9.0]


def test_parts_travel_between_steps_at_different_sites(twin) -> None:
    sites = [{"id": "s", "owner": "o"}, {"id": "t", "owner": "o"}]
    machines = [
        {"id": "M1", "site": "s", "capabilities": [{"step": "cut", "time": 2}]},
        {"id": "M2", "site": "t", "capabilities": [{"step": "paint", "time": 3}]},
    ]
    lanes = [{"id": "L", "origin": "s", "destination": "t", "transit": 6}]  # vehicle: resource 2
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["paint"]}]}]
    run = twin.simulate(twin.build(machines, products, [{"product": "P"}], sites=sites, lanes=lanes))
    assert run.brief() == [
        ("WAIT", 0.0, 0.0, 0, 0),
        ("PROCESS", 0.0, 2.0, 0, 0),
        ("TRANSPORT", 2.0, 8.0, 2, 0),
        ("WAIT", 8.0, 8.0, 1, 0),
        ("PROCESS", 8.0, 11.0, 1, 0),
        ("RETURN", 8.0, 11.0, 2, -1),  # the empty vehicle drives back; the run ends at 11
    ]
    assert run.completed() == [11.0]  # no lane to the customer: delivered where it is finished


@pytest.mark.parametrize("policy", ["on_demand", "when_full", "timetable"])
def test_every_part_shipped_arrives_once(twin, policy) -> None:
    departure = {"policy": policy}
    if policy == "when_full":
        departure["max_wait"] = 7
    if policy == "timetable":
        departure.update(period=10, times=[0, 4])
    lane = {"transit": 3, "vehicles": 2, "vehicle_capacity": 2, "departure": departure}
    orders = [{"product": "P", "release": r} for r in (0, 0, 1, 5, 5, 5, 9)]
    run = twin.simulate(shipping(twin, lane, orders))
    assert sorted(r.order for r in run.log("TRANSPORT")) == list(range(7))
    finished = {r.order: r.end for r in run.log("PROCESS")}
    for r in run.log("TRANSPORT"):
        assert r.start >= finished[r.order]
        assert r.end - r.start == 3.0
    assert run.completed() == [next(r.end for r in run.log("TRANSPORT") if r.order == o) for o in range(7)]


@pytest.mark.parametrize(("transit", "machine"), [(5, 2), (9, 1)])
def test_push_earliest_completion_counts_the_transport_to_the_machine(twin, transit, machine) -> None:
    # After cut at s (2 min, done at 2), paint can be done at s by M2 (10 min: done 12) or at t
    # by M3 (2 min after a transit): transit 5 -> done 2 + 5 + 2 = 9 < 12, goes to t;
    # transit 9 -> done 13 > 12, stays at s.
    sites = [{"id": "s", "owner": "o"}, {"id": "t", "owner": "o"}]
    machines = [
        {"id": "M1", "site": "s", "capabilities": [{"step": "cut", "time": 2}]},
        {"id": "M2", "site": "s", "capabilities": [{"step": "paint", "time": 10}]},
        {"id": "M3", "site": "t", "capabilities": [{"step": "paint", "time": 2}]},
    ]
    lanes = [{"id": "L", "origin": "s", "destination": "t", "transit": transit}]
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["paint"]}]}]
    run = twin.simulate(twin.build(machines, products, [{"product": "P"}], sites=sites, lanes=lanes))
    (paint,) = [r for r in run.log("PROCESS") if r.operation == 1]
    assert paint.resource == machine
    assert run.completed() == [9.0 if machine == 2 else 12.0]


def test_transport_in_progress_at_the_horizon_ends_at_the_horizon(twin) -> None:
    # The part leaves at 4 on a 10-minute trip; the run ends at 10: the vehicle's interval is
    # in the log, cut at the horizon (like PROCESS, DOWN and OFF_SHIFT), and the order is open.
    lane = {"transit": 10, "cost_per_shipment": 30}
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "cut", "time": 4}]}
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    lanes = [{"id": "L", "origin": "s", "destination": "c", **lane}]
    run = twin.simulate(twin.build([machine], products, [{"product": "P"}], lanes=lanes, run={"horizon": 10}))
    assert run.brief("TRANSPORT") == [("TRANSPORT", 4.0, 10.0, 1, 0)]
    assert run.orders["completed"][0] != run.orders["completed"][0]  # NaN: not delivered


def test_empty_return_trips_are_logged_so_vehicle_use_counts_the_way_back(twin) -> None:
    # One van, transit 5: it carries the first part 4-9, drives back empty 9-14, and only then
    # can take the second part (finished at 8), which travels 14-19.
    machines = [{"id": "M", "site": "s", "capabilities": [{"step": "cut", "time": 4}]}]
    lanes = [{"id": "L", "origin": "s", "destination": "c", "transit": 5}]
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    run = twin.simulate(twin.build(machines, products, [{"product": "P"}, {"product": "P"}], lanes=lanes))
    assert run.brief("TRANSPORT", "RETURN") == [
        ("TRANSPORT", 4.0, 9.0, 1, 0),
        ("RETURN", 9.0, 14.0, 1, -1),
        ("TRANSPORT", 14.0, 19.0, 1, 1),
    ]
    assert run.completed() == [9.0, 19.0]


@pytest.mark.parametrize("mode", ["push", "pull"])
def test_first_step_goes_where_the_part_can_reach_its_own_customer(twin, mode) -> None:
    # North reaches only customer cn, south only cs. Orders for cn, cs, cn, cs: each order's
    # only step must run at the site with a lane to its customer, in pull mode too (the pooled
    # queue of a part that is not anywhere yet depends on where it goes, not only on the step).
    sites = [{"id": "north", "owner": "o"}, {"id": "south", "owner": "o"}]
    machines = [
        {"id": "M-north", "site": "north", "capabilities": [{"step": "cut", "time": 5}]},  # resource 0
        {"id": "M-south", "site": "south", "capabilities": [{"step": "cut", "time": 5}]},  # resource 1
    ]
    lanes = [
        {"id": "to-n", "origin": "north", "destination": "cn", "transit": 100, "bidirectional": False},
        {"id": "to-s", "origin": "south", "destination": "cs", "transit": 100, "bidirectional": False},
    ]
    orders = [{"customer": c, "product": "P", "release": r} for r, c in enumerate(["cn", "cs", "cn", "cs"])]
    scenario = twin.build(
        machines,
        [{"id": "P", "routing": [{"capabilities": ["cut"]}]}],
        orders,
        sites=sites,
        lanes=lanes,
        customers=[{"id": "cn"}, {"id": "cs"}],
        platform={"mode": mode},
    )
    run = twin.simulate(scenario)
    assert [(r.order, r.resource) for r in run.log("PROCESS")] == [(0, 0), (1, 1), (2, 0), (3, 1)]
    assert all(t >= 100 for t in run.completed())  # every order went over its lane
