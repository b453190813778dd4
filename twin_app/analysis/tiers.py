"""Supplier tiers: the network's money and work per tier (owners with a ``tier``).

Per tier (0 the OEM, 1 its direct suppliers, 2 theirs...): how many owners, their revenue,
cost and profit over the window (under the scenario's sharing rule, :mod:`.economics`) and
the busy share of their machines. Owners without a tier are left out; a scenario without
tiers has an empty block.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twin_app.analysis.economics.money import Money
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import BUSY


def tier_block(result: RunResult, money: Money, durations: np.ndarray) -> dict[str, Any]:
    """The ``tiers`` block of the KPI dictionary."""
    owners = result.scenario.owners
    tiers = sorted({owner.tier for owner in owners if owner.tier is not None})
    revenue, cost, profit = money.revenue(), money.costs.total, money.profit()
    m = result.n_machine_units
    unit_owner = result.layout.resource_owner[:m]
    window = result.duration
    block: dict[str, Any] = {}
    for tier in tiers:
        members = [i for i, owner in enumerate(owners) if owner.tier == tier]
        units = np.isin(unit_owner, members)
        block[str(tier)] = {
            "owners": len(members),
            "revenue": float(revenue[members].sum()),
            "cost": float(cost[members].sum()),
            "profit": float(profit[members].sum()),
            "utilisation": float(durations[:m][units, BUSY].sum() / (units.sum() * window))
            if units.any() and window > 0
            else None,
        }
    return block
