"""The money blocks of the KPI dictionary (documented in :func:`twin_app.analysis.kpis.compute_kpis`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from twin_app.analysis.economics import fairness
from twin_app.analysis.economics.costs import COMPONENTS
from twin_app.analysis.economics.investment import CashFlows, annual_capital_charge, purchase_flows
from twin_app.analysis.economics.money import Money
from twin_app.analysis.economics.segments import segments
from twin_app.analysis.economics.sharing import RULES
from twin_app.analysis.result import RunResult

EXTRAPOLATION = (
    "yearly operating cash = profit over the observation window x (economics.year / window length), with the "
    "capital charges of investments added back; purchases, salvage and end book values at their dates; NPV at "
    "each owner's discount rate, operating cash at each year's end; assumes every year looks like the window"
)
"""How the simulated weeks become years (``investment.method`` in the KPIs)."""


def money_blocks(result: RunResult, money: Money, counted: np.ndarray) -> dict[str, Any]:
    """cost, revenue, profit, lateness, fairness, investment, sharing, co2, customers and
    products blocks of the KPI dictionary."""
    ids = list(result.layout.owners)
    paid = money.paid
    components = money.costs.components
    n_done = len(paid)
    units = float(paid.records["quantity"].sum())
    real = [name for name in COMPONENTS if name != "rental"]
    total_cost = float(sum(components[name].sum() for name in real))
    owner_cost = money.costs.total
    revenue = money.revenue()
    profit = money.profit()
    customer_money = float(paid.paid.sum())

    def by_owner(values: np.ndarray | list[float | None]) -> dict[str, float | None]:
        return {ids[i]: _finite(v) for i, v in enumerate(values)}

    return {
        "cost": {
            **{name: float(components[name].sum()) for name in real},
            "total": total_cost,
            "per_order": total_cost / n_done if n_done else None,
            "per_unit": total_cost / units if units else None,
            "per_unit_by_component": {name: float(components[name].sum()) / units if units else None for name in real},
            "rental": float(components["rental"].sum()),
            "by_owner": by_owner(owner_cost),
        },
        "revenue": {
            "total": customer_money,
            "per_order": customer_money / n_done if n_done else None,
            "platform_fee": money.fee,
            "unallocated": money.unallocated,
            "premiums": float(paid.premium.sum()),
            "bonus": float(paid.bonus.sum()),
            "rental": float(money.costs.rental_income.sum()),
            "by_owner": by_owner(revenue),
        },
        "profit": {
            "total": float(profit.sum()),
            "by_owner": by_owner(profit),
            "by_rule": {
                rule: {"total": float(money.profit(rule).sum()), "by_owner": by_owner(money.profit(rule))}
                for rule in RULES
            },
        },
        "lateness": {
            "cost": float(paid.penalty.sum()),
            "late_orders": int(paid.late.sum()),
            "bonus": float(paid.bonus.sum()),
            "by_owner": by_owner(money.lateness),
        },
        "fairness": _fairness(result, money, by_owner),
        "investment": _investment(result, money, by_owner),
        "sharing": {
            "rule": money.rule,
            "shapley_error": float(1.96 * np.sqrt(money.shapley_variance.max())) if len(ids) else 0.0,
        },
        "co2": {"total": float(money.costs.co2.sum()), "by_owner": by_owner(money.costs.co2)},
        **segments(result, paid, counted),
    }


def _finite(value: float | None) -> float | None:
    """A number for JSON: None stays None, and so become NaN and the infinities."""
    return None if value is None or not np.isfinite(value) else float(value)


def _fairness(result: RunResult, money: Money, by_owner: Any) -> dict[str, Any]:
    revenue, profit = money.revenue(), money.profit()
    margins = fairness.margins(profit, revenue)
    partners = [m for i, m in enumerate(margins) if m is not None and i != money.platform]
    work = money.work
    order_cost = np.bincount(work.pair_order, weights=work.cost, minlength=work.n_orders)
    alone = money.needs.alone(result.n_owners)
    value = fairness.stand_alone(alone, money.paid.paid, order_cost, money.costs.fixed)
    better = value > profit
    return {
        "margin": {"by_owner": by_owner(margins)},
        "gini_margin": fairness.gini(partners),
        "partners_losing": int((profit < 0).sum()),
        "stand_alone": {"by_owner": by_owner(value)},
        "better_alone": {"count": int(better.sum()), "by_owner": by_owner(better.astype(float))},
    }


def cash_flows(result: RunResult, profit: np.ndarray) -> list[CashFlows | None]:
    """Each owner's cash over the planning horizon from its window ``profit`` (None when the
    window is empty)."""
    scenario = result.scenario
    window = result.duration
    if window <= 0:
        return [None] * result.n_owners
    scale = scenario.economics.year / window
    years = scenario.economics.planning_years
    layout = result.layout
    machine_owner = [int(layout.resource_owner[u]) for u in layout.machine_first_unit]
    flows: list[CashFlows | None] = []
    for i, owner in enumerate(scenario.owners):
        rate = owner.discount_rate
        mine = [mc.investment for mc, o in zip(scenario.machines, machine_owner, strict=True) if o == i]
        investments = [inv for inv in mine if inv is not None]
        charge = sum(annual_capital_charge(inv, rate) for inv in investments)
        lumps = tuple(flow for inv in investments for flow in purchase_flows(inv, years))
        flows.append(CashFlows(float(profit[i]) * scale + charge, lumps, years, rate))
    return flows


def _investment(result: RunResult, money: Money, by_owner: Any) -> dict[str, Any]:
    flows = cash_flows(result, money.profit())

    def each(get: Any, values: list[CashFlows | None]) -> list[float | None]:
        return [None if f is None else get(f) for f in values]

    npv = each(CashFlows.npv, flows)
    rule_flows = {rule: cash_flows(result, money.profit(rule)) for rule in RULES}
    by_rule = {rule: {"by_owner": by_owner(each(CashFlows.npv, f))} for rule, f in rule_flows.items()}
    roi_by_rule = {rule: {"by_owner": by_owner(each(CashFlows.roi, f))} for rule, f in rule_flows.items()}
    return {
        "planning_years": result.scenario.economics.planning_years,
        "method": EXTRAPOLATION,
        "invested": {
            "total": sum(f.invested for f in flows if f),
            "by_owner": by_owner(each(lambda f: f.invested, flows)),
        },
        "annual_cash_flow": {"by_owner": by_owner(each(lambda f: f.annual, flows))},
        "npv": {
            "total": None if any(v is None for v in npv) else _finite(sum(v for v in npv if v is not None)),
            "by_owner": by_owner(npv),
            "by_rule": by_rule,
        },
        "payback_years": {"by_owner": by_owner(each(CashFlows.payback, flows))},
        "roi": {"by_owner": by_owner(each(CashFlows.roi, flows)), "by_rule": roi_by_rule},
    }
