"""The session bridge: the window polls the run less often while it is busy, at 30 Hz when idle."""

from __future__ import annotations

from twin_app.experiments.session import RunSession
from twin_app.gui.bridge import BUSY_SHARE, MAX_INTERVAL_MS, SessionBridge


def test_a_busy_window_polls_less_often_and_an_idle_one_comes_back_to_30_hz(qtbot):
    bridge = SessionBridge(RunSession(), interval_ms=33)
    bridge.stop_timer()
    cpu = wall = 0.0
    bridge.pace(cpu, wall)
    for _ in range(20):  # the GUI thread busy 60% of the time (painting a large run flat out)
        wall += bridge.interval_ms / 1000
        cpu += 0.6 * bridge.interval_ms / 1000
        bridge.pace(cpu, wall)
    assert bridge.interval_ms == MAX_INTERVAL_MS  # 4 polls a second: the clock still moves
    for _ in range(20):  # the run paused, or the Gantt hidden: cheap polls again
        wall += bridge.interval_ms / 1000
        cpu += 0.05 * bridge.interval_ms / 1000
        bridge.pace(cpu, wall)
    assert bridge.interval_ms == 33
    for _ in range(20):  # just under the share it may take: left alone
        wall += bridge.interval_ms / 1000
        cpu += 0.9 * BUSY_SHARE * bridge.interval_ms / 1000
        bridge.pace(cpu, wall)
    assert bridge.interval_ms == 33
    bridge.session.close()
