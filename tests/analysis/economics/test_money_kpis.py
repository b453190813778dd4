"""Prices, premiums, contracts, rentals, the platform's books, cost per unit, per-customer and
per-product figures and the fairness KPIs, each against a case worked out by hand."""

from __future__ import annotations

import json

import pytest

from twin_app.analysis.kpis import compute_kpis, owner_table

from .conftest import network

NAN = float("nan")


def test_list_price_and_option_premiums(econ_result) -> None:
    """Order 0 (2 units) has no price of its own: list price 300 x 2. Welding is an option
    worth 40 per unit, and the job went through it twice (rework): charged once, 40 x 2."""
    data = network()
    data["products"][0]["price"] = 300
    data["products"][0]["routing"][1]["premium"] = 40
    events = [
        (0, 10, 0, 0, 1, 0, 0, 0, 2, 100),
        (10, 40, 2, 2, 3, 0, 0, -1, 2, 50),
        (40, 60, 0, 1, 2, 0, 0, 1, 2, 150),
        (60, 70, 0, 1, 2, 0, 0, 1, 2, 50),  # rework of the weld
    ]
    kpis = compute_kpis(econ_result(data, events=events, orders=[(0, 0, 0, 2, 0, 100, 90, 0)]))
    assert kpis["revenue"]["premiums"] == pytest.approx(80)
    assert kpis["revenue"]["total"] == pytest.approx(600 + 80)
    assert kpis["revenue"]["platform_fee"] == pytest.approx(68)


def test_a_demand_price_wins_over_the_list_price(econ_result) -> None:
    data = network()
    data["products"][0]["price"] = 300
    kpis = compute_kpis(econ_result(data))  # the order's own price is 1,000
    assert kpis["revenue"]["total"] == pytest.approx(1000)


def test_contract_penalties_and_bonus(econ_result) -> None:
    """Order 0 is 90 minutes late: 50 + 30 per hour x 1.5 h = 95 back to the customer. Order 1
    is on time: +20. Order 2 has no due date: neither."""
    contract = {"penalty_per_order": 50, "penalty_per_hour": 30, "bonus_per_order": 20}
    data = network(customers=[{"id": "shop", "contract": contract}])
    events = [
        (0, 10, 0, 0, 1, 0, 0, 0, 1, 10),
        (10, 20, 0, 0, 1, 1, 1, 0, 1, 10),
        (20, 30, 0, 0, 1, 2, 2, 0, 1, 10),
    ]
    orders = [(0, 0, 0, 1, 0, 0, 90, 1000), (1, 0, 0, 1, 0, 100, 50, 1000), (2, 0, 0, 1, 0, NAN, 60, 1000)]
    kpis = compute_kpis(econ_result(data, events=events, orders=orders))
    assert kpis["lateness"]["cost"] == pytest.approx(95)
    assert kpis["lateness"]["bonus"] == pytest.approx(20)
    assert kpis["lateness"]["late_orders"] == 1
    assert kpis["revenue"]["total"] == pytest.approx(3000 - 95 + 20)
    assert kpis["revenue"]["platform_fee"] == pytest.approx(0.1 * 2925)
    # acme did all the work: the penalty took 90% of 95 from its shares (the platform bore 10%)
    assert kpis["lateness"]["by_owner"]["acme"] == pytest.approx(0.9 * 95)
    assert kpis["customers"]["shop"]["lateness_cost"] == pytest.approx(95)


def test_pay_per_use_rental_moves_money_between_owners(econ_result) -> None:
    """bolt rents acme's M0 at 120 an hour. The 10-minute cut costs bolt 20 and earns acme 20;
    the cut now counts as bolt's work (variable cost 20), so acme is no partner on the order."""
    rental = {"owner": "acme", "renter": "bolt", "rate_per_hour": 120}
    data = network(economics={"rentals": [rental]}, platform={"sharing": "processing_time"})
    kpis = compute_kpis(econ_result(data))
    cost, revenue = kpis["cost"], kpis["revenue"]
    assert cost["rental"] == pytest.approx(20) and revenue["rental"] == pytest.approx(20)
    assert revenue["by_owner"]["acme"] == pytest.approx(20)  # only the rental fee
    # pool 900 by minutes: bolt 10 + 20, truckco 30
    assert revenue["by_owner"]["bolt"] == pytest.approx(450)
    assert cost["by_owner"]["bolt"] == pytest.approx(150 + 100 + 20)
    # the network's cost leaves the transfer out; the owners' profits still add up
    assert cost["total"] == pytest.approx(100 + 150 + 50 + 200 + 100 + 50 + 25)
    assert sum(cost["by_owner"].values()) == pytest.approx(cost["total"] + cost["rental"])
    assert sum(kpis["profit"]["by_owner"].values()) == pytest.approx(kpis["profit"]["total"])


def test_cost_per_unit_by_component(econ_result) -> None:
    kpis = compute_kpis(econ_result())
    per_unit = kpis["cost"]["per_unit_by_component"]
    # one unit delivered: running 250, transport 50, capex 200, lease 100 + 50, platform 25
    assert per_unit == pytest.approx(
        {
            "running": 250,
            "idle": 0,
            "setup": 0,
            "transport": 50,
            "capex": 200,
            "lease": 150,
            "maintenance": 0,
            "platform": 25,
            "energy": 0,
        }
    )
    assert kpis["cost"]["per_unit"] == pytest.approx(sum(per_unit.values()))


def test_figures_per_customer_and_per_product(econ_result) -> None:
    data = network(customers=[{"id": "shop"}, {"id": "fleet"}])
    events = [(0, 10, 0, 0, 1, 0, 0, 0, 1, 10), (10, 20, 0, 0, 1, 1, 1, 0, 1, 10)]
    orders = [(0, 0, 0, 1, 0, 50, 40, 1000), (1, 1, 0, 3, 10, 60, 70, 600)]
    kpis = compute_kpis(econ_result(data, events=events, orders=orders))
    assert kpis["customers"]["shop"] == pytest.approx(
        {"orders": 1, "units": 1, "revenue": 1000, "lateness_cost": 0, "lead_time_mean": 40, "on_time_rate": 1.0}
    )
    assert kpis["customers"]["fleet"]["on_time_rate"] == 0.0
    assert kpis["customers"]["fleet"]["lead_time_mean"] == pytest.approx(60)
    assert kpis["products"]["part"]["orders"] == 2 and kpis["products"]["part"]["revenue"] == pytest.approx(1600)


def test_fairness_margins_gini_and_losers(econ_result) -> None:
    kpis = compute_kpis(econ_result(network(platform={"sharing": "equal"})))
    fairness = kpis["fairness"]
    # equal shares 300: acme 300 - 300 = 0, bolt 300 - 250 = 50, truckco 300 - 100 = 200
    margins = fairness["margin"]["by_owner"]
    assert margins == pytest.approx({"hub": 75 / 100, "acme": 0, "bolt": 50 / 300, "truckco": 200 / 300})
    # Gini over the partners (not the platform): |differences| 1/6, 2/3, 1/2 each twice over
    # 2 x 3 x (0 + 1/6 + 2/3)
    assert fairness["gini_margin"] == pytest.approx(2 * (1 / 6 + 2 / 3 + 1 / 2) / (2 * 3 * (5 / 6)))
    assert fairness["partners_losing"] == 0


def test_stand_alone_value_of_an_owner_that_could_make_an_order_itself(econ_result) -> None:
    """Order 1 is cut and welded at bolt and needs no transport: bolt could make it alone.
    Alone it would get the whole 400, pay the order's variable cost 100 and its lease 100."""
    events = [
        *[tuple(e) for e in econ_result().events.tolist()],
        (60, 70, 0, 1, 2, 1, 1, 0, 1, 40),
        (70, 80, 0, 1, 2, 1, 1, 1, 1, 60),
    ]
    orders = [(0, 0, 0, 1, 0, 100, 90, 1000), (1, 0, 0, 1, 0, 100, 85, 400)]
    kpis = compute_kpis(econ_result(events=events, orders=orders))
    alone = kpis["fairness"]["stand_alone"]["by_owner"]
    assert alone["bolt"] == pytest.approx(400 - 100 - 100)
    assert alone["acme"] == pytest.approx(-200)  # can make nothing alone, keeps its capex
    better = kpis["fairness"]["better_alone"]
    assert better["by_owner"]["bolt"] == float(alone["bolt"] > kpis["profit"]["by_owner"]["bolt"])


def test_owner_table_has_the_money_columns(econ_result) -> None:
    rows = {row["owner"]: row for row in owner_table(econ_result())}
    assert rows["acme"]["margin"] == pytest.approx((250 * 200 / 350) / (300 + 250 * 200 / 350))
    assert rows["acme"]["roi"] is None  # capex per period is no purchase
    assert rows["hub"]["profit"] == pytest.approx(75)
    assert set(rows["bolt"]) >= {"cost", "revenue", "profit", "margin", "npv", "roi", "payback", "co2"}


def test_money_kpis_are_valid_json(econ_result) -> None:
    json.dumps(compute_kpis(econ_result()), allow_nan=False)
    json.dumps(compute_kpis(econ_result(events=[], orders=[], end=0)), allow_nan=False)
