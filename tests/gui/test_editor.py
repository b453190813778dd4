"""The scenario editor as a user drives it: edit, undo, redo, save, reload; problems at their
field; the map's drag, lane and delete; asking before unsaved edits are lost; what runs is
what was edited."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from twin_app.io.scenario_document import ScenarioDocument
from twin_app.io.scenario_file import load_scenario


@pytest.fixture
def tiny_copy(tiny_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.json"
    shutil.copy(tiny_path, path)
    return path


@pytest.fixture
def editor(window, tiny_copy):
    assert window.open_scenario(tiny_copy)
    window.show_view("editor")
    return window.editor_view.editor


def _type(qtbot, field, text: str) -> None:
    """Replace a field's text by typing it, as a user would."""
    edit = field.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_edit_a_machine_undo_redo_save_reload(qtbot, window, editor, tiny_copy):
    before = load_scenario(tiny_copy)
    editor.show_section("machines")
    field = editor.field_at("machines[0].speed")
    assert field is not None and field.edit.placeholderText() == "1.0 (default)"
    _type(qtbot, field, "1.75")
    field.edit.editingFinished.emit()
    _type(qtbot, editor.field_at("machines[0].name"), "Mill")
    assert editor.undo_stack.count() == 2  # one step per field, however many keys were typed
    assert window.windowTitle().startswith("Tiny two-owner network*")

    editor.undo_stack.undo()
    assert editor.document.get("machines[0].name") == "" or "name" not in editor.document.data["machines"][0]
    assert editor.field_at("machines[0].speed").edit.text() == "1.75"
    editor.undo_stack.undo()
    assert "speed" not in editor.document.data["machines"][0]
    assert json.loads(editor.document.dumps()) == json.loads(tiny_copy.read_text())
    editor.undo_stack.redo()
    editor.undo_stack.redo()
    assert editor.field_at("machines[0].name").edit.text() == "Mill"

    assert window.save()
    assert not window.windowTitle().split(" [")[0].endswith("*")
    after = load_scenario(tiny_copy)
    assert after.machines[0].speed == 1.75 and after.machines[0].name == "Mill"
    assert after.machines[1:] == before.machines[1:] and after.lanes == before.lanes
    # What runs is what was edited (no run had started: applied as soon as it was valid).
    assert window.scenario == after
    reloaded = ScenarioDocument.load(tiny_copy)
    assert reloaded.validate().scenario == after


def test_a_sample_opened_and_saved_unedited_is_unchanged(window, samples_dir, tmp_path):
    source = samples_dir / "asset_light.json"
    copy = tmp_path / "asset_light.json"
    shutil.copy(source, copy)
    assert window.open_scenario(copy)
    assert window.save()
    assert copy.read_bytes() == source.read_bytes()


def test_a_bad_value_shows_the_cli_message_at_its_field_and_saving_asks(
    qtbot, window, editor, tiny_copy, answers, dialogs
):
    editor.show_section("lanes")
    field = editor.field_at("lanes[0].vehicles")
    _type(qtbot, field, "-2")
    validation = editor.validate_now()
    message = validation.by_place["lanes[0].vehicles"][0]
    assert field.problem_label.isVisible() or not field.problem_label.isHidden()
    assert field.problem_label.text() == f"{message.message} ({message.hint})"
    assert message.message == "must be > 0, got -2"
    assert any(text.startswith("1. lanes[0].vehicles: must be > 0") for text in editor.problems.messages())
    assert window.scenario.lanes[0].vehicles == 2  # an invalid document never reaches the twin

    text = tiny_copy.read_text()
    answers.append("Cancel")
    assert not window.save()
    assert tiny_copy.read_text() == text and "1 problem" in dialogs[-1][0]
    answers.append("Save anyway")
    assert window.save()
    assert json.loads(tiny_copy.read_text())["lanes"][0]["vehicles"] == -2


def test_closing_with_unsaved_edits_asks_save_discard_cancel(window, editor, tiny_copy, answers, dialogs):
    editor.set_field("run.seed", 99)
    answers.append("Cancel")
    assert not window.close()
    assert "not saved" in dialogs[-1][0]
    answers.append("Save")
    assert window.close()
    assert json.loads(tiny_copy.read_text())["run"]["seed"] == 99


def test_picking_a_sample_with_unsaved_edits_asks_first(window, editor, tiny_copy, samples_dir, answers, dialogs):
    editor.set_field("run.seed", 99)
    answers.append("Cancel")
    assert not window.open_scenario(samples_dir / "asset_light.json")
    assert window.path == tiny_copy and editor.document.get("run.seed") == 99
    answers.append("Discard")
    assert window.open_scenario(samples_dir / "asset_light.json")
    assert window.path.name == "asset_light.json" and not editor.is_dirty()
    assert json.loads(tiny_copy.read_text())["run"].get("seed") != 99
    assert len([d for d in dialogs if "not saved" in d[0]]) == 2


def test_a_file_that_cannot_be_opened_does_not_first_warn_edits_will_be_lost(
    window, editor, tiny_copy, tmp_path, answers, dialogs
):
    """File > Open reads and checks the file before asking about unsaved edits: a bad file
    changes nothing, so the only message is why it cannot be opened, and the edits stay."""
    editor.set_field("run.seed", 99)
    bad = tmp_path / "bad.json"
    data = json.loads(tiny_copy.read_text())
    data["machines"][0]["speed"] = -1
    bad.write_text(json.dumps(data))
    assert not window.open_scenario(bad)
    assert not [d for d in dialogs if "not saved" in d[0]]
    assert "Cannot open bad.json" in dialogs[-1][0] and "machines[0].speed" in dialogs[-1][1]
    assert window.path == tiny_copy and editor.document.get("run.seed") == 99 and editor.is_dirty()


def _mouse(view, kind, point: QPointF, buttons) -> None:
    button = Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, point, view.viewport().mapToGlobal(point.toPoint()), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(view.viewport(), event)


def _drag(view, start: QPoint, end: QPoint) -> None:
    held, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _mouse(view, QEvent.Type.MouseButtonPress, QPointF(start), held)
    _mouse(view, QEvent.Type.MouseMove, QPointF((start + end) / 2), held)
    _mouse(view, QEvent.Type.MouseMove, QPointF(end), held)
    _mouse(view, QEvent.Type.MouseButtonRelease, QPointF(end), none)


def test_map_drag_a_site_draw_a_lane_delete_with_undo(qtbot, window, editor):
    page = editor.show_section("map")
    qtbot.waitExposed(window)
    view = page.view
    page.fit()
    sites = copy.deepcopy(editor.document.data["sites"])
    first = page.places[sites[0]["id"]]
    at = view.mapFromScene(first.pos())
    _drag(view, at, at + QPoint(40, -30))
    moved = editor.document.data["sites"][0]
    assert (moved["x"], moved["y"]) != (sites[0]["x"], sites[0]["y"])
    assert moved["x"] > sites[0]["x"] and moved["y"] > sites[0]["y"]  # right and up on the map
    editor.undo_stack.undo()
    assert (editor.document.data["sites"][0]["x"], editor.document.data["sites"][0]["y"]) == (
        sites[0]["x"],
        sites[0]["y"],
    )

    lanes_before = len(editor.document.data["lanes"])
    page.set_mode("lane")
    a, b = page.places[sites[0]["id"]], page.places[sites[1]["id"]]
    _drag(view, view.mapFromScene(a.pos()), view.mapFromScene(b.pos()))
    lanes = editor.document.data["lanes"]
    assert len(lanes) == lanes_before + 1
    assert (lanes[-1]["origin"], lanes[-1]["destination"]) == (sites[0]["id"], sites[1]["id"])
    assert editor.validate_now().ok  # the new lane took the last lane's settings: it can run
    assert len(window.scenario.lanes) == lanes_before + 1

    page.set_mode("move")
    page.scene.clearSelection()
    page.places[sites[1]["id"]].setSelected(True)
    view.setFocus()
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Delete)
    ids = [s["id"] for s in editor.document.data["sites"]]
    assert sites[1]["id"] not in ids
    assert all(sites[1]["id"] not in (lane["origin"], lane["destination"]) for lane in editor.document.data["lanes"])
    assert not editor.validate_now().ok  # machines at the deleted site are now reported
    editor.undo_stack.undo()  # one step brings back the site and its lanes
    assert [s["id"] for s in editor.document.data["sites"]] == [s["id"] for s in sites]
    assert len(editor.document.data["lanes"]) == lanes_before + 1
    editor.undo_stack.undo()
    assert len(editor.document.data["lanes"]) == lanes_before


def test_sweep_this_field_gives_the_path_with_ids(qtbot, window, editor):
    editor.show_section("lanes")
    field = editor.field_at("lanes[0].vehicles")
    menu = field.context_menu()
    sweep = next(a for a in menu.actions() if a.text() == "Sweep this field...")
    with qtbot.waitSignal(editor.sweep_field_requested) as caught:
        sweep.trigger()
    lane = editor.document.data["lanes"][0]["id"]
    assert caught.args == [f"lanes[{lane}].vehicles", 2]


def test_edits_during_a_run_wait_for_reset_or_apply(qtbot, window, editor, answers):
    window.set_speed(30.0, False)
    window.run()
    qtbot.waitUntil(lambda: window.now > 0, timeout=30_000)
    editor.set_field("run.seed", 5)
    editor.validate_now()
    assert window.state in ("running", "paused") and window.scenario.run.seed != 5
    assert "not applied" in editor.apply_label.text()
    window.stop()
    qtbot.waitUntil(lambda: window.state == "finished", timeout=10_000)
    window.reset(ask=False)  # back at time 0: the next run is the edited scenario
    assert window.state == "ready" and window.scenario.run.seed == 5

    window.run()
    qtbot.waitUntil(lambda: window.now > 0, timeout=30_000)
    editor.set_field("run.seed", 6)
    answers.append("Discard the run")
    assert window.editor_link.apply()
    assert window.state == "ready" and window.scenario.run.seed == 6
    assert "*" in window.windowTitle()  # applied, still not saved


def test_changeovers_are_a_family_table(window, editor):
    editor.show_section("machines")
    matrix = editor.field_at("machines[0].setup")
    keys = [matrix.table.verticalHeaderItem(r).text() for r in range(matrix.table.rowCount())]
    assert "from frame" in keys and "from cover" in keys
    row, column = keys.index("from frame"), keys.index("from cover")
    matrix.table.item(row, column).setText("7")
    assert editor.document.get("machines[A-mill].setup") == {"frame": {"cover": 7}, "cover": {"frame": 8}}
    matrix.table.item(column, row).setText("")  # empty: the machine's setup_default
    assert editor.document.get("machines[A-mill].setup") == {"frame": {"cover": 7}}
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert editor.document.get("machines[A-mill].setup") == {"frame": {"cover": 5}, "cover": {"frame": 8}}
    assert matrix.table.item(row, column).text() == "5"  # the table shows what undo restored


def test_saving_an_edited_sample_asks_where(window, samples_dir, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    source = samples_dir / "asset_light.json"
    text = source.read_bytes()
    assert window.open_scenario(source)
    window.editor_view.editor.set_field("lanes[0].vehicles", 3)
    target = tmp_path / "light_3_vans.json"
    offered: list[str] = []

    def save_dialog(parent, title, start, filters):
        offered.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    assert window.save()  # Ctrl+S on a shipped sample is Save As
    assert source.read_bytes() == text
    # ...which offers a copy outside the samples folder, never the sample's own name there.
    assert Path(offered[0]).name == "asset_light-edited.json"
    assert not Path(offered[0]).resolve().is_relative_to(samples_dir.resolve())
    assert json.loads(target.read_text())["lanes"][0]["vehicles"] == 3 and window.path == target
    assert "twin-app run light_3_vans.json" in window.run_control.panel.command.text()  # the file saved


def test_discarding_edits_to_open_another_file_runs_that_file(qtbot, window, editor, samples_dir, answers, dialogs):
    # The trial's steps: run to the end, edit (not applied: the run is over), open another
    # file and Discard. The twin must run the file opened, not the discarded edits.
    window.set_speed(1e9, True)
    window.run()
    qtbot.waitUntil(lambda: window.state == "finished", timeout=30_000)
    editor.set_field("run.seed", 77)
    editor.validate_now()
    assert "not applied" in editor.apply_label.text()
    answers.append("Discard")
    assert window.open_scenario(samples_dir / "asset_heavy.json")
    heavy = load_scenario(samples_dir / "asset_heavy.json")
    assert window.scenario == heavy and window.path.name == "asset_heavy.json"
    assert window.session.scenario == heavy  # what runs is what is shown
    assert editor.document.get("run.seed") == heavy.run.seed and not window.editor_link.pending


def test_table_headers_are_shown_whole(window, samples_dir):
    """Every column is at least as wide as Qt needs to draw its header in the theme's style
    sheet (bold, padded): 'cost per shipment' lost a letter at each end when it was sized
    from the plain font."""
    from twin_app.gui.editor.table import ListEditor

    assert window.open_scenario(samples_dir / "asset_light.json")
    window.show_view("editor")
    window.editor_view.editor.show_section("lanes")
    tables = window.editor_view.findChildren(ListEditor)
    assert tables
    seen = set()
    for table in tables:
        header = table.table.horizontalHeader()
        for column in range(header.count() - 1):  # the last one stretches
            text = header.model().headerData(column, Qt.Orientation.Horizontal)
            seen.add(text)
            assert header.sectionSize(column) >= header.sectionSizeHint(column), text
    assert "cost per shipment" in seen
