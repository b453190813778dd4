"""The analysis process is started off the caller's thread: Reset and Open never wait for a spawn."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from twin_app.experiments import analysis_process
from twin_app.experiments.analysis_process import AnalysisProcess
from twin_app.model.layout import Layout
from twin_app.sim.engine import Simulation

GATE_SECONDS = 30.0
"""A held start goes on by itself after this (a caller that waits for it then fails, not hangs)."""


class Starts:
    """``_spawn`` that can be held (:meth:`hold` ... :meth:`release`): what a slow fork and exec
    looks like to the caller; it keeps every process it started."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.children: list = []
        self._spawn = analysis_process._spawn

    def __call__(self):
        self.gate.wait(GATE_SECONDS)
        started = self._spawn()
        self.children.append(started[0])
        return started

    def hold(self) -> None:
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def wait_started(self, count: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.children) < count:
            assert time.monotonic() < deadline, "the processes were not started"
            time.sleep(0.05)


@pytest.fixture
def starts(monkeypatch) -> Starts:
    patched = Starts()
    monkeypatch.setattr(analysis_process, "_spawn", patched)
    return patched


def _run(process: AnalysisProcess, scenario, until: float) -> None:
    Simulation(scenario, observers=(process.observer(),)).advance(until)


def _ended(pid: int, timeout: float = 30.0) -> bool:
    """Whether the child ``pid`` has ended (and been reaped) within ``timeout``."""
    deadline = time.monotonic() + timeout
    while any(child.pid == pid for child in multiprocessing.active_children()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _kpis_end(process: AnalysisProcess) -> float:
    assert process.wait_idle(60)
    (finished,) = process.collect()
    assert finished.error is None and finished.analysis is not None
    return finished.analysis.kpis["window"]["end"]


def test_reset_returns_before_the_fresh_process_is_up_and_its_figures_come_once_it_is(tiny, starts):
    process = AnalysisProcess()
    try:
        process.open(tiny, Layout.build(tiny))
        _run(process, tiny, 900.0)
        process.submit(("kpis",), tiny.run.warmup, urgent=True)
        assert _kpis_end(process) == 900.0
        old = process.pid
        starts.hold()
        process.reset()  # the process that held the run is replaced
        assert len(starts.children) == 1  # Reset did not wait for the fresh one to start
        _run(process, tiny, 400.0)  # the next run, queued meanwhile
        process.submit(("kpis",), tiny.run.warmup, urgent=True)
        assert process.busy and process.collect() == []
        starts.release()
        assert _kpis_end(process) == 400.0  # the fresh process got the whole new run, nothing of the old
        assert process.pid != old and _ended(old)
    finally:
        process.close()


def test_two_quick_resets_leave_one_process_with_the_newest_run(tiny, starts):
    process = AnalysisProcess()
    try:
        process.open(tiny, Layout.build(tiny))
        process.start()
        _run(process, tiny, 600.0)
        starts.hold()
        process.reset()
        _run(process, tiny, 300.0)  # a run begun on the process still starting...
        process.reset()  # ...and reset again before it is up
        _run(process, tiny, 500.0)
        process.submit(("kpis",), tiny.run.warmup, urgent=True)
        starts.release()
        assert _kpis_end(process) == 500.0
        starts.wait_started(2)  # the first and the newest: one replaced before it started never starts
        time.sleep(0.2)
        assert len(starts.children) == 2
        assert process.pid in [child.pid for child in starts.children]
        assert all(_ended(child.pid) for child in starts.children if child.pid != process.pid)  # only the newest left
    finally:
        process.close()


def test_closing_while_the_process_starts_ends_it_once_it_is_up(tiny, starts):
    process = AnalysisProcess()
    process.open(tiny, Layout.build(tiny))
    starts.hold()
    process.submit(("kpis",), tiny.run.warmup)  # the first request starts the process
    process.close()  # returns though the start is held
    starts.release()
    starts.wait_started(1)
    assert _ended(starts.children[0].pid)  # nothing left running


def test_a_process_replaced_at_a_reset_starts_later_unless_figures_are_asked_for(tiny, starts):
    """After a reset the fresh child waits (RESTART_LATER_SECONDS) so that it does not take the
    cores the window needs to repaint; a request for figures starts it at once."""
    process = AnalysisProcess()
    try:
        process.open(tiny, Layout.build(tiny))
        process.start()
        _run(process, tiny, 300.0)
        starts.wait_started(1)
        process.reset()
        time.sleep(0.3)
        assert len(starts.children) == 1  # the fresh one not started yet
        _run(process, tiny, 400.0)
        process.submit(("kpis",), tiny.run.warmup, urgent=True)
        assert _kpis_end(process) == 400.0  # asked for figures: started at once, answered
        assert len(starts.children) == 2
    finally:
        process.close()


def _thread_niceness(pid: int) -> list[int]:
    """The niceness of each thread of process ``pid`` (Linux: field 19 of its tasks' stat)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out.append(int((task / "stat").read_text().rsplit(")", 1)[1].split()[16]))
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")
def test_mid_run_figures_give_way_to_the_window_and_final_ones_nearly_do_not(tiny):
    """A growing run's figures are computed well below the window's priority; the final ones
    (urgent: the user waits for them) just below it, so the window still draws the run's end
    first when both lanes work at once."""
    base = os.nice(0)
    process = AnalysisProcess()
    try:
        process.open(tiny, Layout.build(tiny))
        _run(process, tiny, 300.0)
        process.submit(("kpis",), tiny.run.warmup, urgent=True)
        assert _kpis_end(process) == 300.0
        niceness = _thread_niceness(process.pid)
        assert base + analysis_process.ANALYSIS_NICENESS in niceness  # the process's own work
        assert base + analysis_process.URGENT_NICENESS in niceness  # the urgent requests' thread
        assert 0 < analysis_process.URGENT_NICENESS < analysis_process.ANALYSIS_NICENESS
    finally:
        process.close()
