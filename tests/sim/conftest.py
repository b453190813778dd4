"""Helpers for the exact event-log tests of the engine: tiny scenarios built from dicts, run
with an EventCollector, and the log rendered as sorted tuples a person can check by hand."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pytest

from twin_app.analysis.collector import EventCollector
from twin_app.io.scenario_file import scenario_from_data
from twin_app.model.events import EventBatch, EventKind, Outcome, RunEnd, RunInfo
from twin_app.model.scenario import Scenario
from twin_app.sim.engine import Simulation


class Row(NamedTuple):
    """One event record with the kind as a word and floats rounded (hand-checkable)."""

    kind: str
    start: float
    end: float
    resource: int
    order: int
    job: int
    operation: int
    quantity: float
    cost: float


def _round(value: float) -> float:
    return round(float(value), 9) + 0.0


def rows(events: np.ndarray, *kinds: str) -> list[Row]:
    """The records of ``kinds`` (all kinds if none), sorted by start, end, kind, resource, order.

    An empty vehicle driving back (a TRANSPORT record with order -1) is listed as kind
    "RETURN", so logs of loaded trips read as a person writes them."""
    out = []
    for e in events:
        code = int(e["kind"])
        kind = EventKind(code).name if code in EventKind._value2member_map_ else Outcome(code).name
        if kind == "TRANSPORT" and int(e["order"]) == -1:
            kind = "RETURN"
        if kinds and kind not in kinds:
            continue
        out.append(
            Row(
                kind,
                _round(e["start"]),
                _round(e["end"]),
                int(e["resource"]),
                int(e["order"]),
                int(e["job"]),
                int(e["operation"]),
                _round(e["quantity"]),
                _round(e["cost"]),
            )
        )
    return sorted(out, key=lambda r: (r.start, r.end, r.kind, r.resource, r.order, r.job))


class Recorder:
    """A RunObserver that keeps every call: on_start/on_end counts and all order records."""

    def __init__(self) -> None:
        self.starts: list[RunInfo] = []
        self.ends: list[RunEnd] = []
        self.batches: list[EventBatch] = []

    def on_start(self, info: RunInfo) -> None:
        self.starts.append(info)

    def on_batch(self, batch: EventBatch) -> None:
        self.batches.append(batch)

    def on_end(self, end: RunEnd) -> None:
        self.ends.append(end)

    @property
    def order_records(self) -> list[tuple[int, float, float]]:
        """Every order record in emission order as (order, release, completed or None)."""
        out = []
        for batch in self.batches:
            for o in batch.orders:
                completed = float(o["completed"])
                out.append((int(o["order"]), float(o["release"]), None if math.isnan(completed) else completed))
        return out


@dataclass
class Run:
    sim: Simulation
    end: RunEnd
    collector: EventCollector
    recorder: Recorder
    extra: list[Any] = field(default_factory=list)

    @property
    def events(self) -> np.ndarray:
        return self.collector.events

    @property
    def orders(self) -> np.ndarray:
        return self.collector.orders

    def log(self, *kinds: str) -> list[Row]:
        return rows(self.events, *kinds)

    def brief(self, *kinds: str) -> list[tuple[str, float, float, int, int]]:
        """(kind, start, end, resource, order) of each record: the usual hand-written log."""
        return [(r.kind, r.start, r.end, r.resource, r.order) for r in self.log(*kinds)]

    def completed(self) -> list[float]:
        """Delivery time of each order, by order id."""
        return [_round(c) for c in self.orders["completed"]]


def build(
    machines: list[dict[str, Any]],
    products: list[dict[str, Any]],
    orders: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    sites: list[dict[str, Any]] | None = None,
    owners: list[dict[str, Any]] | None = None,
    lanes: list[dict[str, Any]] = (),  # type: ignore[assignment]
    customers: list[dict[str, Any]] | None = None,
    streams: list[dict[str, Any]] = (),  # type: ignore[assignment]
    platform: dict[str, Any] | None = None,
    run: dict[str, Any] | None = None,
) -> Scenario:
    """A scenario from plain dicts; defaults: owner 'o', site 's', customer 'c', no lanes.

    Orders get customer 'c' and an id 'o<i>' unless given."""
    order_list = [{"id": f"o{i}", "customer": "c", **o} for i, o in enumerate(orders)]
    data = {
        "format_version": 1,
        "name": "engine test",
        "owners": owners or [{"id": "o"}],
        "sites": sites or [{"id": "s", "owner": "o"}],
        "machines": machines,
        "products": products,
        "lanes": list(lanes),
        "customers": customers or [{"id": "c"}],
        "demand": {"orders": order_list, "streams": list(streams)},
        "platform": platform or {},
        "run": run or {},
    }
    return scenario_from_data(data, "engine test")


def simulate(scenario: Scenario, seed: int = 1, observers: list[Any] = (), **kwargs: Any) -> Run:  # type: ignore[assignment]
    collector = EventCollector()
    recorder = Recorder()
    sim = Simulation(scenario, seed=seed, observers=[collector, recorder, *observers], **kwargs)
    end = sim.run()
    return Run(sim, end, collector, recorder)


class Twin:
    """The helpers, handed to tests as the ``twin`` fixture."""

    build = staticmethod(build)
    simulate = staticmethod(simulate)
    rows = staticmethod(rows)
    Recorder = Recorder
    Row = Row


@pytest.fixture
def twin() -> type[Twin]:
    return Twin
