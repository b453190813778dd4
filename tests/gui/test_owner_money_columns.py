"""The KPI view's owner table shows every owner's money: margin, NPV, ROI and payback next to
cost, revenue and profit, formatted as the numbers of owner_table."""

from __future__ import annotations

import pytest


def test_owner_table_shows_margin_npv_roi_and_payback(qtbot, samples_dir) -> None:
    from PySide6.QtCore import Qt

    from twin_app.analysis.kpis import owner_table
    from twin_app.gui.owner_table import OwnerTableModel
    from twin_app.io.scenario_file import load_scenario

    from .conftest import run_collected

    scenario = load_scenario(samples_dir / "asset_heavy.json")
    rows = owner_table(run_collected(scenario)[1])
    model = OwnerTableModel()
    model.set_rows(rows)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    # (sorted by profit, most first: the direction is in the header's text)
    assert headers[headers.index("Profit \u25bc") :] == [
        "Profit \u25bc",
        "Margin",
        "NPV",
        "ROI",
        "Payback (y)",
        "CO2 (kg)",
    ]
    headers[headers.index("Profit \u25bc")] = "Profit"
    owner = next(i for i, row in enumerate(rows) if row["owner"] == "bikeworks")
    row = rows[owner]
    assert row["roi"] is not None and row["payback"] is not None  # BikeWorks bought its lines

    def cell(name: str) -> str:
        return model.index(owner, headers.index(name)).data()

    assert cell("Margin") == f"{row['margin'] * 100:.1f} %"
    assert cell("NPV") == f"{row['npv']:,.0f}"
    assert cell("ROI") == f"{row['roi'] * 100:.1f} %"
    assert cell("Payback (y)") == f"{row['payback']:.1f}"
    platform = next(i for i, r in enumerate(rows) if r["kind"] == "platform")
    assert model.index(platform, headers.index("ROI")).data() == "-"  # nothing bought
    assert rows[owner]["profit"] == pytest.approx(rows[owner]["revenue"] - rows[owner]["cost"])


def test_a_loss_below_one_unit_reads_zero_not_a_red_minus_zero(qtbot) -> None:
    # At the start of a run an owner's profit is a few cents below zero: the card and the table
    # showed "-0" in red, a loss nobody can read.
    from PySide6.QtCore import Qt

    from twin_app.gui import theme
    from twin_app.gui.owner_table import OwnerTableModel

    assert theme.format_money(-0.3) == "0"
    assert theme.format_money(-1234.4) == "-1,234"
    model = OwnerTableModel()
    model.set_rows([{"owner": "a", "name": "A", "kind": "asset_owner", "cost": 0.3, "revenue": 0.0, "profit": -0.3}])
    headers = [title for _key, title in model.COLUMNS]
    profit = model.index(0, headers.index("Profit"))
    assert profit.data() == "0"
    assert profit.data(Qt.ItemDataRole.ForegroundRole) is None
    model.set_rows([{"owner": "a", "name": "A", "kind": "asset_owner", "cost": 12.0, "revenue": 0.0, "profit": -12.0}])
    assert model.index(0, headers.index("Profit")).data() == "-12"
    assert model.index(0, headers.index("Profit")).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_a_header_click_sorts_and_the_arrow_moves_to_that_header_whole(qtbot) -> None:
    """The style's sort arrow sat on the last letters of the right-aligned "Profit" ("Profi^t",
    the T4 trial): the direction is part of the sorted header's text instead."""
    from PySide6.QtCore import QPoint, Qt

    from twin_app.gui.kpi_view import KpiView

    view = KpiView()
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    model, table = view.table_model, view.table
    model.set_rows(
        [{"name": n, "kind": "asset_owner", "cost": c, "profit": p} for n, c, p in [("A", 3.0, 1.0), ("B", 1.0, 5.0)]]
    )
    header = table.horizontalHeader()

    def text(column: int) -> str:
        return model.headerData(column, Qt.Orientation.Horizontal)

    cost, profit = (
        next(c for c in range(model.columnCount()) if text(c).startswith(name)) for name in ("Cost", "Profit")
    )
    assert text(profit) == "Profit \u25bc" and [r["name"] for r in model.rows] == ["B", "A"]
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(cost) + 10, 5)
    )
    assert text(cost) in ("Cost \u25b2", "Cost \u25bc") and text(profit) == "Profit"
    ascending = text(cost).endswith("\u25b2")
    assert [r["name"] for r in model.rows] == (["B", "A"] if ascending else ["A", "B"])
    assert header.sectionSize(cost) >= header.fontMetrics().horizontalAdvance(text(cost))  # whole, arrow and all


def test_every_owner_column_header_says_what_it_is_and_what_a_dash_means_there(qtbot):
    """ROI and payback read '-' for every carrier and the platform (T4 asked why)."""
    from PySide6.QtCore import Qt

    from twin_app.gui.owner_table import OwnerTableModel

    model = OwnerTableModel()
    tips = [
        model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) for i in range(model.columnCount())
    ]
    assert all(tips), tips
    by_key = dict(zip((key for key, _ in model.COLUMNS), tips, strict=True))
    # (an asset owner whose machines carry no purchase price reads '-' too: T5)
    assert "'-'" in by_key["roi"] and "purchase price" in by_key["roi"] and "rent" in by_key["roi"]
    assert "'-'" in by_key["payback"] and "not paid back" in by_key["payback"]


def test_the_table_reads_the_newest_figures_after_a_refresh_and_a_sort(qtbot) -> None:
    # Each row's texts are formatted once a refresh (a paint asks seven times a cell): a live
    # run's refresh or a click on a header must never leave the old texts on screen.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from twin_app.gui.owner_table import OwnerTableModel

    def owners(profit_a: float, profit_b: float) -> list[dict]:
        return [
            {
                "owner": "a",
                "name": "Alpha",
                "kind": "asset_owner",
                "cost": 10.0,
                "revenue": 10.0 + profit_a,
                "profit": profit_a,
            },
            {
                "owner": "b",
                "name": "Beta",
                "kind": "asset_owner",
                "cost": 10.0,
                "revenue": 10.0 + profit_b,
                "profit": profit_b,
            },
        ]

    model = OwnerTableModel()
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    profit = next(c for c, (key, _) in enumerate(model.COLUMNS) if key == "profit")

    def shown() -> list[tuple[str, str]]:
        view.viewport().repaint()  # (the texts a paint asked for)
        return [(model.index(r, 0).data(), model.index(r, profit).data()) for r in range(model.rowCount())]

    model.set_rows(owners(500.0, -2000.0))
    view.show()
    assert shown() == [("Alpha", "500"), ("Beta", "-2,000")]  # most profit first
    assert model.index(1, profit).data(Qt.ItemDataRole.ForegroundRole) is not None  # the loss in red
    model.set_rows(owners(300.0, 4000.0))  # the next refresh: Beta now leads
    assert shown() == [("Beta", "4,000"), ("Alpha", "300")]
    assert model.index(0, profit).data(Qt.ItemDataRole.ForegroundRole) is None
    model.sort(0, Qt.SortOrder.AscendingOrder)  # a click on "Owner"
    assert shown() == [("Alpha", "300"), ("Beta", "4,000")]
    assert model.index(0, profit).data(Qt.ItemDataRole.FontRole) is None  # a role it leaves to the view
    assert model.index(0, profit).data(Qt.ItemDataRole.EditRole) == 300.0  # Export CSV's number


def test_a_carrier_shows_its_vehicles_where_an_owner_shows_its_machines(qtbot) -> None:
    """Beside a carrier's utilisation (of its vehicles), "0" machines read as a mistake (T8)."""
    from PySide6.QtCore import Qt

    from twin_app.gui.owner_table import OwnerTableModel

    model = OwnerTableModel()
    model.set_rows(
        [
            {"name": "Mitte Logistik", "kind": "logistics", "machines": 0, "vehicles": 24, "utilisation": 0.302},
            {"name": "Kueste", "kind": "asset_owner", "machines": 3, "vehicles": 0, "utilisation": 0.5},
            {"name": "Solo Van", "kind": "logistics", "machines": 0, "vehicles": 1, "utilisation": 0.1},
            {"name": "CloudFab", "kind": "platform", "machines": 0, "vehicles": 0, "utilisation": None},
        ]
    )
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal)).split(" ")[0] for c in range(model.columnCount())]
    column = headers.index("Machines")
    shown = {model.index(r, 0).data(): model.index(r, column).data() for r in range(model.rowCount())}
    assert shown == {"Mitte Logistik": "24 vehicles", "Kueste": "3", "Solo Van": "1 vehicle", "CloudFab": "0"}
    assert "vehicles" in model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
