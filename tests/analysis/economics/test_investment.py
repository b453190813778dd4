"""Investment and return against hand-computed cases (docs/economics.md, 'Investment')."""

from __future__ import annotations

import pytest

from twin_app.analysis.economics.investment import (
    CashFlows,
    annual_capital_charge,
    capital_recovery_factor,
    purchase_flows,
)
from twin_app.analysis.kpis import compute_kpis
from twin_app.model.scenario import Investment

from .conftest import network


def test_capital_charge_is_the_equivalent_annual_cost() -> None:
    machine = Investment(price=10_000, life_years=5, salvage=1_000)
    # at 0%: (10,000 - 1,000) / 5
    assert annual_capital_charge(machine, 0.0) == pytest.approx(1_800)
    # at 10%: (10,000 - 1,000 / 1.1^5) x 0.1 / (1 - 1.1^-5) = 9,379.08 x 0.263797
    assert capital_recovery_factor(0.1, 5) == pytest.approx(0.2637975, rel=1e-6)
    assert annual_capital_charge(machine, 0.1) == pytest.approx(2_474.18, abs=0.01)


def test_purchases_salvage_and_final_book_value_over_the_horizon() -> None:
    machine = Investment(price=1_000, life_years=2, salvage=100)
    # bought at 0, 2 and 4; sold at 2 and 4; at year 5 one year into a 2-year life: book
    # value 1,000 - 900 x 1/2 = 550
    assert purchase_flows(machine, 5) == [(0.0, -1000), (2.0, 100), (2.0, -1000), (4.0, 100), (4.0, -1000), (5.0, 550)]
    # a life ending exactly at the horizon: sold, not bought again
    assert purchase_flows(Investment(price=1_000, life_years=5, salvage=100), 5) == [(0.0, -1000), (5.0, 100)]


def test_npv_payback_and_roi_of_a_simple_purchase() -> None:
    flows = CashFlows(annual=500, lumps=((0.0, -1000.0),), years=3, rate=0.1)
    # 500 / 1.1 + 500 / 1.21 + 500 / 1.331 - 1,000
    assert flows.npv() == pytest.approx(243.43, abs=0.01)
    assert flows.payback() == pytest.approx(2.0)  # 500 a year pays 1,000 back after two years
    assert flows.roi() == pytest.approx((3 * 500 - 1000) / 1000)
    assert flows.invested == 1000


def test_payback_counts_a_replacement_and_none_when_never_reached() -> None:
    # bought for 1,000 at 0 and again at 2 (sold for 500), 450 a year: -1,000 at 0; at year 2
    # +900 of cash, +500 salvage, -1,000 for the new machine: -600; 450 a year brings it to 0
    # after 600 / 450 more years
    machine = Investment(price=1_000, life_years=2, salvage=500)
    flows = CashFlows(annual=450, lumps=tuple(purchase_flows(machine, 5)), years=5, rate=0.0)
    assert flows.payback() == pytest.approx(2 + 600 / 450)
    assert CashFlows(annual=100, lumps=((0.0, -1000.0),), years=3, rate=0.0).payback() is None
    assert CashFlows(annual=100, lumps=(), years=3, rate=0.0).payback() is None
    assert CashFlows(annual=100, lumps=(), years=3, rate=0.0).roi() is None


def test_npv_over_one_life_is_the_present_value_of_the_yearly_profit() -> None:
    """Why the capital charge is the equivalent annual cost: over exactly one service life,
    profit (after the charge) discounted equals the NPV of the purchase and its cash."""
    machine = Investment(price=50_000, life_years=4, salvage=5_000)
    rate, profit = 0.08, 3_000.0
    charge = annual_capital_charge(machine, rate)
    flows = CashFlows(profit + charge, tuple(purchase_flows(machine, 4)), 4, rate)
    annuity = sum(1.08**-k for k in range(1, 5))
    assert flows.npv() == pytest.approx(profit * annuity)


def test_an_owners_investment_kpis_from_the_window(econ_result) -> None:
    """acme buys M0 for 100,000 (life 5, salvage 10,000, maintenance 2,000 a year) at a 0%
    rate; a year is 1,000 minutes, the window 100: the window is a tenth of a year."""
    data = network(economics={"year": 1000, "planning_years": 5})
    data["owners"][1]["discount_rate"] = 0.0
    data["machines"][0].pop("capex_per_period")
    data["machines"][0]["investment"] = {
        "price": 100_000,
        "life_years": 5,
        "salvage": 10_000,
        "maintenance_per_year": 2_000,
    }
    kpis = compute_kpis(econ_result(data))
    # capital charge (100,000 - 10,000) / 5 = 18,000 a year, 1,800 in the window; upkeep 200
    assert kpis["cost"]["capex"] == pytest.approx(1_800)
    assert kpis["cost"]["maintenance"] == pytest.approx(200)
    profit = kpis["profit"]["by_owner"]["acme"]
    annual = profit * 10 + 18_000  # the window's profit x 10, the charge added back
    investment = kpis["investment"]
    assert investment["annual_cash_flow"]["by_owner"]["acme"] == pytest.approx(annual)
    assert investment["npv"]["by_owner"]["acme"] == pytest.approx(5 * annual - 100_000 + 10_000)
    assert investment["roi"]["by_owner"]["acme"] == pytest.approx((5 * annual - 90_000) / 100_000)
    for rule, books in kpis["profit"]["by_rule"].items():  # the same arithmetic on each rule's profit
        annual_under_rule = books["by_owner"]["acme"] * 10 + 18_000
        assert investment["npv"]["by_rule"][rule]["by_owner"]["acme"] == pytest.approx(5 * annual_under_rule - 90_000)
        assert investment["roi"]["by_rule"][rule]["by_owner"]["acme"] == pytest.approx(
            (5 * annual_under_rule - 90_000) / 100_000
        )
        assert investment["roi"]["by_rule"][rule]["by_owner"]["bolt"] is None  # bought nothing
    assert investment["invested"]["by_owner"] == {"hub": 0, "acme": 100_000, "bolt": 0, "truckco": 0}
    assert investment["payback_years"]["by_owner"]["bolt"] is None
    assert "steady state" in investment["method"] or "looks like the window" in investment["method"]
