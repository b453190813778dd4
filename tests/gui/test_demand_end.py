"""The WIP chart marks where the last order was released when the demand ends before the run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import DATA
from twin_app.gui.demand_end import demand_ended_at, releases_of


def test_the_releases_are_where_the_wip_rises():
    times = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    wip = np.array([1, 2, 1, 2, 2])
    assert releases_of(times, wip).tolist() == [0.0, 10.0, 30.0]


@pytest.mark.parametrize(
    ("releases", "expected"),
    [
        (np.arange(0.0, 1001.0, 10.0), 1000.0),  # every 10 min until 1000, the chart to 1500
        (np.arange(0.0, 1491.0, 10.0), None),  # still releasing at the end
        (np.arange(0.0, 1001.0, 200.0), None),  # sparse demand: 500 quiet minutes are 2.5 gaps
        (np.array([700.0]), None),  # one order says nothing of a rate
    ],
)
def test_the_demand_has_ended_only_when_releases_stopped_well_before_the_end(releases, expected):
    assert demand_ended_at(releases, 0.0, 1500.0) == expected


def _tiny_with(tmp_path, max_orders):
    data = json.loads((DATA / "tiny.json").read_text(encoding="utf-8"))
    if max_orders is not None:
        data["demand"]["streams"][0]["max_orders"] = max_orders
    path = tmp_path / "tiny_limited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_wip_chart_marks_the_last_release_of_a_demand_that_ended(window, tmp_path):
    assert window.open_scenario(_tiny_with(tmp_path, 20), ask=False)
    window.run_to(2880.0)
    window.show_view("kpis")
    marker = window.kpi_view.demand_end
    last_release = float(np.max(window.session.collector.orders["release"]))
    assert marker.at == pytest.approx(last_release)
    assert marker.line.label.toPlainText() == "last order released"


def test_no_mark_while_orders_keep_coming(window, tmp_path):
    assert window.open_scenario(_tiny_with(tmp_path, None), ask=False)
    window.run_to(2880.0)
    window.show_view("kpis")
    assert window.kpi_view.demand_end.at is None
