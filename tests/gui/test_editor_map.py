"""The editor's map on the large network: names never pile up, more show as the user zooms in,
and the wheel zooms in small steps within limits."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

LARGE = Path(__file__).resolve().parents[2] / "sample_networks" / "large_network.json"


def _shown_map(qtbot, scenario_file: Path):
    """The editor's map of ``scenario_file`` on screen at 1000x640, its names placed."""
    from twin_app.gui.editor.map_editor import MapEditor

    widget = MapEditor()
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_data(json.loads(scenario_file.read_text()), reset_view=True)
    widget.place_labels()
    return widget


@pytest.fixture
def editor_map(qtbot):
    return _shown_map(qtbot, LARGE)


def _wheel(view, notches: int) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    at = QPointF(view.viewport().rect().center())
    for _ in range(abs(notches)):
        event = QWheelEvent(
            at, QPointF(view.viewport().mapToGlobal(at)), QPoint(0, 0), QPoint(0, 120 if notches > 0 else -120),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(view.viewport(), event)


def test_names_on_the_large_network_never_overlap_and_more_show_when_zoomed_in(editor_map):
    far = editor_map.shown_labels()
    assert 10 < len(far) < len(editor_map.places) / 2  # the biggest places are named, not all 230
    for (a, ra), (b, rb) in itertools.combinations(far.items(), 2):
        assert not ra.intersects(rb), f"the names of {a} and {b} overlap"
    _wheel(editor_map.view, 8)
    editor_map.place_labels()
    near = editor_map.shown_labels()
    for (a, ra), (b, rb) in itertools.combinations(near.items(), 2):
        assert not ra.intersects(rb), f"the names of {a} and {b} overlap"
    in_view = [
        ident
        for ident, place in editor_map.places.items()
        if editor_map.view.viewport().rect().contains(editor_map.view.mapFromScene(place.pos()))
    ]
    assert len(in_view) < len(editor_map.places)  # zoomed into a part of the network
    assert len(near) / len(in_view) > len(far) / len(editor_map.places)  # a larger share is named


def test_every_name_of_a_small_network_shows(qtbot):
    widget = _shown_map(qtbot, LARGE.parent / "cloud_factory_demo.json")
    assert len(widget.shown_labels()) >= 0.8 * len(widget.places)


def test_the_wheel_zooms_in_small_steps_and_stops_at_its_limits(editor_map):
    from twin_app.gui.editor.map_editor import WHEEL_STEP, ZOOM_IN_LIMIT, ZOOM_OUT_LIMIT

    view, fit = editor_map.view, editor_map.fit_scale
    _wheel(view, 1)
    assert view.transform().m11() == pytest.approx(fit * WHEEL_STEP)
    _wheel(view, 100)
    assert view.transform().m11() == pytest.approx(fit * ZOOM_IN_LIMIT)
    _wheel(view, -200)
    assert view.transform().m11() == pytest.approx(fit * ZOOM_OUT_LIMIT)
