"""A run stopped at a limit of its budget is told in the app's words: what stopped it and where
the events came from, then what to change in the app (the Editor, Run settings), never a
command-line flag the window has no place for."""

from __future__ import annotations

import re

import pytest

from twin_app.sim.engine import Simulation
from twin_app.sim.watchdog import Budget


@pytest.mark.parametrize(
    ("budget", "flag", "what", "where"),
    [
        (Budget(max_events_at_instant=3), "--max-events-at-instant", "no progress in simulated time", "Editor"),
        (Budget(max_events=500), "--max-events", "the event budget is spent: 500 events", "Run settings"),
        (Budget(max_memory=1), "--max-memory", "the memory ceiling is reached", "Run settings"),
    ],
)
def test_a_run_stopped_at_a_limit_says_what_to_change_in_the_app(window, tiny, dialogs, budget, flag, what, where):
    end = Simulation(tiny, seed=1, budget=budget).run()
    assert end.status == "stopped" and flag in end.message  # the command line keeps its wording
    window.set_scenario(tiny)
    window.bridge.ended.emit(end)
    title, text = dialogs[-1]
    assert title == "The run stopped at a limit"
    assert what in text and where in text
    assert "--" not in text and "raise it with" not in text
    assert re.match(r"Stopped at \d+d \d\d:\d\d: ", text)  # the app's clock, not 't = 2880'
    assert "The last" in text and "came from: " in text  # where the events came from stays


def test_other_end_messages_are_shown_as_they_are():
    from twin_app.gui.limit_advice import limit_advice

    advice = limit_advice("The results database is locked")
    assert advice.text() == "The results database is locked"
