"""The run's event log: intervals and order points, handed to observers in batches.

Everything the views show is derived from this one log (twin_app.model.events): an
*interval* is one row of the event table (a unit processing, a vehicle on the road, a
machine down ...), a *point* is one row of the order table (an order released, or
delivered). Collaborators that keep intervals open (a unit mid-phase, a machine down, a
vehicle on its way) register a *closer*; at the end of the run :meth:`EventLog.close` asks
each, in registration order, to log what is still open up to the end time.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

import numpy as np

from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunObserver

FIELDS = len(EVENT_DTYPE.names)
"""Values per event record (start, end, kind, resource, owner, order, job, operation, quantity, cost)."""


class EventLog:
    """Collects records and flushes them to ``observers`` as :class:`EventBatch` es."""

    def __init__(self, observers: Sequence[RunObserver], batch_events: int) -> None:
        self.observers = observers
        self.batch_events = batch_events
        self.records: list[float] = []
        """The values of the event rows not yet flushed, one row after another (:data:`FIELDS`
        per row). The hot path extends it directly with a row's tuple (see :meth:`interval`):
        a flat list costs less than a list of tuples both to fill (the tuple is freed at once)
        and to convert (one float column read in C, then cast per field)."""
        self.orders: list[tuple] = []
        self.emitted = 0
        self._closers: list[Callable[[float], None]] = []

    def interval(
        self,
        start: float,
        end: float,
        kind: int,
        resource: int,
        owner: int,
        order: int = -1,
        job: int = -1,
        operation: int = -1,
        quantity: float = 0.0,
        cost: float = 0.0,
    ) -> None:
        """Log one interval of ``resource`` (``order``/``job``/``operation`` -1 where they do not apply)."""
        self.records.extend((start, end, kind, resource, owner, order, job, operation, quantity, cost))

    def point(self, row: tuple) -> None:
        """Log a point in an order's life: its order-table row at release or at delivery."""
        self.orders.append(row)

    def add_closer(self, closer: Callable[[float], None]) -> None:
        """Register ``closer(now)``, which logs the intervals its owner still has open."""
        self._closers.append(closer)

    def close(self, now: float) -> None:
        """Log every interval still open, up to ``now`` (at the end of a run)."""
        for closer in self._closers:
            closer(now)

    @property
    def pending(self) -> int:
        """Event rows collected and not yet flushed."""
        return len(self.records) // FIELDS

    def flush(self, now: float) -> None:
        """Hand the records collected so far to the observers as one batch."""
        if not self.records and not self.orders:
            return
        events = _event_rows(self.records)
        orders = np.array(self.orders, dtype=ORDER_DTYPE) if self.orders else np.empty(0, ORDER_DTYPE)
        self.records.clear()
        self.orders.clear()
        self.emitted += len(events)
        batch = EventBatch(now, events, orders)
        for observer in self.observers:
            observer.on_batch(batch)


def _event_rows(values: list[float]) -> np.ndarray:
    """The flat values of :attr:`EventLog.records` as event rows.

    Every field goes through float64, exactly: the integer fields hold ids and indices far
    below 2**53, and each column is cast to its own type afterwards. The values are packed as
    C doubles by ``struct`` (~150 instructions a value against ~250 for ``numpy.fromiter``,
    the same doubles) and read in place.
    """
    packed = struct.pack(f"{len(values)}d", *values)
    table = np.frombuffer(packed, dtype=np.float64).reshape(-1, FIELDS)
    events = np.empty(len(table), dtype=EVENT_DTYPE)
    for column, name in enumerate(EVENT_DTYPE.names):
        events[name] = table[:, column]
    return events
