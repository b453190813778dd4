"""Each sharing rule against a case worked out by hand (the same case as docs/economics.md).

One order, price 1,000, delivered on time. The platform keeps 10%: the pool is 900.

| partner | did | minutes | variable cost | fixed (all on this order) | full cost | capital |
|---|---|---|---|---|---|---|
| acme    | cut  | 10 | 100 | capex 200 | 300 | 200 |
| truckco | hop  | 30 |  50 | fleet 50  | 100 |  50 |
| bolt    | weld | 20 | 150 | lease 100 | 250 | 100 |

Full cost 650, margin 900 - 650 = 250, capital 350, minutes 60.
"""

from __future__ import annotations

import pytest

from twin_app.analysis.kpis import accounts, compute_kpis

from .conftest import network

OWNERS = ("hub", "acme", "bolt", "truckco")

EXPECTED_SHARES = {
    # cost back, then the margin 250 as the same return on capital: 200/350, 100/350, 50/350
    "full_cost": {"acme": 300 + 250 * 200 / 350, "bolt": 250 + 250 * 100 / 350, "truckco": 100 + 250 * 50 / 350},
    # 900 in proportion to full cost 300 : 250 : 100
    "full_cost_proportional": {"acme": 900 * 300 / 650, "bolt": 900 * 250 / 650, "truckco": 900 * 100 / 650},
    # 900 in proportion to minutes 10 : 20 : 30
    "processing_time": {"acme": 150, "bolt": 300, "truckco": 450},
    "equal": {"acme": 300, "bolt": 300, "truckco": 300},
    # bolt can cut too, so acme is not needed: bolt and truckco each complete the coalition in
    # half of the orderings (Shapley 0, 1/2, 1/2): cost back plus 0, 125, 125 of the margin
    "shapley": {"acme": 300, "bolt": 250 + 125, "truckco": 100 + 125},
    # 900 in proportion to variable cost 100 : 150 : 50 (the format 1 rule)
    "variable_cost": {"acme": 300, "bolt": 450, "truckco": 150},
}


@pytest.mark.parametrize("rule", list(EXPECTED_SHARES))
def test_rule_splits_the_pool_as_worked_out_by_hand(rule: str, econ_result) -> None:
    result = econ_result(network(platform={"sharing": rule}))
    money = accounts(result)
    revenue = dict(zip(OWNERS, money.revenue(), strict=True))
    assert revenue["hub"] == pytest.approx(100)  # the fee, 10% of 1,000
    for owner, share in EXPECTED_SHARES[rule].items():
        assert revenue[owner] == pytest.approx(share), owner
    assert sum(revenue.values()) == pytest.approx(1000)


def test_profit_is_revenue_less_each_owners_costs(econ_result) -> None:
    kpis = compute_kpis(econ_result())
    profit = kpis["profit"]["by_owner"]
    # full_cost (the default): every partner's profit is its return on capital
    assert profit["acme"] == pytest.approx(250 * 200 / 350)
    assert profit["bolt"] == pytest.approx(250 * 100 / 350)
    assert profit["truckco"] == pytest.approx(250 * 50 / 350)
    assert profit["hub"] == pytest.approx(100 - 20 - 5)  # fee less its costs per period and per order
    assert kpis["profit"]["total"] == pytest.approx(250 + 75)
    assert kpis["sharing"] == {"rule": "full_cost", "shapley_error": 0.0}


def test_kpis_carry_every_rules_profit(econ_result) -> None:
    kpis = compute_kpis(econ_result())
    by_rule = kpis["profit"]["by_rule"]
    assert set(by_rule) == set(EXPECTED_SHARES)
    full_cost = {"hub": 0, "acme": 300, "bolt": 250, "truckco": 100}
    for rule, shares in EXPECTED_SHARES.items():
        for owner, share in shares.items():
            assert by_rule[rule]["by_owner"][owner] == pytest.approx(share - full_cost[owner]), (rule, owner)
        assert by_rule[rule]["total"] == pytest.approx(325)  # the split moves money, never creates it


def test_a_transport_counts_the_parts_share_of_the_trip(econ_result) -> None:
    """The truck carries order 0 (1 unit) with 3 units of order 1 on the same trip: order 0
    took a quarter of the truck's 30 minutes."""
    events = [
        *[e for e in econ_result().events.tolist() if e[5] == 0],
        (10, 40, 2, 2, 3, 1, 1, -1, 3, 0),  # the same trip, order 1's part (not delivered)
    ]
    orders = [(0, 0, 0, 1, 0, 100, 90, 1000), (1, 0, 0, 3, 0, 100, float("nan"), 0)]
    result = econ_result(network(platform={"sharing": "processing_time"}), events=events, orders=orders)
    revenue = dict(zip(OWNERS, accounts(result).revenue(), strict=True))
    # minutes 10 : 20 : 7.5
    assert revenue["truckco"] == pytest.approx(900 * 7.5 / 37.5)
    assert revenue["acme"] == pytest.approx(900 * 10 / 37.5)


def test_equal_margin_rules_fall_back_when_their_basis_is_zero(econ_result) -> None:
    """Nobody has capital: the full-cost rule shares the margin by minutes instead."""
    data = network()
    data["machines"][0]["capex_per_period"] = 0
    data["machines"][1]["lease_per_period"] = 0
    data["lanes"][0]["lease_per_period"] = 0
    revenue = dict(zip(OWNERS, accounts(econ_result(data)).revenue(), strict=True))
    margin = 900 - 300  # variable costs only
    assert revenue["acme"] == pytest.approx(100 + margin * 10 / 60)
    assert revenue["truckco"] == pytest.approx(50 + margin * 30 / 60)


def test_fixed_costs_spread_over_the_orders_by_minutes(econ_result) -> None:
    """Two orders: acme cuts 10 min on one and 30 on the other, so 1/4 of its capex goes to
    the first order's full cost and 3/4 to the second's."""
    events = [
        (0, 10, 0, 0, 1, 0, 0, 0, 1, 10),
        (10, 20, 0, 1, 2, 0, 0, 1, 1, 10),
        (20, 50, 0, 0, 1, 1, 1, 0, 1, 30),
        (50, 60, 0, 1, 2, 1, 1, 1, 1, 10),
    ]
    orders = [(0, 0, 0, 1, 0, 100, 60, 1000), (1, 0, 0, 1, 0, 100, 70, 1000)]
    data = network(platform={"sharing": "full_cost_proportional", "fee": 0})
    data["lanes"][0]["lease_per_period"] = 0
    revenue = dict(zip(OWNERS, accounts(econ_result(data, events=events, orders=orders)).revenue(), strict=True))
    # order 0: acme 10 + 200/4 = 60, bolt 10 + 100/2 = 60; order 1: acme 30 + 150 = 180, bolt 60
    assert revenue["acme"] == pytest.approx(1000 * 60 / 120 + 1000 * 180 / 240)
    assert revenue["bolt"] == pytest.approx(1000 * 60 / 120 + 1000 * 60 / 240)


def test_the_worked_example_in_the_documentation_gives_these_numbers() -> None:
    """docs/economics.md shows this case rule by rule: its numbers must be the program's."""
    from pathlib import Path

    from twin_app.analysis.economics.sharing import RULES

    text = (Path(__file__).resolve().parents[3] / "docs" / "economics.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule}`" in text, rule
    for shares in EXPECTED_SHARES.values():
        for value in shares.values():
            shown = f"{value:.2f}" if value != int(value) else f"{value:.0f}"
            assert f"**{shown}**" in text, shown
