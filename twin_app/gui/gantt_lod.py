"""A time-binned summary of the Gantt chart's short bars, for paints that show a long time span.

When a frame shows days or weeks of a big run, nearly every bar is narrower than a few pixels
and goes to the per-pixel raster of :mod:`twin_app.gui.gantt_frame`. Rasterising a million bars
at every pan costs tens of milliseconds however few pixels they cover. :class:`LodRaster`
rasterises each short bar once, when it arrives, into a fixed grid of ``rows x bins`` time bins
(the most important bar of each cell wins, as in the frame's raster); a paint then reduces the
bins that fall in each pixel column with one ``maximum.reduceat``: work bounded by rows x bins,
whatever the number of bars.

Only bars shorter than :attr:`LodRaster.short` are binned; longer bars stay individual (their
indices are kept in :attr:`LodRaster.long_idx`) so a frame still draws them exactly when they
are wide, or rasterises them exactly when they are narrow. The summary is used only while a
pixel column spans at least :data:`BINS_PER_PIXEL` bins (a bar is then placed within half a
pixel) and every binned bar is narrow at that zoom; closer in, frames work from the bars
themselves. When a live run outgrows the grid's time span, the bin width doubles (neighbouring
bins merged) so memory stays fixed.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from twin_app.gui.gantt_store import GanttStore

MEMORY_CELLS = 1 << 23
"""Grid cells at most (int32: 32 MiB); the bins per row follow from the number of rows."""

MIN_BINS, MAX_BINS = 1024, 16384

BINS_PER_PIXEL = 2.0
"""Least bins per pixel column for the summary to be used (a bar is then off by < 0.5 px)."""

REBIN_SLICE = 65_536
"""Long bars looked at again per :meth:`LodRaster.sync` after the bins widened (see :meth:`~LodRaster._widen`)."""

SHORT_BINS = 8.0
"""Bars shorter than this many bins are binned; with the raster's 4 px limit for narrow bars
this means the summary is used from ``SHORT_BINS / 4 = 2`` bins per pixel on."""


def grid_shapes(n_rows: int) -> list[tuple[int, int]]:
    """Shapes of the fine grid and its coarser levels for ``n_rows`` display rows."""
    n_rows = max(n_rows, 1)
    bins = MEMORY_CELLS // n_rows
    n_bins = int(min(MAX_BINS, max(MIN_BINS, 1 << max(bins.bit_length() - 1, 0))))
    shapes = [(n_rows, n_bins)]
    while n_bins // 2 >= MIN_BINS // 8:
        n_bins //= 2
        shapes.append((n_rows, n_bins))
    return shapes


MERGE_ROWS = 64
"""Rows :func:`merge_pairs` merges at a time through its scratch block (512 KiB at 2,048 bins)."""


def merge_pairs(grid: np.ndarray, hi: int, scratch: np.ndarray) -> int:
    """Merge each pair of ``grid``'s first ``hi`` bin columns into one (their max), in place;
    the columns freed are zeroed. Returns the columns in use after.

    Written in place in one call (``out=grid[:, :half]``), numpy saw the output overlap its
    inputs and copied them into a fresh array first, ~6 MB on the large network: a fresh
    block's pages are given by the system at first write, and during a run that took 45-59 ms
    of a widening where the merge itself takes 4-7 (measured in the window's process). A block
    of rows at a time goes through ``scratch`` (grown once, then reused), and no memory is new.
    """
    half = (hi + 1) // 2
    rows = grid.shape[0]
    if scratch.size < MERGE_ROWS * half:
        scratch.resize(MERGE_ROWS * grid.shape[1], refcheck=False)
    for top in range(0, rows, MERGE_ROWS):
        block = grid[top : top + MERGE_ROWS]
        out = scratch[: len(block) * half].reshape(len(block), half)
        np.maximum(block[:, 0 : 2 * half : 2], block[:, 1 : 2 * half : 2], out=out)
        block[:, :half] = out
    grid[:, half:hi] = 0
    return half


class _Prefaulted:
    """Zeroed grids whose memory a background thread has already written once.

    The grid and its levels are ~64 MiB on the large network; the system hands their pages out
    as they are first written, and on the GUI thread that first writing (the run's first batch
    and first widening) held the window 80-135 ms. Here a thread writes them while the user is
    still looking at the loaded network (numpy's fill lets go of the GIL: the GUI thread runs on).
    """

    def __init__(self, n_rows: int) -> None:
        self.n_rows = n_rows
        self.arrays = [np.empty(shape, dtype=np.int32) for shape in grid_shapes(n_rows)]
        # (not a daemon: at exit the interpreter waits the few ms for it rather than tearing
        # down while it still writes the arrays)
        self._thread = threading.Thread(target=self._fault_in, name="gantt-lod-prefault")
        self._thread.start()

    def _fault_in(self) -> None:
        for array in self.arrays:
            array.fill(0)

    def take(self) -> list[np.ndarray]:
        """The zeroed arrays (waits for the thread if it is still writing them)."""
        self._thread.join()
        return self.arrays


class LodRaster:
    """Short bars binned per display row into a ``rows x bins`` grid of raster codes.

    A cell holds ``code + 1`` (0: empty). Given the number of display rows up front (the
    store's, at a scenario's load or Reset), the grid's memory is written once in the
    background (:class:`_Prefaulted`) so the run's first batches do not pay for it on the
    GUI thread. :meth:`columns` gives codes (-1: empty).
    """

    def __init__(self, n_rows: int = 0) -> None:
        self.structure = -1
        """The store's ``structure`` (rows and colours) this grid was built for."""
        self.done = 0
        """Bars of the store already binned or listed as long."""
        self.t0 = 0.0
        self.q = 1.0
        """Bin width in time units."""
        self.n_bins = 0
        self.grid = np.empty((0, 0), dtype=np.int32)
        self._levels: list[np.ndarray] = []
        self.long_idx = np.empty(0, dtype=np.int64)
        self._rebin = np.empty(0, dtype=np.int64)
        """Long bars to look at again since the bins widened: some are short now (see :meth:`_widen`)."""
        self.binned = 0
        self._dirty: list[np.ndarray] = []
        """Fine bin columns changed since the coarser levels were last refreshed."""
        self._dirty_count = 0
        self._all_dirty = False
        self._hi = 0
        """Fine bin columns in use: every column from here on is 0 in the grid."""
        self._prefaulted = _Prefaulted(n_rows) if n_rows > 0 else None
        self._scratch = np.empty(0, dtype=np.int32)
        """Reused by :func:`merge_pairs` (a fresh block a widening took 45-59 ms in page faults)."""
        self._levels_hi = 0
        """Fine bin columns the coarser levels may hold codes for (every column from here on is
        0 in them): they are cleared up to here when refreshed whole."""

    @property
    def levels(self) -> list[np.ndarray]:
        """Coarser copies of ``grid`` (each bin the max of two of the level before), so a paint
        reduces about ``BINS_PER_PIXEL`` bins per pixel column, not all of them. Brought up to
        date here, when read, not at every :meth:`sync`."""
        if self._all_dirty or self._dirty:
            self._refresh_levels()
        return self._levels

    @property
    def short(self) -> float:
        """Bars shorter than this are binned."""
        return SHORT_BINS * self.q

    @property
    def t_end(self) -> float:
        return self.t0 + self.n_bins * self.q

    def usable(self, sx: float) -> bool:
        """Whether a frame at ``sx`` pixels per time unit may use the summary (not while long bars
        that are short at the bins' new width are still being binned: the summary lacks them)."""
        return self.n_bins > 0 and len(self._rebin) == 0 and 1.0 / sx >= BINS_PER_PIXEL * self.q

    # ----- keeping up with the store -----
    def sync(self, store: GanttStore) -> None:
        """Bin the bars appended since the last call; rebuild if rows or colours changed.

        O(new bars): the coarser levels are brought up to date only when a paint reads them
        (:attr:`levels`), so a view that bins every batch while hidden, or paints zoomed in,
        does not refresh them batch after batch (5 ms a batch on the large network). After the
        bins widened, also up to :data:`REBIN_SLICE` long bars looked at again.
        """
        if store.structure != self.structure or store.n < self.done:
            self._start(store)
        growing = store.n > self.done
        if growing:
            a, b = self.done, store.n
            end = float(store.x1[a:b].max())
            if end >= self.t_end:
                self._widen(store, end)
            self._add(store, np.arange(a, b))
            self.done = b
        if len(self._rebin):  # a slice a batch; all that is left when no batch came (a paint)
            cut = REBIN_SLICE if growing else len(self._rebin)
            part, self._rebin = self._rebin[:cut], self._rebin[cut:]
            self._add(store, part)

    def _mark_dirty(self, cols: np.ndarray) -> None:
        if self._all_dirty:
            return
        self._dirty.append(cols)
        self._dirty_count += len(cols)
        if self._dirty_count > self.n_bins:  # as much as the whole grid: refresh it whole
            self._all_dirty, self._dirty, self._dirty_count = True, [], 0

    def _refresh_levels(self) -> None:
        """Recompute the coarser levels where fine bins changed (live bars land near the clock,
        but a long interval that closes late lands far back: columns, not a range)."""
        finer = self.grid
        if self._all_dirty:  # (only the columns in use, now or at the last refresh)
            hi, stale = self._hi, self._levels_hi
            for level in self._levels:
                hi, stale = (hi + 1) // 2, (stale + 1) // 2
                np.maximum(finer[:, 0 : 2 * hi : 2], finer[:, 1 : 2 * hi : 2], out=level[:, :hi])
                if stale > hi:
                    level[:, hi:stale] = 0
                finer = level
            self._levels_hi = self._hi
        elif self._dirty:
            cols = np.unique(np.concatenate(self._dirty))
            for level in self._levels:
                cols = np.unique(cols // 2)
                level[:, cols] = np.maximum(finer[:, 2 * cols], finer[:, 2 * cols + 1])
                finer = level
            self._levels_hi = max(self._levels_hi, self._hi)
        self._all_dirty, self._dirty, self._dirty_count = False, [], 0

    def _start(self, store: GanttStore) -> None:
        self.structure = store.structure
        self.done = 0
        self.binned = 0
        self.long_idx = np.empty(0, dtype=np.int64)
        self._rebin = np.empty(0, dtype=np.int64)
        n_rows = max(store.n_rows, 1)
        prefaulted, self._prefaulted = self._prefaulted, None  # (zeros once: a rebuild allocates)
        if prefaulted is not None and prefaulted.n_rows == n_rows:
            self.grid, *self._levels = prefaulted.take()
        else:
            self.grid, *self._levels = [np.zeros(shape, dtype=np.int32) for shape in grid_shapes(n_rows)]
        self.n_bins = self.grid.shape[1]
        self._hi = self._levels_hi = 0
        t_min = store.t_min if math.isfinite(store.t_min) else 0.0
        t_max = store.t_max if math.isfinite(store.t_max) else t_min + 1.0
        self.t0 = min(t_min, 0.0)
        self.q = max(t_max - self.t0, 1e-9) / self.n_bins
        self._all_dirty, self._dirty, self._dirty_count = True, [], 0  # a first fill: every level whole

    def _widen(self, store: GanttStore, end: float) -> None:
        """Bins 2**k times as wide over 2**k times the time span, the smallest k that reaches
        ``end``: pairs of bins merge k times, each time over the half the time before kept,
        so k merges cost about two passes over the grid, not k. (Doubling the whole grid k
        times: a 137 ms stall at the start of the large network's run, when one batch reaches
        minutes and the next hours. A one-step ``reshape(rows, n / 2**k, 2**k).max(axis=2)`` is
        no better: a reduction over an axis of 2 was 100 ms where the pairwise merge takes 9.)
        Only the columns in use are merged and cleared: at a run's first widening nearly all of
        the grid is pages never written, and writing them (zeros) held the window 79 ms on the
        large network."""
        k = 1
        while self.t0 + self.q * (1 << k) * self.n_bins <= end and (1 << k) < self.n_bins:
            k += 1
        factor = 1 << k
        hi = self._hi
        for _ in range(k):
            hi = merge_pairs(self.grid, hi, self._scratch)
        self._hi = hi
        self.q *= factor
        self._all_dirty = True
        # Long bars that may be short at the new width join the grid, a slice per sync: all at
        # once, late in the large network's 28 days, was 480,000 bars binned in one batch's turn
        # (85 of a 139 ms widening, the outside probe's longest gaps at ~18, 35 and 71 s).
        self._rebin = np.concatenate([self._rebin, self.long_idx])
        self.long_idx = np.empty(0, dtype=np.int64)
        if end >= self.t_end:  # (more than n_bins times the span: widen again)
            self._widen(store, end)

    def _add(self, store: GanttStore, idx: np.ndarray) -> None:
        short = (store.dur[idx] < self.short) & (store.x0[idx] >= self.t0)
        self._bin(store, idx[short])
        if not short.all():
            self.long_idx = np.concatenate([self.long_idx, idx[~short]])

    def _bin(self, store: GanttStore, idx: np.ndarray) -> None:
        if len(idx) == 0:
            return
        flat = self.grid.reshape(-1)
        b0 = ((store.x0[idx] - self.t0) / self.q).astype(np.int64)
        b1 = ((store.x1[idx] - self.t0) / self.q).astype(np.int64)
        np.minimum(b1, self.n_bins - 1, out=b1)
        self._hi = max(self._hi, int(b1.max()) + 1)
        cell = store.row[idx].astype(np.int64) * self.n_bins + b0
        code = store.code[idx] + 1  # 0 is an empty cell
        np.maximum.at(flat, cell, code)
        if not self._all_dirty:
            self._mark_dirty(np.unique(b0))
        span = b1 - b0
        for k in range(1, int(span.max()) + 1 if len(span) else 1):
            sel = span >= k
            np.maximum.at(flat, cell[sel] + k, code[sel])
            if not self._all_dirty:
                self._mark_dirty(np.unique(b0[sel] + k))
        self.binned += len(idx)

    # ----- reading -----
    def columns(self, xa: float, sx: float, n_cols: int, ra: int, rb: int) -> np.ndarray:
        """The raster cells of rows [ra, rb) at ``n_cols`` pixel columns from ``xa`` (flattened).

        A bin belongs to the pixel column that holds its middle; a column gets the most
        important code of its bins (-1 where none).
        """
        out = np.full((rb - ra, n_cols), -1, dtype=np.int32)
        grid, q = self.grid, self.q
        for level in self.levels:  # the coarsest level that still has enough bins per pixel
            if 1.0 / sx < BINS_PER_PIXEL * 2.0 * q:
                break
            grid, q = level, 2.0 * q
        n_bins = grid.shape[1]
        b_lo = max(int((xa - self.t0) / q) - 1, 0)
        b_hi = min(int((xa + n_cols / sx - self.t0) / q) + 2, n_bins)
        if b_hi <= b_lo:
            return out.reshape(-1)
        mid = self.t0 + (np.arange(b_lo, b_hi) + 0.5) * q
        pix = np.floor((mid - xa) * sx).astype(np.int64)
        inside = (pix >= 0) & (pix < n_cols)
        bins = np.flatnonzero(inside)
        if len(bins) == 0:
            return out.reshape(-1)
        pix = pix[bins]
        starts = np.flatnonzero(np.diff(pix, prepend=-1))
        block = grid[ra:rb, b_lo + bins[0] : b_lo + bins[-1] + 1]
        out[:, pix[starts]] = np.maximum.reduceat(block, starts, axis=1) - 1  # code + 1 in the grid
        return out.reshape(-1)
