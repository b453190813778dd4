"""A finished (or paused) run as arrays: the one input every analysis function takes.

The analysis never reads the simulator; it reads a :class:`RunResult`: the scenario, its
:class:`~twin_app.model.layout.Layout` (what the integer indices mean), the event and order
records, and the observation window ``[start, end]`` (warm-up to the end of the run). Every
figure the views and the KPIs show is computed over that window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario


@dataclass(frozen=True)
class RunResult:
    """The event log of one run and the window it is observed over (times in minutes)."""

    scenario: Scenario
    layout: Layout
    events: np.ndarray
    """EVENT_DTYPE records, in the order they were emitted."""
    orders: np.ndarray
    """ORDER_DTYPE records, one per order id (the latest), sorted by order id."""
    start: float
    """Start of the observation window: the end of the warm-up."""
    end: float
    """End of the observation window: the simulated time the run reached."""

    def __post_init__(self) -> None:
        if self.events.dtype != EVENT_DTYPE:
            raise ValueError(f"RunResult.events must have EVENT_DTYPE, got {self.events.dtype}")
        if self.orders.dtype != ORDER_DTYPE:
            raise ValueError(f"RunResult.orders must have ORDER_DTYPE, got {self.orders.dtype}")
        if not self.end >= self.start:
            raise ValueError(f"RunResult window end {self.end} is before its start {self.start}")

    @property
    def duration(self) -> float:
        """Length of the observation window."""
        return float(self.end - self.start)

    @property
    def n_resources(self) -> int:
        """Machine units plus vehicles: the rows of the Gantt chart."""
        return len(self.layout.resources)

    @property
    def n_machine_units(self) -> int:
        return int(self.layout.n_machine_units)

    @property
    def n_owners(self) -> int:
        return len(self.layout.owners)

    def machine_mask(self, events: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask of the events (default: all) that happened on a machine unit."""
        ev = self.events if events is None else events
        resource = ev["resource"]
        return (resource >= 0) & (resource < self.layout.n_machine_units)

    def kind_mask(self, *kinds: EventKind, events: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask of the events (default: all) of any of ``kinds``."""
        ev = self.events if events is None else events
        table = np.zeros(256, dtype=bool)  # a look-up by the kind's byte (numpy.isin: 3x the time)
        table[[int(k) for k in kinds]] = True
        return table[ev["kind"]]

    def clipped(self, events: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Start and end of each event clipped to the window (length 0 when outside it)."""
        ev = self.events if events is None else events
        lo = np.clip(ev["start"], self.start, self.end)
        hi = np.clip(ev["end"], self.start, self.end)
        return lo, np.maximum(hi, lo)

    def window_fraction(self, events: np.ndarray | None = None) -> np.ndarray:
        """Share of each event's amounts (cost, CO2) that falls in the window.

        An interval counts in proportion to its overlap with ``[start, end]``; an instant
        (zero-length) event counts fully if it lies in the window. This is how every
        amount is attributed to the window, so costs and utilisation agree.
        """
        ev = self.events if events is None else events
        return self.window_fraction_of(ev["start"], ev["end"])

    def window_fraction_of(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """:meth:`window_fraction` of events given by their start and end columns."""
        lo = np.clip(start, self.start, self.end)
        hi = np.maximum(np.clip(end, self.start, self.end), lo)
        length = end - start
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(length > 0, (hi - lo) / np.where(length > 0, length, 1.0), 0.0)
        instant = (length <= 0) & (start >= self.start) & (start <= self.end)
        return np.where(instant, 1.0, share)
