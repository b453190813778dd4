"""The live run's analyses in a process of their own, fed with the events as they come.

One analysis of a large run's event log takes seconds, and parts of it are Python loops that
hold the interpreter lock for a quarter of a second at a time (the economics): on a thread of
the app's process they would freeze the window that often. :class:`AnalysisProcess` therefore
keeps a child process with its own copy of the run's event log: an observer
(:meth:`~AnalysisProcess.observer`, in the app on the thread that receives the batches from the
simulation's process) forwards each batch as it comes (a sender thread writes it to the pipe,
so nobody waits), and :meth:`~AnalysisProcess.submit` asks
for parts of an :class:`~twin_app.analysis.snapshot.Analysis` of everything received so far. A
receiver thread collects the answers; :meth:`~AnalysisProcess.collect` hands them over as
:class:`Finished`, each with an Analysis whose parts are filled in. Requests that queue up while
the child is busy are merged: only the newest is computed. The child starts on the first
request, so a session that never analyses costs nothing.

Starting a child (a ``spawn``: fork and exec of a large process, then writing it its
preparation data) took 20-200 ms, and Reset and File > Open start one per lane, so the caller
never does it: each child has a sender thread of its own, which starts the child, then sends it
its queue (the requests and the run's events queued while it started included) until told to
close it, and then waits for it to end (or ends it). The caller only queues; :attr:`pid` waits
for a child being started. A child that cannot start, or dies, fails the requests waiting for
it; later requests wait for the next reset or open, which starts a fresh child.

The child runs at a lower priority (:data:`ANALYSIS_NICENESS`) while a run grows, so figures
give way to the simulation and the window; a request marked ``urgent`` (the run has ended or
paused: the user waits for the final figures) is computed on a thread that kept nearly the normal
priority (Linux sets niceness per thread; lowering it again would need privileges): just below
the window's (:data:`URGENT_NICENESS`), which draws the final figures while both lanes work.

An exception in the child comes back as a :class:`Finished` with an ``error``; a child that dies
is reported the same way, never silently.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.result import RunResult
from twin_app.analysis.snapshot import Analysis
from twin_app.experiments.memory import release_memory, return_big_blocks
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunEnd, RunInfo, empty_events, empty_orders
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario

RESTART_LATER_SECONDS = 1.5
"""A child replaced at a reset starts this much later, unless figures are asked for sooner: two
analysis processes and the spare simulation process starting at once (~1 s of CPU each, importing
numpy and the engine) on 2 cores starved the window's repaint after Reset (the longest gap in
the 1.5 s after it 220-241 ms; 128-134 ms with the analysis processes started later)."""

ANALYSIS_NICENESS = 10
"""How much lower than the app the analysis process runs (all but its urgent requests)."""

URGENT_NICENESS = 3
"""How much lower than the app an urgent request (the run ended or paused) is computed. At the
end of a large run both lanes compute the final figures at once while the window draws the
run's end: at the app's own priority they took two thirds of the 2 cores from the window (three
of the bench's five longest gaps, 85-94 ms, were in the 1.5 s after the run's end). Nice 3 gives
the window about twice a lane's share when they compete; the lanes are alone otherwise."""

CLOSE_SECONDS = 2.0
"""How long :meth:`AnalysisProcess.close` waits for the child to end before it ends it."""


@dataclass(frozen=True, slots=True)
class Finished:
    """One request done: ``analysis`` has ``parts`` computed (unless ``error`` is set)."""

    ticket: int
    analysis: Analysis | None
    parts: tuple[str, ...]
    seconds: float
    error: tuple[str, str] | None = None
    """(message, traceback) if computing failed."""
    cpu_seconds: float = 0.0
    """CPU time the computing took (on a busy machine far less than ``seconds``, the wall time)."""


class _Feed:
    """The RunObserver that forwards every record of the run to the child, never waits."""

    def __init__(self, outbox: queue.Queue[tuple[Any, ...]], generation: int, fed: threading.Event) -> None:
        self._outbox = outbox
        self._generation = generation
        self._fed = fed

    def on_start(self, info: RunInfo) -> None:
        self._outbox.put(("start", self._generation, info))

    def on_batch(self, batch: EventBatch) -> None:
        self._fed.set()
        self._outbox.put(("batch", self._generation, batch.now, batch.events.tobytes(), batch.orders.tobytes()))

    def on_end(self, end: RunEnd) -> None:
        self._outbox.put(("end", self._generation, end))


class AnalysisProcess:
    """Analyses in a child process (see the module docstring); every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._outbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._done: list[Finished] = []
        self._waiting: dict[int, tuple[str, ...]] = {}
        """Tickets sent and not answered yet, with their parts."""
        self._tickets = 0
        self._generation = 0
        self._scenario: Scenario | None = None
        self._layout: Layout | None = None
        self._sender: threading.Thread | None = None
        """The current child's sender thread (None: no child asked for yet)."""
        self._starting = False
        self._wanted = threading.Event()
        """Figures were asked for: a fresh child waiting to start (after a reset) starts now."""
        """The current child's sender is still starting it."""
        self._child: Any = None
        self._conn: Connection | None = None
        self._closed = False
        self._fed = threading.Event()
        """The child has been sent a run's events (or asked for figures) since it started: what
        it holds is given back by starting a fresh child at the next reset or open."""

    # -- the run -------------------------------------------------------------------------------

    def open(self, scenario: Scenario, layout: Layout) -> None:
        """A new scenario (the child learns it with the next request)."""
        with self._lock:
            self._scenario, self._layout = scenario, layout
            self._new_generation()
            if not self._renew_child():
                self._outbox.put(("open", self._generation, _Pickled(scenario)))

    def reset(self) -> None:
        """Forget the run's events (a new run of the same scenario follows). A child that held a
        run is replaced by a fresh one, which gives all its memory back: the old child trimmed
        its heap at a reset and still kept most of a large run's peak (the trial: ~540 MB in the
        two analysis processes after Reset of the large network, against ~90 MB before the
        run), since a long-lived process's heap stays fragmented by the small objects the
        analyses leave behind."""
        with self._lock:
            self._new_generation()
            if not self._renew_child():
                self._outbox.put(("reset", self._generation))

    def _renew_child(self) -> bool:
        """If the child held a run: close it (its sender passes that on and waits for it to
        end) and start a fresh one with its own queue, told the scenario. True if it did so."""
        if self._sender is None or self._closed or not self._fed.is_set():
            return False
        self._outbox.put(("close",))
        self._outbox = queue.Queue()
        self._sender, self._child, self._conn = None, None, None
        self._fed = threading.Event()
        self._wanted = threading.Event()
        self._start_child(later=RESTART_LATER_SECONDS)
        if self._scenario is not None:
            self._outbox.put(("open", self._generation, _Pickled(self._scenario)))
        return True

    def _new_generation(self) -> None:
        """Everything before is stale: drop what is not sent yet, waiting or not collected."""
        self._generation += 1
        self._waiting.clear()
        self._done.clear()
        while True:
            try:
                message = self._outbox.get_nowait()
            except queue.Empty:
                break
            if message[0] == "open":  # the scenario is still needed by the next generation
                self._outbox.put(message)
                break

    def observer(self) -> _Feed:
        """The observer to attach to the run (it only queues: any thread may call it)."""
        with self._lock:
            return _Feed(self._outbox, self._generation, self._fed)

    # -- requests ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the child now rather than at the first request (the app: Python and numpy take
        a second or more to load, and the first figures of a run should not wait for that)."""
        with self._lock:
            self._start_child()

    def submit(self, parts: tuple[str, ...], warmup: float, *, urgent: bool = False) -> int:
        """Ask for ``parts`` of the run so far (observed from ``warmup`` once the run passed it);
        ``urgent``: at the app's priority, not the lowered one (see the module docstring)."""
        with self._lock:
            self._start_child()
            self._wanted.set()  # (a fresh child waiting to start starts now)
            self._fed.set()
            self._tickets += 1
            self._waiting[self._tickets] = tuple(parts)
            self._outbox.put(("analyse", self._generation, self._tickets, tuple(parts), float(warmup), bool(urgent)))
            return self._tickets

    def collect(self) -> list[Finished]:
        """The requests answered since the last call, oldest first."""
        with self._lock:
            done, self._done = self._done, []
            return done

    @property
    def busy(self) -> bool:
        """A request is waiting for its answer."""
        with self._lock:
            return bool(self._waiting)

    @property
    def pid(self) -> int | None:
        """The child's process id (None before the first request starts it, or if it could not
        start); waits for a child being started."""
        with self._lock:
            while self._starting:
                self._lock.wait()
            return None if self._child is None else self._child.pid

    def cancel(self) -> None:
        """Forget the requests waiting and the answers not collected."""
        with self._lock:
            self._waiting.clear()
            self._done.clear()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every request is answered (scripts and tests); True if so."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while self._waiting:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._lock.wait(left)
            return True

    def close(self) -> None:
        """Stop the child and the threads (a child still being started is closed once it is up)."""
        with self._lock:
            self._closed = True
            self._wanted.set()
            self._outbox.put(("close",))
            sender = self._sender
        if sender is not None:
            sender.join(CLOSE_SECONDS)
        child = self._child
        if child is not None and child.is_alive():  # busy with a request: it would read "close" after
            child.terminate()

    # -- plumbing ------------------------------------------------------------------------------

    def _start_child(self, later: float = 0.0) -> None:
        """Have a child started (by its sender thread: the caller does not wait for it), after
        ``later`` seconds unless figures are asked for sooner."""
        if self._sender is not None or self._closed:
            return
        self._starting = True
        args = (self._outbox, later, self._wanted)
        self._sender = threading.Thread(target=self._serve, args=args, name="analysis-sender", daemon=True)
        self._sender.start()

    def _serve(self, outbox: queue.Queue[tuple[Any, ...]], later: float, wanted: threading.Event) -> None:
        """The sender thread: start the child, send it ``outbox`` until "close", let it end."""
        child, conn, why = None, None, ""
        if later:
            wanted.wait(later)
        if self._closed or outbox is not self._outbox:  # (closed or replaced while it waited)
            with self._lock:
                if outbox is self._outbox:
                    self._starting = False
                    self._lock.notify_all()
            self._send(None, outbox)  # (drops what was queued, up to its "close")
            return
        try:
            child, conn = _spawn()
        except Exception as error:  # (no process could be started: too many, out of memory...)
            why = f"the analysis process could not start: {type(error).__name__}: {error}"
        with self._lock:
            current = outbox is self._outbox  # (not replaced by a reset while it started)
            if current:
                self._child, self._conn, self._starting = child, conn, False
                self._lock.notify_all()
        if conn is None:
            if current:
                self._fail_all(why)
        else:
            threading.Thread(target=self._receive, args=(conn,), name="analysis-receiver", daemon=True).start()
        self._send(conn, outbox)
        if child is not None:
            _reap(child)

    def _send(self, conn: Connection | None, outbox: queue.Queue[tuple[Any, ...]]) -> None:
        """Pass ``outbox`` on to the child until "close" (after a failure: drop it)."""
        while True:
            message = outbox.get()
            if conn is not None:
                try:
                    conn.send(message)
                except (OSError, EOFError, TypeError, ValueError):  # (TypeError, ValueError: closed here)
                    if conn is self._conn:  # (not a child already replaced)
                        self._fail_all("the analysis process ended unexpectedly")
                    conn = None
            if message[0] == "close":
                return

    def _receive(self, conn: Connection) -> None:
        while True:
            try:
                message = conn.recv()
            except (OSError, EOFError):
                if not self._closed and conn is self._conn:  # (a replaced child ends quietly)
                    self._fail_all("the analysis process ended unexpectedly")
                return
            kind, generation, ticket = message[0], message[1], message[2]
            with self._lock:
                if generation != self._generation or conn is not self._conn:
                    continue  # from before a reset
                newer = [t for t in self._waiting if t <= ticket]  # answered, or merged into this one
                parts = self._waiting.get(ticket, ())
                for t in newer:
                    del self._waiting[t]
                if kind == "done":
                    _, _, _, values, window, seconds, cpu = message
                    analysis = self._rebuild(values, window)
                    self._done.append(Finished(ticket, analysis, parts, seconds, cpu_seconds=cpu))
                else:
                    self._done.append(Finished(ticket, None, parts, 0.0, (message[3], message[4])))
                self._lock.notify_all()

    def _rebuild(self, values: dict[str, Any], window: tuple[float, float]) -> Analysis:
        """An Analysis on the parent's side with the child's parts filled in."""
        assert self._scenario is not None and self._layout is not None
        stub = RunResult(self._scenario, self._layout, empty_events(), empty_orders(), window[0], window[1])
        return Analysis.from_parts(stub, values)

    def _fail_all(self, why: str) -> None:
        with self._lock:
            for ticket, parts in self._waiting.items():
                self._done.append(Finished(ticket, None, parts, 0.0, (why, "")))
            self._waiting.clear()
            self._lock.notify_all()


def _spawn() -> tuple[Any, Connection]:
    """A new child process and this side's end of its pipe."""
    context = multiprocessing.get_context("spawn")  # never fork a process with threads (and Qt)
    parent, child_end = context.Pipe()
    child = context.Process(target=_child_main, args=(child_end,), name="twin-analysis", daemon=True)
    try:
        child.start()  # (a script that opens the app needs the usual `if __name__ == "__main__":`)
    finally:
        child_end.close()
    return child, parent


def _reap(child: Any) -> None:
    """Wait for a closed child to end (it was told to), or end it."""
    child.join(5.0)
    if child.is_alive():
        child.terminate()
        child.join(1.0)


class _AtNormalPriority:
    """A thread started before the child lowers its own priority: urgent requests run on it."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[], Any]] = queue.Queue()
        self._results: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue()
        threading.Thread(target=self._serve, name="analysis-urgent", daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # (no os.nice on Windows)
            os.nice(URGENT_NICENESS)  # this thread's (Linux): the main thread lowers its own later
        while True:
            job = self._jobs.get()
            try:
                self._results.put((job(), None))
            except BaseException as error:  # handed back to the caller, who reports it
                self._results.put((None, error))

    def call(self, job: Callable[[], Any]) -> Any:
        """``job()`` on this thread; the caller waits (and gets its exception, if any)."""
        self._jobs.put(job)
        value, error = self._results.get()
        if error is not None:
            raise error
        return value


class _Pickled:
    """A scenario sent to a child as the bytes it was pickled to the first time.

    Every Reset starts two fresh analysis children and tells each the scenario: pickling the
    large network's (0.5 MB) took 27-43 ms a time on a sender thread, holding the interpreter
    the window's thread needs. The bytes of the last scenario sent are kept and sent again;
    the child unpickles them as it would the scenario.
    """

    _last: tuple[Any, bytes] | None = None
    _lock = threading.Lock()

    def __init__(self, scenario: Any) -> None:
        self.scenario = scenario

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        with _Pickled._lock:
            last = _Pickled._last
            if last is None or last[0] is not self.scenario:
                last = _Pickled._last = (self.scenario, pickle.dumps(self.scenario, pickle.HIGHEST_PROTOCOL))
        return (pickle.loads, (last[1],))


def _child_main(conn: Connection) -> None:
    """The child: keep a collector of the run's events; answer the newest analysis request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the app's terminal is the app's to handle
    urgent_thread = _AtNormalPriority()  # made first: it keeps the app's priority
    with contextlib.suppress(AttributeError, OSError):  # (no os.nice on Windows)
        os.nice(ANALYSIS_NICENESS)  # figures can wait a moment; the window and the run cannot
    return_big_blocks()  # a run's big arrays go back to the system when freed (Reset)
    scenario: Scenario | None = None
    layout: Layout | None = None
    collector = EventCollector()
    generation = 0
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        request = None
        while True:  # take in everything already sent; of the requests, keep the newest
            kind = message[0]
            if kind == "close":
                return
            if kind == "open":
                generation, scenario = message[1], message[2]
                layout = Layout.build(scenario)
                collector, request = EventCollector(), None
            elif kind == "reset":
                generation, collector, request = message[1], EventCollector(), None
                release_memory()  # the discarded run's arrays back to the system, not held to the next run
            elif message[1] == generation:  # (messages of a discarded run are skipped)
                if kind == "batch":
                    _, _, now, events, orders = message
                    batch = EventBatch(
                        now, np.frombuffer(events, dtype=EVENT_DTYPE), np.frombuffer(orders, dtype=ORDER_DTYPE)
                    )
                    collector.on_batch(batch)
                elif kind == "start":
                    collector.on_start(message[2])
                elif kind == "end":
                    collector.on_end(message[2])
                elif kind == "analyse":  # the newest request, asking for every part asked so far
                    parts = tuple(dict.fromkeys((*(request[3] if request else ()), *message[3])))
                    request = (*message[:3], parts, message[4], message[5] or bool(request and request[5]))
            if not conn.poll():
                break
            message = conn.recv()
        if request is None or scenario is None or layout is None:
            continue
        _, _, ticket, parts, warmup, urgent = request
        began = time.perf_counter()
        try:
            work = functools.partial(_analyse, collector, scenario, layout, parts, warmup)
            values, window, cpu = urgent_thread.call(work) if urgent else work()
            conn.send(("done", generation, ticket, values, window, time.perf_counter() - began, cpu))
            del values
        except Exception as error:  # every failure must reach the user, never silence
            conn.send(("error", generation, ticket, f"{type(error).__name__}: {error}", traceback.format_exc()))


def _analyse(
    collector: EventCollector, scenario: Scenario, layout: Layout, parts: tuple[str, ...], warmup: float
) -> tuple[dict[str, Any], tuple[float, float], float]:
    """``parts`` of the events collected so far, the window they cover, and the CPU seconds it took."""
    cpu = time.thread_time()
    start = warmup if collector.now > warmup else 0.0
    analysis = Analysis(collector.result(scenario, layout, start=start))
    analysis.compute(*parts)
    # (the analysis, with its copy of the whole log, is not kept until the next request)
    values = {part: getattr(analysis, part) for part in parts}
    return values, (analysis.result.start, analysis.result.end), time.thread_time() - cpu
