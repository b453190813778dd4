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


def test_once_the_run_stops_the_final_figures_are_awaited_at_the_fastest_pace(qtbot, tiny):
    """After a flat-out run the timer had slowed to 250 ms: the request for the final figures
    waited a poll and their answer another (~0.5 s of the demo's 1.4 s to its final KPIs)."""
    session = RunSession()
    bridge = SessionBridge(session, interval_ms=33)
    try:
        bridge.stop_timer()
        session.open(tiny)
        session.set_speed(1440.0, True)
        session.want(("kpis", "durations"))
        assert session.run()
        bridge._timer.setInterval(MAX_INTERVAL_MS)  # as a busy window's pace left it
        qtbot.waitUntil(lambda: (bridge.poll(), session.state)[1] != "running", timeout=60_000)
        assert session.analysing(session.wanted)  # the final figures are being worked out
        assert bridge.interval_ms == 33
        qtbot.waitUntil(lambda: (bridge.poll(), not session.analysing(session.wanted))[1], timeout=60_000)
    finally:
        session.close()


def test_the_runs_end_is_seen_at_once_not_at_the_next_tick(qtbot, tiny):
    """A flat-out run slows the poll to 250 ms; its end wakes the bridge instead of waiting."""
    session = RunSession()
    bridge = SessionBridge(session, interval_ms=33)
    ended = []
    bridge.ended.connect(ended.append)
    try:
        session.open(tiny)
        session.set_speed(1440.0, True)
        bridge._timer.setInterval(600_000)  # no tick during the test: only the wake-up polls
        assert session.run()
        qtbot.waitUntil(lambda: bool(ended), timeout=20_000)
        assert session.state == "finished" and ended[0].status == "completed"
    finally:
        bridge.stop_timer()
        session.close()
