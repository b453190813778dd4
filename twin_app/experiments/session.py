"""One scenario run live, without Qt: its states, its simulation process, its events and analyses.

:class:`RunSession` is everything the desktop app does with a run that is not drawing: it owns
the :class:`~twin_app.experiments.live_process.ProcessRunner` (the simulation in a child
process, so the window never shares the interpreter lock with it; the run's observers such as
its results-database writer run there too), the
:class:`~twin_app.analysis.collector.EventCollector` (fed on the runner's reader thread), the
:class:`~twin_app.experiments.analysis_lanes.AnalysisLanes` (the views' figures, computed in
two child processes fed with the same events: the money in one, everything else in the other,
so a slow KPI request never keeps the Utilisation view waiting), and the run's state machine. The GUI calls
:meth:`RunSession.poll` from a timer (~30 Hz) and draws what it reports; nothing in a poll
scans the whole event log, so the caller's thread never waits for the simulation or for an
analysis.

States: 'empty' (no scenario), 'ready' (nothing simulated yet), 'running', 'paused',
'stopping', 'finished' (ended: completed or stopped), 'failed'. Run and pause alternate; Stop
ends the run for good, and a finished or failed run goes back to time 0 only by an explicit
:meth:`~RunSession.reset` (never by Run), so a stopped run is never restarted by accident.

What :meth:`~RunSession.poll` returns, in order: ``Started(info)``, ``Batch(batch)`` (all the
batches since the last poll merged into one), ``Ended(end)``, ``PausedAt(now)``,
``Failed(message, details)``, ``Live(state)`` and ``Analysed(finished)``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.snapshot import Analysis
from twin_app.experiments.analysis_lanes import AnalysisLanes
from twin_app.experiments.analysis_process import Finished
from twin_app.experiments.live import SimulationFactory, default_factory
from twin_app.experiments.live_process import ProcessRunner, SimulationProcess
from twin_app.experiments.live_state import LiveState, probe_live_state
from twin_app.experiments.memory import release_memory
from twin_app.model.events import EventBatch, RunEnd, RunInfo, RunObserver, empty_events, empty_orders
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario

STATES = ("empty", "ready", "running", "paused", "stopping", "finished", "failed")

UNFINISHED = ("running", "paused", "stopping")
"""States in which a run has results that closing or opening another file would discard."""

SLOW_TO_STOP = "The simulation process was slow to stop and was ended."
"""What the user is told when a discarded run's process had to be killed."""


@dataclass(frozen=True, slots=True)
class Started:
    info: RunInfo


@dataclass(frozen=True, slots=True)
class Batch:
    batch: EventBatch


@dataclass(frozen=True, slots=True)
class Ended:
    end: RunEnd


@dataclass(frozen=True, slots=True)
class PausedAt:
    now: float


@dataclass(frozen=True, slots=True)
class Failed:
    message: str
    details: str


@dataclass(frozen=True, slots=True)
class Live:
    state: LiveState


@dataclass(frozen=True, slots=True)
class Analysed:
    finished: Finished


Update = Started | Batch | Ended | PausedAt | Failed | Live | Analysed


class _Sink:
    """The observer of a synchronous :meth:`RunSession.run_to`: queues like the runner does."""

    def __init__(self, out: queue.Queue[tuple[Any, ...]]) -> None:
        self.out = out

    def on_start(self, info: RunInfo) -> None:
        self.out.put(("start", info))

    def on_batch(self, batch: EventBatch) -> None:
        self.out.put(("batch", batch))

    def on_end(self, end: RunEnd) -> None:
        self.out.put(("end", end))


def _new_spare() -> SimulationProcess | None:
    """A process for the next run; None if none could be started (the run then starts its own,
    and says why if it cannot)."""
    try:
        return SimulationProcess()
    except OSError:
        return None


def _gone(spare: SimulationProcess | None) -> bool:
    """The spare process could not be started, or has died since (killed)."""
    return spare is None or not spare.process.is_alive()


class RunSession:
    """A scenario and its run (see the module docstring)."""

    def __init__(
        self,
        factory_builder: Callable[[Scenario], SimulationFactory] = default_factory,
        *,
        live_probe: bool = True,
        prestart: bool = False,
    ) -> None:
        self.factory_builder = factory_builder
        """(scenario) -> SimulationFactory; the factory is sent to the simulation's process, so
        it must pickle (a module-level class or function, e.g. SimulationBuilder)."""
        self.extra_observers: list[RunObserver] = []
        self._notices: list[str] = []
        """Observers attached to every new run: the results-database writer, or a test's failing
        observer. They run in the simulation's process (so they must pickle), and in this
        process for :meth:`run_to`."""
        self.live_probe = live_probe
        self.prestart = prestart
        """Keep the next run's process, and the analysis processes, started ahead (the app: Run
        answers at once; scripts and tests leave it off, so a session that never runs starts no
        process)."""
        self._spare: Future[SimulationProcess | None] | None = None
        """The next run's process (with ``prestart``), started on :attr:`_starter`'s thread: a
        spawn took 20-200 ms of the caller's (the window's) thread at every Reset. None in the
        future: it could not be started."""
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simulation-starter")
        self._closed = False
        self.scenario: Scenario | None = None
        self.layout: Layout | None = None
        self.network: Network | None = None
        self.state = "empty"
        self.speed = 60.0
        self.fastest = False
        self.runner: ProcessRunner | None = None
        self.analyses = AnalysisLanes()
        self.wanted: tuple[str, ...] = ()
        """Analysis parts the shown views need; each poll keeps them fresh while data grows."""
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.wake: Callable[[], None] | None = None
        """Called from another thread when the run ends, pauses or fails: a caller that polls
        (the window, 4-30 times a second) may poll now. It must be safe to call from any thread."""
        self._clear_run()
        self._start_spare()
        if prestart:  # the analysis processes too: a run's first figures do not wait for Python to start
            self.analyses.start()

    # -- the scenario ---------------------------------------------------------------------------

    def open(self, scenario: Scenario) -> None:
        """Show ``scenario`` (discarding any run): state 'ready'."""
        self.discard()
        self.scenario = scenario
        self.layout = Layout.build(scenario)
        self.network = Network.build(scenario)
        self.analyses.open(scenario, self.layout)
        self.state = "ready"

    @property
    def unfinished(self) -> bool:
        """A run is under way (running, paused or stopping): discarding it loses work."""
        return self.state in UNFINISHED

    # -- run control ----------------------------------------------------------------------------

    def can(self, command: str) -> bool:
        """Whether ``command`` ('run', 'pause', 'step', 'stop', 'reset') does something now."""
        has = self.scenario is not None
        return {
            "run": has and self.state in ("ready", "paused"),
            "pause": self.state == "running",
            "step": has and self.state in ("ready", "paused", "running"),
            "stop": self.state in ("running", "paused"),
            "reset": has and self.state in ("running", "paused", "stopping", "finished", "failed"),
        }[command]

    def run(self, pause_at: float | None = None) -> bool:
        """Run, or go on after a pause; False (and nothing happens) if the state does not allow it."""
        if not self.can("run"):
            return False
        if self.runner is None:
            self._new_runner(pause_at)
        elif pause_at is not None:
            self.runner.set_pause_at(pause_at)
        assert self.runner is not None
        self.runner.play()
        self.state = "running"
        return True

    def pause(self) -> bool:
        if not self.can("pause"):
            return False
        assert self.runner is not None
        self.runner.pause()
        self.state = "paused"
        return True

    def toggle(self) -> bool:
        """Run if paused or ready, pause if running (what Space does)."""
        return self.pause() if self.state == "running" else self.run()

    def step(self) -> bool:
        """Process the next single event (pausing a running simulation first)."""
        if not self.can("step"):
            return False
        if self.runner is None:
            self._new_runner()
        assert self.runner is not None
        self.runner.step()
        self.state = "paused"
        return True

    def stop(self) -> bool:
        """End the run for good (its results stay until :meth:`reset`): 'stopping', then 'finished'."""
        if not self.can("stop"):
            return False
        assert self.runner is not None
        self.runner.stop()
        self.state = "stopping"
        return True

    def reset(self) -> bool:
        """Discard the run and go back to time 0 with the same scenario."""
        if self.scenario is None:
            return False
        self.discard()
        self.state = "ready"
        return True

    def set_speed(self, speed: float, fastest: bool) -> None:
        """Pace: ``speed`` simulated minutes per wall second, or as fast as possible."""
        self.speed, self.fastest = float(speed), bool(fastest)
        if self.runner is not None:
            self.runner.set_speed(self.speed, self.fastest)

    def discard(self, timeout: float = 5.0, *, wait: bool = True) -> bool:
        """Stop the simulation (if any) and forget the run; False if its process did not end in
        ``timeout`` and was killed (its stored run then reads back 'incomplete').

        ``wait`` False (the window's Reset): do not wait for the process to end (it closes its
        results database first: ~100 ms of the large network's Reset); a thread waits for it,
        and if it had to be killed, :meth:`take_notices` says so later. Returns True then. The
        run's memory then goes back to the system when the caller calls
        :func:`~twin_app.experiments.memory.release_memory` (the window: once its views have let go
        of the run too, in a later turn), not here (a collector's pass and a trim, ~60 ms)."""
        runner, self.runner = self.runner, None
        stopped = True
        if runner is not None:
            runner.stop()
            if wait:
                stopped = runner.join(timeout)
            else:
                reaper = threading.Thread(target=self._reap, args=(runner, timeout), name="sim-reaper", daemon=True)
                reaper.start()
        self.analyses.reset()
        had_data = self.version > 0
        self._clear_run()
        self.state = "empty" if self.scenario is None else "ready"
        if had_data and wait:
            release_memory()
        self._start_spare()
        return stopped

    def _reap(self, runner: ProcessRunner, timeout: float) -> None:
        if not runner.join(timeout):
            self._notices.append(SLOW_TO_STOP)  # (a list's append is safe from any thread)

    def take_notices(self) -> list[str]:
        """What the session has to tell the user since the last call (a run that was slow to stop)."""
        notices, self._notices = self._notices, []
        return notices

    def close(self) -> None:
        """End the simulation and analysis processes (the window is closing)."""
        self._closed = True
        self.discard()
        spare = self._take_spare()
        if spare is not None:
            spare.close()
        self._starter.shutdown()
        self.analyses.close()

    def wait_ready(self, timeout: float | None = 60.0) -> bool:
        """With ``prestart``: wait until the next run's process is started and ready (scripts,
        the bench), up to ``timeout`` for each; True if it is (False without prestart)."""
        future = self._spare
        try:
            spare = None if future is None else future.result(timeout)
        except FutureTimeout:
            return False
        return spare is not None and spare.wait_ready(timeout)

    def _start_spare(self) -> None:
        """With ``prestart``: have a process started for the next run (one at most), on the
        starter's thread (the caller does not wait for it)."""
        if not self.prestart or self._closed:
            return
        future = self._spare
        if future is not None and future.done() and _gone(future.result()):  # killed meanwhile, or never started
            self._take_spare()
        if self._spare is None:
            self._spare = self._starter.submit(_new_spare)

    def _clear_run(self) -> None:
        self._queue = queue.Queue()
        self.collector = EventCollector()
        self.run_info: RunInfo | None = None
        self.run_end: RunEnd | None = None
        self.last_error: tuple[str, str] | None = None
        self.now = 0.0
        self.events_ingested = 0
        self.orders_delivered = 0
        self.live: LiveState | None = None
        self.version = 0
        """Counts the batches ingested: an analysis of an older version is stale."""
        self.analyses.clear()
        self._direct: tuple[Analysis, int] | None = None
        """The analysis :meth:`analyse_now` computed here, and its data version."""

    def _new_runner(self, pause_at: float | None = None) -> None:
        assert self.scenario is not None
        self._queue = queue.Queue()
        runner = ProcessRunner(
            self.factory_builder(self.scenario),
            self._queue,
            speed=self.speed,
            fastest=self.fastest,
            pause_at=pause_at,
            observers=tuple(self.extra_observers),
            parent_observers=(self.collector, *self.analyses.observers()),
            probe=probe_live_state if self.live_probe else None,
            process=self._take_spare(),
            on_news=self._news,
        )
        runner.start()
        self.runner = runner

    def _news(self) -> None:
        wake = self.wake
        if wake is not None:
            wake()

    def _take_spare(self) -> SimulationProcess | None:
        """The process started for the next run, if it is alive (waits for one still starting:
        it was started at the last Reset or Open, so Run hardly ever does)."""
        future, self._spare = self._spare, None
        spare = None if future is None else future.result()
        if spare is not None and _gone(spare):
            spare.close()
            return None
        return spare

    # -- what happened ----------------------------------------------------------------------------

    def poll(self) -> list[Update]:
        """Take in what the simulation and analysis processes reported since the last call (see the
        module docstring)."""
        updates: list[Update] = []
        events: list[np.ndarray] = []
        orders: list[np.ndarray] = []
        now: float | None = None

        def flush() -> None:
            nonlocal events, orders, now
            if now is None:
                return
            merged = EventBatch(
                now=now,
                events=np.concatenate(events) if len(events) > 1 else (events[0] if events else empty_events()),
                orders=np.concatenate(orders) if len(orders) > 1 else (orders[0] if orders else empty_orders()),
            )
            events, orders, now = [], [], None
            self._ingest(merged)
            updates.append(Batch(merged))

        live: LiveState | None = None
        while True:
            try:
                message = self._queue.get_nowait()
            except queue.Empty:
                break
            kind = message[0]
            if kind == "batch":
                b: EventBatch = message[1]
                if len(b.events):
                    events.append(b.events)
                if len(b.orders):
                    orders.append(b.orders)
                now = b.now
                continue
            if kind == "live":
                live = message[1]
                continue
            flush()
            if kind == "start":
                self.run_info = message[1]
                updates.append(Started(message[1]))
            elif kind == "end":
                updates.append(self._ended(message[1]))
            elif kind == "paused":
                if self.state == "running":
                    self.state = "paused"
                updates.append(PausedAt(float(message[1])))
            elif kind == "error":
                self.state = "failed"
                self.runner = None
                self.last_error = (message[1], message[2])
                updates.append(Failed(message[1], message[2]))
        flush()
        if live is not None:
            self.live = live
            updates.append(Live(live))
        updates.extend(self._collect_analyses())
        self._schedule_analysis()
        return updates

    def _ingest(self, batch: EventBatch) -> None:
        self.events_ingested += len(batch.events)
        if len(batch.orders):
            self.orders_delivered += int(np.isfinite(batch.orders["completed"]).sum())
        self.now = batch.now
        self.version += 1

    def _ended(self, end: RunEnd) -> Ended:
        self.run_end = end
        self.now = end.now
        self.state = "failed" if end.status == "failed" else "finished"
        if end.status == "failed":
            self.last_error = (end.message or "The run ended with status 'failed'.", "")
        elif end.message:  # stopped at a limit of its budget (twin_app.sim.watchdog): say why
            self.last_error = (end.message, "")
        self.version += 1  # the end closes the intervals still open: analyse once more
        return Ended(end)

    # -- analyses ---------------------------------------------------------------------------------

    def want(self, parts: Sequence[str]) -> None:
        """The analysis parts the views on screen need; the next poll computes what is missing."""
        self.wanted = tuple(dict.fromkeys(parts))
        self._schedule_analysis()

    @property
    def analysis(self) -> Analysis | None:
        """The newest figures: every part computed for this run, each as new as its analysis
        process made it (:meth:`fresh` says whether they are of the data ingested now)."""
        return self.analyses.analysis

    def fresh(self, parts: Sequence[str]) -> bool:
        """Every one of ``parts`` is computed from all the data ingested so far."""
        return self.version > 0 and all(self.analyses.version_of(p) == self.version for p in parts)

    def analysing(self, parts: Sequence[str]) -> bool:
        """Whether the figures for ``parts`` are being computed or are not there yet (a view
        shows 'updating' meanwhile): never computed for this run; once the run has stopped or
        paused, until they are computed from all of it (the final figures: a lane still busy
        with an older request then brings nothing newer, and 'Updating figures' stayed ~4 s
        after the final money was shown, T8); while it runs, while a lane computes them."""
        if not parts or self.scenario is None or self.version == 0:
            return False
        if self.analysis is None or self.analysis.missing(tuple(parts)):
            return True
        if self.state != "running":
            return not self.fresh(parts)
        return self.analyses.busy_with(parts)

    def _schedule_analysis(self) -> None:
        if not self.wanted or self.scenario is None or self.version == 0:
            return
        settled = self.state not in ("running", "stopping")
        self.analyses.schedule(self.wanted, self.version, self._warmup(), settled=settled, size=self.events_ingested)

    def _warmup(self) -> float:
        assert self.scenario is not None
        return self.run_info.warmup if self.run_info is not None else self.scenario.run.warmup

    def _collect_analyses(self) -> list[Update]:
        out: list[Update] = []
        for finished in self.analyses.collect():
            if finished.error is not None:
                self.last_error = finished.error
                out.append(Failed(*finished.error))
            else:
                out.append(Analysed(finished))
        return out

    def current_result(self) -> Any:
        """What the views show: the collected events, observed from the warm-up (or from 0 while
        the run has not yet passed it, so the first minutes are not blank)."""
        assert self.scenario is not None and self.layout is not None
        warmup = self._warmup()
        start = warmup if self.collector.now > warmup else 0.0
        return self.collector.result(self.scenario, self.layout, start=start)

    def analyse_now(self, parts: Sequence[str]) -> Analysis | None:
        """Compute ``parts`` on the calling thread (scripts, screenshots); None before any data."""
        if self.scenario is None or self.version == 0:
            return None
        direct = self._direct
        if direct is None or direct[1] != self.version or self.analysis is not direct[0]:
            direct = self._direct = (Analysis(self.current_result()), self.version)
        direct[0].compute(*parts)
        self.analyses.adopt(*direct)
        return direct[0]

    # -- a stored run ------------------------------------------------------------------------------

    def show_stored(
        self, scenario: Scenario, info: RunInfo, events: np.ndarray, orders: np.ndarray, end: RunEnd
    ) -> None:
        """Show a past run from its stored event log, without simulating: state 'finished'.

        The events and orders go to the collector and the analysis process as a run's
        batches would, and the next poll reports ``Started``, one ``Batch`` and ``Ended``, so
        every view fills as it did when the run was made, with the same figures.
        """
        self.open(scenario)
        batch = EventBatch(now=end.now, events=events, orders=orders)
        for observer in (self.collector, *self.analyses.observers()):
            observer.on_start(info)
            observer.on_batch(batch)
            observer.on_end(end)
        for message in (("start", info), ("batch", batch), ("end", end)):
            self._queue.put(message)
        self.state = "stopping"  # the poll that reports the end makes it 'finished' (or 'failed')

    # -- synchronous running ------------------------------------------------------------------------

    def run_to(self, until: float) -> list[Update]:
        """Simulate on the calling thread from time 0 up to ``until`` (or the end), no pacing,
        and end the run there ('finished': completed, or stopped at ``until``).

        For screenshots and scripts; returns the updates a poll would have reported.
        """
        if self.scenario is None:
            raise RuntimeError("open a scenario first")
        self.reset()
        sink = _Sink(self._queue)
        observers = (sink, self.collector, *self.analyses.observers(), *self.extra_observers)
        sim = self.factory_builder(self.scenario)(observers)
        sim.advance(until)
        if self.live_probe:
            self._queue.put(("live", probe_live_state(sim)))
        self.state = "running"
        sim.finish("completed" if sim.done else "stopped")
        return self.poll()
