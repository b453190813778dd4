"""Trust over time in the KPI view: the owners' mean and the lowest owner, named, from the
trust the analysis gives at each refresh, after the owners' starting trust at time 0."""

from __future__ import annotations

import pytest

from twin_app.gui.trust_chart import TrustSamples


def test_samples_keep_the_mean_and_the_lowest_owner_and_start_over_for_another_run() -> None:
    samples = TrustSamples()
    samples.start({"acme": 1.0, "bolt": 0.9})
    assert samples.add(600.0, {"acme": 0.8, "bolt": 0.95})
    assert samples.times == [0.0, 600.0]
    assert samples.mean == pytest.approx([0.95, 0.875])
    assert samples.lowest == pytest.approx([0.9, 0.8]) and samples.lowest_owner == ["bolt", "acme"]
    assert samples.add(600.0, {"acme": 0.7, "bolt": 0.95})  # the same moment again: replaced
    assert samples.times == [0.0, 600.0] and samples.lowest == pytest.approx([0.9, 0.7])
    assert samples.add(300.0, {"acme": 1.0, "bolt": 0.5})  # earlier: another run (a reset)
    assert samples.times == [0.0, 300.0] and samples.lowest_owner == ["bolt", "bolt"]
    assert not samples.add(900.0, {})  # an analysis without trust adds nothing
    assert samples.times == [0.0, 300.0]


def test_the_kpi_view_draws_trust_from_the_start_to_now_with_the_lowest_owner_by_name(window, tiny_path) -> None:
    assert window.open_scenario(tiny_path)
    window.show_view("kpis")
    window.run_to(2880.0)
    chart = window.kpi_view.trust_chart
    trust = window.kpi_view.kpis["trust"]["by_owner"]
    owner = min(trust, key=lambda k: (trust[k], k))
    names = {o.id: o.name for o in window.scenario.owners}
    x, y = chart.lowest_curve.getData()
    assert list(x) == [0.0, 2880.0]
    assert y[0] == min(o.trust for o in window.scenario.owners) and y[-1] == pytest.approx(trust[owner])
    assert chart.lowest_text() == f"lowest: {names[owner]} {trust[owner]:.3f}"  # a name, not an id
    assert chart.legend.getLabel(chart.lowest_curve).text == chart.lowest_text()
    _, mean = chart.mean_curve.getData()
    assert mean[-1] == pytest.approx(sum(trust.values()) / len(trust))
    window.reset(ask=False)
    x, _ = chart.lowest_curve.getData()
    assert list(x) == [0.0]  # back to the owners' starting trust
