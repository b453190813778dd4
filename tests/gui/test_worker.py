"""The worker bridge: every event reaches the GUI, commands work at any time, errors surface."""

from __future__ import annotations

import queue

import pytest


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


@pytest.fixture
def bridge(qtbot):
    from twin_app.gui.worker import SimBridge

    b = SimBridge(interval_ms=10)
    yield b
    b.stop_timer()


def _runner(bridge, tiny, observers=(), **kw):
    from twin_app.gui.worker import SimRunner, default_factory

    runner = SimRunner(default_factory(tiny), bridge.queue, observers=observers, **kw)
    runner.start()
    return runner


def test_every_event_reaches_the_gui(qtbot, bridge, tiny):
    counter = Counter()
    runner = _runner(bridge, tiny, (counter,), fastest=True)
    got = []
    bridge.batch.connect(lambda b: got.append(len(b.events)))
    with qtbot.waitSignal(bridge.ended, timeout=30_000) as blocker:
        runner.play()
    assert blocker.args[0].status == "completed"
    bridge.drain()
    assert counter.events > 100
    assert bridge.events_received == counter.events == sum(got)
    assert bridge.orders_received == counter.orders
    assert runner.join(5)


def test_pause_step_and_stop(qtbot, bridge, tiny):
    from twin_app.gui.worker import SimRunner, default_factory

    counter = Counter()
    runner = SimRunner(default_factory(tiny), bridge.queue, observers=(counter,), speed=60.0)
    runner.start()
    runner.step()  # one event (it may record nothing yet), then hold
    qtbot.waitUntil(lambda: runner.state == "paused", timeout=5000)
    before = counter.events
    runner.step(20)
    qtbot.waitUntil(lambda: runner.state == "paused" and counter.events > before, timeout=5000)
    runner.play()  # paced: 60 simulated minutes per second, far from the end
    qtbot.wait(150)
    runner.pause()
    qtbot.waitUntil(lambda: runner.state == "paused", timeout=5000)
    with qtbot.waitSignal(bridge.ended, timeout=5000) as blocker:
        runner.stop()
    assert blocker.args[0].status == "stopped"
    assert blocker.args[0].now < tiny.run.horizon
    assert runner.join(5)


def test_pause_at_reports_the_time(qtbot, bridge, tiny):
    runner = _runner(bridge, tiny, fastest=True, pause_at=500.0)
    with qtbot.waitSignal(bridge.paused_at, timeout=10_000) as blocker:
        runner.play()
    assert blocker.args[0] == pytest.approx(500.0)
    runner.stop()
    assert runner.join(5)


def test_observer_error_reaches_the_gui(qtbot, bridge, tiny):
    runner = _runner(bridge, tiny, (Exploding(),), fastest=True)
    with qtbot.waitSignal(bridge.failed, timeout=10_000) as blocker:
        runner.play()
    message, details = blocker.args
    assert "observer exploded on purpose" in message
    assert "Traceback" in details and "on_batch" in details
    assert runner.state == "failed"
    assert runner.join(5)


def test_factory_error_reaches_the_gui(qtbot, bridge):
    from twin_app.errors import SimulationError
    from twin_app.gui.worker import SimRunner

    def broken(observers):
        raise SimulationError("machine M1 has no calendar window")

    runner = SimRunner(broken, bridge.queue)
    with qtbot.waitSignal(bridge.failed, timeout=5000) as blocker:
        runner.start()
    assert blocker.args[0] == "machine M1 has no calendar window"


def test_queue_observer_reports_one_end():
    from twin_app.gui.worker import QueueObserver
    from twin_app.model.events import RunEnd

    q: queue.Queue = queue.Queue()
    obs = QueueObserver(q)
    obs.on_end(RunEnd(1.0, "completed"))
    obs.on_end(RunEnd(2.0, "stopped"))
    assert q.qsize() == 1
