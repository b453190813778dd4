"""Sweep view: the spec it builds, and plots, best point and report that match sweep()."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from twin_app.experiments.sweep import sweep
from twin_app.experiments.sweep_fields import field_paths, levels_text, parse_levels

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.json"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """tiny.json with a shorter run (a sweep of it takes seconds)."""
    data = json.loads(TINY.read_text())
    data["run"]["horizon"] = 1500.0
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def view(qtbot, tmp_path: Path, base: Path):
    from twin_app.gui.sweep_view import SweepView

    v = SweepView()
    v.database = tmp_path / "results.sqlite"
    v.workers = 1
    qtbot.addWidget(v)
    v.resize(1400, 900)
    v.set_base_file(base)
    yield v
    v.run_bar.wait()


def test_levels_are_read_as_typed_and_written_back() -> None:
    assert parse_levels("2, 4, 6") == [2, 4, 6]
    assert parse_levels("on_demand, when_full") == ["on_demand", "when_full"]
    policies = '{"policy": "on_demand"}, {"policy": "when_full", "max_wait": 240}'
    assert parse_levels(policies) == [{"policy": "on_demand"}, {"policy": "when_full", "max_wait": 240}]
    assert parse_levels("2..6", "lhs") == {"min": 2, "max": 6, "integer": True}
    assert parse_levels(levels_text([{"policy": "on_demand"}, 3, "edd"])) == [{"policy": "on_demand"}, 3, "edd"]


def test_a_factorial_range_of_whole_numbers_is_every_level_in_it(qtbot, view) -> None:
    """The header offers "a range 2..6": in a factorial design 1..3 means the levels 1, 2, 3."""
    view.add_factor("lanes[L1].vehicles", None)
    view.factors.item(0, 1).setText("1..3")
    assert view.spec().factors[0].levels == (1, 2, 3)
    assert "every whole number" in view.factors.horizontalHeaderItem(1).toolTip()
    view.factors.item(0, 1).setText("0.5..1.5")
    view.run()
    status = view.run_bar.status.text()
    assert status.startswith("Cannot run:") and "listed" in status and "Latin hypercube" in status


def test_an_edited_base_is_named_by_the_users_file_not_the_scratch_copy(qtbot, tmp_path: Path, base: Path) -> None:
    """The view and History say "tiny.json (edited)", not /tmp/twin-sweep-.../tiny_edited.json;
    the how-to hint goes once there are factors."""
    from twin_app.gui.sweep_view import SweepView
    from twin_app.io.scenario_file import load_scenario
    from twin_app.store.experiment_log import ExperimentLog

    scenario = load_scenario(base)
    view = SweepView(lambda: (scenario, base, True))
    view.database, view.workers = tmp_path / "results.sqlite", 1
    qtbot.addWidget(view)
    view.refresh_fields()
    assert view.base_label.text() == f"Base: {base} (edited)"
    assert not view.hint.isHidden()
    view.add_factor("lanes[L1].vehicles", [1, 2])
    assert view.hint.isHidden()
    view.run_bar.replications.setValue(1)
    with qtbot.waitSignal(view.swept, timeout=120_000) as caught:
        view.run_bar.run_button.click()
    view.run_bar.wait()
    assert caught.args[0].base == f"{base} (edited)"
    with ExperimentLog(view.database) as log:
        (row,) = [r for r in log.experiments() if r["kind"] == "sweep"]
        stored = log.load(row["id"])
    assert row["name"] == "sweep of tiny (edited)"
    assert stored["summary"]["base"] == f"{base} (edited)"
    assert "twin-sweep-" not in json.dumps(stored["summary"])
    assert view.hint.isHidden() and view.best_text.text().startswith("Sweep")


def test_kpi_selectors_show_labels_and_keep_paths(qtbot, view) -> None:
    """The objective shows "Cost per unit", not cost.per_unit; the spec still gets the path."""
    assert view.objective_kpi.currentText() == "Cost per unit"
    assert view.objective_kpi.itemData(view.objective_kpi.currentIndex(), Qt.ItemDataRole.ToolTipRole) == (
        "cost.per_unit"
    )
    labels = [view.heat_kpi.itemText(i) for i in range(view.heat_kpi.count())]
    assert "Lead time mean (min)" in labels and "lead_time.mean" not in labels
    view.add_factor("lanes[L1].vehicles", [1, 2])
    view.objective_kpi.set_path("lead_time.mean")
    spec = view.spec()
    assert (spec.objective.goal, spec.objective.kpi) == ("min", "lead_time.mean")
    assert spec.pareto[1].kpi == "on_time_rate"
    view.objective_kpi.setEditText("wip.mean")  # a path typed by hand
    assert view.spec().objective.kpi == "wip.mean"


def test_fields_are_browsed_by_element_id_grouped_and_filtered(qtbot, view, monkeypatch) -> None:
    """Each lane by id, not only lanes[*]: grouped by section and element, with a filter box."""
    from twin_app.gui import sweep_view
    from twin_app.gui.field_picker import FieldTree

    paths = field_paths(json.loads((ROOT / "sample_networks" / "asset_light.json").read_text()))
    tree = FieldTree()
    qtbot.addWidget(tree)
    tree.set_paths(paths)
    top = [tree.tree.topLevelItem(i).text(0) for i in range(tree.tree.topLevelItemCount())]
    assert "lanes" in top and "machines" in top and len(top) < 20  # sections, not 1,170 rows
    lanes = tree.tree.topLevelItem(top.index("lanes"))
    elements = [lanes.child(i).text(0) for i in range(lanes.childCount())]
    assert elements[0] == "every element of lanes [*]" and "velo-a-shop--velo-b-shop" in elements
    tree.filter.setText("velo-a-shop--velo-b-shop vehicles")
    assert tree.paths() == ["lanes[velo-a-shop--velo-b-shop].vehicles"]
    tree.filter.clear()
    assert len(tree.paths()) == len(paths)

    seen: list[list[str]] = []
    monkeypatch.setattr(sweep_view, "pick_field", lambda _parent, offered: seen.append(offered) or "lanes[L1].vehicles")
    view.browse_fields()
    assert "lanes[L1].vehicles" in seen[0] and view.field_picker.currentText() == "lanes[L1].vehicles"


def test_the_picker_lists_the_scenarios_fields_as_sweep_paths() -> None:
    paths = field_paths(json.loads(TINY.read_text()))
    for path in ("lanes[*].vehicles", "lanes[L1].vehicles", "machines[B-cell].capacity", "platform.sequencing"):
        assert path in paths
    assert "machines[A-mill].failures.mtbf" in paths  # a distribution as a whole


def test_plots_best_point_and_report_match_sweep(qtbot, view, tmp_path: Path, monkeypatch) -> None:
    view.add_factor("lanes[L1].vehicles", [1, 3])
    view.add_factor("machines[B-cell].capacity", 1)  # as the editor sends it: one current value
    view.factors.item(1, 1).setText("1, 2")
    view.objective_goal.setCurrentText("min")
    view.objective_kpi.set_path("lead_time.mean")
    view.pareto_a[1].set_path("cost.per_unit")
    view.pareto_b[1].set_path("on_time_rate")
    view.run_bar.replications.setValue(2)
    view.run_bar.seed.setValue(4)
    with qtbot.waitSignal(view.swept, timeout=120_000) as caught:
        view.run_bar.run_button.click()
    shown = caught.args[0]

    expected = sweep(view.spec(), workers=1)
    assert [p.values for p in shown.points] == [p.values for p in expected.points]
    assert len(shown.points) == 4
    for mine, theirs in zip(shown.estimates, expected.estimates, strict=True):
        assert {k: e.to_dict() for k, e in mine.items()} == {k: e.to_dict() for k, e in theirs.items()}
    assert (shown.best, shown.runner_up, shown.front) == (expected.best, expected.runner_up, expected.front)
    assert shown.best_vs_runner_up == expected.best_vs_runner_up

    # the answer reads as the CLI's lines
    cli = expected.table()
    best_line = next(line for line in cli.splitlines() if line.startswith("Best point"))
    assert best_line in view.best_text.text()
    assert "against the runner-up" in view.best_text.text()
    marked = view.table.item(expected.best, 0).text()
    assert marked.startswith(f"{expected.best + 1} (best")

    # KPI against factor: the means of the objective, one series per level of the other factor
    view.effect_factor.setCurrentText("lanes[L1].vehicles")
    drawn = view.draw_effect()
    means = {
        (p.values["lanes[L1].vehicles"], p.values["machines[B-cell].capacity"]): expected.estimates[p.index][
            "lead_time.mean"
        ].mean
        for p in expected.points
    }
    assert set(drawn) == {"capacity=1", "capacity=2"}
    for capacity in (1, 2):
        x, y = drawn[f"capacity={capacity}"]
        assert list(x) == [1.0, 3.0]
        assert list(y) == [means[(1, capacity)], means[(3, capacity)]]

    # heatmap: one cell per point, the objective's mean
    image = view.draw_heatmap()
    grid = image.image
    assert grid.shape == (2, 2)
    assert np.allclose(grid, [[means[(1, 1)], means[(1, 2)]], [means[(3, 1)], means[(3, 2)]]])

    # the points table's CSV carries "<KPI> mean" and "<KPI> ci95" numbers, not "110.5 ± 2.35"
    from twin_app.gui.table_export import write_csv

    rows = list(csv.reader(write_csv(view.table, tmp_path / "points.csv").open(encoding="utf-8", newline="")))
    column = rows[0].index("Lead time mean (min) mean")
    assert rows[0][column + 1] == "Lead time mean (min) ci95"
    for point in expected.points:
        estimate = expected.estimates[point.index]["lead_time.mean"]
        assert float(rows[1 + point.index][column]) == pytest.approx(estimate.mean)
        assert float(rows[1 + point.index][column + 1]) == pytest.approx(estimate.half_width)

    from twin_app.gui import decision_common

    report = tmp_path / "sweep.html"
    monkeypatch.setattr(decision_common.QFileDialog, "getSaveFileName", lambda *args: (str(report), "HTML"))
    view.report_button.click()  # Write HTML report... (the path typed in the save dialog)
    assert view.run_bar.status.text() == f"Report written to {report}"
    html = report.read_text(encoding="utf-8")
    assert "<table" in html and "lanes[L1].vehicles" in html and "Pareto" in html


def test_a_bad_factor_is_refused_with_the_specs_message(qtbot, view) -> None:
    view.add_factor("lanes[L9].vehicles", [1, 2])
    view.run()
    assert not view.run_bar.running
    status = view.run_bar.status.text()
    assert status.startswith("Cannot run:") and "L9" in status and "L1" in status  # names the place, suggests


def test_the_editors_field_request_adds_a_factor_and_shows_the_sweep_tab(qtbot, window, samples_dir) -> None:
    from PySide6.QtCore import QObject, Signal

    from twin_app.gui.decisions import connect_decisions
    from twin_app.io.scenario_file import load_scenario

    class Editor(QObject):  # what the scenario editor emits from a field's "Sweep this field..."
        sweep_field_requested = Signal(str, object)

    light = samples_dir / "asset_light.json"
    window.set_scenario(load_scenario(light), light)
    window.show()
    qtbot.waitExposed(window)
    editor = Editor(window)
    connect_decisions(window)
    editor.sweep_field_requested.emit("lanes[*].vehicles", 2)
    assert window.tabs.currentWidget() is window.sweep_view
    assert window.sweep_view.factor_rows() == [("lanes[*].vehicles", "2")]
    assert window.sweep_view.base_label.text() == f"Base: {light}"
    picker = window.sweep_view.field_picker
    picker.showPopup()  # the fields are listed when the user reaches for the picker
    assert "lanes[*].vehicles" in [picker.itemText(i) for i in range(picker.count())]
    picker.hidePopup()


def test_showing_the_tab_lists_no_fields_until_the_user_reaches_for_the_picker(qtbot, base: Path, monkeypatch) -> None:
    """Switching to Sweep on the large network read and walked 8 MB (0.1-0.4 s); the base's
    name and seed show at once, its fields when the picker is first used, and again after a
    new scenario."""
    from twin_app.gui import sweep_view
    from twin_app.gui.sweep_view import SweepView
    from twin_app.io.scenario_file import load_scenario

    walked: list[int] = []
    monkeypatch.setattr(sweep_view, "field_paths", lambda data: walked.append(1) or field_paths(data))
    scenario = load_scenario(base)
    view = SweepView(lambda: (scenario, base, False))
    qtbot.addWidget(view)
    view.show()
    view.set_run(None)
    assert walked == [] and view.field_picker.count() == 0
    assert view.base_label.text() == f"Base: {base}" and view.run_bar.seed.value() == scenario.run.seed
    assert view.field_picker.currentText() == "lanes[*].vehicles"  # Add factor works before any list
    view.field_picker.setFocus()
    qtbot.waitUntil(lambda: walked == [1])
    assert "lanes[L1].vehicles" in [view.field_picker.itemText(i) for i in range(view.field_picker.count())]
    view.field_picker.showPopup()
    view.field_picker.hidePopup()
    assert walked == [1]  # once per base
    view.set_run(None)
    view.field_picker.showPopup()
    view.field_picker.hidePopup()
    assert walked == [1, 1]
