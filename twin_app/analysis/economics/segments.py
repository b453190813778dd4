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

from twin_app.analysis.economics.orders import PaidOrders
from twin_app.analysis.result import RunResult


def segments(result: RunResult, paid: PaidOrders, counted: np.ndarray) -> dict[str, dict[str, Any]]:
    """``{"customers": {id: figures}, "products": {id: figures}}`` (see the module docstring)."""
    scenario = result.scenario
    o = result.orders[counted]
    return {
        "customers": _by(paid, o, "customer", [c.id for c in scenario.customers]),
        "products": _by(paid, o, "product", [p.id for p in scenario.products]),
    }


def _by(paid: PaidOrders, counted: np.ndarray, field: str, ids: list[str]) -> dict[str, Any]:
    key = paid.records[field].astype(np.int64)
    counted_key = counted[field].astype(np.int64)
    lead = counted["completed"] - counted["release"]
    has_due = np.isfinite(counted["due"])
    on_time = counted["completed"] <= np.where(has_due, counted["due"], np.inf)
    figures: dict[str, Any] = {}
    for index, name in enumerate(ids):
        mine = key == index
        counted_mine = counted_key == index
        due_mine = counted_mine & has_due
        figures[name] = {
            "orders": int(mine.sum()),
            "units": float(paid.records["quantity"][mine].sum()),
            "revenue": float(paid.paid[mine].sum()),
            "lateness_cost": float(paid.penalty[mine].sum()),
            "lead_time_mean": float(lead[counted_mine].mean()) if counted_mine.any() else None,
            "on_time_rate": float(on_time[due_mine].mean()) if due_mine.any() else None,
        }
    return figures
