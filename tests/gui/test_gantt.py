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

from twin_app.gui import gantt_frame, gantt_store, gantt_view, theme
from twin_app.gui.bench_gantt import synthetic_layout, synthetic_run
from twin_app.gui.gantt_frame import build_frame
from twin_app.gui.gantt_rows import row_order
from twin_app.gui.gantt_store import EMPH_DIM, EMPH_HIGH, EMPH_NORMAL, GanttStore
from twin_app.gui.gantt_view import GanttView
from twin_app.gui.view import RunContext
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


def context(scenario) -> RunContext:
    from twin_app.model.network import Network

    return RunContext.build(scenario, Layout.build(scenario), Network.build(scenario))


def shown_view(qtbot, scenario, layout, events, size=(1600, 900)) -> GanttView:
    """A Gantt view on screen over ``events``, not following now, zoomed to fit."""
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    v.show_layout(scenario, layout)
    v.append(events)
    v.set_follow_now(False)
    v.zoom_to_fit()
    return v


@pytest.fixture
def view(qtbot, tiny, layout) -> GanttView:
    return shown_view(qtbot, tiny, layout, make_events(BARS))


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
    v.show_layout(None, lay)
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
    v.show_layout(scenario, layout)
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


def test_thin_rows_paint_one_image_showing_every_rows_most_important_bar(monkeypatch):
    """The large network zoomed out to fit: ~3,000 rows in 600 pixels. Bars are not drawn one
    sub-pixel rect each (157,000 rects, hundreds of ms a paint) but rasterised, and each pixel
    row shows, column by column, the most important bar of every row it covers: a breakdown on
    any of them is seen."""
    from twin_app.gui.bench_gantt import synthetic_events
    from twin_app.gui.gantt_store import EMPTY_KEY, KEY_MASK

    layout = synthetic_layout(2_000)
    store = GanttStore(np.arange(len(layout.resources), dtype=np.int32), layout.resource_owner)
    store.set_mode("state")
    store.append(synthetic_events(layout, 200_000))
    store.lod = None  # both frames below rasterise bar by bar
    lut = np.arange(1, EMPTY_KEY + 2, dtype=np.uint32)  # a pixel's value names its key (+1)
    lut[EMPTY_KEY] = 0
    xa, xb, width, height = store.t_min, store.t_max, 1000, 600
    thin = build_frame(store, xa, xb, width, 0.0, store.n_rows, height, color_lut=lambda keys: lut)
    assert thin.image is not None and thin.image.shape == (height, width + 1)
    assert thin.stats["rects"] < 0.02 * store.n  # the few bars wider than the raster cap
    # The same bars rasterised row by row (as for rows tall enough), then each pixel row's rows
    # combined by hand: the image holds exactly that.
    monkeypatch.setattr(gantt_frame, "THIN_ROW_PX", 0.0)
    monkeypatch.setattr(gantt_frame, "RASTER_BELOW_PX", gantt_frame.RASTER_CAP_PX)
    rows = build_frame(store, xa, xb, width, 0.0, store.n_rows, height).grid.reshape(store.n_rows, -1)
    sy = height / store.n_rows
    first = [int(np.floor(j / sy)) for j in range(height + 1)]
    first[-1] = store.n_rows
    expected = np.stack([rows[first[j] : max(first[j + 1], first[j] + 1)].max(axis=0) for j in range(height)])
    keys = np.where(expected >= 0, (expected & KEY_MASK) + 1, 0)
    assert np.array_equal(thin.image, keys.astype(np.uint32))
    down = np.flatnonzero(((rows >= 0) & ((rows & 7) == K.DOWN)).any(axis=1))
    pixel_row = np.searchsorted(first, down, side="right") - 1  # the pixel row showing each of them
    shows_down = ((thin.image > 0) & ((thin.image - 1) & 7 == K.DOWN)).any(axis=1)
    assert len(down) > 10 and shows_down[pixel_row].all()


def test_a_hidden_gantt_is_ready_to_paint_when_its_tab_is_shown(qtbot):
    """Bars that come while another tab is shown are binned as they come, so the first paint
    after switching to the Gantt has none left to bin (it had to bin them all: up to 200 ms on
    the large network), and it shows what a Gantt shown all along shows."""
    scenario, layout, events, orders = synthetic_run(200_000, 50)
    hidden, shown = GanttView(), GanttView()
    for v in (hidden, shown):
        qtbot.addWidget(v)
        v.resize(1200, 700)
        v.show_layout(scenario, layout)
        v.set_order_products(orders)
        v.set_follow_now(False)
    shown.show()
    for part in np.array_split(events, 20):
        hidden.append(part)
        assert hidden.store.lod.done == hidden.store.n  # nothing waits for the tab switch
        shown.append(part)
        shown.grab()  # a shown Gantt bins at its paints
    hidden.show()
    for v in (hidden, shown):
        v.zoom_to_fit()
    assert hidden.item.last_paint_stats.get("frame_ms") is None  # not painted while hidden
    assert hidden.grab().toImage() == shown.grab().toImage()
    assert hidden.item.last_paint_stats["visible"] == shown.item.last_paint_stats["visible"] == shown.store.n


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
    monkeypatch.setattr(gantt_frame, "IMAGE_ABOVE_CELLS", 0)
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
    assert xb - xa == pytest.approx(20.0)  # the user's zoom width is kept
    assert xa < 100.0 < xb and xb - 100.0 == pytest.approx(20.0 * gantt_view.FOLLOW_MARGIN)  # now near the right edge
    view.set_follow_now(False)
    view.set_now(150.0)
    assert view.x_range()[1] == pytest.approx(xb)
    assert not view.follow_check.isChecked()


def test_appending_in_batches_loses_no_bar(qtbot, tiny, layout):
    rng = np.random.default_rng(5)
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(1600, 900)
    v.show_layout(tiny, layout)
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


# ----- following, time axis, rows, empty returns -------------------------------------------------


@pytest.fixture
def demo():
    from twin_app.io.scenario_file import load_scenario

    from .conftest import SAMPLES

    scenario = load_scenario(SAMPLES / "cloud_factory_demo.json")
    return scenario, Layout.build(scenario)


@pytest.fixture
def demo_view(qtbot, demo) -> GanttView:
    scenario, _lay = demo
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(1600, 900)
    v.show()
    qtbot.waitExposed(v)
    v.set_run(context(scenario))
    return v


def test_follow_now_shows_a_day_with_now_near_the_right_edge(demo_view, demo):
    scenario, _lay = demo
    assert scenario.run.horizon > 1440  # a week: the default window is one day, not the horizon
    v = demo_view
    assert v.follow_now()
    assert v.x_range() == pytest.approx((0.0, 1440.0))
    v.set_now(3000.0)
    xa, xb = v.x_range()
    assert xb - xa == pytest.approx(1440.0)
    assert xa < 3000.0 < xb and (xb - 3000.0) / (xb - xa) == pytest.approx(gantt_view.FOLLOW_MARGIN)
    # A zoom changes the width; following keeps the new width.
    v.viewbox.setXRange(2900.0, 3020.0, padding=0)
    v._on_user_zoomed()
    v.set_now(3500.0)
    xa, xb = v.x_range()
    assert xb - xa == pytest.approx(120.0) and xa < 3500.0 < xb
    # Zoom to fit shows everything, and keeps doing so while the run goes on.
    v.append(make_events([(0, K.PROCESS, 10.0, 3400.0, 1)]))
    v.zoom_to_fit()
    xa, xb = v.x_range()
    assert xa <= 0.0 and xb >= 3500.0 and v.y_range() == pytest.approx((0.0, len(v.rows)))
    v.set_now(5000.0)
    xa, xb = v.x_range()
    assert xa <= 0.0 and xb >= 5000.0 and v.follow_now()


def test_time_axis_reads_in_days_and_hours_for_minutes(demo_view, tiny, layout):
    axis = demo_view.time_axis
    assert axis.tickStrings([1800.0, 2880.0], 1.0, 360.0) == ["1d 06:00", "2d 00:00"]
    assert axis.labelText == "Simulated time"  # as every time axis; its ticks say "1d 06:00"
    major, _minor = axis.tickSpacing(0.0, 1440.0, 1200.0)
    assert major[0] in (60.0, 120.0, 180.0, 240.0)  # ticks on whole hours of a one-day window
    import dataclasses

    hours = dataclasses.replace(tiny, run=dataclasses.replace(tiny.run, time_unit="h"))
    demo_view.set_run(context(hours))
    assert demo_view.time_axis.tickStrings([30.0], 1.0, 10.0) == ["30"]
    assert demo_view.x_range()[1] == pytest.approx(min(24.0, tiny.run.horizon))


def test_rows_keep_a_readable_height_and_scroll(demo_view, demo, qtbot):
    _scenario, lay = demo
    v = demo_view
    v.grab()
    n = len(v.rows)
    assert n == len(lay.resources)  # one row per machine unit and per vehicle
    ya, yb = v.y_range()
    px_per_row = v.viewbox.height() / (yb - ya)
    assert ya == 0.0 and yb - ya < n and px_per_row >= gantt_view.MIN_ROW_PX
    assert v.row_scroll.isVisible() and v.row_scroll.maximum() > 0
    v.row_scroll.setValue(v.row_scroll.maximum())  # scroll to the last rows
    ya2, yb2 = v.y_range()
    assert yb2 == pytest.approx(n) and yb2 - ya2 == pytest.approx(yb - ya)
    v.grab()
    assert v.row_axis.tickValues(ya2, yb2, v.viewbox.height())[0][0] == 1.0  # every row named


def test_vehicles_collapse_to_one_row_per_lane(demo_view, demo):
    scenario, lay = demo
    v = demo_view
    vehicle = lay.n_machine_units + 5
    v.append(make_events([(vehicle, K.TRANSPORT, 10.0, 20.0, 1), (0, K.PROCESS, 0.0, 5.0, 1)]))
    assert v.vehicles_check.isChecked() and v.show_vehicles()
    v.vehicles_check.setChecked(False)
    assert not v.show_vehicles()
    assert len(v.rows) == lay.n_machine_units + len(scenario.lanes)
    lane = lay.resources[vehicle].lane
    row = int(v.store.row[0])
    names = v.names
    assert v.row_names[row].startswith(names.lane[lane]) and v.store.n == 2
    assert v.store.n_rows == len(v.rows) and int(v.store.row[1]) == v.store.row_of_resource[0]
    assert v.item.groups[-1].vehicles and v.item.groups[-1].end == len(v.rows)
    v.set_show_vehicles(True)
    assert len(v.rows) == len(lay.resources) and v.row_names[int(v.store.row[0])] == names.resource[vehicle]


def test_owner_names_sit_beside_the_rows_readable_in_both_themes(demo_view, demo):
    from PySide6.QtGui import QColor

    def luminance(c: str) -> float:
        rgb = [x / 255 for x in QColor(c).getRgb()[:3]]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    scenario, _lay = demo
    axis = demo_view.row_axis
    owners = {o.name or o.id for o in scenario.owners}
    machine_bands = [g for g in axis.groups if not g.vehicles]
    assert machine_bands and {g.label for g in machine_bands} <= owners  # owner names, not ids
    assert axis.owner_colors == theme.owner_colors(scenario.owners)
    demo_view.grab()  # the axis paints the bands' stripes and names in its own margin
    assert not hasattr(demo_view.item, "_paint_labels")  # nothing is written over the bars
    for colors in (theme.LIGHT, theme.DARK):
        assert contrast(colors.text, colors.panel) >= 4.5 and contrast(colors.muted, colors.panel) >= 4.5


def test_zoom_stays_between_a_minute_and_the_run(demo_view, demo):
    scenario, _lay = demo
    v = demo_view
    v.set_follow_now(False)
    v.viewbox.setXRange(0.0, 10 * scenario.run.horizon, padding=0)  # far beyond the run
    xa, xb = v.x_range()
    assert xb - xa <= 1.05 * scenario.run.horizon + 1e-6
    v.viewbox.setXRange(100.0, 100.01, padding=0)  # far below a minute
    xa, xb = v.x_range()
    assert xb - xa >= 1.0 - 1e-9


EMPTY = [
    (4, K.TRANSPORT, 10, 15, 1),  # a loaded trip of order 1...
    (4, K.TRANSPORT, 15, 20, -1),  # ...and the empty way back
    (0, K.PROCESS, 0, 10, 1),
]


@pytest.mark.parametrize("mode", ["order", "family", "owner", "state"])
def test_empty_returns_are_drawn_distinctly_in_every_mode(qtbot, tiny, layout, mode):
    v = shown_view(qtbot, tiny, layout, make_events(EMPTY), size=(1200, 600))
    v.set_color_mode(mode)
    counts = painted(v)
    empty = {(slot, kind, e): n for (slot, kind, e), n in counts.items() if kind == gantt_store.EMPTY_RETURN}
    assert sum(empty.values()) == 1
    (key,) = empty
    assert v.item.style_color(gantt_store.make_key(*key)) == theme.EMPTY_RETURN_COLOR
    loaded = [k for k in counts if k[1] == K.TRANSPORT]
    assert len(loaded) == 1 and v.item.style_color(gantt_store.make_key(*loaded[0])) != theme.EMPTY_RETURN_COLOR
    _top, height = gantt_store.KIND_GEOMETRY[gantt_store.EMPTY_RETURN]
    assert height < gantt_store.KIND_GEOMETRY[K.TRANSPORT][1] / 2  # thinner than a loaded trip
    assert "empty return" in v.legend.text()
    v.highlight_order(1)  # an order's highlight never takes the empty trip along
    counts = painted(v)
    assert {e for (_s, kind, e), _n in counts.items() if kind == gantt_store.EMPTY_RETURN} == {EMPH_NORMAL}
    assert len(v.store.indices_of_order(1)) == 2 and len(v.store.indices_of_order(-1)) == 0


def test_an_empty_return_is_not_an_order(qtbot, tiny, layout):
    v = shown_view(qtbot, tiny, layout, make_events(EMPTY), size=(1200, 600))
    v.grab()
    v.highlight_order(1)
    row = v.store.row_of_resource[4]
    scene = v.viewbox.mapViewToScene(QtCore.QPointF(17.5, row + 0.5))
    index = v.bar_at_scene(scene)
    assert index >= 0 and v.store.order[index] == -1
    text = v.describe(index)
    assert "empty return" in text and "order" not in text.replace("(no load)", "")
    emitted: list[int] = []
    v.order_clicked.connect(emitted.append)
    pos = v.plot.mapFromScene(scene)
    qtbot.mouseClick(v.plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pos)
    assert emitted == [] and v.highlighted_order() is None


def test_an_owner_name_too_long_for_its_band_reads_as_whole_words_and_whole_on_hover(demo_view, demo):
    """The trial: the owner bands read 'Nord La…', 'Hansa …', 'PC…'. A name that does not fit
    keeps its first whole words ('Nord Laser'); hovering the band gives the whole name."""
    from PySide6.QtGui import QFontMetricsF

    from twin_app.gui.gantt_axes import band_label

    fm = QFontMetricsF(theme.ui_font(8, bold=True))
    name = "Nord Laser & Cut"
    assert band_label(name, fm, fm.horizontalAdvance(name)) == name
    short = band_label(name, fm, fm.horizontalAdvance("Nord Laser &") + 1)
    assert short == "Nord Laser"  # whole words, no dangling '&', no ellipsis
    assert band_label("PCB Plus Electronics", fm, fm.horizontalAdvance("PCB") + 2) == "PCB"
    numbered = "Nord Fertigung 12"  # the large network's owners differ by their number
    assert band_label(numbered, fm, fm.horizontalAdvance("Nord Fertigung 1")) == "Nord 12"
    axis = demo_view.row_axis
    demo_view.grab()  # paints the bands
    assert axis._bands
    top, bottom, label = axis._bands[0]
    assert axis.band_at((top + bottom) / 2) == label == axis.groups[0].label
