"""A customer's service contract sets the due date of its orders (issue 9): by hand, and
without moving any random number of the demand."""

from __future__ import annotations

import pytest

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.kpis import compute_kpis
from twin_app.sim.engine import Simulation

MACHINES = [{"id": "M", "site": "s", "capabilities": [{"step": "mill", "time": 10}]}]
PRODUCTS = [{"id": "X", "routing": [{"capabilities": ["mill"]}]}]
STREAM = {
    "interarrival": {"dist": "exponential", "mean": 30},
    "mix": {"X": 1},
    "quantity": {"dist": "empirical", "values": [1, 2, 5], "weights": [5, 3, 1]},
    "due": {"rule": "lead_time", "lead": {"dist": "uniform", "low": 100, "high": 900}},
    "max_orders": 40,
}


def _customers(contract_due: dict | None) -> list[dict]:
    """Customer 'c' with the contract under test and customer 'd' without one."""
    first = {"id": "c"} if contract_due is None else {"id": "c", "contract": {"due": contract_due}}
    return [first, {"id": "d"}]


def _demand(twin, contract_due: dict | None) -> dict[str, list[tuple[float, float, float]]]:
    """Per customer: (release, quantity, due) of each order, by order id."""
    streams = [{**STREAM, "customer": "c"}, {**STREAM, "customer": "d", "interarrival": 45}]
    scenario = twin.build(MACHINES, PRODUCTS, streams=streams, customers=_customers(contract_due))
    orders = twin.simulate(scenario, seed=3).orders
    return {
        name: [(float(o["release"]), float(o["quantity"]), float(o["due"])) for o in orders[orders["customer"] == i]]
        for i, name in enumerate(("c", "d"))
    }


def test_a_contract_lead_time_sets_every_due_date_and_moves_no_random_number(twin) -> None:
    stream_rule = _demand(twin, None)
    contract = _demand(twin, {"rule": "lead_time", "lead": 480})
    assert len(contract["c"]) == 40 and len(contract["d"]) == 40
    # the contract's customer: same releases and quantities, every due date release + 480
    assert [(r, q) for r, q, _ in contract["c"]] == [(r, q) for r, q, _ in stream_rule["c"]]
    assert all(due == release + 480 for release, _, due in contract["c"])
    assert any(due != release + 480 for release, _, due in stream_rule["c"])  # the stream drew them
    # the other customer's orders are untouched, due dates included
    assert contract["d"] == stream_rule["d"]


def test_a_contract_total_work_rule_scales_the_expected_work(twin) -> None:
    """One mill step of 10 minutes per job: total work 10, so due = release + 2.5 x 10."""
    contract = _demand(twin, {"rule": "total_work", "factor": 2.5})
    assert contract["c"] and all(due == pytest.approx(release + 25.0) for release, _, due in contract["c"])


def test_order_book_orders_take_the_contract_unless_they_carry_their_own_due(twin) -> None:
    orders = [{"product": "X", "release": 5}, {"product": "X", "release": 7, "due": 50}]
    scenario = twin.build(MACHINES, PRODUCTS, orders, customers=_customers({"rule": "lead_time", "lead": 60}))
    run = twin.simulate(scenario)
    assert [float(o["due"]) for o in run.orders] == [65.0, 50.0]


def test_the_penalty_counts_from_the_contracts_due_date(twin) -> None:
    """One order of 100 minutes, promised in 60: delivered at 100, 40 minutes late, it pays back
    50 + 30 x 40 / 60 = 70 (the default rule, 3 x 100 minutes of work, would make it on time)."""
    machines = [{"id": "M", "site": "s", "capabilities": [{"step": "mill", "time": 100}]}]
    contract = {"due": {"rule": "lead_time", "lead": 60}, "penalty_per_order": 50, "penalty_per_hour": 30}
    scenario = twin.build(
        machines,
        PRODUCTS,
        [{"product": "X", "price": 1000}],
        customers=[{"id": "c", "contract": contract}],
        run={"horizon": 200},
    )
    collector = EventCollector()
    simulation = Simulation(scenario, seed=1, observers=[collector])
    simulation.run()
    kpis = compute_kpis(collector.result(scenario, simulation.layout))
    assert kpis["lateness"]["cost"] == pytest.approx(70.0)
    assert kpis["on_time_rate"] == 0.0
