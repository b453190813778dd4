"""The Gantt keeps every bar of a long live run, however its columns grow.

The store reserves room for the run's expected size once it has seen enough of it (growing by
doubling copied ~80 MB at a million bars on the GUI thread). These tests append a run batch by
batch, as the live view does, and check that every bar is still there, in place, findable by
time, and drawn by the binned summary, whether the guess of the run's size was right or short.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from twin_app.gui.bench_gantt import synthetic_events, synthetic_layout
from twin_app.gui.gantt_frame import build_frame
from twin_app.gui.gantt_lod import LodRaster
from twin_app.gui.gantt_store import GUESS_FROM, GanttStore
from twin_app.model.events import EVENT_DTYPE, EventKind

WIDTH, HEIGHT = 1200, 600


def live_store(events: np.ndarray, layout, batches: int, horizon: float | None) -> GanttStore:
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    store.horizon = horizon
    for part in np.array_split(events, batches):
        store.append(part)
        store.lod.sync(store)  # a hidden view bins each batch as it comes
    return store


def bars_of(events: np.ndarray) -> np.ndarray:
    return events[events["kind"] != EventKind.WAIT]


def assert_every_bar_kept(store: GanttStore, events: np.ndarray) -> None:
    want = bars_of(events)
    assert store.n == len(want)
    assert store.records.tobytes() == want.tobytes()  # every record, in arrival order
    np.testing.assert_array_equal(store.x0, want["start"])
    np.testing.assert_array_equal(store.x1, want["end"])
    np.testing.assert_array_equal(store.row, want["resource"])
    # The time index finds every bar of any window (here: each tenth of the run).
    edges = np.linspace(store.t_min, store.t_max, 11)
    for xa, xb in itertools.pairwise(edges):
        hit = store.visible(xa, xb, 0, store.n_rows)
        inside = np.flatnonzero((want["end"] >= xa) & (want["start"] <= xb))
        np.testing.assert_array_equal(np.sort(hit), inside)


def test_every_bar_of_a_long_run_is_kept_when_the_columns_grow_to_the_runs_size():
    layout = synthetic_layout(60, seed=3)
    events = synthetic_events(layout, 4 * GUESS_FROM, seed=3)
    events = events[np.argsort(events["start"], kind="stable")]  # a live run comes in time order
    horizon = float(events["end"].max())
    store = live_store(events, layout, batches=200, horizon=horizon)
    assert_every_bar_kept(store, events)


def test_the_columns_stop_moving_once_the_run_size_is_guessed():
    layout = synthetic_layout(60, seed=4)
    events = synthetic_events(layout, 4 * GUESS_FROM, seed=4)
    events = events[np.argsort(events["start"], kind="stable")]
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    store.horizon = float(events["end"].max())
    moved_after_guess = 0
    guessed = None
    for part in np.array_split(events, 200):
        before = store._rec.data
        store.append(part)
        if store._rec.data is not before and guessed is not None:
            moved_after_guess += 1
        if guessed is None and store.n >= 2 * GUESS_FROM:
            guessed = store._rec.data
    assert moved_after_guess == 0  # the rest of the run appends in place, no copy
    assert_every_bar_kept(store, events)


def test_every_bar_is_kept_when_the_run_outgrows_its_guess():
    """A run that speeds up after the guess (here: 3x the bars in its second half) grows again."""
    layout = synthetic_layout(40, seed=5)
    slow = synthetic_events(layout, GUESS_FROM + 5_000, seed=5)
    slow = slow[np.argsort(slow["start"], kind="stable")]
    span = float(slow["end"].max())
    fast = np.concatenate([synthetic_events(layout, 2 * GUESS_FROM, seed=s) for s in (6, 7)])
    fast = fast[np.argsort(fast["start"], kind="stable")]
    fast["start"] = span + fast["start"] * (span / float(fast["end"].max()))
    fast["end"] = np.maximum(fast["start"], span + fast["end"] * (span / float(fast["end"].max())))
    events = np.concatenate([slow, fast]).astype(EVENT_DTYPE)
    store = live_store(events, layout, batches=150, horizon=2 * span)
    assert_every_bar_kept(store, events)


@pytest.mark.parametrize("first_batch", [None, 40], ids=["even batches", "a tiny first batch, then hours"])
def test_the_binned_summary_draws_the_run_as_the_bars_do_after_growth(first_batch):
    """Also when one batch reaches many times further than all before it (the large network's
    first seconds): the summary's bins widen many-fold at once and must still hold every bar."""
    layout = synthetic_layout(30, seed=8)
    events = synthetic_events(layout, 2 * GUESS_FROM, seed=8)
    events = events[np.argsort(events["start"], kind="stable")]
    if first_batch is None:
        store = live_store(events, layout, batches=120, horizon=float(events["end"].max()))
    else:
        store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
        store.horizon = float(events["end"].max())
        for part in (events[:first_batch], events[first_batch:]):
            store.append(part)
            store.lod.sync(store)
        assert store.t_max > 2**6 * float(events["end"][:first_batch].max())  # widened >= 64-fold in one go
    store.set_mode("state")
    store.lod.sync(store)
    lod = store.lod
    assert isinstance(lod, LodRaster) and lod.binned > 0
    xa, xb = store.t_min, store.t_max + 2.0 * (store.t_max - store.t_min)  # a long span: summary in use
    with_lod = build_frame(store, xa, xb, WIDTH, 0.0, store.n_rows, HEIGHT)
    assert with_lod.stats["binned"] > 0
    store.lod = None
    exact = build_frame(store, xa, xb, WIDTH, 0.0, store.n_rows, HEIGHT)
    store.lod = lod
    a = with_lod.grid.reshape(store.n_rows, -1)
    b = exact.grid.reshape(store.n_rows, -1)
    assert ((a >= 0) == (b >= 0)).mean() > 0.98  # the same cells hold bars (a bar may move < 1 px)
    assert (a >= 0).sum() > 0 and a.min() == -1  # empty cells read -1, as the frame expects


def test_empty_cells_of_the_summary_read_empty_and_bars_read_their_code():
    layout = synthetic_layout(5, seed=1)
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    ev = np.zeros(2, dtype=EVENT_DTYPE)
    ev["start"], ev["end"], ev["kind"], ev["resource"], ev["order"] = [0.0, 99.99], [0.01, 100.0], 0, [0, 1], -1
    store.append(ev)
    lod = store.lod
    lod.sync(store)
    cells = lod.columns(0.0, 1.0 / (4.0 * lod.q), 100, 0, store.n_rows).reshape(store.n_rows, -1)
    assert cells[0, 0] == store.code[0]
    assert (cells[2:] == -1).all()  # rows without bars are empty


def test_bins_widened_many_fold_at_once_hold_what_binning_at_that_width_would():
    """A batch that reaches 2**k times further widens the summary's bins 2**k-fold in one pass:
    the grid must be the one binning every bar at the new width gives (bar for bar)."""
    layout = synthetic_layout(30, seed=3)
    events = synthetic_events(layout, GUESS_FROM, seed=3)
    events = events[np.argsort(events["start"], kind="stable")]
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    span = float(events["end"].max())
    cuts = np.searchsorted(events["start"], [span / 300.0, span / 100.0, span / 2.0])
    widths = []
    for part in np.split(events, cuts):  # reaching 3x, 50x, then 2x further than before
        store.append(part)
        store.lod.sync(store)
        widths.append(store.lod.q)
    lod = store.lod
    assert max(b / a for a, b in itertools.pairwise(widths)) >= 8  # one widening >= 8-fold at once
    assert lod.t0 + lod.q * lod.n_bins / 2 <= store.t_max < lod.t_end  # no wider than the run needs
    fresh = LodRaster()
    fresh._start(store)
    fresh.t0, fresh.q = lod.t0, lod.q
    fresh._add(store, np.arange(store.n))
    filled = int((fresh.grid > 0).sum())
    assert filled > 1000
    assert (lod.grid != fresh.grid).sum() <= filled // 1000  # (a bar on a bin's edge may round either way)
