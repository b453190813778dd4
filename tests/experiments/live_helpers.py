"""Helpers of the live-run tests (session, live process, main window): polling, a failing observer."""

from __future__ import annotations

import time

from twin_app.experiments.session import RunSession


def poll_until(session: RunSession, condition, timeout: float = 60.0) -> list:
    """Poll like the GUI timer does until ``condition()``; returns every update seen."""
    seen: list = []
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out in state {session.state}")
        seen.extend(session.poll())
        time.sleep(0.01)
    return seen


class Exploding:
    """Fails on the first batch with events (module level: observers are sent to the simulation's process)."""

    def on_start(self, info) -> None:
        pass

    def on_batch(self, batch) -> None:
        if len(batch.events):
            raise ValueError("bad batch on purpose")

    def on_end(self, end) -> None:
        pass
