"""The simulation on its worker thread: every event reaches the queue, commands work at any
time, errors surface as messages (no Qt involved)."""

from __future__ import annotations

import queue
import time

import pytest

from twin_app.experiments.live import QueueObserver, SimRunner, default_factory
from twin_app.model.events import RunEnd


class Counter:
    """A RunObserver on the simulation thread counting what the engine produced."""

    def __init__(self) -> None:
        self.events = 0
        self.orders = 0

    def on_start(self, info) -> None:
        pass

    def on_batch(self, batch) -> None:
        self.events += len(batch.events)
        self.orders += len(batch.orders)

    def on_end(self, end) -> None:
        pass


class Exploding(Counter):
    def on_batch(self, batch) -> None:
        if len(batch.events):
            raise RuntimeError("observer exploded on purpose")


def until_message(q: queue.Queue, kind: str, timeout: float = 30.0) -> tuple[tuple, list[tuple]]:
    """Read ``q`` until a message of ``kind``; returns it and everything read before it."""
    seen: list[tuple] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = q.get(timeout=0.05)
        except queue.Empty:
            continue
        if message[0] == kind:
            return message, seen
        seen.append(message)
    raise AssertionError(f"no {kind!r} message within {timeout} s; got {seen}")


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_every_event_reaches_the_queue(tiny):
    q: queue.Queue = queue.Queue()
    counter = Counter()
    runner = SimRunner(default_factory(tiny), q, observers=(counter,), fastest=True)
    runner.start()
    runner.play()
    end, before = until_message(q, "end")
    assert end[1].status == "completed"
    batches = [m[1] for m in before if m[0] == "batch"]
    assert counter.events > 100
    assert sum(len(b.events) for b in batches) == counter.events
    assert sum(len(b.orders) for b in batches) == counter.orders
    assert runner.join(5)


def test_pause_step_and_stop(tiny):
    q: queue.Queue = queue.Queue()
    counter = Counter()
    runner = SimRunner(default_factory(tiny), q, observers=(counter,), speed=60.0)
    runner.start()
    runner.step()  # one event (it may record nothing yet), then hold
    wait_until(lambda: runner.state == "paused")
    before = counter.events
    runner.step(20)
    wait_until(lambda: runner.state == "paused" and counter.events > before)
    runner.play()  # paced: 60 simulated minutes per second, far from the end
    time.sleep(0.15)
    runner.pause()
    wait_until(lambda: runner.state == "paused")
    runner.stop()
    end, _ = until_message(q, "end", 5.0)
    assert end[1].status == "stopped" and end[1].now < tiny.run.horizon
    assert runner.join(5)


def test_pause_at_reports_the_time_and_the_live_state(tiny):
    from twin_app.experiments.live_state import probe_live_state

    q: queue.Queue = queue.Queue()
    runner = SimRunner(default_factory(tiny), q, fastest=True, pause_at=500.0, probe=probe_live_state)
    runner.start()
    runner.play()
    paused, before = until_message(q, "paused", 10.0)
    assert paused[1] == pytest.approx(500.0)
    live = [m[1] for m in before if m[0] == "live"]
    assert live and live[-1].now == pytest.approx(500.0)  # a fresh probe where it paused
    runner.stop()
    assert runner.join(5)


def test_observer_error_reaches_the_queue(tiny):
    q: queue.Queue = queue.Queue()
    runner = SimRunner(default_factory(tiny), q, observers=(Exploding(),), fastest=True)
    runner.start()
    runner.play()
    error, _ = until_message(q, "error", 10.0)
    message, details = error[1], error[2]
    assert "observer exploded on purpose" in message
    assert "Traceback" in details and "on_batch" in details
    assert runner.join(5) and runner.state == "failed"


def test_factory_error_reaches_the_queue():
    from twin_app.errors import SimulationError

    def broken(observers):
        raise SimulationError("machine M1 has no calendar window")

    q: queue.Queue = queue.Queue()
    runner = SimRunner(broken, q)
    runner.start()
    error, _ = until_message(q, "error", 5.0)
    assert error[1] == "machine M1 has no calendar window"


def test_queue_observer_reports_one_end():
    q: queue.Queue = queue.Queue()
    obs = QueueObserver(q)
    obs.on_end(RunEnd(1.0, "completed"))
    obs.on_end(RunEnd(2.0, "stopped"))
    assert q.qsize() == 1
