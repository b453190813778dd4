"""How smooth the GUI stays while a simulation runs live: the event-loop stall probe.

:func:`measure_stalls` runs a scenario in the real main window (offscreen) with the worker
thread as fast as possible, and meanwhile a 10 ms QTimer records when the event loop got to
run it. The longest gap between two ticks is the worst stall a user would feel (target:
under 100 ms). ``twin-app bench gui`` prints the result.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from twin_app.io.scenario_file import load_scenario

TICK_MS = 10


def measure_stalls(
    scenario_path: Path, sim_minutes: float, *, fastest: bool = True, speed: float = 1440.0, timeout: float = 300.0
) -> dict[str, Any]:
    """Run ``scenario_path`` live to ``sim_minutes`` and report the event-loop gaps (ms)."""
    scenario = load_scenario(scenario_path)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from twin_app.gui.app import application
    from twin_app.gui.main_window import MainWindow
    from twin_app.gui.settings import AppSettings

    app = application()
    ticks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as scratch:
        window = MainWindow(AppSettings(Path(scratch) / "settings.ini"))
        try:
            window.resize(1600, 1000)
            window.show()
            window.set_scenario(scenario, Path(scenario_path))
            window.set_speed(speed, fastest)
            app.processEvents()
            loop = QEventLoop()
            probe = QTimer()
            probe.setInterval(TICK_MS)
            probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
            deadline = QTimer()
            deadline.setSingleShot(True)
            deadline.timeout.connect(loop.quit)

            def on_state(state: str) -> None:
                if state in ("paused", "finished", "failed"):
                    loop.quit()

            window.state_changed.connect(on_state)
            began = time.perf_counter()
            ticks.append(began)  # a stall before the first tick counts too
            probe.start()
            deadline.start(int(timeout * 1000))
            window.run(pause_at=sim_minutes)
            loop.exec()
            probe.stop()
            wall = time.perf_counter() - began
            # Let the views catch up once more (the final refresh is part of the experience too).
            ticks.append(time.perf_counter())
            state, now, events = window.state, window.now, window.events_ingested
            error = window.last_error
        finally:
            window._discard_run()
            window.close()
            window.deleteLater()
            app.processEvents()
    gaps = np.diff(np.array(ticks)) * 1000.0 if len(ticks) > 1 else np.zeros(1)
    return {
        "scenario": str(scenario_path),
        "sim_minutes": float(sim_minutes),
        "reached": float(now),
        "state": state,
        "error": error[0] if error else None,
        "wall_seconds": round(wall, 3),
        "events": int(events),
        "events_per_second": round(events / wall, 1) if wall > 0 else 0.0,
        "ticks": len(ticks),
        "tick_ms": TICK_MS,
        "max_gap_ms": round(float(gaps.max()), 1),
        "p99_gap_ms": round(float(np.percentile(gaps, 99)), 1),
        "mean_gap_ms": round(float(gaps.mean()), 2),
        "stalls_over_100ms": int((gaps > 100).sum()),
    }
