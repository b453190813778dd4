"""The run loop of a :class:`~twin_app.sim.engine.Simulation`: run, advance, step, stop, finish.

:class:`RunLoop` is a mixin of the engine. It drives SimPy's clock in chunks of events (the
watchdog checks its guards between two chunks), holds a dispatch epoch until every event at
the current time is processed (non-delay dispatch, see :mod:`twin_app.sim.engine`), flushes
the event log to the observers in batches, and ends the run: it closes the intervals still
open and tells the observers. The engine keeps what happens at each event.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from heapq import heappop
from typing import Any

import simpy

from twin_app.model.events import RunEnd, RunInfo, RunObserver
from twin_app.sim.collection import fewer_collections
from twin_app.sim.event_log import EventLog
from twin_app.sim.watchdog import Watchdog


class RunLoop:
    """Driving one run (see the module docstring); the engine provides the state below."""

    env: simpy.Environment
    log: EventLog
    observers: list[RunObserver]
    watchdog: Watchdog
    scenario: Any
    demand: Any
    dispatcher: Any
    run_id: str
    seed: int
    replication: int
    horizon: float | None
    batch_events: int
    finished: bool
    status: str
    _started: bool
    _stop_requested: bool
    _epoch_wanted: bool
    _orders_open: int
    _trust: Any
    _lanes_due: dict[int, Any]
    _epoch: Callable[[], None]
    _decide_lanes: Callable[[], None]

    @property
    def now(self) -> float:
        return float(self.env.now)

    def start(self) -> None:
        """Tell observers the run begins (done automatically by the first advance/step/run)."""
        if self._started:
            return
        self._started = True
        self.status = "running"
        info = RunInfo(
            self.run_id,
            self.scenario.name,
            self.seed,
            self.replication,
            float(self.horizon) if self.horizon is not None else float("nan"),
            self.scenario.run.warmup,
        )
        for observer in self.observers:
            observer.on_start(info)

    def run(self) -> RunEnd:
        """Simulate to the horizon (or until every order is delivered) and end the run."""
        self.start()
        self._advance_to(float(self.horizon) if self.horizon is not None else float("inf"))
        if self.watchdog.tripped:
            return self.finish("stopped", self.watchdog.finish_message())
        return self.finish("stopped" if self._stop_requested and not self._complete() else "completed")

    def advance(self, until: float) -> None:
        """Simulate up to time ``until`` (or the end), then flush one batch to observers."""
        self.start()
        end = float(self.horizon) if self.horizon is not None else float("inf")
        self._advance_to(min(until, end))
        if self.watchdog.tripped and (self._stop_requested or self._complete()):
            self.finish("stopped", self.watchdog.finish_message())
            return
        self.log.flush(self.now)

    def step(self) -> None:
        """Process the next single event (and the dispatch it leads to), then flush."""
        self.start()
        if not self._complete() and self.env.peek() < float("inf"):
            self.env.step()
            if self._epoch_wanted and self.env.peek() > self.env.now:
                self._epoch()
        self.log.flush(self.now)

    def request_stop(self) -> None:
        """Ask a running :meth:`run`/:meth:`advance` to return soon (safe from another thread)."""
        self._stop_requested = True

    def _complete(self) -> bool:
        if self.horizon is not None:
            return self.env.now >= self.horizon
        return self.demand.open == 0 and self._orders_open == 0

    @property
    def open_orders(self) -> int:
        """Orders released and not yet delivered."""
        return self._orders_open

    @property
    def wants_epoch(self) -> bool:
        """A dispatch decision is due once every event at the current time is processed."""
        return self._epoch_wanted

    @property
    def done(self) -> bool:
        """True when the run reached its horizon, or delivered every order with no more to come."""
        return self._complete()

    def _advance_to(self, until: float) -> None:
        env = self.env
        if until < float("inf") and env.now < until:
            env.timeout(until - env.now)  # a marker, so the clock reads `until` afterwards
        with fewer_collections():
            self._step_until(until)

    def _step_until(self, until: float) -> None:
        """Step in chunks; the watchdog checks its guards between two chunks (not per event)."""
        watchdog = self.watchdog
        chunk = watchdog.chunk
        while not self._stop_requested:
            left = self._steps(chunk, until)
            chunk = watchdog.tick(chunk - left)
            if left:
                return

    def _steps(self, count: int, until: float) -> int:
        """Process up to ``count`` events and dispatch epochs before ``until``; return how many
        of the ``count`` were left when the run reached ``until`` or its end (0: all done).

        SimPy's ``Environment.peek`` and ``Environment.step`` are inlined (on the same queue,
        in the same order: a failed event that is not defused still crashes the run): this
        loop turns twice per operation, and the calls were a tenth of its time."""
        env = self.env
        queue = env._queue
        log = self.log
        records = log.records
        limit = log.spill_at
        no_horizon = self.horizon is None
        demand = self.demand
        turns = itertools.repeat(None, count)  # (cheaper per turn than a range: no int objects)
        decide = self.dispatcher.decide
        for _ in turns:
            if self._epoch_wanted and (not queue or queue[0][0] > env._now):
                # every event at this time is done: now decide (non-delay); _epoch, inlined
                # for the common case (no trust book to settle)
                if self._trust is None:
                    self._epoch_wanted = False
                    decide()
                    if self._lanes_due:
                        self._decide_lanes()
                else:
                    self._epoch()
                continue
            if not queue or queue[0][0] > until:
                return turns.__length_hint__() + 1
            env._now, _, _, event = heappop(queue)  # Environment.step, inlined
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                failure = type(event._value)(*event._value.args)
                failure.__cause__ = event._value
                raise failure
            if len(records) >= limit:
                handed = log.spill(self.now)
                limit = log.spill_at
                if handed and self._stop_requested:  # by an observer; from elsewhere it waits for the chunk's end
                    return turns.__length_hint__()
            if no_horizon and self._orders_open == 0 and demand.open == 0:
                return turns.__length_hint__()
        return 0

    def finish(self, status: str = "stopped", message: str = "") -> RunEnd:
        """End the run: close the intervals still open, flush, and tell observers."""
        if self.finished:
            return RunEnd(self.now, self.status, message)
        self.log.close(self.now)
        self.log.flush(self.now)
        self.finished = True
        self.status = status
        end = RunEnd(self.now, status, message)
        for observer in self.observers:
            observer.on_end(end)
        return end
