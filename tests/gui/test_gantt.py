"""The live Gantt chart: what it draws, how it reacts to the user, and that it stays bounded.

Each test builds a GanttView over a small hand-built event log on the tiny scenario (rows:
A-mill, A-asm of acme; B-cell.1, B-cell.2 of bolt; vehicles L1/1, L1/2, L2 of truckco), renders
it offscreen and checks what was painted through ``GanttItem.visible_rect_counts()`` /
``last_paint_stats``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6 import QtCore

from twin_app.gui import gantt_store
from twin_app.gui.bench_gantt import synthetic_layout, synthetic_run
from twin_app.gui.gantt import GanttView, row_order
from twin_app.gui.gantt_store import EMPH_DIM, EMPH_HIGH, EMPH_NORMAL, GanttStore, build_frame
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind
from twin_app.model.layout import Layout

K = EventKind

# (resource, kind, start, end, order)
BARS = [
    (0, K.PROCESS, 0, 10, 1),
    (0, K.SETUP, 10, 12, 2),
    (0, K.PROCESS, 12, 20, 2),
    (0, K.DOWN, 20, 25, -1),
    (0, K.PROCESS, 25, 40, 3),
    (1, K.PROCESS, 15, 30, 1),
    (1, K.OFF_SHIFT, 30, 50, -1),
    (1, K.WAIT, 0, 25, 3),
    (2, K.PROCESS, 0, 8, 2),
    (2, K.BLOCKED, 8, 10, 2),
    (3, K.PROCESS, 5, 18, 3),
    (4, K.TRANSPORT, 10, 15, 1),
]
DRAWN = [b for b in BARS if b[1] != K.WAIT]


def make_events(bars: list[tuple[int, int, float, float, int]]) -> np.ndarray:
    ev = np.zeros(len(bars), dtype=EVENT_DTYPE)
    for i, (res, kind, start, end, order) in enumerate(bars):
        ev[i] = (start, end, kind, res, 0, order, order * 10 + res if order >= 0 else -1, 1, 2.0, 7.5)
    return ev


@pytest.fixture
def layout(tiny) -> Layout:
    return Layout.build(tiny)


@pytest.fixture
def view(qtbot, tiny, layout) -> GanttView:
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(1600, 900)
    v.show()
    v.set_run(tiny, layout)
    v.append(make_events(BARS))
    v.set_follow_now(False)
    v.zoom_to_fit()
    return v


def painted(view: GanttView) -> dict[tuple[int, int, int], int]:
    """Render the view offscreen; the rects per (colour slot, kind, emphasis) that it drew."""
    view.grab()
    return view.item.visible_rect_counts()


def per_kind(counts: dict[tuple[int, int, int], int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for (_slot, kind, _emph), n in counts.items():
        out[kind] = out.get(kind, 0) + n
    return out


def test_every_interval_is_painted_once_per_colour_group_and_waits_are_not(view):
    view.set_color_mode("state")
    counts = painted(view)
    expected: dict[int, int] = {}
    for b in DRAWN:
        expected[int(b[1])] = expected.get(int(b[1]), 0) + 1
    assert per_kind(counts) == expected
    # In state mode each kind is its own colour group.
    assert all(slot == kind for slot, kind, _ in counts)
    assert K.WAIT not in per_kind(counts)


def test_rows_are_grouped_by_owner_then_vehicles(qtbot):
    lay = synthetic_layout(40, n_owners=4, seed=3)
    rows = row_order(lay)
    kinds = [lay.resources[r].kind for r in rows]
    machines = [lay.resources[r] for r in rows if lay.resources[r].kind == "machine"]
    assert kinds == sorted(kinds, key=lambda k: k != "machine")  # machines first, vehicles last
    assert [m.owner for m in machines] == sorted(m.owner for m in machines)
    for a, b in itertools.pairwise(machines):  # within an owner: by site, machine
        if a.owner == b.owner:
            assert (a.site, a.machine, a.unit) <= (b.site, b.machine, b.unit)
    v = GanttView()
    qtbot.addWidget(v)
    v.set_run(None, lay)
    assert v.row_axis.names == [lay.resources[r].id for r in rows]
    labels = [g.label for g in v.item.groups]
    assert labels[:4] == list(lay.owners[:4]) and labels[-1].endswith("lanes")


def test_zooming_in_paints_only_the_bars_in_view(view):
    full = sum(painted(view).values())
    view.viewbox.setXRange(0.0, 9.0, padding=0)
    zoomed = painted(view)
    in_view = [b for b in DRAWN if b[3] >= 0.0 and b[2] <= 9.0]
    assert sum(zoomed.values()) == len(in_view) < full == len(DRAWN)


def test_a_million_bars_stay_bounded_by_rows_times_pixels(qtbot):
    scenario, layout, events, orders = synthetic_run(1_000_000, 100)
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(1600, 900)
    v.show()
    v.set_run(scenario, layout)
    v.set_order_products(orders)
    v.append(events)
    v.set_follow_now(False)
    v.zoom_to_fit()
    v.grab()
    s = v.item.last_paint_stats
    assert s["visible"] == v.store.n >= 1_000_000
    cells = s["rows"] * s["columns"]
    assert s["raster_bars"] > 900_000  # thin bars went to the raster...
    assert s["raster_cells"] <= cells and s["rects"] <= cells  # ...which is bounded by the screen
    # Without the image path (merged runs as rects) the count is bounded the same way.
    (xa, xb), (ya, yb) = v.viewbox.viewRange()
    frame = build_frame(v.store, xa, xb, 1500, ya, yb, 800)
    assert frame.stats["rects"] <= frame.stats["rows"] * frame.stats["columns"]
    assert frame.stats["raster_rects"] < 200_000


def test_thin_bars_still_show_in_their_colour(qtbot, layout, monkeypatch):
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    store.set_mode("state")
    bars = [(0, K.PROCESS, i * 0.01, i * 0.01 + 0.005, 1) for i in range(10_000)]
    store.append(make_events(bars))
    lut = np.zeros(1 << 14, dtype=np.uint32)
    lut[K.PROCESS] = 0xFF00FF00
    # Few dense cells: merged into one run rect over the 1000 px the bars cover.
    frame = build_frame(store, 0.0, 100.0, 1000, 0.0, 7.0, 700, color_lut=lambda keys: lut)
    assert frame.stats["raster_bars"] == 10_000 and frame.image is None
    assert frame.counts() == {int(K.PROCESS): 1}
    x, _y, w, _h = frame.rects[0]
    assert x == 0 and w >= 1000
    # Many cells: one image; the first row's pixels are the busy colour, other rows empty.
    monkeypatch.setattr(gantt_store, "IMAGE_ABOVE_CELLS", 0)
    frame = build_frame(store, 0.0, 100.0, 1000, 0.0, 7.0, 700, color_lut=lambda keys: lut)
    assert frame.image is not None and frame.image.shape == (700, 1001)
    row0 = frame.image[:100]
    painted_cols = np.flatnonzero((row0 == 0xFF00FF00).any(axis=0))
    assert painted_cols.min() == 0 and painted_cols.max() >= 999
    assert not frame.image[100:].any()


def test_switching_colour_mode_regroups_the_bars(view, tiny, layout):
    process = [b for b in DRAWN if b[1] == K.PROCESS]
    view.set_color_mode("order")
    by_order = {slot for slot, kind, _ in painted(view) if kind == K.PROCESS}
    assert len(by_order) == len({b[4] for b in process})
    view.set_color_mode("owner")
    by_owner = {slot for slot, kind, _ in painted(view) if kind == K.PROCESS}
    assert len(by_owner) == len({layout.resources[b[0]].owner for b in process})
    colours = {view.item.slot_color(s) for s in by_owner}
    assert colours <= set(view.item.owner_colors)
    assert view.mode_combo.currentData() == "owner"


def test_family_colours_come_from_the_orders_products(view, tiny, layout):
    orders = np.zeros(3, dtype=ORDER_DTYPE)
    orders["order"] = [1, 2, 3]
    orders["product"] = [0, 1, 0]
    view.set_order_products(orders)
    view.set_color_mode("family")
    counts = painted(view)
    fam = [layout.families.index(tiny.products[p].family) for p in (0, 1, 0)]
    family_of = dict(zip([1, 2, 3], fam, strict=True))
    expected: dict[int, int] = {}
    for b in DRAWN:
        if b[1] in (K.PROCESS, K.SETUP, K.TRANSPORT):
            expected[family_of[b[4]]] = expected.get(family_of[b[4]], 0) + 1
    got: dict[int, int] = {}
    for (slot, kind, _), n in counts.items():
        if kind in (K.PROCESS, K.SETUP, K.TRANSPORT):
            got[slot - 8] = got.get(slot - 8, 0) + n
    assert got == expected


def test_highlight_marks_exactly_that_orders_bars(view):
    view.highlight_order(2)
    counts = painted(view)
    high = sum(n for (_, _, e), n in counts.items() if e == EMPH_HIGH)
    dim = sum(n for (_, _, e), n in counts.items() if e == EMPH_DIM)
    normal = {k: n for (_, k, e), n in counts.items() if e == EMPH_NORMAL for _ in [0]}
    order_kinds = (K.PROCESS, K.SETUP, K.TRANSPORT)
    assert high == sum(1 for b in DRAWN if b[4] == 2 and b[1] in order_kinds) == 3
    assert dim == sum(1 for b in DRAWN if b[4] != 2 and b[1] in order_kinds)
    assert set(normal) == {K.DOWN, K.OFF_SHIFT, K.BLOCKED}  # the rest unchanged
    view.highlight_order(None)
    assert all(e == EMPH_NORMAL for _, _, e in painted(view))


def test_clicking_a_bar_emits_its_order_and_highlights_it(view, qtbot):
    view.grab()
    row = view.store.row_of_resource[2]  # B-cell.1: PROCESS of order 2 over [0, 8]
    scene = view.viewbox.mapViewToScene(QtCore.QPointF(4.0, row + 0.5))
    pos = view.plot.mapFromScene(scene)
    with qtbot.waitSignal(view.order_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(view.plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [2]
    assert view.highlighted_order() == 2


def test_hover_describes_the_operation(view):
    row = view.store.row_of_resource[0]
    scene = view.viewbox.mapViewToScene(QtCore.QPointF(16.0, row + 0.5))
    index = view.bar_at_scene(scene)
    text = view.describe(index)
    assert "A-mill" in text and "process" in text and "order 2" in text and "job 20" in text
    assert "12.00 → 20.00" in text and "duration 8.00" in text and "quantity 2" in text and "cost 7.50" in text
    view._on_mouse_moved((scene,))
    assert view.info.text().startswith("A-mill")


def test_follow_now_keeps_the_clock_at_the_right_edge(view):
    view.viewbox.setXRange(0.0, 20.0, padding=0)
    view.set_follow_now(True)
    view.set_now(100.0)
    xa, xb = view.x_range()
    assert xb == pytest.approx(100.0) and xb - xa == pytest.approx(20.0)
    view.set_follow_now(False)
    view.set_now(150.0)
    assert view.x_range()[1] == pytest.approx(100.0)
    assert not view.follow_check.isChecked()


def test_appending_in_batches_loses_no_bar(qtbot, tiny, layout):
    rng = np.random.default_rng(5)
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(1600, 900)
    v.set_run(tiny, layout)
    total = 0
    for _ in range(40):  # batches that straddle chunks, with late (out of order) bars
        n = int(rng.integers(1, 400))
        start = rng.uniform(0, 1000, n)
        bars = [(int(r), K.PROCESS, s, s + 0.5, 1) for r, s in zip(rng.integers(0, 7, n), start, strict=True)]
        v.append(make_events(bars))
        total += n
    assert v.store.n == total
    for xa in rng.uniform(0, 1000, 20):  # the chunk index never hides a bar
        xb = xa + rng.uniform(0.1, 50)
        got = np.sort(v.store.visible(xa, xb, 0, v.store.n_rows))
        want = np.flatnonzero((v.store.x1 >= xa) & (v.store.x0 <= xb))
        assert np.array_equal(got, want)
    v.set_follow_now(False)
    v.zoom_to_fit()
    v.grab()
    assert v.item.last_paint_stats["visible"] == total
