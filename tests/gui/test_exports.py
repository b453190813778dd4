"""Exports as a user makes them: every view as PNG and SVG, tables as CSV and TSV, the window's
screenshot and the HTML report; each file parses, and a bad path is a dialog, not a traceback."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget

from twin_app.gui import exports, report_export, table_export

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def ran(qtbot, window, tiny_path):
    """The window on screen with tiny.json run to its end and every view drawn."""
    window.show()
    qtbot.waitExposed(window)
    assert window.open_scenario(tiny_path, ask=False)
    window.run_to(1440.0)
    return window


def image_of(path: Path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable PNG"
    return image


def distinct_colours(image: QImage) -> int:
    """Colours in a grid of samples over the image (a blank picture has one)."""
    xs = np.linspace(0, image.width() - 1, 60).astype(int)
    ys = np.linspace(0, image.height() - 1, 60).astype(int)
    return len({image.pixel(int(x), int(y)) for x in xs for y in ys})


def svg_texts(path: Path) -> tuple[ET.Element, list[str]]:
    root = ET.parse(path).getroot()  # raises if it is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root, [t.text.strip() for t in root.iter(f"{SVG}text") if t.text and t.text.strip()]


def test_every_view_exports_as_png_and_svg(ran, tmp_path) -> None:
    window = ran
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        view = window.tabs.widget(index)
        name = f"view{index}"
        png = exports.export_view(view, tmp_path / f"{name}.png")
        image = image_of(png)
        assert image.width() >= view.width() and distinct_colours(image) > 5, window.tabs.tabText(index)
        svg = exports.export_view(view, tmp_path / f"{name}.svg")
        root, texts = svg_texts(svg)
        assert len(list(root.iter())) > 20 and texts, window.tabs.tabText(index)  # drawn, with its words
    _, gantt_texts = svg_texts(exports.export_view(window.gantt_view, tmp_path / "gantt.svg"))
    assert "A-mill" in gantt_texts  # a machine's row label, as text (searchable, sharp)
    _, kpi_texts = svg_texts(exports.export_view(window.kpi_view, tmp_path / "kpis.svg"))
    assert window.kpi_view.card_text("completed") in kpi_texts


def test_a_million_bar_gantt_exports_in_both_formats(qtbot, tmp_path) -> None:
    from twin_app.gui.bench_gantt import synthetic_run
    from twin_app.gui.gantt_view import GanttView

    scenario, layout, events, orders = synthetic_run(1_000_000, 100)
    view = GanttView()
    qtbot.addWidget(view)
    view.resize(1600, 900)
    view.show()
    view.show_layout(scenario, layout)
    view.set_order_products(orders)
    view.append(events)
    view.set_follow_now(False)
    view.zoom_to_fit()
    assert distinct_colours(image_of(exports.export_view(view, tmp_path / "gantt.png"))) > 20
    root, texts = svg_texts(exports.export_view(view, tmp_path / "gantt.svg"))
    assert view.item.last_paint_stats["raster_bars"] > 900_000  # painted through the SVG painter
    assert list(root.iter(f"{SVG}image")) and len(list(root.iter(f"{SVG}rect"))) > 20  # raster + bars
    assert "Lane-01/2" in texts
    plot_png = image_of(exports.export_plot(view.plot, tmp_path / "plot.png"))
    assert plot_png.width() >= 2 * view.plot.width() - 4  # pyqtgraph's ImageExporter at twice the size
    svg_texts(exports.export_plot(view.plot, tmp_path / "plot.svg"))


def test_a_plot_exports_alone(ran, tmp_path) -> None:
    ran.show_view("kpis")
    plot = ran.kpi_view.wip_widget
    menu = [action.text() for action in plot.scene().contextMenu]  # right click in the plot
    assert menu == ["Export plot as PNG or SVG...", "Export view as PNG or SVG..."]
    assert "Export view as PNG or SVG..." in [action.text() for action in ran.kpi_view.actions()]
    assert distinct_colours(image_of(exports.export_plot(plot, tmp_path / "wip.png"))) > 3
    _, texts = svg_texts(exports.export_plot(plot, tmp_path / "wip.svg"))
    assert "Work in progress over time" in texts


def owner_table(window) -> QTableView:
    window.show_view("kpis")
    table = window.kpi_view.table
    assert table.model().rowCount() >= 2
    return table


def shown(table: QTableView, row: int, column: int) -> str:
    return str(table.model().index(row, column).data(Qt.ItemDataRole.DisplayRole))


def test_ctrl_c_copies_the_selection_as_tsv_with_headers(ran, qtbot) -> None:
    table = owner_table(ran)
    model = table.model()
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
    selection = QItemSelection(model.index(0, 0), model.index(1, 0))
    selection.select(model.index(0, 6), model.index(1, 7))  # Owner, and Profit..Margin, of two rows
    table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    table.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = [line.split("\t") for line in QGuiApplication.clipboard().text().splitlines()]
    assert lines == [
        ["Owner", "Profit", "Margin"],
        [shown(table, 0, 0), shown(table, 0, 6), shown(table, 0, 7)],
        [shown(table, 1, 0), shown(table, 1, 6), shown(table, 1, 7)],
    ]


def test_owner_table_headers_are_never_cut(ran, qtbot) -> None:
    """The trial saw "Jtilisation" and "ayback (y)": every header fits, even in a narrow window."""
    from twin_app.gui.table_fit import header_width

    ran.resize(900, 700)
    table = owner_table(ran)
    qtbot.waitUntil(lambda: table.viewport().width() < 900)
    header = table.horizontalHeader()
    names = [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
    assert "Utilisation" in names and "Payback (y)" in names
    for column, name in enumerate(names):
        assert header.sectionSize(column) >= header_width(header, column), name
    assert header.textElideMode() == Qt.TextElideMode.ElideRight


def test_the_status_bar_names_the_scenario_just_shown(window, tiny_path, samples_dir) -> None:
    """It kept the old scenario's name after set_scenario until the run state changed."""
    from twin_app.io.scenario_file import load_scenario

    tiny, light = load_scenario(tiny_path), load_scenario(samples_dir / "asset_light.json")
    window.set_scenario(tiny, tiny_path)
    assert window.controls.state_label.text().startswith(tiny.name)
    window.set_scenario(light, samples_dir / "asset_light.json")
    assert window.controls.state_label.text().startswith(light.name)
    assert tiny.name not in window.controls.state_label.text()


def test_every_table_gets_copy_and_csv_export(ran, tmp_path) -> None:
    tables = ran.findChildren(QTableView)
    assert tables and all(t.property(table_export.INSTALLED) for t in tables)
    table = owner_table(ran)
    path = table_export.write_csv(table, tmp_path / "owners.csv")
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    model = table.model()
    # the column names as shown, without the sorted column's arrow
    assert rows[0] == [title for _key, title in model.COLUMNS]
    assert model.headerData(6, Qt.Orientation.Horizontal) == f"{rows[0][6]} \u25bc"
    assert len(rows) == model.rowCount() + 1
    assert [r[0] for r in rows[1:]] == [shown(table, r, 0) for r in range(model.rowCount())]
    profit = model.rows[0]["profit"]
    assert float(rows[1][6]) == pytest.approx(profit)  # the number, not its "12,345" text


def test_screenshot_is_the_whole_window(ran, tmp_path) -> None:
    image = image_of(exports.save_screenshot(ran, tmp_path / "shot.png"))
    ratio = ran.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(ran.width() * ratio), round(ran.height() * ratio))
    assert distinct_colours(image) > 10


def test_file_menu_has_the_exports(ran) -> None:
    texts = [a.text().replace("&", "") for a in ran.controls.quit.associatedObjects()[0].actions()]
    assert {"Export view...", "Save screenshot...", "Export report..."} <= set(texts)


def test_a_path_that_cannot_be_written_is_said_in_a_dialog(ran, tmp_path, monkeypatch, dialogs) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = str(blocker / "view.svg")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (target, "SVG drawing (*.svg)"))
    assert exports.export_view_dialog(ran.gantt_view) is None
    assert dialogs and "is a file, not a folder" in dialogs[-1][1]
    assert table_export.export_csv_dialog(owner_table(ran), "owners") is None
    assert "is a file, not a folder" in dialogs[-1][1]
    with pytest.raises(exports.OutputPathError, match=r"\.png or \.svg"):
        exports.export_view(ran.gantt_view, tmp_path / "view.jpg")


def test_report_writes_the_compare_result_of_a_tab(ran, tmp_path, tiny_path) -> None:
    from twin_app.experiments.compare import compare

    result = compare([tiny_path, tiny_path], replications=2, until=1500, workers=1)
    tab = QWidget()
    tab.result = result  # what the Compare view holds once it has compared
    ran.tabs.addTab(tab, "Stub compare")
    assert report_export.report_result_of(ran) is result
    html = report_export.export_report(ran, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "comparison report" in html and "<h2>Key figures</h2>" in html and "Lead time mean (min)" in html


def test_report_without_results_runs_the_replications_first(ran, tmp_path, monkeypatch, dialogs, answers) -> None:
    target = tmp_path / "out" / "tiny_report.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "HTML report (*.html)"))
    answers.append("Run and write the report")
    assert report_export.report_result_of(ran) is None
    written = report_export.export_report_dialog(ran, replications=2)
    assert written == target and "Run 2 replications" in dialogs[0][0]
    html = target.read_text(encoding="utf-8")
    assert "replications report" in html and "<h2>Key figures</h2>" in html and "Orders completed" in html
    assert html.count("<svg") >= 3


def test_a_table_with_its_own_menu_keeps_it_and_gets_ctrl_c(qtbot) -> None:
    from PySide6.QtCore import SIGNAL
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    table = QTableWidget(2, 2)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["Factor", "Levels"])
    for row, (factor, levels) in enumerate([("lanes[*].vehicles", "2, 4, 6"), ("=cmd", "1")]):
        table.setItem(row, 0, QTableWidgetItem(factor))
        table.setItem(row, 1, QTableWidgetItem(levels))
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(lambda _point: None)  # the owner's own menu
    table_export.install_table_actions(table, "factors")
    assert table.receivers(SIGNAL("customContextMenuRequested(QPoint)")) == 1
    table.selectAll()
    text = table_export.copy_selection(table)
    assert text == "Factor\tLevels\nlanes[*].vehicles\t2, 4, 6\n'=cmd\t1\n"  # pasted, nothing runs
    assert [a.text() for a in table_export.table_menu_actions(table, "factors", table)][2] == "&Export CSV..."


def test_report_of_the_runs_replications_shows_the_cards_numbers(qtbot, window, tiny_path, tmp_path) -> None:
    from twin_app.experiments.run_overrides import RunOverrides

    assert window.open_scenario(tiny_path, ask=False)
    window.set_speed(None, True)
    window.run_control.panel.set_overrides(RunOverrides(seed=11, replications=2, horizon=1440.0, warmup=120.0))
    window.toggle_run()
    qtbot.waitUntil(lambda: window.run_control.summary is not None, timeout=120_000)
    result = report_export.report_result_of(window)
    assert result is not None and result.replications == 2 and result.seed == 11
    assert result.curves[0]["lead_time_quantiles"] and result.curves[0]["wip"]  # averaged over both, for the charts
    summary = window.run_control.summary  # what the KPI cards show
    lead = result.kpi("lead_time.mean").estimates[0]
    assert lead.mean == pytest.approx(summary["lead_time"]["mean"]["mean"])
    assert lead.half_width == pytest.approx(summary["lead_time"]["mean"]["ci95"])
    html = report_export.export_report(window, tmp_path / "run.html").read_text(encoding="utf-8")
    assert "replications report" in html and "Lead time mean (min)" in html and html.count("<svg") >= 3


def test_svg_clips_a_table_to_what_is_on_screen(ran, tmp_path) -> None:
    table = owner_table(ran)
    last = shown(table, table.model().rowCount() - 1, 0)
    scroll = table.horizontalScrollBar()  # the columns fit their headers: may be wider than the view
    extra = scroll.sizeHint().height() if scroll.maximum() > 0 else 0
    table.resize(table.width(), 90 + extra)  # only the header and a row or two are in view
    root, _ = svg_texts(exports.export_view(table, tmp_path / "table.svg"))
    viewport = table.viewport()
    clips = {
        c.get("id"): c[0].attrib
        for c in root.iter(f"{SVG}clipPath")
        if c[0].get("width") == str(viewport.width()) and c[0].get("height") == str(viewport.height())
    }
    clipped = [g for g in root.iter(f"{SVG}g") if g.get("clip-path", "")[5:-1] in clips]
    assert clipped and any(t.text == last for g in clipped for t in g.iter(f"{SVG}text"))  # drawn, but cut off
