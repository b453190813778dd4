"""One paint of the Gantt chart, as numpy only (no Qt): the visible bars as device rectangles.

:func:`build_frame` turns the visible part of a :class:`~twin_app.gui.gantt_store.GanttStore`
into device-pixel rectangles grouped by style key, ready for one ``QPainter.drawRects`` call
per group. Bars at least a few pixels wide are drawn exactly; narrower bars are rasterised into
a per-row, per-pixel-column grid (the most important bar of each cell wins: a breakdown over a
setup over processing) and horizontal runs of equal cells are merged into one rectangle, or,
when the raster is dense, drawn as one image. So the work per frame is bounded by about rows x
pixel columns, whatever the number of bars, which keeps a million bars interactive.

When rows are thinner than :data:`THIN_ROW_PX` (the large network's ~3,000 rows zoomed out to
fit), a bar's rectangle would be a pixel tall or less, and drawing each of a few hundred
thousand of them costs the paint hundreds of milliseconds. Then bars up to
:data:`RASTER_CAP_PX` wide go to the raster too, and each pixel row of the image shows the most
important bar of every row it covers (a breakdown on any of them still shows).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from twin_app.gui.gantt_store import (
    EMPH_DIM,
    EMPH_HIGH,
    EMPTY_KEY,
    GEOM_H,
    GEOM_TOP,
    HIGHLIGHT_PRIORITY,
    IS_ORDER_KIND,
    KEY_BITS,
    KEY_MASK,
    MAX_SLOTS,
    GanttStore,
    paint_rank,
)


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


RASTER_BELOW_PX = 4.0
"""Bars narrower than this many pixels go to the per-pixel raster; wider ones are exact rects."""

IMAGE_ABOVE_CELLS = 20_000
"""Above this many filled raster cells the raster is drawn as one image, below as merged rects."""

THIN_ROW_PX = 3.0
"""Rows shorter than this many pixels are drawn from the raster (module docstring)."""

RASTER_CAP_PX = 64.0
"""With thin rows, bars narrower than this many pixels go to the raster; wider ones (few: long
breakdowns, shifts) stay exact rects."""


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
    n_cols = math.ceil(width_px) + 1
    n_grid_rows = rb - ra
    grid = None
    n_binned = 0  # short bars summarised by the store's LodRaster (counted as visible and raster bars)
    lod = store.lod if highlight is None else None
    if lod is not None:
        lod.sync(store)
    all_rows = ra == 0 and rb == store.n_rows
    if lod is not None and lod.usable(sx):
        # A long span in view: the short bars come binned (lod.columns), only long bars one by one.
        grid = lod.columns(xa, sx, n_cols, ra, rb)
        long_idx = lod.long_idx
        x0, x1, row = store.x0[long_idx], store.x1[long_idx], store.row[long_idx]
        m = (x1 >= xa) & (x0 <= xb) & (row >= ra) & (row < rb)
        idx = long_idx[m]
        n_binned = lod.binned
        n_cand = n_binned + len(long_idx)
        n_vis = n_binned + len(idx)
    elif all_rows and xa <= store.t_min and xb >= store.t_max:
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

    thin = sy < THIN_ROW_PX
    dur = take(store.dur)
    narrow = dur < ((RASTER_CAP_PX if thin else RASTER_BELOW_PX) / sx)
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
    w_key = w_code & KEY_MASK

    # Rasterise the narrow bars: the highest-priority bar of each (row, pixel column) cell.
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
        if grid is None:
            grid = np.full(n_grid_rows * n_cols, -1, dtype=np.int32)
        np.maximum.at(grid, cell, n_code)
        multi = np.flatnonzero(span > 0)
        if len(multi):  # a bar over several pixel columns covers each of them
            m_span = span[multi]
            before = np.cumsum(m_span) - m_span  # where each bar's further columns start in the list
            further = np.arange(int(m_span.sum()), dtype=np.int64) - np.repeat(before, m_span) + 1
            np.maximum.at(grid, np.repeat(cell[multi], m_span) + further, np.repeat(n_code[multi], m_span))

    image = None
    r_x = r_w = np.empty(0)
    r_row = np.empty(0, np.int64)
    r_key = np.empty(0, np.int32)
    n_cells = 0 if grid is None else int(np.count_nonzero(grid >= 0))
    if grid is not None and color_lut is not None and (thin or n_cells > IMAGE_ABOVE_CELLS):
        image = (_thin_grid_image if thin else _grid_image)(grid, n_grid_rows, n_cols, ra, ya, sy, height_px, color_lut)
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
    rects[:, 1] = np.round(top + GEOM_TOP[skind] * sy)
    rects[:, 2] = all_w[order_]
    rects[:, 3] = np.maximum(np.round(GEOM_H[skind] * sy), 1.0)

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
        "raster_bars": len(nar) + n_binned,
        "binned": n_binned,
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
    ok = IS_ORDER_KIND[kind]
    hit = ok & (order == highlight)
    key = code & KEY_MASK
    key = key + np.where(hit, EMPH_HIGH * MAX_SLOTS * 8, np.where(ok, EMPH_DIM * MAX_SLOTS * 8, 0))
    prio = np.where(hit, HIGHLIGHT_PRIORITY, code >> KEY_BITS)
    return ((prio << KEY_BITS) | key).astype(np.int32)


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
        codes & KEY_MASK,
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
    inside = (frac[:, None] >= GEOM_TOP[None, :]) & (frac[:, None] < (GEOM_TOP + GEOM_H)[None, :])
    inside &= valid[:, None]
    bits = (inside * (1 << np.arange(8))).sum(axis=1).astype(np.int32)  # kinds shown on each pixel row
    gi = np.clip(r - ra, 0, n_grid_rows - 1)
    ident = gi * 256 + bits
    new_line = np.empty(n_h, dtype=bool)
    new_line[0] = True
    np.not_equal(ident[1:], ident[:-1], out=new_line[1:])
    first = np.flatnonzero(new_line)
    kg = np.where(grid >= 0, grid & KEY_MASK, EMPTY_KEY).reshape(n_grid_rows, n_cols)
    lut = color_lut(kg)
    color_rows = lut[kg]
    kind_rows = (kg & 7).astype(np.uint8)
    g_first = gi[first]
    shown = (bits[first].astype(np.uint8)[:, None] >> kind_rows[g_first]) & 1
    out_lines = color_rows[g_first]
    out_lines *= shown
    return np.repeat(out_lines, np.diff(np.append(first, n_h)), axis=0)


def _thin_grid_image(
    grid: np.ndarray,
    n_grid_rows: int,
    n_cols: int,
    ra: int,
    ya: float,
    sy: float,
    height_px: float,
    color_lut: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """The raster grid of thin rows as device pixels (H x n_cols uint32 ARGB): each pixel row
    shows, in each column, the most important cell of the grid rows it covers, full height."""
    n_h = max(math.ceil(height_px), 1)
    rows = grid.reshape(n_grid_rows, n_cols)
    # Pixel row j shows grid rows first[j] .. first[j + 1] - 1 (each row in exactly one pixel row).
    first = np.floor(ya + np.arange(n_h + 1) / sy).astype(np.int64) - ra
    valid = (first[:-1] >= 0) & (first[:-1] < n_grid_rows)
    first = np.clip(first, 0, n_grid_rows)
    first[-1] = n_grid_rows  # the last pixel row takes the rows below it too
    upto = first[1:]
    take = np.minimum(first[:-1], n_grid_rows - 1)
    cells = rows[take]
    for k in range(1, int(np.max(upto - first[:-1], initial=1))):  # ~1 / sy rows per pixel row
        more = np.flatnonzero(first[:-1] + k < upto)
        cells[more] = np.maximum(cells[more], rows[first[:-1][more] + k])
    kg = np.where(cells >= 0, cells & KEY_MASK, EMPTY_KEY)
    kg[~valid] = EMPTY_KEY
    return color_lut(kg)[kg]
