"""The Gantt's binned summary of short bars draws what the bars themselves would, within a pixel.

A user looking at weeks of a big run must see the same picture, breakdown for breakdown, as when
every bar is rasterised one by one; only a bar's position may move by less than a pixel. These
tests build the same frame both ways and compare the raster cells.
"""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.gui.bench_gantt import synthetic_events, synthetic_layout
from twin_app.gui.gantt_frame import build_frame
from twin_app.gui.gantt_store import KEY_BITS, GanttStore
from twin_app.model.events import EventKind

WIDTH, HEIGHT = 1200, 600


def store_of(events: np.ndarray, layout, batches: int = 1) -> GanttStore:
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    store.set_mode("state")
    for part in np.array_split(events, batches):
        store.append(part)
        store.lod.sync(store)  # as a live paint after each batch would
    return store


def frames(store: GanttStore, xa: float, xb: float) -> tuple:
    """(frame with the summary, frame from the bars alone) of one window."""
    with_lod = build_frame(store, xa, xb, WIDTH, 0.0, store.n_rows, HEIGHT)
    lod, store.lod = store.lod, None
    try:
        exact = build_frame(store, xa, xb, WIDTH, 0.0, store.n_rows, HEIGHT)
    finally:
        store.lod = lod
    return with_lod, exact


def neighbourhood_max(grid: np.ndarray) -> np.ndarray:
    """Each cell's most important code over itself and its left and right neighbours."""
    pad = np.full((grid.shape[0], 1), -1, dtype=grid.dtype)
    return np.maximum.reduce([np.hstack([pad, grid[:, :-1]]), grid, np.hstack([grid[:, 1:], pad])])


def assert_within_a_pixel(with_lod, exact, n_rows: int) -> None:
    a = with_lod.grid.reshape(n_rows, -1)
    b = exact.grid.reshape(n_rows, -1)
    assert a.shape == b.shape
    # Each picture's filled cells are filled in the other at the same column or a neighbour,
    # by a bar at least as important (a breakdown is never hidden, nothing is invented).
    for one, other in ((a, b), (b, a)):
        filled = one >= 0
        assert np.all((neighbourhood_max(other)[filled] >> KEY_BITS) >= (one[filled] >> KEY_BITS))
    # Cell for cell they agree almost everywhere: where a pixel holds the end of one bar and the
    # start of the next, which one wins may go either way when positions move < 0.5 px.
    assert np.mean(a == b) > 0.93


@pytest.mark.parametrize("batches", [1, 40])
def test_summary_matches_the_bars_at_full_view(batches):
    layout = synthetic_layout(60, seed=3)
    events = synthetic_events(layout, 150_000, seed=3)
    store = store_of(events, layout, batches)
    xa, xb = store.t_min, store.t_max
    with_lod, exact = frames(store, xa, xb)
    assert with_lod.stats["binned"] > 0.9 * store.n  # the summary did the work...
    assert exact.stats["binned"] == 0
    assert_within_a_pixel(with_lod, exact, store.n_rows)  # ...and shows the same picture
    assert with_lod.stats["exact"] == exact.stats["exact"]  # the wide bars are drawn one by one


def test_summary_keeps_a_lone_breakdown_visible():
    layout = synthetic_layout(20, seed=5)
    events = synthetic_events(layout, 40_000, seed=5)
    events = events[events["kind"] != EventKind.DOWN]
    down = events[:1].copy()
    down["kind"], down["resource"], down["order"] = EventKind.DOWN, 3, -1
    mid = 0.5 * (events["start"].min() + events["end"].max())
    down["start"], down["end"] = mid, mid + 0.01  # far narrower than a pixel
    store = store_of(np.concatenate([events, down]), layout, batches=7)
    with_lod, exact = frames(store, store.t_min, store.t_max)
    assert with_lod.stats["binned"] > 0
    kinds = with_lod.grid.reshape(store.n_rows, -1)[3] & 7
    assert np.count_nonzero(kinds == EventKind.DOWN) >= 1
    assert_within_a_pixel(with_lod, exact, store.n_rows)


def test_zoomed_in_frames_use_the_bars_themselves():
    layout = synthetic_layout(20, seed=7)
    store = store_of(synthetic_events(layout, 20_000, seed=7), layout)
    span = store.t_max - store.t_min
    frame = build_frame(store, store.t_min, store.t_min + span * 0.001, WIDTH, 0.0, store.n_rows, HEIGHT)
    assert frame.stats["binned"] == 0


def test_recolouring_rebuilds_the_summary():
    layout = synthetic_layout(30, seed=9)
    store = store_of(synthetic_events(layout, 30_000, seed=9), layout)
    build_frame(store, store.t_min, store.t_max, WIDTH, 0.0, store.n_rows, HEIGHT)
    store.set_mode("owner")
    with_lod, exact = frames(store, store.t_min, store.t_max)
    assert_within_a_pixel(with_lod, exact, store.n_rows)


def test_coarser_levels_stay_the_max_of_the_finer_ones_through_a_live_run():
    layout = synthetic_layout(25, seed=11)
    events = synthetic_events(layout, 60_000, seed=11)
    store = store_of(events, layout, batches=60)  # doublings and column refreshes, as live
    lod = store.lod
    finer = lod.grid
    assert len(lod.levels) >= 3
    for level in lod.levels:
        np.testing.assert_array_equal(level, np.maximum(finer[:, 0::2], finer[:, 1::2]))
        finer = level


def test_long_bars_that_become_short_join_the_summary_a_slice_per_batch(monkeypatch):
    """When a live run outgrows the bins, long bars that are short at the new width are binned a
    slice per batch, not all in one batch's turn (480,000 bars, 85 ms, late in the large network's
    28 days); meanwhile frames draw from the bars themselves, and a paint with no new batch
    finishes the rest, so the picture is the same as if they had been binned at once."""
    from twin_app.gui import gantt_lod

    monkeypatch.setattr(gantt_lod, "REBIN_SLICE", 200)
    layout = synthetic_layout(40, seed=13)
    events = synthetic_events(layout, 100_000, seed=13)
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    store.set_mode("state")
    lod = store.lod
    waited = []  # after each widening with long bars to look at again: how many were left
    for part in np.array_split(events, 60):
        q = lod.q
        store.append(part)
        lod.sync(store)
        if lod.q != q and len(lod._rebin):
            waited.append(len(lod._rebin))
            assert not lod.usable(1e-9)  # the summary lacks them: frames use the bars
    assert waited, "the run never widened the bins with long bars to look at again"
    with_lod, exact = frames(store, store.t_min, store.t_max)  # a paint: the rest is binned
    assert len(lod._rebin) == 0 and with_lod.stats["binned"] > 0.75 * store.n  # the summary did the work
    assert_within_a_pixel(with_lod, exact, store.n_rows)


def test_widening_the_summary_takes_no_fresh_memory_and_keeps_each_pair_s_max():
    # Merged in place in one numpy call, the output overlapped the inputs and numpy copied them
    # into a fresh array first: on the large network (2,932 rows) ~6 MB of new pages at each
    # widening, 45-59 ms of page faults on a busy machine where the merge itself takes 4-7.
    import tracemalloc

    from twin_app.gui.gantt_lod import merge_pairs

    rng = np.random.default_rng(7)
    grid = np.zeros((2000, 1024), dtype=np.int32)
    grid[:, :701] = rng.integers(0, 50, (2000, 701))
    before = grid.copy()
    scratch = np.empty(0, dtype=np.int32)
    merge_pairs(grid.copy(), 701, scratch)  # (the scratch block is made once, at the first widening)
    tracemalloc.start()
    try:
        in_use = merge_pairs(grid, 701, scratch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024  # (the one-call merge: 2.9 MB, a copy of its 2000 x 351 input)
    assert in_use == 351
    padded = np.zeros((2000, 702), dtype=np.int32)
    padded[:, :701] = before[:, :701]
    assert np.array_equal(grid[:, :351], np.maximum(padded[:, 0::2], padded[:, 1::2]))
    assert not grid[:, 351:].any()  # the freed columns are empty
