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

SPILL_ROWS = 512
"""Event rows the log keeps as Python values before packing them as doubles (see :meth:`EventLog.spill`).

Independent of the batch size observers get: a batch of 4,096 rows kept as Python values is
~40,000 float and int objects, more than a core's second-level cache holds, so packing them
at the batch's end read most of them back from memory; 512 rows at a time are still in cache."""


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
        self.orders: list[float] = []
        """The values of the order rows not yet flushed, one row after another (as :attr:`records`)."""
        self.emitted = 0
        self._packed: list[bytes] = []
        """Event rows already packed as C doubles (:meth:`spill`), not yet handed to observers."""
        self._packed_rows = 0
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
        self.orders.extend(row)

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
        return self._packed_rows + len(self.records) // FIELDS

    @property
    def spill_at(self) -> int:
        """The length of :attr:`records` at which the run loop calls :meth:`spill`: at most
        :data:`SPILL_ROWS` rows, and no more than the rows still missing to a full batch."""
        return FIELDS * min(SPILL_ROWS, self.batch_events - self._packed_rows)

    def spill(self, now: float) -> bool:
        """Pack :attr:`records` as doubles; hand a batch to the observers once the rows
        collected reach ``batch_events`` (at the same events as without spilling, so observers
        see the same batches). True if a batch was handed."""
        self._packed.append(_packed(self.records))
        self._packed_rows += len(self.records) // FIELDS
        self.records.clear()
        if self._packed_rows < self.batch_events:
            return False
        self.flush(now)
        return True

    def flush(self, now: float) -> None:
        """Hand the records collected so far to the observers as one batch."""
        if not self.records and not self.orders and not self._packed:
            return
        if self.records:
            self._packed.append(_packed(self.records))
            self.records.clear()
        events = _rows(self._packed[0] if len(self._packed) == 1 else b"".join(self._packed), EVENT_DTYPE)
        self._packed.clear()
        self._packed_rows = 0
        orders = _rows(_packed(self.orders), ORDER_DTYPE)
        self.orders.clear()
        self.emitted += len(events)
        batch = EventBatch(now, events, orders)
        for observer in self.observers:
            observer.on_batch(batch)


def _packed(values: list[float]) -> bytes:
    """The flat values of :attr:`EventLog.records` (or :attr:`EventLog.orders`) as C doubles.

    Every field goes through float64, exactly: the integer fields hold ids and indices far
    below 2**53, and each column is cast to its own type in :func:`_rows`. ``struct`` packs
    them in ~150 instructions a value against ~250 for ``numpy.fromiter`` (the same doubles);
    the order rows so cost ~2.4x less than ``numpy.array`` over their tuples.
    """
    return struct.pack(f"{len(values)}d", *values)


def _rows(packed: bytes, dtype: np.dtype) -> np.ndarray:
    """Packed rows (:func:`_packed`) as rows of ``dtype``, each column cast to its own type."""
    names = dtype.names or ()
    table = np.frombuffer(packed, dtype=np.float64).reshape(-1, len(names))
    rows = np.empty(len(table), dtype=dtype)
    for column, name in enumerate(names):
        rows[name] = table[:, column]
    return rows
