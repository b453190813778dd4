"""One machine, a handful of orders, constant times: the exact event log, worked out by hand.

Resource 0 is the machine's first unit (resource 1 its second when capacity is 2); order ids
are the order book positions; jobs are numbered in creation order.
"""

from __future__ import annotations

import itertools

import pytest

NAN = None


def one_machine(twin, orders, *, sequencing="fifo", machine=None, products=None):
    machine = machine or {
        "id": "M",
        "site": "s",
        "capabilities": [{"step": "long", "time": 5}, {"step": "short", "time": 1}, {"step": "mid", "time": 3}],
    }
    products = products or [
        {"id": "L", "family": "f", "routing": [{"capabilities": ["long"]}]},
        {"id": "S", "family": "f", "routing": [{"capabilities": ["short"]}]},
        {"id": "D", "family": "f", "routing": [{"capabilities": ["mid"]}]},
    ]
    return twin.build([machine], products, orders, platform={"sequencing": sequencing})


def test_fifo_back_to_back_with_one_wait_per_visit_and_order_records(twin) -> None:
    # Three orders of a 3-minute job released at 0, 1, 2: they run 0-3, 3-6, 6-9.
    orders = [{"product": "D", "release": 0}, {"product": "D", "release": 1}, {"product": "D", "release": 2}]
    run = twin.simulate(one_machine(twin, orders))
    assert run.brief() == [
        ("WAIT", 0.0, 0.0, 0, 0),  # zero-length: did not wait, still one record per visit
        ("PROCESS", 0.0, 3.0, 0, 0),
        ("WAIT", 1.0, 3.0, 0, 1),
        ("WAIT", 2.0, 6.0, 0, 2),
        ("PROCESS", 3.0, 6.0, 0, 1),
        ("PROCESS", 6.0, 9.0, 0, 2),
    ]
    assert [(r.job, r.operation, r.quantity) for r in run.log("PROCESS")] == [(0, 0, 1.0), (1, 0, 1.0), (2, 0, 1.0)]
    # One record at release (completed unknown) and one at delivery, per order.
    assert sorted(run.recorder.order_records, key=lambda r: (r[0], r[2] is not None)) == [
        (0, 0.0, NAN),
        (0, 0.0, 3.0),
        (1, 1.0, NAN),
        (1, 1.0, 6.0),
        (2, 2.0, NAN),
        (2, 2.0, 9.0),
    ]
    assert run.completed() == [3.0, 6.0, 9.0]
    assert run.end.status == "completed"
    assert run.end.now == 9.0


def test_release_record_comes_before_delivery_record(twin) -> None:
    run = twin.simulate(one_machine(twin, [{"product": "D", "release": 4}]))
    assert run.recorder.order_records == [(0, 4.0, NAN), (0, 4.0, 7.0)]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # file order: L (5), S (1), D (3); due dates 20, 30, 10
        ("fifo", [("L", 0.0, 5.0), ("S", 5.0, 6.0), ("D", 6.0, 9.0)]),
        ("spt", [("S", 0.0, 1.0), ("D", 1.0, 4.0), ("L", 4.0, 9.0)]),
        ("edd", [("D", 0.0, 3.0), ("L", 3.0, 8.0), ("S", 8.0, 9.0)]),
    ],
)
def test_sequencing_rule_orders_three_jobs_released_together(twin, rule, expected) -> None:
    orders = [
        {"product": "L", "release": 0, "due": 20},
        {"product": "S", "release": 0, "due": 30},
        {"product": "D", "release": 0, "due": 10},
    ]
    run = twin.simulate(one_machine(twin, orders, sequencing=rule))
    name = {0: "L", 1: "S", 2: "D"}
    assert [(name[r.order], r.start, r.end) for r in run.log("PROCESS")] == expected
    # every order waited from its release (0) until it started
    assert [(name[r.order], r.start, r.end) for r in run.log("WAIT")] == [(n, 0.0, s) for n, s, _ in expected]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # L busy 0-5; S (due 30) and D (due 10) arrive meanwhile at 1 and 2.
        ("fifo", [(0, 0.0, 5.0), (1, 5.0, 6.0), (2, 6.0, 9.0)]),
        ("spt", [(0, 0.0, 5.0), (1, 5.0, 6.0), (2, 6.0, 9.0)]),
        ("edd", [(0, 0.0, 5.0), (2, 5.0, 8.0), (1, 8.0, 9.0)]),
    ],
)
def test_sequencing_rule_picks_among_jobs_queued_behind_a_running_one(twin, rule, expected) -> None:
    orders = [
        {"product": "L", "release": 0, "due": 20},
        {"product": "S", "release": 1, "due": 30},
        {"product": "D", "release": 2, "due": 10},
    ]
    run = twin.simulate(one_machine(twin, orders, sequencing=rule))
    assert [(r.order, r.start, r.end) for r in run.log("PROCESS")] == expected


def test_spt_at_a_completion_sees_a_job_released_at_the_same_instant(twin) -> None:
    # L (5) runs 0-5; another L queued at 1; S (1) released at exactly 5, when the first L
    # completes. Non-delay: the release at 5 is processed before the machine chooses, so SPT
    # takes S first.
    orders = [{"product": "L", "release": 0}, {"product": "L", "release": 1}, {"product": "S", "release": 5}]
    run = twin.simulate(one_machine(twin, orders, sequencing="spt"))
    assert [(r.order, r.start, r.end) for r in run.log("PROCESS")] == [(0, 0.0, 5.0), (2, 5.0, 6.0), (1, 6.0, 11.0)]


# --------------------------------------------------------------------------------------------
# Setups by product family
# --------------------------------------------------------------------------------------------


def setup_machine(twin, orders):
    machine = {
        "id": "M",
        "site": "s",
        "capabilities": [{"step": "cut", "time": 4}],
        "setup": {"a": {"b": 3}},  # a -> b from the matrix; b -> a falls back to setup_default
        "setup_default": 2,
        "cost": {"running": 5, "setup": 10, "idle": 1},
    }
    products = [
        {"id": "A", "family": "a", "routing": [{"capabilities": ["cut"]}]},
        {"id": "B", "family": "b", "routing": [{"capabilities": ["cut"]}]},
    ]
    return twin.build([machine], products, orders)


def test_setup_only_on_family_change_with_matrix_value_and_default(twin) -> None:
    # A A B B A, all released at 0, FIFO: no setup before the first job (machine fresh), none
    # between two A's, a->b = 3 from the matrix, none between two B's, b->a = setup_default 2.
    orders = [{"product": p, "release": 0} for p in "AABBA"]
    run = twin.simulate(setup_machine(twin, orders))
    assert run.brief("SETUP", "PROCESS") == [
        ("PROCESS", 0.0, 4.0, 0, 0),
        ("PROCESS", 4.0, 8.0, 0, 1),
        ("SETUP", 8.0, 11.0, 0, 2),
        ("PROCESS", 11.0, 15.0, 0, 2),
        ("PROCESS", 15.0, 19.0, 0, 3),
        ("SETUP", 19.0, 21.0, 0, 4),
        ("PROCESS", 21.0, 25.0, 0, 4),
    ]
    # WAIT runs from release to the start of the visit (setup included in the visit).
    assert [(r.order, r.start, r.end) for r in run.log("WAIT")] == [
        (0, 0.0, 0.0),
        (1, 0.0, 4.0),
        (2, 0.0, 8.0),
        (3, 0.0, 15.0),
        (4, 0.0, 19.0),
    ]
    assert run.completed() == [4.0, 8.0, 15.0, 19.0, 25.0]


def test_setup_costs_at_setup_rate_and_processing_at_running_rate(twin) -> None:
    run = twin.simulate(setup_machine(twin, [{"product": "A", "release": 0}, {"product": "B", "release": 0}]))
    assert [(r.kind, r.start, r.end, r.cost) for r in run.log("SETUP", "PROCESS")] == [
        ("PROCESS", 0.0, 4.0, 20.0),  # 4 min x running 5
        ("SETUP", 4.0, 7.0, 30.0),  # 3 min x setup 10
        ("PROCESS", 7.0, 11.0, 20.0),
    ]
    assert all(r.cost == 0.0 for r in run.log("WAIT"))


def test_setup_interval_carries_the_operation_it_prepares(twin) -> None:
    run = twin.simulate(setup_machine(twin, [{"product": "A", "release": 0}, {"product": "B", "release": 0}]))
    (setup,) = run.log("SETUP")
    (_, second) = run.log("PROCESS")
    assert (setup.order, setup.job, setup.operation) == (second.order, second.job, second.operation)


# --------------------------------------------------------------------------------------------
# Speed, per-unit times, capacity
# --------------------------------------------------------------------------------------------


def test_speed_divides_processing_time(twin) -> None:
    machine = {"id": "M", "site": "s", "speed": 2.5, "capabilities": [{"step": "cut", "time": 10}]}
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    run = twin.simulate(twin.build([machine], products, [{"product": "P"}, {"product": "P"}]))
    assert run.brief("PROCESS") == [("PROCESS", 0.0, 4.0, 0, 0), ("PROCESS", 4.0, 8.0, 0, 1)]


def test_speed_does_not_shorten_changeovers(twin) -> None:
    # Speed is documented for processing times only; the changeover keeps its matrix value.
    machine = {
        "id": "M",
        "site": "s",
        "speed": 2,
        "capabilities": [{"step": "cut", "time": 4}],
        "setup_default": 3,
    }
    products = [
        {"id": "A", "family": "a", "routing": [{"capabilities": ["cut"]}]},
        {"id": "B", "family": "b", "routing": [{"capabilities": ["cut"]}]},
    ]
    run = twin.simulate(twin.build([machine], products, [{"product": "A"}, {"product": "B"}]))
    assert run.brief("SETUP", "PROCESS") == [
        ("PROCESS", 0.0, 2.0, 0, 0),
        ("SETUP", 2.0, 5.0, 0, 1),
        ("PROCESS", 5.0, 7.0, 0, 1),
    ]


def test_per_unit_time_multiplies_by_quantity_and_speed_divides(twin) -> None:
    machine = {
        "id": "M",
        "site": "s",
        "speed": 1.5,
        "capabilities": [{"step": "paint", "time": 1.5, "per_unit": True}, {"step": "cut", "time": 3}],
    }
    products = [
        {"id": "P", "routing": [{"capabilities": ["paint"]}]},
        {"id": "Q", "routing": [{"capabilities": ["cut"]}]},
    ]
    # P x4: 1.5 * 4 / 1.5 = 4; Q x4 (time per job): 3 / 1.5 = 2, whatever the quantity.
    orders = [{"product": "P", "quantity": 4}, {"product": "Q", "quantity": 4}]
    run = twin.simulate(twin.build([machine], products, orders))
    assert [(r.order, r.start, r.end, r.quantity) for r in run.log("PROCESS")] == [
        (0, 0.0, 4.0, 4.0),
        (1, 4.0, 6.0, 4.0),
    ]


def test_capacity_two_works_two_jobs_in_parallel_from_one_queue(twin) -> None:
    machine = {"id": "M", "site": "s", "capacity": 2, "capabilities": [{"step": "cut", "time": 4}]}
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    orders = [{"product": "P", "release": r} for r in (0, 0, 1, 1, 1)]
    run = twin.simulate(twin.build([machine], products, orders))
    process = run.log("PROCESS")
    assert [(r.order, r.start, r.end) for r in process] == [
        (0, 0.0, 4.0),
        (1, 0.0, 4.0),
        (2, 4.0, 8.0),
        (3, 4.0, 8.0),
        (4, 8.0, 12.0),
    ]
    # the two jobs started together are on the two different units (resources 0 and 1)
    assert {r.resource for r in process[:2]} == {0, 1}
    assert {r.resource for r in process[2:4]} == {0, 1}
    # never more than one operation at a time on a unit
    for unit in (0, 1):
        spans = sorted((r.start, r.end) for r in process if r.resource == unit)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert [(r.order, r.start, r.end) for r in run.log("WAIT")] == [
        (0, 0.0, 0.0),
        (1, 0.0, 0.0),
        (2, 1.0, 4.0),
        (3, 1.0, 4.0),
        (4, 1.0, 8.0),
    ]
    assert run.completed() == [4.0, 4.0, 8.0, 8.0, 12.0]


def test_multi_step_routing_visits_each_step_in_order(twin) -> None:
    machines = [
        {"id": "M1", "site": "s", "capabilities": [{"step": "cut", "time": 2}]},
        {"id": "M2", "site": "s", "capabilities": [{"step": "weld", "time": 3}]},
    ]
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["weld"]}]}]
    run = twin.simulate(twin.build(machines, products, [{"product": "P"}, {"product": "P"}]))
    assert [(r.kind, r.start, r.end, r.resource, r.order, r.operation) for r in run.log()] == [
        ("WAIT", 0.0, 0.0, 0, 0, 0),
        ("PROCESS", 0.0, 2.0, 0, 0, 0),
        ("WAIT", 0.0, 2.0, 0, 1, 0),
        ("WAIT", 2.0, 2.0, 1, 0, 1),
        ("PROCESS", 2.0, 4.0, 0, 1, 0),
        ("PROCESS", 2.0, 5.0, 1, 0, 1),
        ("WAIT", 4.0, 5.0, 1, 1, 1),
        ("PROCESS", 5.0, 8.0, 1, 1, 1),
    ]
