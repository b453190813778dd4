"""Opening a big scenario file: it loads in a child process behind a dialog that can cancel it."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def child_for_every_file(monkeypatch):
    """Make every file 'big', so the child-process path is what the test exercises."""
    from twin_app.gui import loading

    monkeypatch.setattr(loading, "CHILD_ABOVE_BYTES", 0)


def test_a_big_file_loads_in_a_child_to_the_same_scenario(qtbot, tiny_path, tiny, child_for_every_file):
    from twin_app.gui.loading import load_scenario_file

    assert load_scenario_file(tiny_path) == tiny


def test_a_bad_big_file_lists_its_problems_like_a_small_one(qtbot, tiny_path, tmp_path, child_for_every_file):
    from twin_app.errors import ScenarioError
    from twin_app.gui.loading import load_scenario_file
    from twin_app.io.scenario_file import load_scenario

    data = json.loads(tiny_path.read_text())
    data["machines"][0]["capacity"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ScenarioError) as direct:
        load_scenario(bad)
    with pytest.raises(ScenarioError) as child:
        load_scenario_file(bad)
    assert child.value.report() == direct.value.report()


def test_loading_can_be_cancelled_and_the_window_keeps_its_scenario(
    qtbot, window, tiny_path, samples_dir, child_for_every_file
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    assert window.open_scenario(tiny_path)  # (loaded in a child too)
    seen: list[str] = []

    def cancel() -> None:
        dialogs = [d for d in window.findChildren(QProgressDialog) if not d.isHidden()]
        if not dialogs:
            QTimer.singleShot(20, cancel)
            return
        seen.append(dialogs[0].labelText())
        button = next(b for b in dialogs[0].findChildren(QPushButton) if b.text() == "Cancel")
        button.click()

    QTimer.singleShot(20, cancel)
    assert not window.open_scenario(samples_dir / "large_network.json")
    assert seen and "large_network.json" in seen[0]  # the dialog named the file while it loaded
    assert window.path == tiny_path and window.state == "ready"
    assert "cancelled" in window.controls.state_label.text()


def test_the_large_network_opens_behind_named_steps_and_is_checked_once(window, samples_dir, monkeypatch):
    """Opening the large network (0.5 MB) shows a dialog naming each step, and the editor takes
    the scenario the window has just checked instead of reading the file a second time."""
    from twin_app.gui import loading
    from twin_app.io import scenario_document

    steps: list[tuple[str, bool]] = []
    real_step = loading.LoadProgress.step

    def spy(progress, text):
        real_step(progress, text)
        steps.append((text, progress.dialog is not None and progress.dialog.isVisible()))

    monkeypatch.setattr(loading.LoadProgress, "step", spy)
    reads = []
    real_read = scenario_document.scenario_from_data
    monkeypatch.setattr(scenario_document, "scenario_from_data", lambda *a, **k: reads.append(1) or real_read(*a, **k))
    window.show()
    assert window.open_scenario(samples_dir / "large_network.json")
    assert steps == [(text, True) for text in loading.OPENING_STEPS]
    assert reads == []  # the editor's check is the window's, not a second read of the file
    editor = window.editor_view.editor
    assert editor.validation.ok and editor.validation.scenario is window.scenario
    # an edit is checked for real
    editor.set_field("run.horizon", -5)
    assert not editor.validate_now().ok and reads == [1]
    editor.undo_stack.undo()  # nothing unsaved left: closing the window asks nothing
    assert not editor.is_dirty()


def test_cancel_between_steps_keeps_the_shown_scenario(window, samples_dir, tiny_path, monkeypatch):
    from twin_app.gui import loading

    assert window.open_scenario(tiny_path)
    shown = window.scenario
    real_step = loading.LoadProgress.step

    def cancel_after_reading(progress, text):
        if text == loading.OPENING_STEPS[1]:
            progress.dialog.cancel()
        real_step(progress, text)

    monkeypatch.setattr(loading.LoadProgress, "step", cancel_after_reading)
    assert not window.open_scenario(samples_dir / "large_network.json")
    assert window.scenario is shown and window.path == tiny_path
    assert "cancelled" in window.controls.state_label.text()
