"""The Gantt chart's data and level of detail, as numpy only (no Qt): testable and fast.

:class:`GanttStore` keeps every drawable event interval in column arrays that grow by doubling,
so that appending a batch from the running simulation costs only the batch. A coarse *chunk
index* (min start / max end of every ``CHUNK`` consecutive bars) lets a frame skip the chunks
that cannot intersect the visible time range without assuming any order of the data: the
simulator emits bars roughly in time order, which makes the index effective, but a late bar
only makes its chunk wider, never wrong.

:func:`build_frame` turns the visible part of the store into device-pixel rectangles grouped by
*style key* (colour slot, event kind, emphasis), ready for one ``QPainter.drawRects`` call per
group. Bars at least one pixel wide are drawn exactly; narrower bars are rasterised into a
per-row, per-pixel-column grid (the most important bar of each cell wins: a breakdown over a
setup over processing) and horizontal runs of equal cells are merged into one rectangle. So the
number of rectangles per frame is bounded by about rows x pixel columns, whatever the number of
bars, which keeps a million bars interactive.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

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

_IS_ORDER_KIND = np.zeros(8, dtype=bool)
_IS_ORDER_KIND[ORDER_KINDS] = True

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
_GEOM_TOP = np.array([KIND_GEOMETRY.get(k, (0.0, 0.0))[0] for k in range(8)])
_GEOM_H = np.array([KIND_GEOMETRY.get(k, (0.0, 0.0))[1] for k in range(8)])

# Which bar wins a rasterised pixel cell (higher wins), and the paint order of groups.
_KIND_PRIORITY = np.zeros(8, dtype=np.int32)
_KIND_PRIORITY[EventKind.OFF_SHIFT] = 0
_KIND_PRIORITY[EMPTY_RETURN] = 1
_KIND_PRIORITY[EventKind.PROCESS] = 2
_KIND_PRIORITY[EventKind.TRANSPORT] = 2
_KIND_PRIORITY[EventKind.BLOCKED] = 3
_KIND_PRIORITY[EventKind.SETUP] = 4
_KIND_PRIORITY[EventKind.DOWN] = 5
_HIGHLIGHT_PRIORITY = 6
_KEY_BITS = 14


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
    return (emph == EMPH_HIGH, int(_KIND_PRIORITY[kind]), key)


class _Grow:
    """A 1-d numpy column that doubles its capacity when full (amortised O(1) append)."""

    __slots__ = ("data",)

    def __init__(self, dtype: np.dtype | type, capacity: int = 1024) -> None:
        self.data = np.empty(capacity, dtype=dtype)

    def reserve(self, n: int, used: int) -> None:
        if n <= len(self.data):
            return
        cap = max(len(self.data), 1)
        while cap < n:
            cap *= 2
        new = np.empty(cap, dtype=self.data.dtype)
        new[:used] = self.data[:used]
        self.data = new


@dataclass
class Frame:
    """Rectangles of one paint in device pixels, sorted and grouped by style key."""

    rects: np.ndarray
    """(n, 4) float64: x, y, width, height (the memory layout of ``QRectF``)."""
    group_keys: np.ndarray
    """Style key of each group, in paint order."""
    group_starts: np.ndarray
    """First rect of each group in ``rects`` (groups are contiguous)."""
    group_counts: np.ndarray
    stats: dict[str, int] = field(default_factory=dict)
    image: np.ndarray | None = None
    """Rasterised narrow bars as (H, W) uint32 ARGB32-premultiplied device pixels, or None."""
    image_origin: tuple[float, float] = (0.0, 0.0)
    grid: np.ndarray | None = None
    """The raster cells (rows x columns, flattened): -1 empty, else ``priority << 14 | key``."""

    def counts(self) -> dict[int, int]:
        """Rectangles per style key."""
        return {int(k): int(c) for k, c in zip(self.group_keys, self.group_counts, strict=True)}


def empty_frame() -> Frame:
    return Frame(
        np.empty((0, 4)),
        np.empty(0, np.int64),
        np.empty(0, np.int64),
        np.empty(0, np.int64),
        {"candidates": 0, "visible": 0, "exact": 0, "raster_bars": 0, "raster_rects": 0, "rects": 0},
    )


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
            col.reserve(b, a)
        self._x0.data[a:b] = ev["start"]
        self._x1.data[a:b] = ev["end"]
        self._row.data[a:b] = rows
        kind = ev["kind"]
        self._kind.data[a:b] = np.where((kind == EventKind.TRANSPORT) & (ev["order"] < 0), EMPTY_RETURN, kind)
        self._order.data[a:b] = ev["order"]
        self._rec.data[a:b] = ev
        self._dur.data[a:b] = ev["end"] - ev["start"]
        self._recolor(a, b)
        self.n = b
        self._update_chunks(a, b)
        self.t_min = min(self.t_min, float(ev["start"].min()))
        self.t_max = max(self.t_max, float(ev["end"].max()))
        self.version += 1
        return k

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

    def _recolor(self, a: int, b: int) -> None:
        slot = self._slots(a, b)
        kind = self._kind.data[a:b]
        self._slot.data[a:b] = slot
        self._code.data[a:b] = (_KIND_PRIORITY[kind] << _KEY_BITS) | (slot.astype(np.int32) * 8 + kind)

    def _slots(self, a: int, b: int) -> np.ndarray:
        kind = self._kind.data[a:b]
        slots = kind.astype(np.int16)
        if self.mode == "state":
            return slots
        order_kind = _IS_ORDER_KIND[kind]
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
        prio = _KIND_PRIORITY[self.kind[idx]]
        best = np.lexsort((dist, -prio))[0]
        return int(idx[best])

    def indices_of_order(self, order: int) -> np.ndarray:
        """Indices of all bars of one order (PROCESS, SETUP and loaded TRANSPORT)."""
        return np.flatnonzero((self.order == order) & _IS_ORDER_KIND[self.kind])


RASTER_BELOW_PX = 4.0
"""Bars narrower than this many pixels go to the per-pixel raster; wider ones are exact rects."""

IMAGE_ABOVE_CELLS = 20_000
"""Above this many filled raster cells the raster is drawn as one image, below as merged rects."""

_KEY_MASK = (1 << _KEY_BITS) - 1
EMPTY_KEY = _KEY_MASK
"""Key of an empty raster cell (never a real style key); its LUT colour is transparent."""


def build_frame(
    store: GanttStore,
    xa: float,
    xb: float,
    width_px: float,
    ya: float,
    yb: float,
    height_px: float,
    highlight: int | None = None,
    origin: tuple[float, float] = (0.0, 0.0),
    color_lut: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Frame:
    """Rectangles (device pixels) and a raster image for the data window [xa, xb] x [ya, yb].

    ``origin`` is the device position of (xa, ya). Rows are one data unit tall (row r spans
    y in [r, r+1)). Bars at least ``RASTER_BELOW_PX`` wide become rects grouped by style key;
    narrower bars are rasterised (highest-priority bar per row and pixel column) into
    ``Frame.image`` (ARGB32 premultiplied, one pixel per device pixel) when ``color_lut`` is
    given and the raster is dense — ``color_lut(keys)`` returns a LUT (uint32 colour per key,
    index ``EMPTY_KEY`` transparent) covering ``keys`` — or else into merged run rects.
    """
    if store.n == 0 or xb <= xa or yb <= ya or width_px < 1 or height_px < 1:
        return empty_frame()
    sx = width_px / (xb - xa)
    sy = height_px / (yb - ya)
    ra = max(math.floor(ya), 0)
    rb = min(math.ceil(yb), store.n_rows)
    if rb <= ra:
        return empty_frame()
    all_rows = ra == 0 and rb == store.n_rows
    if all_rows and xa <= store.t_min and xb >= store.t_max:
        idx = None  # everything is visible: use the columns as they are, no gathering
        n_cand = n_vis = store.n
    else:
        cand = store.candidates(xa, xb)
        n_cand = store.n if cand is None else len(cand)
        idx = store.visible(xa, xb, ra, rb)
        n_vis = len(idx)
        if n_vis == 0:
            return empty_frame()

    def take(col: np.ndarray, sel: np.ndarray | None = None) -> np.ndarray:
        if idx is None:
            return col if sel is None else col[sel]
        return col[idx] if sel is None else col[idx[sel]]

    dur = take(store.dur)
    narrow = dur < (RASTER_BELOW_PX / sx)
    wide = np.flatnonzero(~narrow)
    nar = np.flatnonzero(narrow)
    del narrow, dur

    # Exact bars, snapped to whole pixels, with a 1 px gap so neighbours stay distinct.
    lo, hi = -2.0, width_px + 2.0
    wx0 = np.round(np.clip((take(store.x0, wide) - xa) * sx, lo, hi))
    wx1 = np.maximum(np.round(np.clip((take(store.x1, wide) - xa) * sx, lo, hi)), wx0 + 1.0)
    ww = wx1 - wx0
    ww -= ww >= 4.0
    w_row = take(store.row, wide)
    w_code = take(store.code, wide)
    if highlight is not None:
        w_code = _emphasise(w_code, take(store.order, wide), highlight)
    w_key = w_code & _KEY_MASK

    # Rasterise the narrow bars: the highest-priority bar of each (row, pixel column) cell.
    n_cols = math.ceil(width_px) + 1
    n_grid_rows = rb - ra
    grid = None
    if len(nar):
        n_code = take(store.code, nar)
        if highlight is not None:
            n_code = _emphasise(n_code, take(store.order, nar), highlight)
        f0 = take(store.x0, nar)
        f0 -= xa
        f0 *= sx
        np.clip(f0, 0.0, n_cols - 1.0, out=f0)
        c0 = f0.astype(np.int32)
        f1 = take(store.x1, nar)
        f1 -= xa
        f1 *= sx
        np.clip(f1, 0.0, n_cols - 1.0, out=f1)
        span = f1.astype(np.int32)
        span -= c0
        del f0, f1
        cell = take(store.row, nar).astype(np.int32)
        if ra:
            cell -= ra
        cell *= n_cols
        cell += c0
        del c0
        grid = np.full(n_grid_rows * n_cols, -1, dtype=np.int32)
        np.maximum.at(grid, cell, n_code)
        multi = np.flatnonzero(span > 0)
        if len(multi):  # bars over 2-4 pixel columns cover each of them
            m_cell, m_span, m_code = cell[multi], span[multi], n_code[multi]
            for k in range(1, int(m_span.max()) + 1):
                sel = m_span >= k
                np.maximum.at(grid, m_cell[sel] + k, m_code[sel])

    image = None
    r_x = r_w = np.empty(0)
    r_row = np.empty(0, np.int64)
    r_key = np.empty(0, np.int32)
    n_cells = 0 if grid is None else int(np.count_nonzero(grid >= 0))
    if grid is not None and color_lut is not None and n_cells > IMAGE_ABOVE_CELLS:
        image = _grid_image(grid, n_grid_rows, n_cols, ra, ya, sy, height_px, color_lut)
        n_raster_rects = 0
    elif grid is not None:
        r_x, r_w, r_row, r_key = _grid_runs(grid, n_cols, ra)
        n_raster_rects = len(r_key)
    else:
        n_raster_rects = 0

    all_x = np.concatenate([wx0, r_x])
    all_w = np.concatenate([ww, r_w])
    all_row = np.concatenate([w_row.astype(np.int64), r_row])
    all_key = np.concatenate([w_key, r_key]).astype(np.int16)
    all_kind = all_key & 7

    order_ = np.argsort(all_key, kind="stable")  # radix sort for int16
    skey = all_key[order_]
    skind = all_kind[order_]
    n = len(skey)
    rects = np.empty((n, 4), dtype=np.float64)
    ox, oy = origin
    rects[:, 0] = all_x[order_] + ox
    top = (all_row[order_] - ya) * sy + oy
    rects[:, 1] = np.round(top + _GEOM_TOP[skind] * sy)
    rects[:, 2] = all_w[order_]
    rects[:, 3] = np.maximum(np.round(_GEOM_H[skind] * sy), 1.0)

    if n:
        bounds = np.flatnonzero(np.diff(skey)) + 1
        g_starts = np.concatenate([[0], bounds]).astype(np.int64)
        g_counts = np.diff(np.append(g_starts, n))
        g_keys = skey[g_starts].astype(np.int64)
        ranked = sorted(range(len(g_keys)), key=lambda i: paint_rank(int(g_keys[i])))
        g_keys, g_starts, g_counts = g_keys[ranked], g_starts[ranked], g_counts[ranked]
    else:
        g_keys = g_starts = g_counts = np.empty(0, np.int64)
    stats = {
        "candidates": n_cand,
        "visible": n_vis,
        "exact": len(wide),
        "raster_bars": len(nar),
        "raster_rects": n_raster_rects,
        "raster_cells": n_cells,
        "rects": n,
        "rows": n_grid_rows,
        "columns": n_cols,
    }
    frame = Frame(rects, g_keys, g_starts, g_counts, stats)
    frame.image = image
    frame.image_origin = (ox, oy)
    frame.grid = grid
    return frame


def _emphasise(code: np.ndarray, order: np.ndarray, highlight: int) -> np.ndarray:
    """Codes with the highlight applied: that order's bars emphasised and on top, others dimmed."""
    kind = code & 7
    ok = _IS_ORDER_KIND[kind]
    hit = ok & (order == highlight)
    key = code & _KEY_MASK
    key = key + np.where(hit, EMPH_HIGH * MAX_SLOTS * 8, np.where(ok, EMPH_DIM * MAX_SLOTS * 8, 0))
    prio = np.where(hit, _HIGHLIGHT_PRIORITY, code >> _KEY_BITS)
    return ((prio << _KEY_BITS) | key).astype(np.int32)


def _grid_runs(grid: np.ndarray, n_cols: int, ra: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal cells within each grid row as rects: (x, width, row, key)."""
    change = np.empty(len(grid), dtype=bool)
    change[0] = True
    np.not_equal(grid[1:], grid[:-1], out=change[1:])
    change[::n_cols] = True
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, len(grid)))
    codes = grid[starts]
    filled = codes >= 0
    starts, lengths, codes = starts[filled], lengths[filled], codes[filled]
    return (
        (starts % n_cols).astype(np.float64),
        lengths.astype(np.float64),
        starts // n_cols + ra,
        codes & _KEY_MASK,
    )


def _grid_image(
    grid: np.ndarray,
    n_grid_rows: int,
    n_cols: int,
    ra: int,
    ya: float,
    sy: float,
    height_px: float,
    color_lut: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """The raster grid as device pixels (H x n_cols uint32 ARGB), each kind at its row band.

    Pixel rows that show the same grid row with the same set of visible bands are identical,
    so each distinct line is computed once and then repeated.
    """
    n_h = max(math.ceil(height_px), 1)
    ys = ya + (np.arange(n_h) + 0.5) / sy
    r = np.floor(ys).astype(np.int64)
    frac = ys - r
    valid = (r >= ra) & (r < ra + n_grid_rows)
    inside = (frac[:, None] >= _GEOM_TOP[None, :]) & (frac[:, None] < (_GEOM_TOP + _GEOM_H)[None, :])
    inside &= valid[:, None]
    bits = (inside * (1 << np.arange(8))).sum(axis=1).astype(np.int32)  # kinds shown on each pixel row
    gi = np.clip(r - ra, 0, n_grid_rows - 1)
    ident = gi * 256 + bits
    new_line = np.empty(n_h, dtype=bool)
    new_line[0] = True
    np.not_equal(ident[1:], ident[:-1], out=new_line[1:])
    first = np.flatnonzero(new_line)
    kg = np.where(grid >= 0, grid & _KEY_MASK, EMPTY_KEY).reshape(n_grid_rows, n_cols)
    lut = color_lut(kg)
    color_rows = lut[kg]
    kind_rows = (kg & 7).astype(np.uint8)
    g_first = gi[first]
    shown = (bits[first].astype(np.uint8)[:, None] >> kind_rows[g_first]) & 1
    out_lines = color_rows[g_first]
    out_lines *= shown
    return np.repeat(out_lines, np.diff(np.append(first, n_h)), axis=0)
