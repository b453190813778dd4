"""Run settings, replications with confidence and the history browser, as a user meets them.

Every GUI run lands in the results database with its status; a run reopened from the history
shows the KPIs it showed when it ran; N replications give the KPI cards the mean and 95% CI
that ``twin-app run --replications N --json`` prints; deleting asks first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from twin_app.experiments.run_overrides import RunOverrides
from twin_app.store.results_db import ResultsStore, _json_safe

ROOT = Path(__file__).resolve().parents[2]
KPI_CARDS = ("completed", "throughput", "lead_mean", "lead_p95", "on_time", "wip", "cost", "revenue")


def _open(window, path: Path) -> None:
    assert window.open_scenario(path, ask=False)
    window.set_speed(None, True)  # as fast as possible


def _run_to_the_end(qtbot, window, timeout: int = 60_000) -> str:
    """Run from time 0 to the end; the id of the run once its KPIs are stored."""
    window.toggle_run()
    control = window.run_control
    qtbot.waitUntil(lambda: control.record is not None and control.record.stored, timeout=timeout)
    return control.record.run_id


def _cards(window) -> dict[str, tuple[str, str]]:
    return {k: (window.kpi_view.cards[k].value.text(), window.kpi_view.cards[k].detail.text()) for k in KPI_CARDS}


def test_a_gui_run_is_stored_with_its_status(qtbot, window, tiny_path):
    _open(window, tiny_path)
    completed = _run_to_the_end(qtbot, window)
    database = window.settings.results_db
    with ResultsStore(database) as store:
        run = store.load_run(completed)
        assert run["status"] == "completed"
        assert run["kpis"]["orders_completed"] > 0
        assert len(store.load_events(completed)) == window.session.events_ingested
    window.reset(ask=False)

    window.set_speed(30.0, False)  # slow enough to stop half way
    window.toggle_run()
    qtbot.waitUntil(lambda: window.now > 60, timeout=30_000)
    window.stop()
    control = window.run_control
    qtbot.waitUntil(lambda: control.record is not None and control.record.stored, timeout=30_000)
    stopped = control.record.run_id
    window.reset(ask=False)

    window.toggle_run()
    qtbot.waitUntil(lambda: window.now > 0, timeout=30_000)
    discarded = control.record.run_id
    window.reset(ask=False)  # discarded before its KPIs: the CLI's killed run

    def statuses() -> dict[str, str]:
        with ResultsStore(database) as store:
            return {r["id"]: r["status"] for r in store.list_runs()}

    # Reset does not wait for the run's process to end; it reads 'running' until that process
    # has closed its database (well under a second), then 'incomplete'.
    qtbot.waitUntil(lambda: statuses()[discarded] != "running", timeout=10_000)
    with ResultsStore(database) as store:
        status = {r["id"]: r["status"] for r in store.list_runs()}
        assert status[stopped] == "stopped"
        assert store.load_run(stopped)["sim_time"] < window.scenario.run.horizon
    assert status == {completed: "completed", stopped: "stopped", discarded: "incomplete"}
    window.history.refresh()
    assert {r["id"]: r["status"] for r in window.history.view.model.rows} == status


def test_history_reopen_shows_the_same_kpis_as_when_it_ran(qtbot, window, tiny_path):
    _open(window, tiny_path)
    window.show_view("kpis")
    run_id = _run_to_the_end(qtbot, window)
    qtbot.waitUntil(lambda: bool(window.kpi_view.kpis) and not window.session.analysing(window.kpi_view.needs))
    shown_then = _cards(window)
    with ResultsStore(window.settings.results_db) as store:
        stored = store.load_run(run_id)["kpis"]
    assert _json_safe(window.kpi_view.kpis) == stored

    window.open_scenario(ROOT / "sample_networks" / "asset_light.json", ask=False)  # something else in between
    assert window.kpi_view.card_text("lead_mean") == "--"
    window.history.refresh()
    assert window.history.view.select_id(run_id)
    window.history.view.open_selected()
    qtbot.waitUntil(lambda: window.state == "finished", timeout=10_000)
    qtbot.waitUntil(
        lambda: bool(window.kpi_view.kpis) and not window.session.analysing(window.kpi_view.needs), timeout=30_000
    )
    assert _cards(window) == shown_then
    assert _json_safe(window.kpi_view.kpis) == stored
    assert window.run_info.run_id == run_id
    with ResultsStore(window.settings.results_db) as store:
        assert [r["id"] for r in store.list_runs()] == [run_id]  # reopening did not simulate or store again
    seed = window.run_info.seed
    caption = f"Stored run {run_id}, {window.scenario.name}, seed {seed}, replication 1, "
    assert window.windowTitle().startswith(caption)  # the window says which run it shows
    label = window.history.shown_label
    assert label.text().startswith(caption) and label.isVisibleTo(window)
    window.reset(ask=False)  # run it again: no longer the stored run
    assert "Stored run" not in window.windowTitle() and not label.isVisibleTo(window)


def test_replication_cis_equal_the_cli(qtbot, window, tiny_path, tmp_path):
    _open(window, tiny_path)
    window.run_control.panel.set_overrides(RunOverrides(seed=11, replications=3, horizon=1440.0, warmup=120.0))
    assert window.run_control.panel.command.text().endswith(
        "tiny.json --seed 11 --replications 3 --until 1440 --warmup 120"
    )
    window.show_view("kpis")
    window.toggle_run()
    control = window.run_control
    qtbot.waitUntil(lambda: control.summary is not None, timeout=120_000)
    assert control.panel.progress.text() == "3 of 3 replications done"

    flags = ["--seed", "11", "--replications", "3", "--until", "1440", "--warmup", "120", "--json"]
    cli = subprocess.run(
        [sys.executable, "-m", "twin_app.cli", "run", str(tiny_path), *flags, "--db", str(tmp_path / "cli.sqlite")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    expected = json.loads(cli.stdout)
    gui = json.loads(json.dumps(_json_safe(control.summary)))
    assert gui.pop("run_ids") != expected.pop("run_ids")
    assert gui == expected
    assert gui["replications"] == 3 and gui["lead_time"]["mean"]["ci95"] > 0
    from twin_app.gui.replication_control import ci_card_texts

    assert _cards(window) == {k: v for k, v in ci_card_texts(expected).items() if k in KPI_CARDS}
    assert "95% CI, 3 replications" in window.kpi_view.cards["lead_mean"].detail.text()
    with ResultsStore(window.settings.results_db) as store:
        runs = store.list_runs()
    assert sorted(r["replication"] for r in runs) == [0, 1, 2]
    assert {r["status"] for r in runs} == {"completed"} and {r["seed"] for r in runs} == {11}


def test_run_settings_are_overrides_that_leave_the_file_alone(qtbot, window, tiny_path):
    before = tiny_path.read_text()
    _open(window, tiny_path)
    panel = window.run_control.panel
    assert panel.overrides() == RunOverrides()
    assert panel.seed.text() == str(window.scenario.run.seed)
    panel.set_overrides(RunOverrides(warmup=5000.0))  # longer than the 2-day horizon
    window.toggle_run()
    assert window.state == "ready"  # refused, with the reason at the field
    assert "warm-up" in panel.problem.text() and panel.problem.isVisibleTo(panel)
    panel.set_overrides(RunOverrides(mode="pull", sequencing="spt", horizon=720.0))
    run_id = _run_to_the_end(qtbot, window)
    assert (window.scenario.platform.mode, window.scenario.platform.sequencing) == ("pull", "spt")
    with ResultsStore(window.settings.results_db) as store:
        run = store.load_run(run_id)
    assert (run["settings"]["mode"], run["settings"]["sequencing"], run["horizon"]) == ("pull", "spt", 720.0)
    assert tiny_path.read_text() == before
    assert window.run_control.base.platform.mode == "push" and not window.modified


@pytest.mark.parametrize("answers", [["Cancel", "Delete"]])
def test_delete_asks_and_removes(qtbot, window, tiny_path, answers, dialogs):
    _open(window, tiny_path)
    run_id = _run_to_the_end(qtbot, window)
    view = window.history.view
    window.history.refresh()
    assert view.select_id(run_id)
    with qtbot.waitSignal(view.history_run_pinned) as pinned:
        view.pin_selected()  # what the context menu's "Pin to compare" does
    assert pinned.args == [run_id]

    view.delete_selected()  # answered Cancel
    assert dialogs[-1][0].startswith(f"Delete run or experiment {run_id}")
    with ResultsStore(window.settings.results_db) as store:
        assert [r["id"] for r in store.list_runs()] == [run_id]
    view.delete_selected()  # answered Delete
    with ResultsStore(window.settings.results_db) as store:
        assert store.list_runs() == []
    assert view.model.rows == [] and len(dialogs) == 2


def test_history_lists_cli_runs_and_experiments_sorted_and_filtered(qtbot, window, tiny_path):
    from twin_app.experiments.compare import compare
    from twin_app.experiments.runner import run_replication
    from twin_app.io.scenario_file import load_scenario

    database = window.settings.results_db
    tiny = load_scenario(tiny_path, run={"horizon": 720.0})
    light = load_scenario(ROOT / "sample_networks" / "asset_light.json", run={"horizon": 1500.0})
    for scenario, seed in ((tiny, 5), (light, 9), (tiny, 1)):
        run_replication(scenario, seed=seed, database=database)
    compare([tiny, tiny], replications=2, workers=1, database=database)
    window.history.refresh()
    view = window.history.view
    assert [r["kind"] for r in view.model.rows].count("run") == 3 and view.proxy.rowCount() == 4

    view.filter_edit.setText(tiny.name.split()[0])  # its two runs and the comparison of it with itself
    assert sorted(view.proxy.index(row, 5).data() for row in range(view.proxy.rowCount())) == ["compare", "run", "run"]
    view.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # by seed (an experiment has none)
    seeds = [view.proxy.index(row, 3).data() for row in range(view.proxy.rowCount())]
    assert seeds == ["", "1", "5"]
    view.filter_edit.setText("")
    view.status_combo.setCurrentText("stopped")
    assert view.proxy.rowCount() == 0 and view.count_label.text() == "0 of 4 shown"


def test_history_says_the_app_ran_every_replication_and_tells_the_edited_variant_apart(qtbot, window, tiny_path):
    _open(window, tiny_path)
    window.run_control.panel.set_overrides(RunOverrides(replications=2, horizon=720.0))
    window.toggle_run()
    control = window.run_control
    qtbot.waitUntil(lambda: control.summary is not None, timeout=120_000)
    window.reset(ask=False)
    window.modified = True  # an edit not saved (what the editor's first change does)
    window.run_control.panel.set_overrides(RunOverrides(horizon=720.0))
    _run_to_the_end(qtbot, window)

    window.history.refresh()
    rows = window.history.view.model.rows
    assert len(rows) == 3
    assert all(r["detail"].endswith("from the app") for r in rows)  # replication 2 ran in a background process
    name = window.scenario.name
    labels = sorted(r["scenario"] for r in rows)
    assert labels == [f"tiny.json (edited): {name}", f"tiny.json: {name}", f"tiny.json: {name}"]
    view = window.history.view
    assert view.select_id(rows[0]["id"])
    assert name in view.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)  # the full name, never cut


def test_a_stopped_replication_1_is_left_out_of_the_cards_and_they_say_so(qtbot, window, tiny_path):
    _open(window, tiny_path)
    control = window.run_control
    control.panel.set_overrides(RunOverrides(replications=3, horizon=1440.0))
    window.show_view("kpis")
    window.set_speed(30.0, False)  # slow enough to stop half way
    window.toggle_run()
    qtbot.waitUntil(lambda: window.now > 60, timeout=30_000)
    window.stop()  # replication 1 stops; 2 and 3 run on in the background
    qtbot.waitUntil(lambda: control.summary is not None, timeout=120_000)
    assert window.run_info.run_id not in control.summary["run_ids"] and control.summary["replications"] == 2
    detail = window.kpi_view.cards["lead_mean"].detail.text()
    assert "95% CI, 2 of 3 replications; replication 1 stopped: left out" in detail
    assert "replication 1 was stopped and is left out" in control.panel.eta.text()


def test_a_paused_run_is_listed_in_an_open_history_while_paused(qtbot, window, tiny_path):
    """The T2 trial: with History open, a paused run appeared only once it had ended."""
    _open(window, tiny_path)
    window.show()
    window.history.dock.show()
    window.history.dock.raise_()
    qtbot.waitUntil(window.history.dock.isVisible)
    window.set_speed(30.0, False)
    window.run()
    control = window.run_control
    qtbot.waitUntil(lambda: control.record is not None and bool(control.record.run_id), timeout=30_000)
    run_id = control.record.run_id
    qtbot.waitUntil(lambda: window.now > 30, timeout=30_000)
    window.pause()
    qtbot.waitUntil(lambda: window.state == "paused", timeout=30_000)
    rows = {r["id"]: r["status"] for r in window.history.view.model.rows}
    assert rows.get(run_id) == "running"
    window.reset(ask=False)


def test_a_run_that_ends_is_listed_when_the_history_shows_not_read_while_it_is_hidden(
    qtbot, window, tiny_path, monkeypatch
):
    # The list was read from the results database on the GUI thread as each run ended, while the
    # simulation's writer was closing that file, hidden dock or not (a wait for its lock).
    from twin_app.gui import history_view

    reads = []
    real = history_view.history_rows
    monkeypatch.setattr(history_view, "history_rows", lambda path: reads.append(path) or real(path))
    dock = window.history.dock
    window.show()
    qtbot.waitExposed(window)
    dock.hide()  # Ctrl+H
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=5_000)
    _open(window, tiny_path)
    hidden_run = _run_to_the_end(qtbot, window)
    assert reads == []
    dock.show()  # Ctrl+H again: the user looks at the History
    dock.raise_()
    qtbot.waitUntil(lambda: any(r["id"] == hidden_run for r in window.history.view.model.rows), timeout=5_000)
    assert reads  # (read when it showed)
    window.reset(ask=False)
    shown_run = _run_to_the_end(qtbot, window)  # with the History shown: listed as it is stored
    qtbot.waitUntil(lambda: any(r["id"] == shown_run for r in window.history.view.model.rows), timeout=5_000)


def test_a_run_s_final_kpis_are_stored_off_the_window_s_thread(qtbot, window, tiny_path, monkeypatch):
    # Stored on the GUI thread, the write opened the results database as the simulation's
    # writer was closing it and waited for its lock: the window stalled at each run's end.
    import threading

    from twin_app.experiments.live_record import LiveRecord

    threads = []
    real = LiveRecord.complete

    def complete(self, end, kpis):
        threads.append(threading.current_thread())
        real(self, end, kpis)

    monkeypatch.setattr(LiveRecord, "complete", complete)
    _open(window, tiny_path)
    with qtbot.waitSignal(window.run_control.run_stored, timeout=60_000) as stored:
        window.toggle_run()
    assert threads and threads[0] is not threading.main_thread()
    with ResultsStore(window.settings.results_db) as store:
        run = store.load_run(stored.args[0])
    assert run["status"] == "completed" and run["kpis"]["orders_completed"] > 0
