"""A file that is not valid JSON (cut off half way): after its error dialog the window is in a
clear state. Started on it, the window says no scenario is loaded and offers nothing to run or
apply (and those controls look off); opened over a scenario, that scenario and its unsaved edits
stay as they were."""

from __future__ import annotations

import pytest


@pytest.fixture
def truncated(tmp_path, samples_dir):
    """The demo network cut off half way."""
    text = (samples_dir / "cloud_factory_demo.json").read_text(encoding="utf-8")
    path = tmp_path / "trunc.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path


def darkest(widget) -> int:
    """The lightness of the darkest pixel of ``widget`` as drawn (its text)."""
    image = widget.grab().toImage()
    return min(image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height()))


def test_a_first_file_that_is_not_json_leaves_a_window_that_says_no_scenario_is_loaded(
    qtbot, window, dialogs, truncated
):
    assert not window.open_scenario(truncated)
    assert dialogs[-1][0] == "Cannot open trunc.json"
    assert "invalid JSON" in dialogs[-1][1]
    window.show()
    window.show_view("editor")
    editor = window.editor_view.editor
    # the editor says there is nothing loaded: no endless "Checking...", no "the twin runs this"
    assert "Checking" not in editor.problems.title.text()
    assert editor.problems.title.text() == "No scenario is loaded"
    assert "open a scenario" in editor.apply_label.text()
    assert "twin runs" not in editor.apply_label.text()
    assert not editor.body.isEnabled()
    # nothing to run or apply, and the buttons look it
    assert not editor.apply_button.isEnabled() and not window.controls.run.isEnabled()
    assert window.windowTitle() == "Cloud Factory Twin"
    assert "Open a scenario" in window.controls.state_label.text()
    off = darkest(editor.apply_button)
    editor.apply_button.setEnabled(True)
    assert darkest(editor.apply_button) < off - 40  # the enabled button's text is clearly darker
    editor.apply_button.setEnabled(False)
    run_button = window.controls.toolbar.widgetForAction(window.controls.run)
    off = darkest(run_button)
    window.controls.run.setEnabled(True)
    assert darkest(run_button) < off - 40
    window.controls.run.setEnabled(False)
    # a good file afterwards opens as usual
    assert window.open_scenario(window.samples_dir / "cloud_factory_demo.json")
    assert editor.body.isEnabled() and editor.validation.ok
    assert editor.apply_label.text() == "The twin runs this scenario"


def test_opening_a_file_that_is_not_json_keeps_the_scenario_and_its_unsaved_edits(
    qtbot, window, dialogs, truncated, samples_dir
):
    demo = samples_dir / "cloud_factory_demo.json"
    assert window.open_scenario(demo)
    editor = window.editor_view.editor
    editor.set_field("name", "My edited demo")
    editor.validate_now()
    assert editor.is_dirty()
    try:
        title = window.windowTitle()
        assert not window.open_scenario(truncated)  # read first: nothing to lose, so nothing asked
        assert [text for text, _ in dialogs] == ["Cannot open trunc.json"]
        assert window.path == demo and window.scenario.name == "My edited demo"
        assert editor.document.get("name") == "My edited demo" and editor.is_dirty()
        assert window.windowTitle() == title and "*" in title
        assert window.controls.run.isEnabled() and editor.body.isEnabled()
        assert editor.problems.title.text().startswith("\u2714")
    finally:
        editor.mark_saved()  # (the window closes at teardown without asking)
