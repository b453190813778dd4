"""Fixtures of the GUI tests: offscreen Qt, throw-away settings, no modal dialogs, run results.

Every test gets its own settings file (TWIN_APP_SETTINGS points into tmp_path), so nothing
here reads or writes the user's real settings. Message boxes are patched to return at once
and record what they would have shown.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_networks"


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "settings" / "twin-app.ini"
    monkeypatch.setenv("TWIN_APP_SETTINGS", str(path))
    monkeypatch.setenv("TWIN_APP_DB", str(tmp_path / "results.sqlite"))  # GUI runs are stored: not in the user's
    return path


@pytest.fixture
def settings(tmp_path: Path):
    from twin_app.gui.settings import AppSettings

    return AppSettings(tmp_path / "settings.ini")


@pytest.fixture
def answers() -> list[str]:
    """Buttons to press, in order, in the questions the code asks (default: the first button)."""
    return []


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[tuple[str, str]]:
    """Texts of the message boxes the code tried to show (none of them blocks). A question is
    answered with the next button named in ``answers``."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append((box.text(), box.informativeText()))
        buttons = box.buttons()
        if buttons and box.icon() == QMessageBox.Icon.Question:
            wanted = answers.pop(0) if answers else None
            chosen = next((b for b in buttons if b.text().replace("&", "") == wanted), buttons[0])
            chosen.click()
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@pytest.fixture
def window(qtbot, settings, dialogs):
    from twin_app.gui.main_window import MainWindow

    win = MainWindow(settings, samples_dir=SAMPLES)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    yield win
    win._discard_run()
    win.session.close()


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


def run_collected(scenario, until: float | None = None):
    """Run ``scenario`` headless and return (collector, RunResult)."""
    from twin_app.analysis.collector import EventCollector
    from twin_app.sim.engine import Simulation

    collector = EventCollector()
    sim = Simulation(scenario, observers=[collector])
    if until is None:
        sim.run()
    else:
        sim.advance(until)
        sim.finish("stopped")
    return collector, collector.result(scenario, sim.layout)


@pytest.fixture
def tiny_result(tiny):
    return run_collected(tiny)[1]


@pytest.fixture
def tiny_half_result(tiny):
    return run_collected(tiny, until=1000.0)[1]


@pytest.fixture
def hand_result(tiny):
    """A hand-made RunResult over tiny.json: A-mill busy 0..50, B-cell.1 down 0..25, two orders."""
    from twin_app.analysis.result import RunResult
    from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind
    from twin_app.model.layout import Layout

    layout = Layout.build(tiny)
    ev = np.zeros(3, dtype=EVENT_DTYPE)
    ev["order"] = ev["job"] = -1
    ev["operation"] = -1
    ev[0] = (0.0, 50.0, EventKind.PROCESS, 0, 0, 0, 0, 0, 1.0, 10.0)
    ev[1] = (0.0, 25.0, EventKind.DOWN, 2, 1, -1, -1, -1, 0.0, 0.0)
    ev[2] = (10.0, 40.0, EventKind.TRANSPORT, layout.n_machine_units, 2, 1, 1, -1, 4.0, 5.0)
    orders = np.zeros(2, dtype=ORDER_DTYPE)
    orders[0] = (0, 0, 0, 1.0, 0.0, 60.0, 50.0, 100.0)
    orders[1] = (1, 0, 1, 4.0, 5.0, 30.0, 90.0, 200.0)
    return RunResult(tiny, layout, ev, orders, 0.0, 100.0)


@pytest.fixture
def run_collect():
    """The run_collected helper, as a fixture (test modules do not import each other)."""
    return run_collected
