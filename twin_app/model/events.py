"""The one event log: flat records every view, KPI and table is derived from.

The simulator emits records as numpy structured arrays in batches (:class:`EventBatch`) to
observers while it runs; the SQLite writer stores them as rows, the analysis turns them into
KPIs, the GUI draws them. Indices (``resource``, ``owner``, ``order``...) refer to the
:class:`~twin_app.model.layout.Layout` of the run.

Kinds of interval (``start`` to ``end``):

- PROCESS: a resource works on an operation (``operation`` = routing step index).
- SETUP: a changeover before an operation.
- TRANSPORT: a part (``job``) carried by a vehicle of a lane; ``resource`` is the vehicle.
  With ``order`` -1: the vehicle driving back empty. With ``resource`` -1: the part handled
  at a hub on its way (``owner`` the hub's owner, ``operation`` the hub's site index).
- DOWN: a breakdown until repaired. OFF_SHIFT: outside the resource's calendar.
- WAIT: an operation waited for a resource (ready to start); ``resource`` is the one that took
  it. Every operation that starts has one (zero-length if it did not wait), so WAIT records
  count visits.
- BLOCKED: a finished part held on a resource because its output buffer was full.
- :class:`Outcome` (kinds 8 and up): point records of failed inspections (SCRAP, REWORK)
  and of circular flows (RETURNED, REMANUFACTURED, RECYCLED, REUSED). Records with ``order``
  :data:`RETURN_ORDER` belong to a return flow.

Order records come separately: one when an order is released (``completed`` is NaN) and one
when it is delivered; for each order id the latest record wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

import numpy as np


class EventKind(IntEnum):
    PROCESS = 0
    SETUP = 1
    TRANSPORT = 2
    DOWN = 3
    OFF_SHIFT = 4
    WAIT = 5
    BLOCKED = 6


class Outcome(IntEnum):
    """Point records (``start`` == ``end``, ``quantity`` the units): a failed inspection on
    the unit that made the part (``operation`` the step), or a step of a circular flow
    (``resource`` -1, ``owner`` who holds the units, ``operation`` the site index). Kept out
    of :class:`EventKind`, whose kinds are intervals every view draws."""

    SCRAP = 8
    """Scrapped: the part is made again (from its first step, an assembly from its assembly step)."""
    REWORK = 9
    """To be reworked: the step is done again."""
    RETURNED = 10
    """Units taken back from a customer (``order`` -2, a return flow; at the customer)."""
    REMANUFACTURED = 11
    """Returned units remanufactured and put in stock, where they replace new parts."""
    RECYCLED = 12
    """Returned units that could not be remanufactured: recycled as secondary material."""
    REUSED = 13
    """Remanufactured units taken from stock for a job of a later order (``order``, ``job``)."""


RETURN_ORDER = -2
"""The ``order`` of every record of a return flow: taken-back units on their way and their
inspection and remanufacturing (-1 stays 'no order': an empty vehicle, a breakdown)."""


EVENT_DTYPE = np.dtype(
    [
        ("start", "f8"),
        ("end", "f8"),
        ("kind", "u1"),
        ("resource", "i4"),
        ("owner", "i4"),
        ("order", "i8"),
        ("job", "i8"),
        ("operation", "i4"),
        ("quantity", "f8"),
        ("cost", "f8"),
    ]
)
"""One interval. ``order``/``job``/``operation`` are -1 where they do not apply (DOWN...)."""

ORDER_DTYPE = np.dtype(
    [
        ("order", "i8"),
        ("customer", "i4"),
        ("product", "i4"),
        ("quantity", "f8"),
        ("release", "f8"),
        ("due", "f8"),
        ("completed", "f8"),
        ("price", "f8"),
    ]
)
"""One order; ``completed`` is NaN until the order is delivered to its customer."""


def empty_events() -> np.ndarray:
    return np.empty(0, dtype=EVENT_DTYPE)


def empty_orders() -> np.ndarray:
    return np.empty(0, dtype=ORDER_DTYPE)


@dataclass(frozen=True, slots=True)
class EventBatch:
    """What happened since the previous batch, up to simulated time ``now``."""

    now: float
    events: np.ndarray = field(default_factory=empty_events)
    orders: np.ndarray = field(default_factory=empty_orders)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Told to observers when a run starts."""

    run_id: str
    scenario_name: str
    seed: int
    replication: int
    horizon: float
    warmup: float


@dataclass(frozen=True, slots=True)
class RunEnd:
    """Told to observers when a run ends: ``status`` is 'completed', 'stopped' or 'failed'."""

    now: float
    status: str
    message: str = ""


class RunObserver(Protocol):
    """Anything that wants the event stream: the GUI bridge, the SQLite writer, a KPI tracker.

    Calls happen on the simulation's thread and must return quickly: the simulation never
    waits for an observer to catch up.
    """

    def on_start(self, info: RunInfo) -> None: ...

    def on_batch(self, batch: EventBatch) -> None: ...

    def on_end(self, end: RunEnd) -> None: ...
