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
