"""The History dock at any width: no column half shown at its edge (the trial: Seed was cut)."""

from __future__ import annotations


def _rows(n: int) -> list[dict]:
    return [
        {
            "kind": "run",
            "id": f"run-{i:04d}",
            "scenario": f"large_network.json: Large cloud-factory network (generated) {i}",
            "started": "2026-12-01 02:27",
            "seed": 7 + i,
            "replication": 0,
            "status": "incomplete",
            "detail": "from the app",
        }
        for i in range(n)
    ]


def test_no_history_column_is_cut_by_the_docks_edge(qtbot):
    from twin_app.gui.history_view import SCENARIO_WIDTH, HistoryView

    view = HistoryView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.set_rows(_rows(6))
    header = view.table.horizontalHeader()
    for width in range(300, 1100, 23):
        view.resize(width, 400)
        qtbot.wait(5)
        edge = view.table.viewport().width()
        assert header.sectionSize(0) >= SCENARIO_WIDTH[0]
        for section in range(header.count()):
            start = header.sectionViewportPosition(section)
            end = start + header.sectionSize(section)
            cut = start < edge < end
            # (only when Scenario, Status and Started alone are wider than the dock)
            name = header.model().headerData(section, header.orientation())
            assert not cut or section <= 2, f"{name} cut at {width} px"
