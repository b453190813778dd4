"""Presentation mode starts its tour from the beginning and Esc puts back the user's set-up.

The tester's issue 12: F5, Page Down to 7/7, Esc, open another file, F5: the tour bar read
"Where to invest... 7/7" over the new file, and the tour had left the demo loaded, the speed at
480 with Fastest on, and the side panel switched from the Library to Run settings.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton


@pytest.fixture(autouse=True)
def _light_theme_after():
    from twin_app.gui import theme

    yield
    theme.use(theme.LIGHT, 1.0)


def _in_front(dock) -> bool:
    """The dock is open and its tab is the one shown (not behind another dock's tab)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def _leave(window) -> None:
    """The tour bar's "Leave (Esc)" button."""
    next(b for b in window.tour_bar.findChildren(QPushButton) if b.text().startswith("Leave")).click()


def _users_set_up(qtbot, window, path) -> None:
    window.show()
    window.open_scenario(path)
    window.show_view("utilisation")
    window.set_speed(60.0, False)
    window.start_dock.raise_()
    qtbot.waitUntil(lambda: _in_front(window.start_dock))
    assert not _in_front(window.run_control.dock)


def test_esc_puts_back_the_users_file_pace_view_and_library_and_f5_starts_the_tour_again(
    qtbot, window, tiny_path, samples_dir
):
    from twin_app.gui.presentation import DEFAULT_TOUR

    _users_set_up(qtbot, window, tiny_path)
    window.controls.presentation.trigger()  # F5
    for _ in DEFAULT_TOUR:  # Page Down to the last step
        window.tour_next()
    assert window.tour_position.text() == f"{len(DEFAULT_TOUR)} / {len(DEFAULT_TOUR)}"
    assert window.path.name == DEFAULT_TOUR[-1].sample and window.controls.fastest_check.isChecked()
    _leave(window)  # Esc
    assert not window.presenting
    # The pace and the side panel at once; the user's file (at time 0) and view in the next idle turn.
    assert window.controls.speed_spin.value() == 60.0 and not window.controls.fastest_check.isChecked()
    assert _in_front(window.start_dock) and not _in_front(window.run_control.dock)
    qtbot.waitUntil(lambda: window.path == tiny_path)
    assert window.current_view() is window.utilisation_view and window.state == "ready"
    assert window.windowTitle().endswith(f"[{tiny_path.name}] - Cloud Factory Twin")

    window.open_scenario(samples_dir / "asset_light.json")  # another file, then F5 again
    window.controls.presentation.trigger()
    assert window.tour_position.text() == f"0 / {len(DEFAULT_TOUR)}"
    assert window.tour_caption.text() == "Page Down starts the tour"
    window.tour_next()
    assert window.tour_position.text() == f"1 / {len(DEFAULT_TOUR)}"
    assert window.path.name == DEFAULT_TOUR[0].sample and window.tour_caption.text() == DEFAULT_TOUR[0].caption
    _leave(window)
    qtbot.waitUntil(lambda: window.path == samples_dir / "asset_light.json")


def test_a_run_the_user_discarded_for_the_tour_is_not_reopened_but_their_file_pace_and_panel_are_put_back(
    qtbot, window, tiny_path, answers, dialogs
):
    from twin_app.gui.presentation import DEFAULT_TOUR

    _users_set_up(qtbot, window, tiny_path)
    window.run()
    qtbot.waitUntil(lambda: window.now > 0, timeout=30_000)
    window.controls.presentation.trigger()
    answers.append("Discard the run")  # the user gives their run up for the tour
    window.tour_next()
    assert dialogs[-1][0].endswith("is not finished.") and window.path.name == DEFAULT_TOUR[0].sample
    _leave(window)
    # their file at time 0, not the tour's last demo run (T10), and not the run they gave up
    qtbot.waitUntil(lambda: window.path == tiny_path)
    assert window.state == "ready" and window.now == 0.0
    assert window.controls.speed_spin.value() == 60.0 and not window.controls.fastest_check.isChecked()
    assert _in_front(window.start_dock) and not _in_front(window.run_control.dock)


def test_a_finished_run_of_the_users_comes_back_after_the_tour_with_the_same_figures(qtbot, window, tiny_path, dialogs):
    """The trial's consultant finished a run, showed the tour, pressed Esc and found their file
    at time 0, their run only in History. A finished run is stored, so the tour replaces it
    without asking, and Esc reads it back: the same delivered count, the user's file and view."""
    from twin_app.gui.presentation import DEFAULT_TOUR

    _users_set_up(qtbot, window, tiny_path)
    window.set_speed(None, True)
    window.show_view("kpis")
    window.run()
    control = window.run_control
    qtbot.waitUntil(lambda: control.record is not None and control.record.stored, timeout=60_000)
    run_id = control.record.run_id
    qtbot.waitUntil(lambda: window.kpi_view.card_text("completed") not in ("--", ""), timeout=30_000)
    delivered = window.kpi_view.card_text("completed")
    asked = len(dialogs)

    window.controls.presentation.trigger()  # F5
    window.tour_next()  # the tour's first sample replaces the finished run: nothing to ask
    assert window.path.name == DEFAULT_TOUR[0].sample and len(dialogs) == asked
    _leave(window)  # Esc

    qtbot.waitUntil(lambda: window.path == tiny_path and window.state == "finished", timeout=30_000)
    assert window.current_view() is window.kpi_view
    assert run_id in window.windowTitle() or run_id in window.history.shown_run
    qtbot.waitUntil(lambda: window.kpi_view.card_text("completed") == delivered, timeout=30_000)


def test_the_tour_never_carries_on_a_paused_run_of_the_users_even_of_its_own_first_sample(
    qtbot, window, samples_dir, answers, dialogs
):
    """T9: a run paused on the demo went on at the tour's pace at step 1 and was finished by the
    tour (or the question came at step 3, in the middle of the talk). The first step asks; kept,
    the run stays as it was; given up, the tour runs the sample from time 0."""
    from twin_app.gui.presentation import DEFAULT_TOUR

    window.show()
    window.open_scenario(samples_dir / DEFAULT_TOUR[0].sample)
    window.set_speed(None, True)
    window.run(pause_at=600.0)
    qtbot.waitUntil(lambda: window.state == "paused", timeout=30_000)
    paused_at = window.now
    window.controls.presentation.trigger()  # F5
    answers.append("Cancel")
    window.tour_next()
    assert dialogs[-1][0].endswith("is not finished.")
    assert dialogs[-1][1].startswith(f"The tour (it opens {DEFAULT_TOUR[0].sample})")  # not 'Opening ...' (T10)
    assert window.tour_index == -1 and window.state == "paused" and window.now == paused_at
    answers.append("Discard the run")
    window.tour_next()
    assert window.tour_position.text() == f"1 / {len(DEFAULT_TOUR)}"
    assert window.state == "running" and window.now < paused_at


def test_a_stored_run_reopened_from_the_history_comes_back_after_the_tour(qtbot, window, tiny_path, dialogs):
    """T9: F5 from a run reopened from the History, then Esc, showed the tour's sample at time 0."""
    window.show()
    window.open_scenario(tiny_path)
    window.set_speed(None, True)
    window.run()
    control = window.run_control
    qtbot.waitUntil(lambda: control.record is not None and control.record.stored, timeout=60_000)
    run_id = control.record.run_id
    window.open_scenario(window.samples_dir / "asset_light.json", ask=False)
    assert window.history.reopen(run_id, ask=False)
    qtbot.waitUntil(lambda: window.history.shown_run_id == run_id and window.state == "finished", timeout=30_000)
    window.controls.presentation.trigger()  # F5
    window.tour_next()
    assert window.history.shown_run_id is None  # the tour's sample
    _leave(window)  # Esc
    qtbot.waitUntil(lambda: window.history.shown_run_id == run_id and window.state == "finished", timeout=30_000)


def test_the_tour_compares_heavy_and_light_side_by_side_stores_nothing_and_puts_back_the_users_pins(
    qtbot, window, tiny_path, settings
):
    """The issue's tour: heavy, then light, then compare. The comparison step runs paired
    replications of the two samples on the Compare view (the difference with its confidence);
    like the tour's runs it is not stored, and Esc gives the user their own pins back."""
    from twin_app.gui.presentation import DEFAULT_TOUR, TOUR_REPLICATIONS
    from twin_app.store.experiment_log import ExperimentLog

    _users_set_up(qtbot, window, tiny_path)
    compare = window.compare_view
    compare.pin_file(tiny_path)
    compare.run_bar.seed.setValue(3)
    users_pins = [pin.name for pin in compare.pins]
    step = next(i for i, s in enumerate(DEFAULT_TOUR) if s.against is not None)
    assert DEFAULT_TOUR[step - 2].sample == DEFAULT_TOUR[step].sample  # heavy,
    assert DEFAULT_TOUR[step - 1].sample == DEFAULT_TOUR[step].against  # light, then the two compared
    window.controls.presentation.trigger()  # F5
    window.go_to_step(step)
    assert window.current_view() is window.compare_view
    assert [pin.name for pin in compare.pins] == ["asset_heavy", "asset_light"]
    qtbot.waitUntil(lambda: compare.result is not None and not compare.run_bar.running, timeout=60_000)
    result = compare.result
    assert list(result.names) == ["asset_heavy", "asset_light"] and result.replications == TOUR_REPLICATIONS
    assert compare.table_model.rowCount() > 0  # the table of differences is shown
    _leave(window)  # Esc
    assert [pin.name for pin in compare.pins] == users_pins
    assert compare.run_bar.seed.value() == 3  # T10: 42 after Esc
    assert compare.result is None and compare.table_model.rowCount() == 0  # not the tour's comparison
    with ExperimentLog(settings.results_db) as log:
        assert not log.experiments()  # nothing of the tour's in the user's experiment log
