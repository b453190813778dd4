"""A finished (or paused) run as arrays: the one input every analysis function takes.

The analysis never reads the simulator; it reads a :class:`RunResult`: the scenario, its
:class:`~twin_app.model.layout.Layout` (what the integer indices mean), the event and order
records, and the observation window ``[start, end]`` (warm-up to the end of the run). Every
figure the views and the KPIs show is computed over that window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario

T = TypeVar("T")

COLUMNS_MAX_EVENTS = 1_000_000
"""The largest log whose columns :meth:`RunResult.column` copies and whose positions per kind
:meth:`RunResult.rows_of` keeps (8 MB a column at most; the large network's 3.2 million rows
would take ~200 MB more)."""


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
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """What :meth:`kinds`, :meth:`rows_of` and :meth:`derived` worked out once, for every analysis
    of this result (the log is never changed once in a result)."""

    def __post_init__(self) -> None:
        if self.events.dtype != EVENT_DTYPE:
            raise ValueError(f"RunResult.events must have EVENT_DTYPE, got {self.events.dtype}")
        if self.orders.dtype != ORDER_DTYPE:
            raise ValueError(f"RunResult.orders must have ORDER_DTYPE, got {self.orders.dtype}")
        if not self.end >= self.start:
            raise ValueError(f"RunResult window end {self.end} is before its start {self.start}")

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the cache (positions and columns the receiver can work out again)."""
        return {key: value for key, value in self.__dict__.items() if key != "_cache"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _cache={})

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
        if events is None:
            return self._kinds_in(self.kinds(), kinds)
        table = np.zeros(256, dtype=bool)  # a look-up by the kind's byte (numpy.isin: 3x the time)
        table[[int(k) for k in kinds]] = True
        return table[events["kind"]]

    @staticmethod
    def _kinds_in(column: np.ndarray, kinds: tuple[int, ...] | frozenset[int]) -> np.ndarray:
        """Mask of a contiguous kind column: one comparison per kind (~0.02 ms each for the
        reference shop's log; a look-up table indexed by the byte takes ~1.6 ms)."""
        mask = np.zeros(len(column), dtype=bool)
        for kind in kinds:
            mask |= column == int(kind)
        return mask

    def kinds(self) -> np.ndarray:
        """The ``kind`` column of the log as a contiguous array of its own (computed once).

        A column of the log is strided (a 61-byte record per event): a pass over it reads the
        whole log (~1.4 ms for the reference shop's 618,000 rows against ~0.02 ms contiguous)."""
        kinds = self._cache.get(("column", "kind"))
        if kinds is None:  # (one byte a row: kept whatever the log's size)
            kinds = self._cache[("column", "kind")] = np.ascontiguousarray(self.events["kind"])
        return kinds

    def column(self, name: str) -> np.ndarray:
        """One column of the log (``"start"``, ``"resource"``...): for a log of up to
        :data:`COLUMNS_MAX_EVENTS` rows a contiguous copy made once and shared by every
        analysis, else the strided view of the log itself (its copies would cost more memory
        than the passes save). The same values either way.

        Each pass over a strided column reads the whole log (61 bytes a row): the KPIs make
        dozens of them, ~1.5 ms each on the reference shop's 618,000 rows, against ~0.3 ms for
        a gather from a contiguous column."""
        if len(self.events) > COLUMNS_MAX_EVENTS:
            return self.events[name]
        key = ("column", name)
        column = self._cache.get(key)
        if column is None:
            column = self._cache[key] = np.ascontiguousarray(self.events[name])
        return column

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once for this result: a figure that two analyses of the KPIs
        both read (the owners' costs and the logistics block both read the vehicles' legs, the
        costs and the energy block the standby minutes: each was worked out twice, ~0.7 s of
        the large network's 28-day money). ``name`` must say what ``compute`` is."""
        key = ("derived", name)
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]  # type: ignore[no-any-return]

    def rows_of(self, *kinds: int) -> np.ndarray:
        """Positions (ascending) of the events of any of ``kinds`` (computed once per set of kinds
        for a log of up to :data:`COLUMNS_MAX_EVENTS` rows, else at each call: the large
        network's would hold ~80 MB).

        The analyses gather the columns they need at these positions: a gather by positions
        is ~5x faster than by a boolean mask (numpy's mask copy branches per element), and one
        set of positions serves several analyses (the work kinds: the interval sweep, costs,
        the orders' work, trust)."""
        key = frozenset(int(k) for k in kinds)
        rows = self._cache.get(key)
        if rows is None:
            rows = np.flatnonzero(self._kinds_in(self.kinds(), key))
            if len(self.events) <= COLUMNS_MAX_EVENTS:  # (a larger log's positions are not kept: memory)
                self._cache[key] = rows
        return rows

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
        if len(start) and start.min() >= self.start and start.max() <= self.end and end.max() <= self.end:
            # every event starts in the window and ends by its end (the usual case with no
            # warm-up): an interval's overlap is its whole length (x / x, exactly 1.0) and an
            # instant, or an event ending before it starts, lies in the window (1.0)
            return np.ones(len(start))
        lo = np.clip(start, self.start, self.end)
        hi = np.maximum(np.clip(end, self.start, self.end), lo)
        length = end - start
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(length > 0, (hi - lo) / np.where(length > 0, length, 1.0), 0.0)
        instant = (length <= 0) & (start >= self.start) & (start <= self.end)
        return np.where(instant, 1.0, share)
