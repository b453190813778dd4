"""The simulation on a worker thread, and the queue that carries its events out (no Qt).

:class:`SimRunner` owns one :class:`~twin_app.sim.engine.Simulation` on its own
``threading.Thread``. It runs, pauses, steps and stops on command, and paces the run to a speed
in simulated minutes per wall-clock second (or as fast as possible) by advancing in small
slices of simulated time and sleeping until the wall clock catches up. Its observer only puts
messages into a ``queue.Queue``; any exception in the thread (building the simulation, the
engine, an observer) becomes an ``("error", message, traceback)`` message. Whoever reads the
queue is never waited for. The desktop app runs a SimRunner inside a process of its own
(:mod:`twin_app.experiments.live_process`), whose main thread sends the queue's messages to
the app, so the window never shares the interpreter lock with the simulation.

Message tuples on the queue: ``("start", RunInfo)``, ``("batch", EventBatch)``,
``("end", RunEnd)``, ``("paused", now)``, ``("error", message, traceback)``, and with a
``probe``, ``("live", what the probe returned)`` about ten times a wall-clock second.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from twin_app.errors import TwinError
from twin_app.model.events import EventBatch, RunEnd, RunInfo, RunObserver
from twin_app.sim.engine import Simulation
from twin_app.sim.watchdog import Budget


class SimulationLike(Protocol):
    """What the runner needs of twin_app.sim.engine.Simulation."""

    @property
    def now(self) -> float: ...

    @property
    def finished(self) -> bool: ...

    @property
    def done(self) -> bool: ...

    def advance(self, until: float) -> None: ...

    def step(self) -> None: ...

    def request_stop(self) -> None: ...

    def finish(self, status: str = "stopped") -> RunEnd: ...


SimulationFactory = Callable[[Sequence[RunObserver]], SimulationLike]
"""Builds the simulation with the given observers (called on the worker thread)."""

FRAME_SECONDS = 1.0 / 30.0
"""Wall time a paced slice aims at: one batch per GUI frame keeps the views smooth."""

FAST_SLICE_SECONDS = 0.04
"""Wall time a slice aims at when running as fast as possible (pause reacts this quickly)."""

YIELD_SECONDS = 0.0
"""Pause between two fast slices: none, only the offer of the interpreter to the threads that
wait for it (the one that sends the batches on, the commands' reader: pause reacts at once).
The interpreter hands the lock over every switch interval anyway; a 2 ms sleep, kept from when
the window's thread shared the interpreter with the simulation, cost the run in its own
process 5-15% of its wall time and 5% more CPU (large network, 5,000 min, interleaved runs)."""

PROBE_SECONDS = 0.1
"""Least wall time between two probes of the live state (vehicles on the road, queues)."""


class QueueObserver:
    """A RunObserver that only enqueues: it returns at once, so the engine never waits."""

    def __init__(self, out: queue.Queue[tuple[Any, ...]]) -> None:
        self._out = out
        self.ended = False

    def on_start(self, info: RunInfo) -> None:
        self._out.put(("start", info))

    def on_batch(self, batch: EventBatch) -> None:
        self._out.put(("batch", batch))

    def on_end(self, end: RunEnd) -> None:
        if not self.ended:  # a run ends once, whoever reports it
            self.ended = True
            self._out.put(("end", end))


@dataclass(frozen=True, slots=True)
class SimulationBuilder:
    """Builds the engine's Simulation for ``scenario`` with the given observers.

    A plain object rather than a closure so that it can be sent to the process that runs the
    simulation (:mod:`twin_app.experiments.live_process`). ``budget``: the limits the run stops
    at (:mod:`twin_app.sim.watchdog`); the run then ends 'stopped' with the reason.
    """

    scenario: Any
    seed: int | None = None
    budget: Budget | None = None

    def __call__(self, observers: Sequence[RunObserver]) -> SimulationLike:
        return Simulation(self.scenario, seed=self.seed, observers=observers, budget=self.budget)  # type: ignore[return-value]


def default_factory(scenario: Any, seed: int | None = None, budget: Budget | None = None) -> SimulationFactory:
    """The factory that builds the engine's Simulation for ``scenario`` (see :class:`SimulationBuilder`)."""
    return SimulationBuilder(scenario, seed, budget)


def describe_error(error: BaseException) -> str:
    """The one-line message a user sees for ``error``."""
    if isinstance(error, TwinError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _ended(sim: SimulationLike) -> bool:
    """The run cannot go on: it reached its horizon, delivered everything, or was finished."""
    return bool(sim.finished or sim.done)


class SimRunner:
    """Drives one simulation run on a worker thread; every method is safe from any thread.

    The runner starts paused; :meth:`play` runs, :meth:`pause` holds after the current slice,
    :meth:`step` processes one event, :meth:`stop` ends the run (status 'stopped').
    ``pause_at`` pauses once simulated time reaches it (capture, benchmark, 'run until').
    ``probe(simulation)``, if given, is called on the worker thread between two slices (at
    most every :data:`PROBE_SECONDS`) and what it returns is queued as ``("live", value)``.
    """

    def __init__(
        self,
        factory: SimulationFactory,
        out: queue.Queue[tuple[Any, ...]],
        *,
        speed: float = 60.0,
        fastest: bool = False,
        pause_at: float | None = None,
        observers: Sequence[RunObserver] = (),
        probe: Callable[[SimulationLike], Any] | None = None,
    ) -> None:
        self._factory = factory
        self._probe = probe
        self._probed = 0.0
        self._out = out
        self._observer = QueueObserver(out)
        self._extra_observers = tuple(observers)
        self._cond = threading.Condition()
        self._running = False
        self._steps = 0
        self._stop = False
        self._speed = max(float(speed), 1e-6)
        self._fastest = fastest
        self._pause_at = pause_at
        self._pacing_changed = True
        self._sim: SimulationLike | None = None
        self._state = "paused"
        self._thread = threading.Thread(target=self._main, name="simulation", daemon=True)

    # -- commands (any thread) ----------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (still paused: call play or step)."""
        self._thread.start()

    def play(self) -> None:
        with self._cond:
            self._running = True
            self._pacing_changed = True
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._running = False
            self._cond.notify_all()

    def step(self, count: int = 1) -> None:
        with self._cond:
            self._running = False
            self._steps += count
            self._cond.notify_all()

    def stop(self) -> None:
        """End the run as soon as possible; the thread reports ('end', RunEnd('stopped'))."""
        with self._cond:
            self._stop = True
            self._running = False
            self._cond.notify_all()
        sim = self._sim
        if sim is not None:
            sim.request_stop()

    def set_speed(self, speed: float, fastest: bool) -> None:
        with self._cond:
            self._speed = max(float(speed), 1e-6)
            self._fastest = fastest
            self._pacing_changed = True
            self._cond.notify_all()

    def set_pause_at(self, until: float | None) -> None:
        with self._cond:
            self._pause_at = until
            self._cond.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True if it did."""
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def state(self) -> str:
        """'paused', 'running', 'finished' (ended for any reason) or 'failed'."""
        return self._state

    # -- the thread -----------------------------------------------------------------------------

    def _main(self) -> None:
        sim: SimulationLike | None = None
        try:
            sim = self._factory((self._observer, *self._extra_observers))
            self._sim = sim
            if self._stop:
                sim.request_stop()
            self._loop(sim)
            if not self._observer.ended:
                sim.finish("completed" if _ended(sim) and not self._stop else "stopped")
            self._state = "finished"
        except BaseException as error:  # every failure must reach the user, never silence
            self._state = "failed"
            self._out.put(("error", describe_error(error), traceback.format_exc()))

    def _loop(self, sim: SimulationLike) -> None:
        slice_length = 1.0  # simulated minutes per fast slice, adapted to FAST_SLICE_SECONDS
        anchor_wall = anchor_sim = 0.0
        while True:
            with self._cond:
                while not (self._stop or self._running or self._steps):
                    self._state = "paused"
                    self._cond.wait()
                if self._stop:
                    return
                stepping = not self._running
                if stepping:
                    self._steps -= 1
                speed, fastest, pause_at = self._speed, self._fastest, self._pause_at
                if self._pacing_changed:
                    self._pacing_changed = False
                    anchor_wall, anchor_sim = time.perf_counter(), sim.now
                self._state = "running"
            if _ended(sim):
                return
            if stepping:
                sim.step()
                self._maybe_probe(sim, force=True)
                if _ended(sim):
                    return
                continue
            if pause_at is not None and sim.now >= pause_at:
                self._pause_reached(sim)
                continue
            if fastest:
                until = sim.now + slice_length
                if pause_at is not None:
                    until = min(until, pause_at)
                began = time.perf_counter()
                sim.advance(until)
                spent = time.perf_counter() - began
                # Grow or shrink the slice so that one slice takes about FAST_SLICE_SECONDS.
                ratio = FAST_SLICE_SECONDS / max(spent, 1e-4)
                slice_length = max(1e-3, slice_length * min(4.0, max(0.25, ratio)))
                time.sleep(YIELD_SECONDS)  # the interpreter offered to the waiting threads
            else:
                until = sim.now + speed * FRAME_SECONDS
                if pause_at is not None:
                    until = min(until, pause_at)
                sim.advance(until)
                due = anchor_wall + (until - anchor_sim) / speed
                delay = due - time.perf_counter()
                if delay < -0.5:
                    # The model is slower than the requested speed: do not burst to catch up.
                    anchor_wall, anchor_sim = time.perf_counter(), sim.now
                elif delay > 0:
                    with self._cond:
                        if not self._stop and self._running and not self._pacing_changed:
                            self._cond.wait(delay)
            self._maybe_probe(sim)
            if _ended(sim):
                return
            if pause_at is not None and sim.now >= pause_at:
                self._pause_reached(sim)

    def _maybe_probe(self, sim: SimulationLike, force: bool = False) -> None:
        if self._probe is None:
            return
        wall = time.perf_counter()
        if force or wall - self._probed >= PROBE_SECONDS:
            self._probed = wall
            self._out.put(("live", self._probe(sim)))

    def _pause_reached(self, sim: SimulationLike) -> None:
        self._maybe_probe(sim, force=True)
        with self._cond:
            self._running = False
            self._pause_at = None
        self._out.put(("paused", sim.now))
