"""After File > Open, every view shows the opened scenario by the time a user can see or run it.

The hidden views take the new scenario in idle turns (twin_app.gui.late_runs), so opening a
big network does not freeze the window. What a user must never see is a view of the scenario
before: not when switching to a tab straight after opening, not in a run started at once, and
not after the window has been left alone.
"""

from __future__ import annotations

import pytest

from tests.gui.conftest import SAMPLES
from twin_app.io.scenario_file import load_scenario


def views_showing(window, run) -> dict[str, bool]:
    return {
        "map": window.map_view.run is run,
        "gantt": window.gantt_view.layout_ is run.layout,
        "utilisation": window.utilisation_view.run is run,
        "bottlenecks": window.bottleneck_view.run is run,
    }


@pytest.fixture
def opened(qtbot, window, tiny_path):
    """A shown window with the tiny scenario, then the demo opened as File > Open does."""
    window.show()
    qtbot.waitExposed(window)
    window.set_scenario(load_scenario(tiny_path), tiny_path)
    window.show_view("map")
    before = window.run_context
    assert all(views_showing(window, before).values())
    assert window.open_scenario(SAMPLES / "cloud_factory_demo.json", ask=False)
    assert window.run_context is not before
    return window


def test_a_tab_switched_to_straight_after_opening_shows_the_opened_scenario(opened):
    window = opened
    assert window.map_view.run is window.run_context  # the shown view at once
    window.show_view("gantt")  # no idle turn in between
    assert window.gantt_view.layout_ is window.run_context.layout
    assert len(window.gantt_view.rows) == len(window.gantt_view.store.row_owner) > 0
    window.show_view("bottlenecks")
    assert window.bottleneck_view.run is window.run_context


def test_a_run_started_straight_after_opening_feeds_views_of_the_opened_scenario(qtbot, opened):
    window = opened
    window.set_speed(None, True)
    window.run(pause_at=600.0)
    assert all(views_showing(window, window.run_context).values())
    qtbot.waitUntil(lambda: window.state in ("paused", "finished"), timeout=30_000)
    assert window.gantt_view.store.n > 0
    resources = window.run_context.layout.resources
    assert int(window.gantt_view.store.records["resource"].max()) < len(resources)


def test_hidden_views_take_the_opened_scenario_in_idle_turns(qtbot, opened):
    window = opened
    qtbot.waitUntil(lambda: not window.late_runs.pending, timeout=5_000)
    assert all(views_showing(window, window.run_context).values())


def test_reset_straight_after_opening_clears_views_of_the_opened_scenario(opened):
    window = opened
    window.reset(ask=False)
    assert all(views_showing(window, window.run_context).values())


@pytest.fixture
def after_run(qtbot, window, tiny_path):
    """A shown window on the KPI tab after a run of the tiny scenario: every view has figures."""
    window.show()
    qtbot.waitExposed(window)
    assert window.open_scenario(tiny_path, ask=False)
    window.run_to(600.0)
    window.show_view("kpis")
    assert window.gantt_view.store.n > 0 and window.kpi_view.card_text("completed") != "--"
    return window


def test_reset_clears_the_shown_view_at_once_and_the_hidden_ones_in_idle_turns(qtbot, after_run):
    window = after_run
    window.reset(ask=False)
    assert window.kpi_view.card_text("completed") == "--"  # what the user sees, at once
    assert window.gantt_view in window.late_runs.waiting  # (hidden: a turn of its own)
    qtbot.waitUntil(lambda: not window.late_runs.pending, timeout=5_000)
    assert window.gantt_view.store.n == 0


def test_a_view_shown_or_a_run_started_straight_after_reset_shows_nothing_of_the_run_before(qtbot, after_run):
    window = after_run
    window.reset(ask=False)
    window.show_view("gantt")  # no idle turn in between
    assert window.gantt_view.store.n == 0
    window.reset(ask=False)
    window.set_speed(None, True)
    window.run(pause_at=1.0)  # every view cleared before the new run's first batch
    assert not window.late_runs.pending
    assert window.utilisation_view not in window.late_runs.waiting


def test_reset_gives_the_runs_memory_back_in_a_later_turn_once(qtbot, after_run, monkeypatch):
    """The collector's pass and the trim (~60 ms on the large network) are not part of Reset's
    turn, and run once, after the hidden views have let go of the run too."""
    from twin_app.gui import late_runs

    trims = []
    monkeypatch.setattr(late_runs, "release_memory", lambda: trims.append(len(after_run.late_runs.pending)))
    after_run.reset(ask=False)
    assert trims == []  # not in Reset's turn
    qtbot.waitUntil(lambda: trims == [0], timeout=5_000)  # once, with no view still holding the run
    qtbot.wait(50)
    assert trims == [0]
