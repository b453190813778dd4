"""Each analysis view built over a result, changed with new data, and checked as drawn."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest


@pytest.fixture
def network(tiny):
    from twin_app.model.layout import Layout
    from twin_app.model.network import Network

    return Layout.build(tiny), Network.build(tiny)


def context(scenario):
    from twin_app.gui.view import RunContext
    from twin_app.model.layout import Layout
    from twin_app.model.network import Network

    return RunContext.build(scenario, Layout.build(scenario), Network.build(scenario))


def show(view, result, live=None):
    """Hand ``view`` an analysis of ``result`` with the parts it needs, as the window does."""
    from twin_app.analysis.snapshot import Analysis
    from twin_app.gui.view import ViewUpdate

    analysis = Analysis(result)
    analysis.compute(*view.needs)
    view.update(ViewUpdate(result.end, analysis=analysis, live=live))
    return analysis


def test_map_nodes_lanes_and_details(qtbot, tiny, network, tiny_result, hand_result):
    from twin_app.gui.network_map import NetworkMapView

    view = NetworkMapView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    assert len(view.model.positions) == 3  # two sites and a customer
    view.set_color_mode("owner")
    owner_colors = [c.name() for c in view.node_brushes()]
    assert owner_colors[0] != owner_colors[1]  # acme and bolt differ

    view.set_color_mode("utilisation")
    show(view, hand_result)
    # A-mill (site acme-1, with A-asm) busy 50 of 100 minutes; bolt-1's B-cell idle.
    assert view.model.utilisation[0] == pytest.approx(50 / 200, rel=0.05)
    assert view.model.utilisation[1] == pytest.approx(0.0)
    colors = view.node_brushes()
    assert colors[0].name() != colors[1].name()
    assert view.model.flow.sum() == pytest.approx(4.0)  # one transport of 4 units on L1

    show(view, tiny_result)  # new data: the real run
    assert np.nanmax(view.model.utilisation[:2]) > 0
    assert view.model.flow.max() > 0
    view.select_node(0)
    text = view.details_text()
    assert "A-mill" in text and "A-asm" in text and "Acme" in text
    view.set_color_mode("queue")
    assert len(view.node_brushes()) == 2
    view.clear()
    assert np.all(view.model.flow == 0)


def test_map_spring_layout_when_no_coordinates(qtbot, tiny):
    from twin_app.gui.network_map import NetworkMapView
    from twin_app.model.scenario import Customer, Site

    flat = tiny.with_changes(
        sites=tuple(Site(s.id, s.owner, s.name) for s in tiny.sites),
        customers=tuple(Customer(c.id, c.name) for c in tiny.customers),
    )
    view = NetworkMapView()
    qtbot.addWidget(view)
    view.set_run(context(flat))
    pos = view.model.positions
    assert np.ptp(pos[:, 0]) > 0 and np.ptp(pos[:, 1]) > 0


def test_utilisation_bars_per_machine_and_owner(qtbot, tiny, hand_result, tiny_result):
    from twin_app.gui.utilisation_view import UtilisationView

    view = UtilisationView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    show(view, hand_result)
    assert view.row_labels == ["A-mill", "A-asm", "B-cell"]
    assert view.bar_widths("busy")[0] == pytest.approx(50.0)
    assert view.bar_widths("down")[2] == pytest.approx(12.5)  # one of two units down 25 of 100
    total = sum(view.bar_widths(s) for s in ("busy", "setup", "idle", "blocked", "down", "off_shift"))
    assert np.allclose(total, 100.0)

    view.set_group("owner")
    assert view.row_labels == ["Acme Machining", "Bolt Works", "TruckCo"]
    assert view.bar_widths("busy")[0] == pytest.approx(25.0)  # 50 of 200 machine-unit minutes

    view.set_group("machine")
    show(view, tiny_result)
    assert 0 < view.bar_widths("busy")[0] < 100
    assert view.time_curves[-1].yData.max() == pytest.approx(100.0)


def test_bottleneck_strip_and_ranking(qtbot, tiny, tiny_result, hand_result):
    from twin_app.analysis.bottleneck import analyse_bottlenecks, ranking
    from twin_app.gui.bottleneck_view import BottleneckView

    view = BottleneckView()
    qtbot.addWidget(view)
    run = context(tiny)
    view.set_run(run)
    show(view, tiny_result)
    analysis = analyse_bottlenecks(tiny_result)
    assert len(view.segments["start"]) == len(analysis.strip_start)
    expected = [(run.names.resource[r], s * 100, h * 100) for r, s, h in ranking(analysis) if s + h > 0]
    drawn = view.ranking_shares()
    assert [d[0] for d in drawn] == [e[0] for e in expected[: len(drawn)]]
    assert drawn[0][1] == pytest.approx(expected[0][1])
    assert "Main bottleneck" in view.summary.text()

    show(view, hand_result)  # only A-mill is ever active in the hand-made log
    assert view.row_labels[0] == "A-mill"
    assert set(view.segments["row"]) == {0}


def test_bottleneck_bars_take_the_dark_theme_and_keep_showing_the_run(qtbot, tiny, tiny_result):
    """F5 and the dark theme restyle the Bottlenecks tab: its bars stay on screen with the run's
    pieces, and their shifting shade is blended toward the new panel colour."""
    from PySide6.QtGui import QColor

    from twin_app.gui import theme
    from twin_app.gui.bottleneck_view import BottleneckView

    view = BottleneckView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    show(view, tiny_result)
    plot = view.strip_widget.getPlotItem()
    before = [(len(item.opts["x0"]), list(np.asarray(item.opts["x0"], dtype=float))) for item in view._strip_items]
    ranking = view.ranking_shares()
    items = list(view._strip_items) + list(view._rank_items)
    try:
        theme.use(theme.DARK)
        view.restyle()
        assert [*view._strip_items, *view._rank_items] == items  # recoloured in place, none remade
        assert all(item in plot.items for item in view._strip_items)  # still drawn in the strip
        after = [(len(item.opts["x0"]), list(np.asarray(item.opts["x0"], dtype=float))) for item in view._strip_items]
        assert after == before and sum(n for n, _ in after) > 0
        assert view.ranking_shares() == ranking
        light = view._strip_items[1].opts["brush"]
        expected = QColor(theme.blend(theme.ROW_COLORS[0], amount=0.6))
        on_light = QColor(theme.blend(theme.ROW_COLORS[0], theme.LIGHT.panel, 0.6))
        assert light.color().name() == expected.name() != on_light.name()
    finally:
        theme.use(theme.LIGHT)


def test_bottleneck_top_rows_are_the_ranking_head(tiny_result):
    from twin_app.analysis.bottleneck import analyse_bottlenecks, ranking
    from twin_app.gui.bottleneck_view import top_ranked

    analysis = analyse_bottlenecks(tiny_result)
    ranked = [r for r in ranking(analysis) if r[1] + r[2] > 0]
    assert len(ranked) >= 2
    for k in (1, len(ranked) - 1, len(ranked), len(ranked) + 5):
        top, more = top_ranked(analysis, k)
        assert top == ranked[:k]  # the same resources, order and shares as the full ranking
        assert more == (len(ranked) > k)  # 'other resources' only when some are left out


def test_kpi_cards_charts_and_table(qtbot, tiny, tiny_result, tiny_half_result):
    from PySide6.QtCore import Qt

    from twin_app.analysis.kpis import compute_kpis
    from twin_app.gui.kpi_view import KpiView

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    assert view.card_text("throughput") == "--"
    show(view, tiny_half_result)
    half = view.card_text("completed")
    show(view, tiny_result)
    kpis = compute_kpis(tiny_result)
    assert view.card_text("completed") == f"{kpis['orders_completed']:,}"
    assert view.card_text("completed") != half
    assert view.card_text("on_time") == f"{kpis['on_time_rate'] * 100:.1f} %"
    assert view.card_text("throughput") == f"{kpis['throughput']['per_day']:.1f} /day"
    assert view.hist_bars.opts["height"].sum() == kpis["lead_time"]["count"]

    assert view.table_model.rowCount() == 3
    view.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # cost
    costs = [view.table_model.index(r, 4).data(Qt.ItemDataRole.UserRole + 1) for r in range(3)]
    assert costs == sorted(costs)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [view.table_model.index(r, 0).data() for r in range(3)]
    assert names == sorted(names, key=str.lower)
    view.clear()
    assert view.card_text("cost") == "--"


def test_card_texts_handle_missing_values():
    from twin_app.gui.kpi_view import card_texts

    texts = card_texts({"orders_completed": 0, "lead_time": {"mean": None}, "on_time_rate": None})
    assert texts["lead_mean"][0] == "--"
    assert texts["on_time"][0] == "--"


def test_time_axis_and_clock_format():
    from twin_app.gui.theme import format_clock, format_duration

    assert format_clock(0) == "0d 00:00"
    assert format_clock(1440 + 61) == "1d 01:01"
    assert format_duration(30) == "30 min"
    assert format_duration(300) == "5.0 h"


def test_wip_curve_ends_at_the_last_wip_value(qtbot, tiny, tiny_half_result):
    from twin_app.analysis.kpis import wip_over_time
    from twin_app.gui.kpi_view import KpiView

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    show(view, tiny_half_result)
    times, wip = wip_over_time(tiny_half_result)
    assert wip[-1] > 0  # orders still open at the end of the half run
    x, y = view.wip_curve.getData()
    # A plain polyline (no stepMode, which draws a drop to the fill level at the last edge).
    assert not view.wip_curve.opts.get("stepMode") and len(x) == len(y)
    assert x[-1] == pytest.approx(tiny_half_result.end) and y[-1] == wip[-1]
    assert x[0] == pytest.approx(times[0]) and y[0] == wip[0]
    assert np.all(np.diff(x) >= 0)


def test_kpi_and_owner_views_ignore_empty_return_trips(qtbot, tiny, hand_result):
    """An empty way back (TRANSPORT, order -1, no load, no cost) is no order anywhere."""
    from PySide6.QtCore import Qt

    from twin_app.analysis.result import RunResult
    from twin_app.analysis.snapshot import lane_flows
    from twin_app.gui.kpi_view import KpiView
    from twin_app.model.events import EventKind

    empty = np.zeros(1, dtype=hand_result.events.dtype)
    vehicle = hand_result.layout.n_machine_units
    empty[0] = (40.0, 70.0, EventKind.TRANSPORT, vehicle, 2, -1, -1, -1, 0.0, 0.0)
    with_empty = RunResult(
        tiny, hand_result.layout, np.concatenate([hand_result.events, empty]), hand_result.orders, 0.0, 100.0
    )
    views = []
    for result in (hand_result, with_empty):
        view = KpiView()
        qtbot.addWidget(view)
        view.set_run(context(tiny))
        show(view, result)
        views.append(view)
    base, other = views
    for key in ("completed", "throughput", "lead_mean", "on_time", "wip", "cost", "revenue"):
        assert other.card_text(key) == base.card_text(key), key
    rows = base.table_model.rowCount()
    assert other.table_model.rowCount() == rows
    for column in (4, 5, 6):  # cost, revenue, profit per owner
        got = sorted(other.table_model.index(r, column).data(Qt.ItemDataRole.UserRole + 1) for r in range(rows))
        want = sorted(base.table_model.index(r, column).data(Qt.ItemDataRole.UserRole + 1) for r in range(rows))
        assert got == want
    assert np.array_equal(lane_flows(with_empty), lane_flows(hand_result))


def test_map_labels_never_cover_each_other_or_another_node():
    from twin_app.gui.map_model import place_labels

    rng = np.random.default_rng(3)
    n = 60
    points = rng.uniform(0, 400, (n, 2))  # crowded: not every label can be shown
    radius = np.full(n, 8.0)
    widths = rng.uniform(40, 120, n)
    shown, centre = place_labels(points, radius, widths, 14.0, priority=rng.uniform(0, 1, n))
    assert 0 < shown.sum() < n
    boxes = {int(i): (centre[i, 0] - widths[i] / 2, centre[i, 1] - 7, centre[i, 0] + widths[i] / 2, centre[i, 1] + 7)
             for i in np.flatnonzero(shown)}  # fmt: skip

    def overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for i, a in boxes.items():
        for j, b in boxes.items():
            assert i == j or not overlap(a, b)
        for k in range(n):
            node = (points[k, 0] - 8, points[k, 1] - 8, points[k, 0] + 8, points[k, 1] + 8)
            assert not overlap(a, node), (i, k)


def test_map_labels_stay_inside_the_view():
    from twin_app.gui.map_model import place_labels

    # A node at each edge with a label wider than the gap to the border.
    points = np.array([[3.0, 150.0], [397.0, 150.0], [200.0, 2.0], [200.0, 298.0]])
    widths = np.array([120.0, 120.0, 90.0, 90.0])
    shown, centre = place_labels(points, np.full(4, 6.0), widths, 14.0, np.ones(4), view_px=(400.0, 300.0))
    assert shown.all()
    assert np.all(centre[:, 0] - widths / 2 >= 0) and np.all(centre[:, 0] + widths / 2 <= 400)
    assert np.all(centre[:, 1] - 7 >= 0) and np.all(centre[:, 1] + 7 <= 300)


def test_the_map_legend_lists_every_owner(qtbot, samples_dir):
    from PySide6.QtCore import Qt

    from twin_app.gui.network_map import NetworkMapView
    from twin_app.io.scenario_file import load_scenario

    demo = load_scenario(samples_dir / "cloud_factory_demo.json")
    view = NetworkMapView()
    qtbot.addWidget(view)
    view.set_run(context(demo))
    listed = [view.owner_list.item(i).text() for i in range(view.owner_list.count())]
    assert len(demo.owners) == 16 and len(listed) == 16 + 1  # every owner, and the customers
    for owner in demo.owners:
        assert any(row.startswith(owner.name or owner.id) for row in listed)
    colors = {view.owner_list.item(i).icon().pixmap(12, 12).toImage().pixelColor(6, 6).name() for i in range(16)}
    assert len(colors) == 16  # 16 owners, 16 distinct colours
    # narrow (1280x720 on stage): a long name ends in '...', with no sideways scroll bar (T9)
    view.resize(700, 500)
    view.owner_list.setFixedWidth(160)
    view.show()
    qtbot.waitExposed(view)
    assert not view.owner_list.horizontalScrollBar().isVisible()
    assert view.owner_list.textElideMode() == Qt.TextElideMode.ElideRight


def test_a_large_network_is_drawn_as_clusters_that_split_on_zoom(qtbot, samples_dir):
    from twin_app.gui.network_map import NetworkMapView
    from twin_app.io.scenario_file import load_scenario

    large = load_scenario(samples_dir / "large_network.json")
    view = NetworkMapView()
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    view.set_run(context(large))
    view.redraw()
    far = len(view.clusters.centre)
    assert far < len(large.sites) / 3  # 216 sites read as a few dozen regions
    assert view.clusters.machines.sum() == sum(m.capacity for m in large.machines)
    xy = view.model.positions[:10]
    vb = view.plot_widget.getPlotItem().getViewBox()
    vb.setRange(xRange=(xy[:, 0].min() - 5, xy[:, 0].min() + 45), yRange=(xy[:, 1].min() - 5, xy[:, 1].min() + 45))
    view.redraw()
    assert len(view.clusters.centre) > far  # zoomed in, clusters open up


def test_the_living_map_moves_vehicles_and_shows_queues(qtbot, tiny):
    from twin_app.experiments.live_state import LiveState
    from twin_app.gui.network_map import NetworkMapView
    from twin_app.gui.view import ViewUpdate

    view = NetworkMapView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    a, b = view.model.lane_ends[0]
    lane = int(view.model.lane_index[0])
    positions = []
    for progress in (0.25, 0.75):
        queue = np.zeros(len(view.model.positions))
        queue[0] = 4.0
        live = LiveState(10.0, np.array([lane]), np.array([progress]), np.array([True]), np.array([3.0]), queue)
        view.update(ViewUpdate(10.0, live=live))
        x, y = view.vehicles.getData()
        positions.append((x[0], y[0]))
    start, end = view.model.positions[a], view.model.positions[b]
    assert np.allclose(positions[0], start + 0.25 * (end - start))
    assert np.allclose(positions[1], start + 0.75 * (end - start))  # it moved along its lane
    assert sum(len(halo.getData()[0]) for halo in view.halos) == 1  # four parts wait at the first site


def test_kpi_cards_behind_the_charts_say_so(qtbot, tiny, tiny_result, tiny_half_result):
    """The cards come from the money's analysis process and can lag the charts by days on a
    large run (the trial: day 4 cards beside a day 8 histogram, nothing saying so)."""
    from twin_app.analysis.snapshot import PARTS, Analysis
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.theme import format_clock
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    half = show(view, tiny_half_result)
    assert view.as_of.isHidden()  # cards and charts over the same data
    whole = Analysis(tiny_result)
    whole.compute(*view.needs)
    values = {p: getattr(whole, p) for p in PARTS if whole.has(p)}
    values.update({p: getattr(half, p) for p in ("accounts", "kpis", "owner_table") if half.has(p)})
    merged = Analysis.from_parts(tiny_result, values)  # as the two processes' answers merge
    view.update(ViewUpdate(tiny_result.end, analysis=merged))
    assert not view.as_of.isHidden()
    text = view.as_of.text()
    assert format_clock(tiny_half_result.end) in text and format_clock(tiny_result.end) in text
    show(view, tiny_result)  # the money caught up
    assert view.as_of.isHidden()


def test_bottlenecks_and_utilisation_behind_the_run_say_so(qtbot, tiny, tiny_half_result):
    """The trial: during a fast run of the large network the Bottlenecks charts stopped at day 2
    while the clock read day 6, with nothing saying the figures were behind."""
    from twin_app.analysis.snapshot import Analysis
    from twin_app.gui.bottleneck_view import BottleneckView
    from twin_app.gui.utilisation_view import UtilisationView
    from twin_app.gui.view import ViewUpdate

    end = float(tiny_half_result.end)
    for view in (BottleneckView(), UtilisationView()):
        qtbot.addWidget(view)
        view.set_run(context(tiny))
        analysis = Analysis(tiny_half_result)
        analysis.compute(*view.needs)
        note = view.summary if isinstance(view, BottleneckView) else view.empty_note
        view.update(ViewUpdate(end + 3 * 1440.0, analysis=analysis))  # the run is 3 days further on
        assert "up to 0d" in note.text() and "being worked out" in note.text()
        assert not note.isHidden()
        view.update(ViewUpdate(end, analysis=analysis))  # the figures caught up with the run
        assert "worked out" not in note.text()
        if isinstance(view, BottleneckView):
            assert note.text().startswith("Main bottleneck")
        else:
            assert note.isHidden()


def test_the_window_has_what_the_first_kpi_draw_imports_before_a_run():
    """The first WIP curve of a run (np.unique) imported numpy.ma in one of the run's longest
    gaps; the window's modules import it when the window is built."""
    import subprocess
    import sys

    code = "import sys, twin_app.gui.main_window; print('numpy.ma' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "True"


def test_utilisation_row_names_thin_out_rather_than_overlap(qtbot, window, samples_dir):
    """T9 at 1280x720 in presentation mode: 30 rows of 13 px under names 17 px high, each over
    the next. Rows lower than a line of text are named every second (third...) row."""
    from PySide6.QtGui import QFontMetrics

    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.run_to(1440.0)
    window.show()
    view = window.utilisation_view
    window.show_view("utilisation")

    def named_rows() -> list[float]:
        axis = view.bars_widget.getPlotItem().getAxis("left")
        return [value for value, _ in axis._tickLevels[0]]

    def row_px() -> float:
        box = view.bars_widget.getPlotItem().getViewBox()
        y0, y1 = box.viewRange()[1]
        return box.height() / (y1 - y0)

    axis = view.bars_widget.getPlotItem().getAxis("left")
    line = QFontMetrics(axis.style["tickFont"] or axis.font()).height()
    window.resize(1400, 1000)
    qtbot.waitUntil(lambda: row_px() >= line)
    rows = named_rows()
    assert rows == [float(i) for i in range(int(rows[0]), int(rows[-1]) + 1)]  # every row named
    window.resize(1400, 560)
    qtbot.waitUntil(lambda: row_px() < line)
    rows = named_rows()
    assert len(rows) > 3
    assert min(b - a for a, b in pairwise(rows)) * row_px() >= line  # no name over the next


def test_the_time_charts_zoom_no_further_out_than_the_run(qtbot, window, tiny_path):
    """T10: the wheel over the Bottlenecks strip zoomed it out to 'day -7'..'day 14', the bars a
    sliver. The strip and the utilisation chart over time zoom between a minute and the run."""
    window.open_scenario(tiny_path)
    window.run_to(1440.0)
    for name, plot in (
        ("bottlenecks", lambda: window.bottleneck_view.strip_widget.getPlotItem()),
        ("utilisation", lambda: window.utilisation_view.time_widget.getPlotItem()),
    ):
        window.show_view(name)
        box = plot().getViewBox()
        box.scaleBy((50.0, 1.0))  # the wheel, far out
        x0, x1 = box.viewRange()[0]
        assert x0 >= -0.03 * 1440.0 and x1 <= 1.03 * 1440.0, name
        box.scaleBy((1e-6, 1.0))  # and far in
        x0, x1 = box.viewRange()[0]
        assert x1 - x0 >= 0.999, name  # a simulated minute at least
