"""Trust over time in the KPI view: the owners' mean and the lowest owner, exact step functions
from the analysis's trust_band, with the owner lowest at the end named."""

from __future__ import annotations

import math

import numpy as np
import pytest


def test_the_kpi_view_draws_trust_from_the_start_to_now_with_the_lowest_owner_by_name(window, tiny_path) -> None:
    from twin_app.analysis.quality import trust_over_time

    assert window.open_scenario(tiny_path)
    window.show_view("kpis")
    window.run_to(2880.0)
    chart = window.kpi_view.trust_chart
    trust = window.kpi_view.kpis["trust"]["by_owner"]
    owner = min(trust, key=lambda k: (trust[k], k))
    names = {o.id: o.name for o in window.scenario.owners}
    x, y = chart.lowest_curve.getData()
    assert x[0] == 0.0 and x[-1] == 2880.0  # from the start to now
    assert y[0] == min(o.trust for o in window.scenario.owners) and y[-1] == pytest.approx(trust[owner])
    if trust[owner] < 1.0:
        shown = math.floor(trust[owner] * 1000) / 1000
        assert chart.lowest_text() == f"lowest now: {names[owner]} {shown:.3f}"  # a name, not an id
    else:
        assert chart.lowest_text() == "lowest now: all at 1.000"
    assert chart.legend.getLabel(chart.lowest_curve).text == chart.lowest_text()
    mx, mean = chart.mean_curve.getData()
    assert mean[-1] == pytest.approx(sum(trust.values()) / len(trust))
    # every step the table of every owner after every delivery has, the chart has too
    session = window.session
    times, scores = trust_over_time(session.collector.result(session.scenario, session.layout, start=0.0))
    for t in np.unique(times):  # once every delivery at t is in (several orders may arrive at once)
        row = scores[np.searchsorted(times, t, side="right") - 1]
        at = np.searchsorted(mx[::2], t, side="right") - 1  # the chart's step in force at t
        assert mean[2 * at] == pytest.approx(row.mean(), abs=1e-12) and y[2 * at] == pytest.approx(row.min())
    assert len(mx) > 4  # trust moved during the run (more than the start)
    window.reset(ask=False)
    x, _ = chart.lowest_curve.getData()
    assert (x is None or len(x) == 0) and chart.lowest_text() == ""  # nothing drawn until the next run is analysed


def test_the_legend_names_who_is_lowest_now_and_no_one_when_all_are_back_at_full_trust(qtbot) -> None:
    """T9 read 'lowest: BikeWorks Frames GmbH 1.000' under a red curve that had dipped to 0.71."""
    from twin_app.gui.trust_chart import TrustChart

    chart = TrustChart()
    qtbot.addWidget(chart)
    chart.labels = ["Alpha", "Beta"]
    times = np.array([0.0, 100.0, 200.0])
    mean = np.array([1.0, 0.855, 0.9])
    chart.show_band((times, mean, np.array([1.0, 0.71, 0.8]), 1), 300.0)
    assert chart.lowest_text() == "lowest now: Beta 0.800"
    chart.show_band((times, np.array([1.0, 0.855, 1.0]), np.array([1.0, 0.71, 1.0]), 0), 300.0)
    assert chart.lowest_text() == "lowest now: all at 1.000"
    assert chart.legend.getLabel(chart.lowest_curve).text == chart.lowest_text()
    chart.show_band((times, mean, np.array([1.0, 0.71, 0.9996]), 1), 300.0)  # not quite back (T10)
    assert chart.lowest_text() == "lowest now: Beta 0.999"


def test_a_long_trust_curve_is_drawn_as_its_envelope_keeping_every_dip() -> None:
    # The large network's 100,000 deliveries are 200,000 vertices a curve; a chart a few hundred
    # pixels wide draws each column's first, highest, lowest and last value instead (a paint of
    # ~40 ms, not ~500), so the lowest owner's single worst moment still shows.
    from twin_app.gui.step_curves import envelope, step_xy

    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0.0, 40_000.0, 100_000))
    lowest = 0.9 - 0.01 * rng.random(100_000)
    lowest[54_321] = 0.2  # one delivery's dip
    x, y = step_xy(times, lowest, 40_000.0)
    ex, ey = envelope(x, y, bins=1_000)
    assert len(ex) <= 4_000 and ex[0] == x[0] and ex[-1] == x[-1] and ey[-1] == y[-1]
    assert ey.min() == 0.2 and ey.max() == y.max()
    assert np.all(np.diff(ex) >= 0)  # still a line from left to right
    few_x, _ = envelope(x[:100], y[:100], bins=1_000)
    assert np.array_equal(few_x, x[:100])  # a short line is drawn as it is
