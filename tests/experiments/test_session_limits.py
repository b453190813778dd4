"""The desktop's run session (Qt-free) when a run reaches a limit of its budget: it ends
'stopped' and the reason is the message the window shows."""

from __future__ import annotations

import time

from twin_app.experiments.live import default_factory
from twin_app.experiments.session import RunSession
from twin_app.sim.watchdog import Budget


def test_a_run_stopped_at_its_event_budget_tells_the_user_why(tiny) -> None:
    session = RunSession(lambda scenario: default_factory(scenario, budget=Budget(max_events=500)), live_probe=False)
    try:
        session.open(tiny)
        session.set_speed(60.0, True)
        session.run()
        deadline = time.monotonic() + 60
        while session.state != "finished":
            assert time.monotonic() < deadline, f"still {session.state}"
            session.poll()
            time.sleep(0.01)
        assert session.run_end is not None and session.run_end.status == "stopped"
        assert session.last_error is not None
        message = session.last_error[0]
        assert "the event budget is spent: 500 events" in message and "--max-events" in message
    finally:
        session.close()
