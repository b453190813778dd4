"""Service and money per customer and per product.

Per customer (and per ordered product): ``orders`` and ``units`` delivered in the window,
``revenue`` they paid (price, premiums, bonus less penalties), ``lateness_cost`` (the
penalties), and over the orders counted for lead time (released in the window and delivered,
as in :mod:`twin_app.analysis.kpis`) the ``lead_time_mean`` and ``on_time_rate`` (None where
there are none).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twin_app.analysis.arrays import stable_argsort, take_rows
from twin_app.analysis.economics.orders import PaidOrders
from twin_app.analysis.result import RunResult


def segments(result: RunResult, paid: PaidOrders, counted: np.ndarray) -> dict[str, dict[str, Any]]:
    """``{"customers": {id: figures}, "products": {id: figures}}`` (see the module docstring)."""
    scenario = result.scenario
    o = take_rows(result.orders, counted)
    return {
        "customers": _by(paid, o, "customer", [c.id for c in scenario.customers]),
        "products": _by(paid, o, "product", [p.id for p in scenario.products]),
    }


def _by(paid: PaidOrders, counted: np.ndarray, field: str, ids: list[str]) -> dict[str, Any]:
    """The figures of each id. Each id's values are taken as one slice of the values sorted
    (stably) by id: the same values in the same order as a mask per id would select, so the same
    sums and means to the bit, without a pass over every order per id (200 products on the
    reference shop: 45 -> ~8 ms)."""
    key = paid.records[field].astype(np.int64)
    counted_key = counted[field].astype(np.int64)
    lead = counted["completed"] - counted["release"]
    has_due = np.isfinite(counted["due"])
    on_time = counted["completed"] <= np.where(has_due, counted["due"], np.inf)
    n = len(ids)
    order = stable_argsort(key)
    bounds = np.searchsorted(key[order], np.arange(n + 1)).tolist()
    quantity, paid_by, penalty = paid.records["quantity"][order], paid.paid[order], paid.penalty[order]
    counted_order = stable_argsort(counted_key)
    counted_bounds = np.searchsorted(counted_key[counted_order], np.arange(n + 1)).tolist()
    lead, due_order = lead[counted_order], counted_order[has_due[counted_order]]
    due_bounds = np.searchsorted(counted_key[due_order], np.arange(n + 1)).tolist()
    on_time = on_time[due_order]
    figures: dict[str, Any] = {}
    for index, name in enumerate(ids):
        mine = slice(bounds[index], bounds[index + 1])
        counted_mine = slice(counted_bounds[index], counted_bounds[index + 1])
        due_mine = slice(due_bounds[index], due_bounds[index + 1])
        figures[name] = {
            "orders": bounds[index + 1] - bounds[index],
            "units": float(quantity[mine].sum()),
            "revenue": float(paid_by[mine].sum()),
            "lateness_cost": float(penalty[mine].sum()),
            "lead_time_mean": float(lead[counted_mine].mean()) if counted_mine.stop > counted_mine.start else None,
            "on_time_rate": float(on_time[due_mine].mean()) if due_mine.stop > due_mine.start else None,
        }
    return figures
