"""Owner tables show whole figures: a column sized early in a run widens as its sums grow."""

from __future__ import annotations


def _cut_cells(table) -> list[str]:
    """Cell texts Qt would elide: wider than their column less the item's margins."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle

    model, header = table.model(), table.horizontalHeader()
    metrics = QFontMetrics(table.font())
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    cut = []
    for column in range(model.columnCount()):
        room = header.sectionSize(column) - margin
        if column == 0:
            room -= table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table) + 4
        for row in range(model.rowCount()):
            text = str(model.index(row, column).data() or "")
            if metrics.horizontalAdvance(text) > room:
                cut.append(f"{model.headerData(column, 1)}: {text}")
    return cut


def test_money_columns_widen_as_the_figures_grow(qtbot, samples_dir) -> None:
    from PySide6.QtWidgets import QTableView

    from twin_app.analysis.kpis import owner_table
    from twin_app.gui.kpi_view import OwnerTableModel
    from twin_app.gui.table_fit import fit_columns, widen_columns
    from twin_app.io.scenario_file import load_scenario

    from .conftest import run_collected

    scenario = load_scenario(samples_dir / "asset_heavy.json")
    early = owner_table(run_collected(scenario, until=600.0)[1])
    model = OwnerTableModel()
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(1300, 400)
    model.set_rows(early, ["#336699"] * len(early))
    fit_columns(table)  # sized once, on the run's first figures
    table.show()
    assert _cut_cells(table) == []
    # Later in the run (a large network): sums of money a thousand times larger.
    money = {"cost": 98_765_432.0, "revenue": 123_456_789.0, "profit": -24_691_357.0, "co2": 7_654_321.0}
    late = [{**row, **money} for row in early]
    model.set_rows(late, ["#336699"] * len(late))
    assert _cut_cells(table), "the early widths no longer fit (else this test proves nothing)"
    assert widen_columns(table)
    assert _cut_cells(table) == []
    before = [table.horizontalHeader().sectionSize(c) for c in range(model.columnCount())]
    model.set_rows(early, ["#336699"] * len(early))
    assert widen_columns(table) == []  # smaller figures do not narrow a column
    assert [table.horizontalHeader().sectionSize(c) for c in range(model.columnCount())] == before
    # The texts the columns are sized by are the texts the table shows.
    for column in range(model.columnCount()):
        shown = [str(model.index(row, column).data() or "") for row in range(model.rowCount())]
        assert model.display_texts(column, model.rowCount()) == shown


def test_the_widest_of_many_figures_fits_though_only_the_longest_are_measured(qtbot) -> None:
    # Each refresh of the large network's owners' table measured all 217 x 12 texts (~10 ms):
    # of figures only the longest (and one character shorter) are measured. A shorter figure
    # is never wider: the digits share one width, commas and points are narrower.
    import numpy as np
    from PySide6.QtWidgets import QTableView

    from twin_app.gui.owner_table import OwnerTableModel
    from twin_app.gui.table_fit import fit_columns, widen_columns

    rng = np.random.default_rng(11)
    rows = [
        {
            "owner": f"o{i}",
            "name": "W" * 5 if i == 7 else "i" * 9,  # the widest name is not the longest
            "kind": "asset_owner",
            "cost": float(rng.integers(0, 10**6)),
            "revenue": float(rng.integers(0, 10**7)),
            "profit": float(rng.integers(-(10**7), 10**6)),
            "utilisation": float(rng.random()),
            "co2": float(rng.random() * 10**5),
        }
        for i in range(217)
    ]
    rows[100]["profit"] = -88_888_888.0  # one wide loss among narrower figures
    rows[3]["utilisation"] = 1.0  # "100.0 %" among "9.5 %" and "42.1 %"
    model = OwnerTableModel()
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(1300, 400)
    model.set_rows([{**row, "profit": 0.0, "utilisation": 0.0, "name": "x"} for row in rows])
    fit_columns(table)  # sized on small first figures
    table.show()
    model.set_rows(rows)
    assert _cut_cells(table)  # (else this test proves nothing)
    widen_columns(table)
    assert _cut_cells(table) == []


def test_spare_room_stays_after_a_column_of_figures_not_between_it_and_its_neighbour(qtbot) -> None:
    """In presentation mode (full screen) the owners' table is wider than its columns: stretched,
    the right-aligned CO2 column stood a hand's width from Payback (T8). A column of text (the
    editor's, the history's) still takes the spare room."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from twin_app.gui.owner_table import OwnerTableModel
    from twin_app.gui.table_fit import fit_columns

    model = OwnerTableModel()
    model.set_rows([{"name": "Kueste", "kind": "asset_owner", "machines": 3, "co2": 604792.2, "payback": 2.5}])
    figures = QTableView()
    qtbot.addWidget(figures)
    figures.setModel(model)
    figures.resize(2400, 300)
    fit_columns(figures)
    figures.show()
    header = figures.horizontalHeader()
    last = model.columnCount() - 1
    assert header.sectionSize(last) < 200  # its figure and header, not the spare room
    assert sum(header.sectionSize(c) for c in range(model.columnCount())) < figures.viewport().width()

    texts = QStandardItemModel(1, 2)
    texts.setItem(0, 0, QStandardItem("lane L1"))
    texts.setItem(0, 1, QStandardItem("a note about the lane"))
    notes = QTableView()
    qtbot.addWidget(notes)
    notes.setModel(texts)
    notes.resize(1200, 300)
    fit_columns(notes)
    notes.show()
    assert notes.horizontalHeader().sectionSize(1) > 600  # a text column takes the room
