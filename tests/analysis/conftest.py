"""Fixtures for the analysis tests: a small hand-made network and a builder of RunResults
from event tuples, so every expected number can be worked out by hand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from twin_app.analysis.result import RunResult
from twin_app.io.scenario_file import scenario_from_data
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario

SMALL_NETWORK: dict[str, Any] = {
    "format_version": 1,
    "name": "Hand-checked network",
    "owners": [
        {"id": "hub", "name": "The Platform", "kind": "platform"},
        {"id": "acme", "name": "Acme"},
        {"id": "bolt", "name": "Bolt"},
        {"id": "truckco", "name": "TruckCo", "kind": "logistics"},
    ],
    "sites": [{"id": "acme-1", "owner": "acme"}, {"id": "bolt-1", "owner": "bolt", "x": 10}],
    "machines": [
        {
            "id": "M0",
            "site": "acme-1",
            "capabilities": [{"step": "mill", "time": 5}],
            "cost": {"running": 2.0, "idle": 0.5, "setup": 1.5},
            "capex_per_period": 1000,
        },
        {
            "id": "M1",
            "site": "bolt-1",
            "capabilities": [{"step": "mill", "time": 5}],
            "cost": {"running": 1.0},
            "lease_per_period": 400,
        },
    ],
    "lanes": [
        {"id": "L1", "origin": "bolt-1", "destination": "acme-1", "owner": "truckco", "transit": 10,
         "cost_per_shipment": 50, "cost_per_unit": 0.5, "co2_per_unit": 1.2},
    ],
    "products": [{"id": "part", "family": "f", "routing": [{"capabilities": ["mill"]}]}],
    "customers": [{"id": "shop"}],
    "demand": {"orders": [{"id": "o1", "customer": "shop", "product": "part"}]},
    "platform": {"fee": 0.1},
    "run": {"horizon": 1000, "warmup": 100, "cost_period": 1000},
}  # fmt: skip
"""Resources: 0 = M0 (acme), 1 = M1 (bolt), 2 = the L1 truck (truckco). Owners: 0 hub
(platform), 1 acme, 2 bolt, 3 truckco."""

EventTuple = tuple[float, float, int, int, int, int, int, int, float, float]
"""(start, end, kind, resource, owner, order, job, operation, quantity, cost)."""


@pytest.fixture
def small_scenario() -> Scenario:
    return scenario_from_data(SMALL_NETWORK, source="SMALL_NETWORK")


@pytest.fixture
def small_layout(small_scenario: Scenario) -> Layout:
    return Layout.build(small_scenario)


def events_array(rows: Sequence[Sequence[float]]) -> np.ndarray:
    """EVENT_DTYPE records from tuples; short tuples get -1 ids and zero amounts."""
    defaults = (0.0, 0.0, 0, -1, -1, -1, -1, -1, 0.0, 0.0)
    full = [tuple(row) + defaults[len(row) :] for row in rows]
    return np.array(full, dtype=EVENT_DTYPE)


def orders_array(rows: Sequence[Sequence[float]]) -> np.ndarray:
    """ORDER_DTYPE records from (order, customer, product, quantity, release, due, completed, price)."""
    return np.array([tuple(row) for row in rows], dtype=ORDER_DTYPE)


@pytest.fixture
def make_result(small_scenario: Scenario, small_layout: Layout) -> Callable[..., RunResult]:
    """Build a RunResult of the small network from event and order tuples."""

    def build(
        events: Sequence[Sequence[float]] = (),
        orders: Sequence[Sequence[float]] = (),
        start: float = 0.0,
        end: float = 100.0,
    ) -> RunResult:
        return RunResult(small_scenario, small_layout, events_array(events), orders_array(orders), start, end)

    return build
