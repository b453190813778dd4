"""A scenario file with problems can be opened into the editor to fix it, from the very dialog
that lists its problems; the twin keeps its scenario until the fixed file validates."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def broken(tmp_path, tiny_path):
    """tiny.json with a machine whose capacity is negative (under a new name)."""
    data = json.loads(tiny_path.read_text())
    data["name"] = "Tiny, being fixed"
    data["machines"][0]["capacity"] = -2
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, indent=2))
    return path


@pytest.fixture
def press_open_in_editor(monkeypatch):
    """The 'Cannot open' box answered with its 'Open in editor' button (and 'Save anyway' when
    saving a file with problems); records the buttons offered."""
    from PySide6.QtWidgets import QMessageBox

    offered: list[list[str]] = []

    def exec_(box: QMessageBox) -> int:
        names = [b.text().replace("&", "") for b in box.buttons()]
        offered.append(names)
        for button in box.buttons():
            if button.text() in ("Open in editor", "Save anyway"):
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return offered


def test_the_error_dialog_opens_the_file_in_the_editor_and_the_twin_keeps_its_scenario(
    qtbot, window, tiny_path, broken, press_open_in_editor
):
    assert window.open_scenario(tiny_path)
    shown = window.scenario
    assert not window.open_scenario(broken)
    assert "Open in editor" in press_open_in_editor[-1]
    link, editor = window.editor_link, window.editor_view.editor
    # the twin still shows and runs tiny.json
    assert window.scenario is shown and window.path == tiny_path
    # the editor shows broken.json, its problem at its field
    assert window.current_view() is window.editor_view
    assert editor.document.path == broken and link.outside == broken
    assert not editor.validation.ok
    assert any(p.place == "machines[0].capacity" for p in editor.validation.problems)
    assert any("machines[0].capacity" in m for m in editor.problems.messages())
    assert "broken.json" in editor.apply_label.text()
    # fixed: it validates, and as nothing has run, the twin shows it at once
    editor.set_field("machines[0].capacity", 2)
    editor.validate_now()
    assert window.scenario is not shown and window.scenario.name == "Tiny, being fixed"
    assert window.path == broken and link.outside is None
    assert window.scenario.machines[0].capacity == 2


def test_save_writes_the_file_being_fixed_never_the_one_the_twin_runs(
    qtbot, window, tiny_path, broken, press_open_in_editor
):
    before = tiny_path.read_bytes()
    assert window.open_scenario(tiny_path)
    window.open_scenario(broken)
    editor = window.editor_view.editor
    editor.set_field("name", "Half fixed")  # still broken
    assert window.save()
    assert tiny_path.read_bytes() == before
    assert json.loads(broken.read_text())["name"] == "Half fixed"
    assert window.scenario.name == "Tiny two-owner network"  # the twin is untouched
    assert window.editor_link.outside == broken


def test_a_file_that_is_not_json_gets_no_editor_button(qtbot, window, tmp_path, press_open_in_editor):
    bad = tmp_path / "garbled.json"
    bad.write_text("{ not json")
    assert not window.open_scenario(bad)
    assert "Open in editor" not in press_open_in_editor[-1]
    assert window.editor_link.outside is None
