"""The simulation collects garbage less often while it steps, and leaves the collector as it found it."""

from __future__ import annotations

import gc
import threading

from twin_app.sim.collection import THRESHOLDS, fewer_collections


class ThresholdSpy:
    """An observer that notes the collector's thresholds at each batch."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, ...]] = []

    def on_start(self, info) -> None:
        pass

    def on_batch(self, batch) -> None:
        self.seen.append(gc.get_threshold())

    def on_end(self, end) -> None:
        pass


def test_a_run_raises_the_thresholds_while_stepping_and_restores_them(twin, tiny) -> None:
    before = gc.get_threshold()
    spy = ThresholdSpy()
    twin.simulate(tiny, observers=[spy], batch_events=16)
    assert spy.seen and all(seen[0] == max(before[0], THRESHOLDS[0]) for seen in spy.seen[:-1])
    assert gc.get_threshold() == before


def test_nested_and_concurrent_blocks_restore_the_thresholds_once_the_last_one_ends() -> None:
    before = gc.get_threshold()
    inside = threading.Event()
    release = threading.Event()

    def other_run() -> None:
        with fewer_collections():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_run)
    with fewer_collections():
        thread.start()
        inside.wait(5)
    assert gc.get_threshold()[0] >= THRESHOLDS[0]  # the other run still steps
    release.set()
    thread.join(5)
    assert gc.get_threshold() == before
