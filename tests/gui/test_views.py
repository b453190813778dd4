"""Each analysis view built over a result, changed with new data, and checked as drawn."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def network(tiny):
    from twin_app.model.layout import Layout
    from twin_app.model.network import Network

    return Layout.build(tiny), Network.build(tiny)


def test_map_nodes_lanes_and_details(qtbot, tiny, network, tiny_result, hand_result):
    from twin_app.gui.network_map import NetworkMapView

    layout, net = network
    view = NetworkMapView()
    qtbot.addWidget(view)
    view.set_run(tiny, layout, net)
    assert len(view.model.positions) == 3  # two sites and a customer
    view.set_color_mode("owner")
    owner_colors = [c.name() for c in view.node_brushes()]
    assert owner_colors[0] != owner_colors[1]  # acme and bolt differ

    view.set_color_mode("utilisation")
    view.update_result(hand_result)
    # A-mill (site acme-1, with A-asm) busy 50 of 100 minutes; bolt-1's B-cell idle.
    assert view.model.utilisation[0] == pytest.approx(50 / 200, rel=0.05)
    assert view.model.utilisation[1] == pytest.approx(0.0)
    colors = view.node_brushes()
    assert colors[0].name() != colors[1].name()
    assert view.model.flow.sum() == pytest.approx(4.0)  # one transport of 4 units on L1

    view.update_result(tiny_result)  # new data: the real run
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
    from twin_app.model.layout import Layout
    from twin_app.model.network import Network
    from twin_app.model.scenario import Customer, Site

    flat = tiny.with_changes(
        sites=tuple(Site(s.id, s.owner, s.name) for s in tiny.sites),
        customers=tuple(Customer(c.id, c.name) for c in tiny.customers),
    )
    view = NetworkMapView()
    qtbot.addWidget(view)
    view.set_run(flat, Layout.build(flat), Network.build(flat))
    pos = view.model.positions
    assert np.ptp(pos[:, 0]) > 0 and np.ptp(pos[:, 1]) > 0


def test_utilisation_bars_per_machine_and_owner(qtbot, tiny, hand_result, tiny_result):
    from twin_app.gui.utilisation_view import UtilisationView

    view = UtilisationView()
    qtbot.addWidget(view)
    view.set_run(tiny, hand_result.layout)
    view.update_result(hand_result)
    assert view.row_labels == ["A-mill", "A-asm", "B-cell"]
    assert view.bar_widths("busy")[0] == pytest.approx(50.0)
    assert view.bar_widths("down")[2] == pytest.approx(12.5)  # one of two units down 25 of 100
    total = sum(view.bar_widths(s) for s in ("busy", "setup", "idle", "blocked", "down", "off_shift"))
    assert np.allclose(total, 100.0)

    view.set_group("owner")
    assert view.row_labels == ["Acme Machining", "Bolt Works", "TruckCo"]
    assert view.bar_widths("busy")[0] == pytest.approx(25.0)  # 50 of 200 machine-unit minutes

    view.set_group("machine")
    view.update_result(tiny_result)
    assert 0 < view.bar_widths("busy")[0] < 100
    assert view.time_curves[-1].yData.max() == pytest.approx(100.0)


def test_bottleneck_strip_and_ranking(qtbot, tiny, tiny_result, hand_result):
    from twin_app.analysis.bottleneck import analyse_bottlenecks, ranking
    from twin_app.gui.bottleneck_view import BottleneckView

    view = BottleneckView()
    qtbot.addWidget(view)
    view.set_run(tiny, tiny_result.layout)
    view.update_result(tiny_result)
    analysis = analyse_bottlenecks(tiny_result)
    assert len(view.segments["start"]) == len(analysis.strip_start)
    expected = [(tiny_result.layout.resources[r].id, s * 100, h * 100) for r, s, h in ranking(analysis) if s + h > 0]
    drawn = view.ranking_shares()
    assert [d[0] for d in drawn] == [e[0] for e in expected[: len(drawn)]]
    assert drawn[0][1] == pytest.approx(expected[0][1])
    assert "Main bottleneck" in view.summary.text()

    view.update_result(hand_result)  # only A-mill is ever active in the hand-made log
    assert view.row_labels[0] == "A-mill"
    assert set(view.segments["row"]) == {0}


def test_kpi_cards_charts_and_table(qtbot, tiny, tiny_result, tiny_half_result):
    from PySide6.QtCore import Qt

    from twin_app.analysis.kpis import compute_kpis
    from twin_app.gui.kpi_view import KpiView

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(tiny, tiny_result.layout)
    assert view.card_text("throughput") == "--"
    view.update_result(tiny_half_result)
    half = view.card_text("completed")
    view.update_result(tiny_result)
    kpis = compute_kpis(tiny_result)
    assert view.card_text("completed") == f"{kpis['orders_completed']:,}"
    assert view.card_text("completed") != half
    assert view.card_text("on_time") == f"{kpis['on_time_rate'] * 100:.1f} %"
    assert view.card_text("throughput") == f"{kpis['throughput']['per_day']:.1f} /day"
    assert view.hist_bars.opts["height"].sum() == kpis["lead_time"]["count"]

    assert view.proxy.rowCount() == 3
    view.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # cost
    costs = [view.proxy.index(r, 4).data(Qt.ItemDataRole.UserRole + 1) for r in range(3)]
    assert costs == sorted(costs)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [view.proxy.index(r, 0).data() for r in range(3)]
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
    view.set_run(tiny, tiny_half_result.layout)
    view.update_result(tiny_half_result)
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
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.network_map import lane_flows
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
        view.set_run(tiny, result.layout)
        view.update_result(result)
        views.append(view)
    base, other = views
    for key in ("completed", "throughput", "lead_mean", "on_time", "wip", "cost", "revenue"):
        assert other.card_text(key) == base.card_text(key), key
    rows = base.proxy.rowCount()
    assert other.proxy.rowCount() == rows
    for column in (4, 5, 6):  # cost, revenue, profit per owner
        got = sorted(other.proxy.index(r, column).data(Qt.ItemDataRole.UserRole + 1) for r in range(rows))
        want = sorted(base.proxy.index(r, column).data(Qt.ItemDataRole.UserRole + 1) for r in range(rows))
        assert got == want
    lanes = np.arange(len(tiny.lanes))
    assert np.array_equal(lane_flows(with_empty, lanes), lane_flows(hand_result, lanes))


def test_map_labels_of_close_nodes_go_to_opposite_sides():
    from twin_app.gui.network_map import labels_above

    pos = np.array([[50.0, 50.0], [51.0, 48.0], [10.0, 90.0], [90.0, 10.0]])  # a hub, its site, two far
    above = labels_above(pos)
    assert above.tolist() == [True, False, False, False]  # the upper of the close pair goes above
