"""A hand-made network for the money tests, small enough to check every number on paper.

Owners: 0 hub (platform, fee 10%, own costs 20 per period and 5 per order), 1 acme, 2 bolt,
3 truckco (logistics). Resources: 0 = M0 (acme: cut), 1 = M1 (bolt: cut and weld), 2 = the
truck of lane L1 (truckco, acme-1 <-> bolt-1). The cost period is the window (100 minutes), so
a charge per period is the window's charge. Product 'part' (cut, then weld) has no bill of
materials: order k's only job is job k.

Fixed costs over the window: acme capex 200, bolt lease 100, truckco's fleet lease 50; no
idle rates unless a test sets them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from twin_app.analysis.result import RunResult
from twin_app.io.scenario_file import scenario_from_data
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind
from twin_app.model.layout import Layout

P, S, T = int(EventKind.PROCESS), int(EventKind.SETUP), int(EventKind.TRANSPORT)

ECON_NETWORK: dict[str, Any] = {
    "format_version": 2,
    "owners": [
        {"id": "hub", "kind": "platform"},
        {"id": "acme"},
        {"id": "bolt"},
        {"id": "truckco", "kind": "logistics"},
    ],
    "sites": [{"id": "acme-1", "owner": "acme"}, {"id": "bolt-1", "owner": "bolt", "x": 10}],
    "machines": [
        {"id": "M0", "site": "acme-1", "capabilities": [{"step": "cut", "time": 10}], "capex_per_period": 200},
        {"id": "M1", "site": "bolt-1", "capabilities": [{"step": "cut", "time": 10}, {"step": "weld", "time": 20}],
         "lease_per_period": 100},
    ],
    "lanes": [{"id": "L1", "origin": "acme-1", "destination": "bolt-1", "owner": "truckco", "transit": 30,
               "lease_per_period": 50}],
    "products": [{"id": "part", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["weld"]}]}],
    "customers": [{"id": "shop"}],
    "demand": {"orders": [{"id": "o1", "customer": "shop", "product": "part"}]},
    "platform": {"fee": 0.1, "costs": {"per_period": 20, "per_order": 5}},
    "run": {"horizon": 100, "cost_period": 100},
}  # fmt: skip

ONE_ORDER_EVENTS = [
    (0, 10, P, 0, 1, 0, 0, 0, 1, 100),  # acme cuts: 10 min, cost 100
    (10, 40, T, 2, 3, 0, 0, -1, 1, 50),  # truckco carries it alone: 30 min, cost 50
    (40, 60, P, 1, 2, 0, 0, 1, 1, 150),  # bolt welds: 20 min, cost 150
]
ONE_ORDER = [(0, 0, 0, 1, 0, 100, 90, 1000)]
"""(order, customer, product, quantity, release, due, completed, price)."""


def network(**changes: Any) -> dict[str, Any]:
    """A deep copy of ECON_NETWORK with top-level sections updated (dicts merged one level)."""
    data = copy.deepcopy(ECON_NETWORK)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def build_result(
    data: dict[str, Any],
    events: Sequence[Sequence[float]] = ONE_ORDER_EVENTS,
    orders: Sequence[Sequence[float]] = ONE_ORDER,
    start: float = 0.0,
    end: float = 100.0,
) -> RunResult:
    scenario = scenario_from_data(data, source="ECON_NETWORK")
    ev = np.array([tuple(e) for e in events], dtype=EVENT_DTYPE)
    od = np.array([tuple(o) for o in orders], dtype=ORDER_DTYPE)
    return RunResult(scenario, Layout.build(scenario), ev, od, start, end)


@pytest.fixture
def econ_result() -> Callable[..., RunResult]:
    """``econ_result(data=None, events=..., orders=..., start=0, end=100)``."""

    def build(data: dict[str, Any] | None = None, **kwargs: Any) -> RunResult:
        return build_result(data or network(), **kwargs)

    return build
