"""Compare view: the numbers of ``twin-app compare``, what changed, the report, the log, Cancel."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from twin_app.cli import main as cli
from twin_app.experiments.compare import CompareResult
from twin_app.experiments.kpi_paths import info
from twin_app.experiments.text_tables import difference_text, estimate_text, verdict
from twin_app.gui.compare_view import TABLE_MIN_ROWS
from twin_app.gui.decision_tables import VALUE_ROLE

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.json"
UNTIL = 1500.0


@pytest.fixture
def more_trucks(tmp_path: Path) -> Path:
    """tiny.json with lane L1 given 5 vehicles instead of 2 (and a shorter run)."""
    data = json.loads(TINY.read_text())
    data["run"]["horizon"] = UNTIL
    data["lanes"][0]["vehicles"] = 5
    path = tmp_path / "tiny_more_trucks.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def short_tiny(tmp_path: Path) -> Path:
    data = json.loads(TINY.read_text())
    data["run"]["horizon"] = UNTIL
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def view(qtbot, tmp_path: Path):
    from twin_app.gui.compare_view import CompareView

    v = CompareView()
    v.database = tmp_path / "results.sqlite"
    v.workers = 1
    qtbot.addWidget(v)
    v.resize(1400, 900)
    yield v
    v.run_bar.wait()


def run_compare(qtbot, view, replications: int, seed: int) -> CompareResult:
    view.run_bar.replications.setValue(replications)
    view.run_bar.seed.setValue(seed)
    with qtbot.waitSignal(view.compared, timeout=120_000) as caught:
        view.run_bar.run_button.click()
    return caught.args[0]


def test_the_table_shows_exactly_the_numbers_of_twin_app_compare(qtbot, view, short_tiny, more_trucks, capsys):
    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    shown = run_compare(qtbot, view, replications=3, seed=11)

    code = cli(
        [
            "compare",
            str(short_tiny),
            str(more_trucks),
            "--replications",
            "3",
            "--seed",
            "11",
            "--json",
            "--no-db",
            "--workers",
            "1",
        ]
    )
    assert code == 0
    expected = CompareResult.from_dict(json.loads(capsys.readouterr().out))

    assert shown.names == expected.names == ("tiny", "tiny_more_trucks")
    assert [row.path for row in shown.kpis] == [row.path for row in expected.kpis]
    for mine, theirs in zip(shown.kpis, expected.kpis, strict=True):
        assert [e.to_dict() for e in mine.estimates] == [e.to_dict() for e in theirs.estimates], mine.path
        assert mine.differences[1].to_dict() == theirs.differences[1].to_dict(), mine.path

    model = view.table_model
    assert model.rowCount() > 10
    for row, path in enumerate(model.paths):
        theirs, kpi = expected.kpi(path), info(path)
        cells = [model.index(row, c).data() for c in range(model.columnCount())]
        assert cells == [  # the answer next to the KPI's name, then each scenario
            kpi.label,
            difference_text(theirs.differences[1], kpi),
            verdict(theirs.differences[1], kpi),
            estimate_text(theirs.estimates[0], kpi),
            estimate_text(theirs.estimates[1], kpi),
        ]
        assert model.index(row, 3).data(VALUE_ROLE) == theirs.estimates[0].mean
    # and each row reads as the same line of the CLI's table
    lines = expected.table([row.path for row in expected.kpis]).splitlines()
    for row in range(model.rowCount()):
        cells = [model.index(row, c).data() for c in range(model.columnCount())]
        assert any(line.startswith(cells[0] + " ") and all(c in line for c in cells) for line in lines), cells


def test_csv_and_tsv_of_the_tables_carry_means_and_cis_as_numbers(qtbot, view, short_tiny, more_trucks, tmp_path):
    """Not "110.5 ± 2.35" / "49,100 ± 5,668": each mean ± CI column is "<col> mean", "<col> ci95"."""
    import csv

    from PySide6.QtGui import QGuiApplication

    from twin_app.gui.table_export import copy_all, write_csv

    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    result = run_compare(qtbot, view, replications=2, seed=3)
    rows = list(csv.reader(write_csv(view.table, tmp_path / "kpis.csv").open(encoding="utf-8", newline="")))
    header = rows[0]
    assert header[:5] == ["KPI", "tiny_more_trucks - tiny mean", "tiny_more_trucks - tiny ci95", "verdict", "tiny mean"]
    assert header[5:] == ["tiny ci95", "tiny_more_trucks mean", "tiny_more_trucks ci95"]
    for path, row in zip(view.table_model.paths, rows[1:], strict=True):
        expected = result.kpi(path).estimates[0]
        assert float(row[4]) == pytest.approx(expected.mean)
        assert (float(row[5]) if row[5] else None) == pytest.approx(expected.half_width)
        assert all(cell == "" or float(cell) is not None for i, cell in enumerate(row) if i not in (0, 3))
    copy_all(view.owner_table)
    pasted = [line.split("\t") for line in QGuiApplication.clipboard().text().splitlines()]
    assert pasted[0][:3] == ["Owner", "Profit: tiny mean", "Profit: tiny ci95"]
    assert all(cell == "" or float(cell) is not None for line in pasted[1:] for cell in line[1:])


def test_per_owner_pnl_and_plots_show_every_scenario(qtbot, view, short_tiny, more_trucks):
    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    result = run_compare(qtbot, view, replications=2, seed=3)

    owners = view.owner_model
    assert set(owners.owners) == {"acme", "bolt", "truckco"}
    row = owners.owners.index("truckco")
    profit_light = owners.index(row, 2).data(VALUE_ROLE)  # Profit: second scenario
    assert profit_light == result.by_owner[1]["profit.by_owner.truckco"].mean
    lead = [i for i in view.lead_plot.getPlotItem().listDataItems()]
    wip = [i for i in view.wip_plot.getPlotItem().listDataItems()]
    assert len(lead) == len(wip) == 2  # one series per scenario
    assert [i.name() for i in wip] == ["tiny", "tiny_more_trucks"]


def test_per_owner_tab_and_charts_use_owner_names_and_the_legend_clears_the_bars(qtbot, view, short_tiny, more_trucks):
    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    run_compare(qtbot, view, replications=2, seed=3)
    owners = view.owner_model
    shown = {owners.index(r, 0).data() for r in range(owners.rowCount())}
    assert shown == {"Acme Machining", "Bolt Works", "TruckCo"}  # names, not acme / bolt / truckco
    assert owners.index(owners.owners.index("truckco"), 0).data(Qt.ItemDataRole.ToolTipRole) == "truckco"
    for plot in (view.profit_plot, view.utilisation_plot):
        ticks = plot.getPlotItem().getAxis("left")._tickLevels[0]
        assert {label for _, label in ticks} == shown
    view.show()
    qtbot.waitExposed(view)
    for index, plot in ((0, view.profit_plot), (1, view.utilisation_plot)):
        view.tabs.setCurrentIndex(index)
        legend, box = plot.getPlotItem().legend, plot.getPlotItem().getViewBox()
        assert [label.text for _, label in legend.items] == ["tiny", "tiny_more_trucks"]
        qtbot.waitUntil(lambda legend=legend: legend.scenePos().y() > 0)  # laid out
        legend_rect = legend.mapRectToScene(legend.boundingRect())
        box_rect = box.mapRectToScene(box.boundingRect())
        assert not legend_rect.intersects(box_rect)  # beside the bars, not over them


@pytest.mark.parametrize(
    ("width", "height"), [(880, 900), (1200, 900), (880, 520)]
)  # the tab at 1,280 and 1,600 px with the Library open; a low one (1280x720 on stage)
def test_the_profit_chart_is_never_cut_beside_or_under_the_table(qtbot, view, tmp_path, width, height):
    """A chart narrower than its owner names and legend is cut at the right by pyqtgraph, not
    shrunk: it keeps the room it needs beside the table, or moves under it."""
    files = []
    for name, vehicles in (("heavy", 2), ("light", 5)):
        data = json.loads(TINY.read_text())
        data["run"]["horizon"] = UNTIL
        data["lanes"][0]["vehicles"] = vehicles
        data["owners"][0]["name"] = "FlexNet Capacity Pool (rented cells)"
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(data))
        view.pin_file(files[-1])
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    run_compare(qtbot, view, replications=2, seed=3)
    qtbot.wait(50)
    rows = view.table.verticalHeader().defaultSectionSize()
    assert view.table.viewport().height() >= TABLE_MIN_ROWS * rows  # the answer stays readable
    if height < 900:  # no room for the chart under the table: it goes (its figures: Per owner)
        assert view.profit_plot.isHidden()
        return
    plot = view.profit_plot.getPlotItem()
    chart, beside, header = view.profit_plot, view.beside, view.table.horizontalHeader()
    assert chart.width() >= plot.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()  # nothing cut
    names = plot.getAxis("left").minimumWidth()
    assert names > QFontMetrics(view.font()).horizontalAdvance("FlexNet Capacity Pool (rented cells)")
    assert chart.geometry().right() < beside.width() and chart.width() >= names + 200  # room for the bars
    answer = sum(header.sectionSize(c) for c in range(3))  # KPI, difference, verdict
    if width >= 1200:
        assert beside.orientation() == Qt.Orientation.Horizontal and view.table.width() >= answer
    else:
        assert beside.orientation() == Qt.Orientation.Vertical and view.table.width() >= answer
        assert chart.height() >= 200


def test_what_changed_lists_the_changed_lanes_vehicles(qtbot, view, short_tiny, more_trucks):
    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    model = view.diff_tree.model()
    top = model.index(0, 0)
    assert top.data().startswith("tiny_more_trucks vs tiny: 1 difference")
    section = model.index(0, 0, top)
    assert section.data() == "lanes (1)"
    change = [model.index(0, c, section).data() for c in range(3)]
    assert change == ["lanes[L1].vehicles", "changed", "2 -> 5"]


def test_run_settings_the_comparison_sets_are_not_differences(qtbot, view, short_tiny, more_trucks, tmp_path):
    # The current scenario carries the run settings' replications and seed; the file does not.
    data = json.loads(short_tiny.read_text())
    data["run"].update(replications=7, seed=123)
    current = tmp_path / "current.json"
    current.write_text(json.dumps(data))
    view.pin_file(current)
    assert view.run_bar.replications.value() == 7  # the comparison takes them from the first pin
    view.pin_file(short_tiny)
    top = view.diff_tree.model().index(0, 0)
    assert top.data() == "tiny vs current: 0 differences"


def test_report_is_written_with_the_kpi_table_and_the_comparison_reopens_from_the_log(
    qtbot, view, short_tiny, more_trucks, tmp_path, monkeypatch
):
    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    result = run_compare(qtbot, view, replications=2, seed=5)
    assert result.experiment_id is not None

    from twin_app.gui import decision_common

    report = tmp_path / "out" / "compare.html"
    monkeypatch.setattr(decision_common.QFileDialog, "getSaveFileName", lambda *args: (str(report), "HTML"))
    view.report_button.click()  # Write HTML report... (the path typed in the save dialog)
    assert view.run_bar.status.text() == f"Report written to {report}"
    html = report.read_text(encoding="utf-8")
    assert "<table" in html and "Lead time mean (min)" in html and "tiny_more_trucks" in html
    assert "What changed" in html and "lanes[L1].vehicles" in html and "2 -&gt; 5" in html  # for the client
    assert result.changes == ((("lanes[L1].vehicles", "2 -> 5"),),)
    first = result.kpi("lead_time.mean").estimates[0]
    assert estimate_text(first, info("lead_time.mean")).split(" ")[0] in html

    view.clear_pins()
    offered = []
    monkeypatch.setattr(decision_common, "pick_row", lambda parent, title, headers, rows: offered.extend(rows) or 0)
    view.open_experiment_dialog()  # the user picks the newest comparison
    assert offered[0][0] == result.experiment_id
    assert [p.name for p in view.pins] == ["tiny", "tiny_more_trucks"]
    assert view.result.kpi("lead_time.mean").to_dict() == result.kpi("lead_time.mean").to_dict()
    tree = view.diff_tree.model()
    section = tree.index(0, 0, tree.index(0, 0))
    assert tree.index(0, 0, section).data() == "lanes[L1].vehicles"  # the stored scenarios, compared again


def test_cancel_stops_the_comparison_and_keeps_it_as_stopped(qtbot, view, short_tiny, more_trucks):
    from twin_app.store.experiment_log import ExperimentLog

    view.pin_file(short_tiny)
    view.pin_file(more_trucks)
    view.run_bar.replications.setValue(50)
    with qtbot.waitSignal(view.run_bar.state_changed, timeout=120_000, check_params_cb=lambda running: not running):
        view.run_bar.run_button.click()
        view.run_bar.cancel_button.click()
    assert view.result is None
    assert view.run_bar.status.text().startswith("Cancelled")
    with ExperimentLog(view.database) as log:
        (row,) = log.experiments()
    assert row["status"] == "stopped" and row["tasks"] < 100


def test_a_stored_run_is_pinned_with_its_scenario_and_seed(qtbot, view, tmp_path, capsys):
    from twin_app.io.scenario_file import load_scenario
    from twin_app.store.results_db import ResultsStore

    assert cli(["run", str(TINY), "--until", "600", "--seed", "23", "--db", str(view.database)]) == 0
    capsys.readouterr()
    with ResultsStore(view.database) as store:
        (run,) = store.list_runs()
    view.pin_run(run["id"])
    (pin,) = view.pins
    assert pin.seed == 23 and view.run_bar.seed.value() == 23
    assert pin.scenario.machines == load_scenario(TINY).machines


def test_the_pin_dialog_labels_runs_as_the_history_does(view, tmp_path, monkeypatch, capsys):
    from twin_app.gui import compare_view
    from twin_app.store.results_db import ResultsStore

    assert cli(["run", str(TINY), "--until", "600", "--db", str(view.database)]) == 0
    capsys.readouterr()
    with ResultsStore(view.database) as store:
        (run,) = store.list_runs()
    with sqlite3.connect(view.database) as db:  # as the app records a run of an edited file
        db.execute(
            "UPDATE runs SET settings_json = ? WHERE id = ?", ('{"file": "tiny.json", "edited": true}', run["id"])
        )
    offered = []
    monkeypatch.setattr(compare_view, "pick_row", lambda parent, title, headers, rows: offered.extend(rows))
    view.pin_run_dialog()
    assert offered[0][1].startswith("tiny.json (edited): ")  # the variant is told from the original


def test_the_window_pins_its_scenario_as_edited(window, samples_dir):
    from twin_app.io.scenario_file import load_scenario

    heavy = samples_dir / "asset_heavy.json"
    window.set_scenario(load_scenario(heavy), heavy)
    compare_view = window.compare_view
    compare_view.pin_current()
    window.modified = True
    compare_view.pin_current()
    assert [p.name for p in compare_view.pins] == ["asset_heavy", "asset_heavy (edited)"]
    assert compare_view.pins[0].source() == heavy  # unchanged: compared as the file, like the CLI
