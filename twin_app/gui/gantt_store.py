"""The Gantt chart's data, as numpy only (no Qt): every bar in columns that grow with the run.

:class:`GanttStore` keeps every drawable event interval in column arrays that grow by doubling,
so that appending a batch from the running simulation costs only the batch. A coarse *chunk
index* (min start / max end of every ``CHUNK`` consecutive bars) lets a frame skip the chunks
that cannot intersect the visible time range without assuming any order of the data: the
simulator emits bars roughly in time order, which makes the index effective, but a late bar
only makes its chunk wider, never wrong. Each bar carries a *style key* (colour slot, event
kind, emphasis) and a raster priority; :mod:`twin_app.gui.gantt_frame` turns the visible bars
into what one paint draws.
"""

from __future__ import annotations

import math

import numpy as np

from twin_app.analysis.arrays import as_records
from twin_app.gui.gantt_lod import LodRaster
from twin_app.model.events import EVENT_DTYPE, EventKind

CHUNK = 2048
"""Bars per chunk of the coarse time index."""

N_FIXED_SLOTS = 8
"""Colour slots 0..6 are the event kinds' state colours, 7 is 'unknown'; categories follow."""
UNKNOWN_SLOT = 7
MAX_SLOTS = 512
"""Colour slots per emphasis level (categories beyond that cycle)."""

EMPH_NORMAL, EMPH_DIM, EMPH_HIGH = 0, 1, 2
"""Emphasis of a bar: no highlight active, dimmed (another order is highlighted), highlighted."""

COLOR_MODES = ("order", "family", "owner", "state")

ORDER_KINDS = np.array([EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT], dtype=np.uint8)
"""Kinds that belong to an order and take the colour of the mode; others keep a state colour."""

EMPTY_RETURN = 7
"""The store's own kind for a TRANSPORT record without an order (a vehicle driving back empty).

EventKind uses 0..6, so the free 3-bit value 7 gives empty trips their own style key in every
colour mode: a thin light-grey bar that is never an order's bar (not coloured, highlighted or
dimmed with orders)."""

IS_ORDER_KIND = np.zeros(8, dtype=bool)
IS_ORDER_KIND[ORDER_KINDS] = True

# Vertical placement inside a row (top offset, height) as fractions of the row height.
KIND_GEOMETRY: dict[int, tuple[float, float]] = {
    EventKind.PROCESS: (0.14, 0.72),
    EventKind.TRANSPORT: (0.14, 0.72),
    EventKind.SETUP: (0.30, 0.40),
    EventKind.BLOCKED: (0.25, 0.50),
    EventKind.DOWN: (0.06, 0.88),
    EventKind.OFF_SHIFT: (0.0, 1.0),
    EventKind.WAIT: (0.0, 0.0),
    EMPTY_RETURN: (0.38, 0.24),
}
GEOM_TOP = np.array([KIND_GEOMETRY.get(k, (0.0, 0.0))[0] for k in range(8)])
GEOM_H = np.array([KIND_GEOMETRY.get(k, (0.0, 0.0))[1] for k in range(8)])

# Which bar wins a rasterised pixel cell (higher wins), and the paint order of groups.
KIND_PRIORITY = np.zeros(8, dtype=np.int32)
KIND_PRIORITY[EventKind.OFF_SHIFT] = 0
KIND_PRIORITY[EMPTY_RETURN] = 1
KIND_PRIORITY[EventKind.PROCESS] = 2
KIND_PRIORITY[EventKind.TRANSPORT] = 2
KIND_PRIORITY[EventKind.BLOCKED] = 3
KIND_PRIORITY[EventKind.SETUP] = 4
KIND_PRIORITY[EventKind.DOWN] = 5
HIGHLIGHT_PRIORITY = 6
KEY_BITS = 14
KEY_MASK = (1 << KEY_BITS) - 1
EMPTY_KEY = KEY_MASK
"""Key of an empty raster cell (never a real style key); its LUT colour is transparent."""


def make_key(slot: int | np.ndarray, kind: int | np.ndarray, emph: int | np.ndarray) -> int | np.ndarray:
    """The style key of a bar: one ``drawRects`` group per distinct key."""
    return ((emph * MAX_SLOTS) + slot) * 8 + kind


def split_key(key: int) -> tuple[int, int, int]:
    """``(slot, kind, emphasis)`` of a style key."""
    kind = key & 7
    rest = key >> 3
    return rest % MAX_SLOTS, kind, rest // MAX_SLOTS


def paint_rank(key: int) -> tuple[int, int, int]:
    """Sort key for painting groups: background first, breakdowns late, highlighted last."""
    _slot, kind, emph = split_key(key)
    return (emph == EMPH_HIGH, int(KIND_PRIORITY[kind]), key)


class _Grow:
    """A 1-d numpy column that grows when full (amortised O(1) append).

    It at least doubles; with ``expect`` (a guess at the final size) it grows to that at once.
    A large numpy array is allocated by the system untouched (its pages are backed only when
    written), so reserving ahead costs address space, not memory; what growth costs is the copy
    of what was stored into fresh pages, ~0.2 s at a million bars on a busy machine. A column of
    records (the events themselves) is copied as bytes (:func:`~twin_app.analysis.arrays.as_records`).
    """

    __slots__ = ("data",)

    def __init__(self, dtype: np.dtype | type, capacity: int = 1024) -> None:
        self.data = np.empty(capacity, dtype=dtype)

    def reserve(self, n: int, used: int, expect: int = 0) -> None:
        if n <= len(self.data):
            return
        cap = max(len(self.data), 1)
        while cap < n:
            cap *= 2
        if expect > cap:
            try:
                new = np.empty(expect, dtype=self.data.dtype)
            except MemoryError:  # no address space for the guess: double as before
                new = np.empty(cap, dtype=self.data.dtype)
        else:
            new = np.empty(cap, dtype=self.data.dtype)
        _copy(new, self.data, 0, used)
        self.data = new


def _copy(into: np.ndarray, rows: np.ndarray, at: int, n: int) -> None:
    """``into[at:at + n] = rows[:n]``, records (a structured dtype) as bytes."""
    if into.dtype.names is not None and into.dtype == rows.dtype:
        into, rows = as_records(into), as_records(np.ascontiguousarray(rows[:n]))
    into[at : at + n] = rows[:n]


GUESS_FROM = 1 << 16
"""Bars stored before the store guesses a run's final size from its pace (smaller copies are cheap)."""
GUESS_MAX = 1 << 24
"""The largest guess (16M bars, ~1.7 GB of address space over the nine columns)."""


class GanttStore:
    """All drawable intervals of a run, in growable columns with a coarse time index.

    ``row_of_resource[r]`` maps a layout resource to its display row; ``row_owner[row]`` is the
    owner index of a row (for colouring by owner). WAIT intervals are queue time, not bars, and
    are dropped on append; so are events of unknown resources. A TRANSPORT record with no order
    (an empty return trip) is stored with the kind :data:`EMPTY_RETURN`; ``records`` keeps the
    original record.
    """

    def __init__(self, row_of_resource: np.ndarray | None = None, row_owner: np.ndarray | None = None) -> None:
        self.reset(
            np.zeros(0, np.int32) if row_of_resource is None else row_of_resource,
            np.zeros(0, np.int32) if row_owner is None else row_owner,
        )

    def reset(self, row_of_resource: np.ndarray, row_owner: np.ndarray) -> None:
        """Forget all bars; a new run with its own row mapping."""
        self.row_of_resource = np.asarray(row_of_resource, dtype=np.int32)
        self.row_owner = np.asarray(row_owner, dtype=np.int32)
        self.n_rows = len(self.row_owner)
        self.n = 0
        self.horizon: float | None = None
        """The run's end in simulated time, if known: lets the columns grow to the run's size at once."""
        self._x0 = _Grow(np.float64)
        self._x1 = _Grow(np.float64)
        self._row = _Grow(np.int32)
        self._kind = _Grow(np.uint8)
        self._order = _Grow(np.int64)
        self._slot = _Grow(np.int16)
        self._dur = _Grow(np.float64)
        self._code = _Grow(np.int32)
        self._rec = _Grow(EVENT_DTYPE)
        self._cmin = _Grow(np.float64, 64)
        self._cmax = _Grow(np.float64, 64)
        self.family_of_order = np.full(0, -1, dtype=np.int32)
        self.mode = "order"
        self.n_order_colors = 20
        self.t_min = math.inf
        self.t_max = -math.inf
        self.version = 0
        self.structure = getattr(self, "structure", -1) + 1
        """Changes when rows or colours of stored bars change (not on append)."""
        self.lod: LodRaster | None = LodRaster(self.n_rows)
        """Short bars binned for paints of long time spans; synced by the frame that uses it."""
        self._unknown_family = 0

    # ----- columns (views of the used part) -----
    @property
    def x0(self) -> np.ndarray:
        return self._x0.data[: self.n]

    @property
    def x1(self) -> np.ndarray:
        return self._x1.data[: self.n]

    @property
    def row(self) -> np.ndarray:
        return self._row.data[: self.n]

    @property
    def kind(self) -> np.ndarray:
        return self._kind.data[: self.n]

    @property
    def order(self) -> np.ndarray:
        return self._order.data[: self.n]

    @property
    def slot(self) -> np.ndarray:
        return self._slot.data[: self.n]

    @property
    def dur(self) -> np.ndarray:
        return self._dur.data[: self.n]

    @property
    def code(self) -> np.ndarray:
        """Raster priority and style key of each bar: ``priority << 14 | key`` (no highlight)."""
        return self._code.data[: self.n]

    @property
    def records(self) -> np.ndarray:
        """The stored EVENT_DTYPE records (WAIT and unknown resources excluded)."""
        return self._rec.data[: self.n]

    @property
    def n_chunks(self) -> int:
        return (self.n + CHUNK - 1) // CHUNK

    # ----- appending -----
    def append(self, events: np.ndarray) -> int:
        """Add EVENT_DTYPE records; returns how many became bars. Costs O(len(events))."""
        if len(events) == 0:
            return 0
        ev = np.asarray(events)
        res = ev["resource"].astype(np.int64)
        n_res = len(self.row_of_resource)
        ok = (ev["kind"] != EventKind.WAIT) & (ev["kind"] < 8) & (res >= 0) & (res < n_res)
        ok &= np.isfinite(ev["start"]) & np.isfinite(ev["end"]) & (ev["end"] >= ev["start"])
        if not ok.all():
            ev = ev[ok]
            res = res[ok]
        rows = self.row_of_resource[res]
        keep = rows >= 0
        if not keep.all():
            ev, rows = ev[keep], rows[keep]
        k = len(ev)
        if k == 0:
            return 0
        a, b = self.n, self.n + k
        expect = self._guess(b, float(ev["end"].max())) if b > len(self._x0.data) else 0
        for col in (
            self._x0,
            self._x1,
            self._row,
            self._kind,
            self._order,
            self._slot,
            self._dur,
            self._code,
            self._rec,
        ):
            col.reserve(b, a, expect)
        self._x0.data[a:b] = ev["start"]
        self._x1.data[a:b] = ev["end"]
        self._row.data[a:b] = rows
        kind = ev["kind"]
        self._kind.data[a:b] = np.where((kind == EventKind.TRANSPORT) & (ev["order"] < 0), EMPTY_RETURN, kind)
        self._order.data[a:b] = ev["order"]
        _copy(self._rec.data, ev, a, k)
        self._dur.data[a:b] = ev["end"] - ev["start"]
        self._recolor(a, b)
        self.n = b
        self._update_chunks(a, b)
        self.t_min = min(self.t_min, float(ev["start"].min()))
        self.t_max = max(self.t_max, float(ev["end"].max()))
        self.version += 1
        return k

    def _guess(self, n: int, t_end: float) -> int:
        """Bars the run will have at its horizon at the pace so far (x 1.5), or 0 without a guess.

        Growing by doubling copied the nine columns again and again (~80 MB at a million bars,
        0.17-0.25 s of the window's longest stalls on the large network); growing to the guess
        at once leaves the rest of the run without a copy, or with one more if it speeds up.
        """
        if self.horizon is None or n < GUESS_FROM:
            return 0
        t_lo = min(self.t_min, 0.0)
        done = max(self.t_max, t_end) - t_lo
        if not (done > 0.0 and self.horizon - t_lo > done):
            return 0
        guess = n * (self.horizon - t_lo) / done * 1.5
        return int(min(guess, GUESS_MAX))

    def _update_chunks(self, a: int, b: int) -> None:
        first, last = a // CHUNK, (b - 1) // CHUNK
        n_chunks = last + 1
        old = (a + CHUNK - 1) // CHUNK  # chunks that existed before
        self._cmin.reserve(n_chunks, old)
        self._cmax.reserve(n_chunks, old)
        bounds = np.arange(first, last + 1) * CHUNK
        bounds[0] = a
        rel = bounds - a
        mins = np.minimum.reduceat(self._x0.data[a:b], rel)
        maxs = np.maximum.reduceat(self._x1.data[a:b], rel)
        if first < old:  # the first chunk was partly filled: merge with what it had
            mins[0] = min(mins[0], self._cmin.data[first])
            maxs[0] = max(maxs[0], self._cmax.data[first])
        self._cmin.data[first:n_chunks] = mins
        self._cmax.data[first:n_chunks] = maxs

    def remap(self, row_of_resource: np.ndarray, row_owner: np.ndarray) -> None:
        """New display rows for the same bars (e.g. vehicles collapsed to one row per lane).

        Every resource that had a row must still have one. O(n), no reallocation.
        """
        row_of_resource = np.asarray(row_of_resource, dtype=np.int32)
        rows = row_of_resource[self.records["resource"].astype(np.int64)] if self.n else np.zeros(0, np.int32)
        if np.any(rows < 0):
            raise ValueError("remap would leave stored bars without a row")
        self.row_of_resource = row_of_resource
        self.row_owner = np.asarray(row_owner, dtype=np.int32)
        self.n_rows = len(self.row_owner)
        self._row.data[: self.n] = rows
        self._recolor(0, self.n)
        self.version += 1
        self.structure += 1

    # ----- colouring -----
    def set_mode(self, mode: str) -> None:
        """Colour by 'order', 'family', 'owner' or 'state': recomputes every bar's slot once."""
        if mode not in COLOR_MODES:
            raise ValueError(f"Unknown colour mode {mode!r}; expected one of {COLOR_MODES}")
        if mode == self.mode:
            return
        self.mode = mode
        self._recolor(0, self.n)
        self.version += 1
        self.structure += 1

    def set_order_families(self, orders: np.ndarray, families: np.ndarray) -> None:
        """Remember the product family index of orders (to colour by family)."""
        orders = np.asarray(orders, dtype=np.int64)
        families = np.asarray(families, dtype=np.int32)
        ok = orders >= 0
        orders, families = orders[ok], families[ok]
        if len(orders) == 0:
            return
        top = int(orders.max()) + 1
        if top > len(self.family_of_order):
            grown = np.full(max(top, 2 * len(self.family_of_order)), -1, dtype=np.int32)
            grown[: len(self.family_of_order)] = self.family_of_order
            self.family_of_order = grown
        self.family_of_order[orders] = families
        if self.mode == "family" and self._unknown_family:
            # Bars that arrived before their order: recolour them now.
            self._recolor(0, self.n)
            self.version += 1
            self.structure += 1

    def _recolor(self, a: int, b: int) -> None:
        slot = self._slots(a, b)
        kind = self._kind.data[a:b]
        self._slot.data[a:b] = slot
        self._code.data[a:b] = (KIND_PRIORITY[kind] << KEY_BITS) | (slot.astype(np.int32) * 8 + kind)

    def _slots(self, a: int, b: int) -> np.ndarray:
        kind = self._kind.data[a:b]
        slots = kind.astype(np.int16)
        if self.mode == "state":
            return slots
        order_kind = IS_ORDER_KIND[kind]
        if self.mode == "order":
            order = self._order.data[a:b]
            cat = np.where(order >= 0, N_FIXED_SLOTS + order % self.n_order_colors, UNKNOWN_SLOT)
        elif self.mode == "family":
            order = self._order.data[a:b]
            fam = np.full(b - a, -1, dtype=np.int64)
            known = (order >= 0) & (order < len(self.family_of_order))
            fam[known] = self.family_of_order[order[known]]
            cat = np.where(fam >= 0, N_FIXED_SLOTS + fam % (MAX_SLOTS - N_FIXED_SLOTS), UNKNOWN_SLOT)
            if a == 0:
                self._unknown_family = 0
            self._unknown_family += int(np.count_nonzero(order_kind & (fam < 0)))
        else:  # owner
            owner = self.row_owner[self._row.data[a:b]].astype(np.int64)
            cat = np.where(owner >= 0, N_FIXED_SLOTS + owner % (MAX_SLOTS - N_FIXED_SLOTS), UNKNOWN_SLOT)
        return np.where(order_kind, cat, slots).astype(np.int16)

    # ----- queries -----
    def candidates(self, xa: float, xb: float) -> np.ndarray | None:
        """Indices of bars in chunks that may intersect [xa, xb]; None means all bars."""
        nc = self.n_chunks
        if nc == 0:
            return np.empty(0, np.int64)
        cm = (self._cmin.data[:nc] <= xb) & (self._cmax.data[:nc] >= xa)
        ids = np.flatnonzero(cm)
        if len(ids) == nc:
            return None
        if len(ids) == 0:
            return np.empty(0, np.int64)
        idx = (ids[:, None] * CHUNK + np.arange(CHUNK)).ravel()
        if ids[-1] == nc - 1:
            idx = idx[idx < self.n]
        return idx

    def visible(self, xa: float, xb: float, ra: int, rb: int) -> np.ndarray:
        """Indices of bars intersecting time [xa, xb] on rows [ra, rb)."""
        cand = self.candidates(xa, xb)
        if cand is None:
            x0, x1, row = self.x0, self.x1, self.row
        else:
            x0, x1, row = self.x0[cand], self.x1[cand], self.row[cand]
        m = (x1 >= xa) & (x0 <= xb)
        if ra > 0 or rb < self.n_rows:
            m &= (row >= ra) & (row < rb)
        hit = np.flatnonzero(m)
        return hit if cand is None else cand[hit]

    def bar_at(self, x: float, row: int, tol: float = 0.0) -> int:
        """Index of the bar under time ``x`` on display row ``row`` (-1 if none).

        ``tol`` (in time units, typically a few pixels) makes thin bars easy to hit. Where bars
        overlap, the most important one wins (breakdown over setup over processing over
        off-shift) and then the one nearest to ``x``.
        """
        idx = self.visible(x - tol, x + tol, row, row + 1)
        if len(idx) == 0:
            return -1
        x0, x1 = self.x0[idx], self.x1[idx]
        dist = np.maximum(np.maximum(x0 - x, x - x1), 0.0)
        prio = KIND_PRIORITY[self.kind[idx]]
        best = np.lexsort((dist, -prio))[0]
        return int(idx[best])

    def indices_of_order(self, order: int) -> np.ndarray:
        """Indices of all bars of one order (PROCESS, SETUP and loaded TRANSPORT)."""
        return np.flatnonzero((self.order == order) & IS_ORDER_KIND[self.kind])
