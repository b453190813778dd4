"""KPIs of hand-built runs: every expected number is worked out in the comments."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from twin_app.analysis.kpis import (
    accounts,
    compute_kpis,
    lead_time_histogram,
    owner_table,
    wip_over_time,
)
from twin_app.analysis.result import RunResult
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind

P, S, T, D, OFF, W, B = (int(k) for k in EventKind)
NAN = float("nan")


def lead_time_orders() -> list[tuple[float, ...]]:
    """Window 100-1100. Order 0 is a warm-up order (released at 50); orders 1..10 are
    released at 100 + i with lead time 10 i and due 50 after release; order 11 is open."""
    rows: list[tuple[float, ...]] = [(0, 0, 0, 1, 50, 200, 1050, 100)]
    for i in range(1, 11):
        release = 100 + i
        rows.append((i, 0, 0, 2, release, release + 50, release + 10 * i, 100))
    rows.append((11, 0, 0, 1, 500, 600, NAN, 100))
    return rows


def test_order_counts_throughput_and_makespan(make_result) -> None:
    kpis = compute_kpis(make_result(orders=lead_time_orders(), start=100, end=1100))
    assert kpis["orders_released"] == 11  # 1..10 and the open one; not the warm-up order
    assert kpis["orders_completed"] == 11  # 1..10 and the warm-up order, delivered at 1050
    assert kpis["orders_open"] == 1
    assert kpis["makespan"] == 1050
    assert kpis["throughput"]["per_time_unit"] == pytest.approx(11 / 1000)
    assert kpis["throughput"]["per_day"] == pytest.approx(11 / 1000 * 1440)
    assert kpis["throughput"]["units_per_time_unit"] == pytest.approx((10 * 2 + 1) / 1000)


def test_lead_time_statistics_exclude_warm_up_and_open_orders(make_result) -> None:
    kpis = compute_kpis(make_result(orders=lead_time_orders(), start=100, end=1100))
    # Lead times 10, 20, ..., 100; the p95 interpolates between 90 and 100 at 0.55.
    histogram = kpis["lead_time"].pop("histogram")
    assert kpis["lead_time"] == pytest.approx({"mean": 55, "p50": 55, "p95": 95.5, "max": 100, "count": 10})
    assert sum(histogram["counts"]) == 10 and len(histogram["edges"]) == len(histogram["counts"]) + 1


def test_on_time_rate_and_tardiness(make_result) -> None:
    kpis = compute_kpis(make_result(orders=lead_time_orders(), start=100, end=1100))
    # Due 50 after release: lead times 10..50 are on time (5 of 10); 60..100 are 10..50 late.
    assert kpis["on_time_rate"] == pytest.approx(0.5)
    assert kpis["tardiness"]["mean"] == pytest.approx((10 + 20 + 30 + 40 + 50) / 10)
    assert kpis["tardiness"]["max"] == pytest.approx(50)


def test_lead_time_histogram_counts_every_counted_order(make_result) -> None:
    edges, counts = lead_time_histogram(make_result(orders=lead_time_orders(), start=100, end=1100), bins=9)
    assert edges[0] == 10 and edges[-1] == 100
    assert counts.sum() == 10
    assert counts.tolist() == [1, 1, 1, 1, 1, 1, 1, 1, 2]


def test_wip_over_time_and_its_average(make_result) -> None:
    orders = [
        (1, 0, 0, 1, 10, 100, 30, 0),
        (2, 0, 0, 1, 20, 100, 60, 0),
        (3, 0, 0, 1, 50, 100, NAN, 0),  # still in the system at the end
        (4, 0, 0, 1, -10, 100, 5, 0),  # released in the warm-up, in the system until 5
    ]
    result = make_result(orders=orders, start=0, end=100)
    times, wip = wip_over_time(result)
    assert times.tolist() == [0, 5, 10, 20, 30, 50, 60]
    assert wip.tolist() == [1, 0, 1, 2, 1, 2, 1]
    kpis = compute_kpis(result)
    # 5x1 + 10x1 + 10x2 + 20x1 + 10x2 + 40x1 = 115 order-minutes over 100 minutes.
    assert kpis["wip"] == pytest.approx({"mean": 1.15, "max": 2})


COST_EVENTS = [
    (50, 150, P, 0, 1, 1, 1, 0, 1, 100),  # M0 running cost 100, half of it in the window
    (200, 300, P, 1, 2, 1, 1, 0, 1, 40),  # M1 running cost 40
    (300, 310, S, 0, 1, 2, 2, 0, 1, 15),  # M0 setup cost 15
    (400, 450, T, 2, 3, 1, 1, -1, 10, 55),  # truck carries 10 units, cost 55
    (500, 600, D, 0, 1),  # M0 down
]


def test_cost_by_kind_and_owner(make_result) -> None:
    kpis = compute_kpis(make_result(COST_EVENTS, start=100, end=1100))
    cost = kpis["cost"]
    # M0 idle = 1000 - 50 busy - 10 setup - 100 down = 840 minutes at 0.5; M1 has no idle rate.
    # Capex 1000 and lease 400 per cost period of 1000 = the window.
    assert cost["running"] == pytest.approx(50 + 40)
    assert cost["idle"] == pytest.approx(420)
    assert cost["setup"] == pytest.approx(15)
    assert cost["transport"] == pytest.approx(55)
    assert cost["capex"] == pytest.approx(1000)
    assert cost["lease"] == pytest.approx(400)
    assert cost["total"] == pytest.approx(1980)
    assert cost["by_owner"] == pytest.approx({"hub": 0, "acme": 50 + 420 + 15 + 1000, "bolt": 440, "truckco": 55})


def test_capex_and_lease_scale_with_the_window(make_result) -> None:
    kpis = compute_kpis(make_result(start=0, end=250))
    assert kpis["cost"]["capex"] == pytest.approx(250)
    assert kpis["cost"]["lease"] == pytest.approx(100)


def test_co2_is_units_carried_times_the_lane_rate(make_result) -> None:
    kpis = compute_kpis(make_result(COST_EVENTS, start=100, end=1100))
    assert kpis["co2"]["total"] == pytest.approx(10 * 1.2)
    assert kpis["co2"]["by_owner"]["truckco"] == pytest.approx(12)


def test_utilisation_and_bottleneck_in_the_kpis(make_result) -> None:
    kpis = compute_kpis(make_result(COST_EVENTS, start=100, end=1100))
    util = kpis["utilisation"]
    assert util["by_resource"] == pytest.approx({"M0": 0.05, "M1": 0.1, "L1": 0.05})
    assert util["mean"] == pytest.approx(0.075)
    # The carrier has no machines: its utilisation is its truck's.
    assert util["by_owner"] == pytest.approx({"hub": None, "acme": 0.05, "bolt": 0.1, "truckco": 0.05})
    # M0 active 100-150, 300-310, 500-600 (down counts); M1 200-300; the truck 400-450: no
    # overlaps, all sole.
    bottleneck = kpis["bottleneck"]
    assert bottleneck["resource"] == "M0"
    assert bottleneck["sole"] == pytest.approx(0.16)
    assert bottleneck["shifting"] == pytest.approx(0)
    assert [row["resource"] for row in bottleneck["ranking"]] == ["M0", "M1", "L1"]
    assert bottleneck["ranking"][2]["sole"] == pytest.approx(0.05)


FAIR_EVENTS = [
    (0, 10, P, 0, 1, 7, 70, 0, 1, 30),  # order 7: Acme spends 30
    (10, 20, S, 1, 2, 7, 71, 0, 1, 20),  # Bolt spends 20 on setup
    (20, 30, P, 1, 2, 7, 71, 0, 1, 10),  # and 10 running
    (30, 40, T, 2, 3, 7, 70, -1, 1, 60),  # TruckCo spends 60
    (0, 50, P, 0, 1, 8, 80, 0, 1, 999),  # order 8 is not delivered: no revenue from it
    (40, 50, P, 0, 1, 9, 90, 0, 1, 0),  # order 9 cost nothing: split by time, Acme 10 min
    (50, 80, P, 1, 2, 9, 90, 0, 1, 0),  # Bolt 30 min
]
FAIR_ORDERS = [
    (7, 0, 0, 1, 0, 100, 90, 1000),
    (8, 0, 0, 1, 0, 100, NAN, 5000),
    (9, 0, 0, 1, 0, 100, 95, 400),
]


def test_revenue_fairness_rule(make_result) -> None:
    kpis = compute_kpis(make_result(FAIR_EVENTS, FAIR_ORDERS, end=100))
    revenue = kpis["revenue"]
    # Platform fee 10 % of 1400. Order 7's 900 by cost 30:30:60; order 9's 360 by time 10:30.
    assert revenue["platform_fee"] == pytest.approx(140)
    assert revenue["by_owner"] == pytest.approx({"hub": 140, "acme": 225 + 90, "bolt": 225 + 270, "truckco": 450})
    assert revenue["total"] == pytest.approx(1400)
    assert revenue["unallocated"] == 0
    profit = kpis["profit"]["by_owner"]
    assert profit["hub"] == pytest.approx(140)
    cost = kpis["cost"]["by_owner"]
    assert profit["truckco"] == pytest.approx(450 - cost["truckco"])


def test_without_a_platform_owner_no_fee_is_taken(make_result, small_scenario, small_layout) -> None:
    owners = tuple(replace(owner, kind="asset_owner") for owner in small_scenario.owners)
    scenario = small_scenario.with_changes(owners=owners)
    base = make_result(FAIR_EVENTS, FAIR_ORDERS, end=100)
    result = RunResult(scenario, small_layout, base.events, base.orders, 0, 100)
    money = accounts(result)
    assert money.unallocated == 0
    assert money.fee == 0
    assert money.revenue() == pytest.approx([0, 250 + 100, 250 + 300, 500])


def test_revenue_of_an_order_nobody_worked_on_is_unallocated(make_result) -> None:
    kpis = compute_kpis(make_result(orders=[(1, 0, 0, 1, 0, 100, 50, 200)], end=100))
    assert kpis["revenue"]["platform_fee"] == pytest.approx(20)
    assert kpis["revenue"]["unallocated"] == pytest.approx(180)
    assert kpis["revenue"]["total"] == pytest.approx(200)


def test_owner_table_rows(make_result) -> None:
    rows = owner_table(make_result(FAIR_EVENTS, FAIR_ORDERS, end=100))
    by_id = {row["owner"]: row for row in rows}
    assert [row["owner"] for row in rows] == ["hub", "acme", "bolt", "truckco"]
    assert by_id["hub"]["kind"] == "platform" and by_id["hub"]["machines"] == 0
    assert by_id["hub"]["utilisation"] is None
    assert by_id["acme"]["name"] == "Acme" and by_id["acme"]["machines"] == 1
    assert by_id["bolt"]["revenue"] == pytest.approx(495)
    assert by_id["acme"]["utilisation"] == pytest.approx(0.5)  # busy 0-50 of 100
    for row in rows:
        assert row["profit"] == pytest.approx(row["revenue"] - row["cost"])


def test_kpis_of_an_empty_run_are_valid_json(make_result) -> None:
    kpis = compute_kpis(make_result(end=0))
    text = json.dumps(kpis, allow_nan=False)
    assert json.loads(text)["lead_time"]["mean"] is None
    assert kpis["events"] == 0
    assert kpis["bottleneck"]["resource"] is None


def test_kpis_of_a_busy_run_are_valid_json(make_result, small_scenario, small_layout) -> None:
    rng = np.random.default_rng(2)
    events = np.zeros(5000, dtype=EVENT_DTYPE)
    events["start"] = rng.uniform(0, 1000, 5000)
    events["end"] = events["start"] + rng.exponential(3, 5000)
    events["kind"] = rng.choice([P, S, D, OFF, W, B], 5000)
    events["resource"] = rng.integers(0, 2, 5000)
    events["owner"] = events["resource"] + 1
    events["order"] = rng.integers(0, 50, 5000)
    events["cost"] = rng.uniform(0, 5, 5000)
    orders = np.zeros(50, dtype=ORDER_DTYPE)
    orders["order"] = np.arange(50)
    orders["release"] = rng.uniform(0, 500, 50)
    orders["due"] = orders["release"] + 300
    orders["completed"] = np.where(rng.random(50) < 0.8, orders["release"] + rng.uniform(10, 500, 50), NAN)
    orders["price"] = 100
    kpis = compute_kpis(RunResult(small_scenario, small_layout, events, orders, 100, 1000))
    json.dumps(kpis, allow_nan=False)
    assert kpis["events"] == 5000
    assert 0 < kpis["utilisation"]["mean"] < 1
    delivered = np.isfinite(orders["completed"]) & (orders["completed"] >= 100) & (orders["completed"] <= 1000)
    assert kpis["revenue"]["total"] == pytest.approx(100 * delivered.sum())
    assert sum(kpis["revenue"]["by_owner"].values()) + kpis["revenue"]["unallocated"] == pytest.approx(
        kpis["revenue"]["total"]
    )
