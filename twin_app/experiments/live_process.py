"""The live simulation in a process of its own, its events streamed back (no Qt).

A simulation thread in the app's process shares the interpreter lock with the window: on the
large network the window waited for it up to a second at a time, and storing the run cost the
window's process too. :class:`ProcessRunner` has :class:`~twin_app.experiments.live.SimRunner`'s
command interface (play, pause, step, stop, set_speed, set_pause_at, join, alive, state) but
runs the SimRunner inside a spawned child process:

- The child is spawned ahead when it can be (:class:`SimulationProcess`: Python and the
  engine's modules take about a second to load). At start it gets the factory (which holds
  the scenario, seed and budget), the pacing, ``pause_at``, the probe and the *child
  observers* (the run's
  :class:`~twin_app.store.results_db.StoreWriter`: the run is stored where it is simulated).
  Everything sent must pickle: module-level classes and functions, no closures.
- Commands go to the child over one pipe; a thread there calls the SimRunner's methods.
- The SimRunner's messages come back over another pipe (a batch as the raw bytes of its
  arrays). A reader thread in the app's process gives each record to the *parent observers*
  (the event collector and the analysis process's feed: they only append) and then puts the
  message into the caller's queue, with the same tuples a SimRunner puts there, so whoever
  polls that queue cannot tell the two apart.

The child exits when the run has ended and everything is sent, or when it is told to stop;
its memory goes with it. A child that dies (killed, out of memory) is reported as an
``("error", message, "")`` message naming the exit, never a silent hang. A parent that dies
closes the pipes: the child stops its run (stored as 'incomplete', like a killed CLI run) and
exits.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from twin_app.experiments.live import SimRunner, SimulationFactory, SimulationLike, describe_error
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunObserver

_READY = "ready"
"""The child's first message: started, modules imported, waiting for its run."""

RUN_MODULES = ("twin_app.store.results_db", "twin_app.experiments.live_state")
"""What unpickling a desktop run imports beyond this module: the results database's writer and
the live probe. The child imports them while it waits for its run: the writer's (sqlite-utils
and its dependencies) took 100 of the 140 ms between the demo's Run and its first minute."""

_OVER = "over"
"""The child's own last message in its queue: the simulation thread is done."""

JOIN_SECONDS = 5.0
"""How long :meth:`ProcessRunner.join` waits by default before it kills the child."""


class SimulationProcess:
    """A spawned child with its pipes, its modules imported, waiting to be given its run.

    Starting Python and importing the engine takes about a second (more on a busy machine); a
    session starts the next child ahead (:class:`~twin_app.experiments.session.RunSession`'s
    ``prestart``) so that Run answers at once. A child never given a run exits when it is
    closed or its parent dies.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process with threads (and Qt)
        commands_in, self.commands = context.Pipe(duplex=False)
        self.messages, messages_out = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child_main, args=(commands_in, messages_out), name="twin-simulation", daemon=True
        )
        try:
            self.process.start()  # (a script that opens the app needs the usual `if __name__ == "__main__":`)
        finally:
            commands_in.close()
            messages_out.close()
        self._ready = False

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the child has started and imported the engine; True if it has (call it
        before the run is started: the bench measures runs, not Python starting)."""
        if not self._ready and self.messages.poll(timeout):
            with contextlib.suppress(EOFError, OSError):
                self._ready = self.messages.recv()[0] == _READY
        return self._ready

    def close(self) -> None:
        """End the child (unused, or its run over)."""
        self.commands.close()
        self.messages.close()
        self.process.join(JOIN_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(JOIN_SECONDS)


class ProcessRunner:
    """One live run in a child process (see the module docstring); every method is thread-safe.

    ``observers`` run in the child, on the simulation's thread; ``parent_observers`` run in
    this process, on the reader thread, before the message is queued (so a poll that sees a
    batch finds it in the collector too). ``process``: a :class:`SimulationProcess` started
    ahead of time, so the run does not wait for a new Python to start (about a second).
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
        parent_observers: Sequence[RunObserver] = (),
        probe: Callable[[SimulationLike], Any] | None = None,
        process: SimulationProcess | None = None,
        on_news: Callable[[], None] | None = None,
    ) -> None:
        self._out = out
        self._on_news = on_news
        """Called (on the reader thread) after a message that changes the run's state is queued:
        its end, a pause, a failure. A window polling four times a second sees them at once."""
        self._process = process
        """A child started ahead to run in (None: start one)."""
        self._parent_observers = tuple(parent_observers)
        self._child_args = (factory, tuple(observers), probe, float(speed), bool(fastest), pause_at)
        self._lock = threading.Lock()
        self._state = "paused"
        self._over = False
        """The run ended or failed, or the caller stopped it: the child's exit is expected."""
        self._child: Any = None
        self._commands: Connection | None = None
        self._reader: threading.Thread | None = None
        self._pending: list[tuple[Any, ...]] | None = []
        """Commands given before the reader thread has sent the run (None once it has)."""

    # -- commands (any thread) ----------------------------------------------------------------

    def start(self) -> None:
        """Start the run in the child (still paused: call play or step)."""
        try:
            child = self._process if self._process is not None else SimulationProcess()
        except Exception as error:  # no process could be started: a failed run, with the reason
            self._fail(describe_error(error), traceback.format_exc())
            return
        self._process = None
        self._child, self._commands = child.process, child.commands
        self._reader = threading.Thread(target=self._read, args=(child,), name="simulation-reader", daemon=True)
        self._reader.start()

    def play(self) -> None:
        self._send("play")
        self._set_state("running")

    def pause(self) -> None:
        self._send("pause")
        self._set_state("paused")

    def step(self, count: int = 1) -> None:
        self._send("step", count)
        self._set_state("paused")

    def stop(self) -> None:
        """End the run as soon as possible; the child reports ('end', RunEnd('stopped')) and exits."""
        with self._lock:
            self._over = True
        self._send("stop")

    def set_speed(self, speed: float, fastest: bool) -> None:
        self._send("speed", float(speed), bool(fastest))

    def set_pause_at(self, until: float | None) -> None:
        self._send("pause_at", until)

    def join(self, timeout: float | None = JOIN_SECONDS) -> bool:
        """Wait for the child to exit; if it has not within ``timeout`` it is killed (its run
        reads back 'incomplete'). True if it exited by itself."""
        child = self._child
        exited = True
        if child is not None:
            child.join(timeout)
            if child.is_alive():
                exited = False
                with self._lock:
                    self._over = True
                child.kill()
                child.join(JOIN_SECONDS)
        if self._reader is not None:
            self._reader.join(JOIN_SECONDS)
        return exited

    @property
    def alive(self) -> bool:
        """The child process is running."""
        return self._child is not None and self._child.is_alive()

    @property
    def pid(self) -> int | None:
        """The child's process id (None before :meth:`start`)."""
        return None if self._child is None else self._child.pid

    @property
    def state(self) -> str:
        """'paused', 'running', 'finished' (ended for any reason) or 'failed': as the commands
        sent and the messages received tell it (a step or a pause_at reached shows 'paused')."""
        return self._state

    # -- plumbing -------------------------------------------------------------------------------

    def _send(self, *command: Any) -> None:
        with self._lock:
            conn = self._commands
            if conn is None:
                return
            if self._pending is not None:  # the run is not sent yet: after it
                self._pending.append(command)
                return
            with contextlib.suppress(OSError, ValueError):  # the child is gone: the reader reports it
                conn.send(command)

    def _set_state(self, state: str) -> None:
        with self._lock:
            if self._state not in ("finished", "failed"):
                self._state = state

    def _fail(self, message: str, details: str) -> None:
        with self._lock:
            self._state, self._over = "failed", True
        self._out.put(("error", message, details))
        self._news()

    def _read(self, child: SimulationProcess) -> None:
        """The reader thread: send the run (pickling a large scenario takes a while: not on the
        caller's thread), then hand records to the parent observers and messages to the queue."""
        try:
            # Pickled here, unpickled by the child's own code: what cannot be sent or rebuilt
            # (a closure, a class the child cannot import) is a failed run with its reason.
            payload = pickle.dumps(self._child_args)
        except Exception as error:
            self._fail(describe_error(error), traceback.format_exc())
            child.close()
            return
        with self._lock:  # the run first, then the commands given meanwhile, in order
            with contextlib.suppress(OSError, ValueError):  # the child is gone already: see below
                child.commands.send(("run", payload))
                for command in self._pending:
                    child.commands.send(command)
            self._pending = None
        conn = child.messages
        try:
            while True:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    break
                kind = message[0]
                if kind == _READY:
                    continue
                if kind == "batch":
                    _, now, events, orders = message
                    batch = EventBatch(now, np.frombuffer(events, EVENT_DTYPE), np.frombuffer(orders, ORDER_DTYPE))
                    for observer in self._parent_observers:
                        observer.on_batch(batch)
                    message = ("batch", batch)
                elif kind == "start":
                    for observer in self._parent_observers:
                        observer.on_start(message[1])
                elif kind == "end":
                    for observer in self._parent_observers:
                        observer.on_end(message[1])
                    with self._lock:
                        self._state, self._over = "finished", True
                elif kind == "error":
                    with self._lock:
                        self._state, self._over = "failed", True
                elif kind == "paused":
                    self._set_state("paused")
                self._out.put(message)
                if kind in ("end", "paused"):
                    self._news()
        except Exception as error:  # a parent observer failed: the run cannot be shown, end it
            self._fail(describe_error(error), traceback.format_exc())
            self.stop()
        finally:
            conn.close()
        self._child_gone()

    def _news(self) -> None:
        if self._on_news is not None:
            self._on_news()

    def _child_gone(self) -> None:
        """The pipe closed: fine after the end, a failure otherwise (the child died)."""
        child = self._child
        child.join(JOIN_SECONDS)
        with self._lock:
            expected = self._over
            if self._commands is not None:
                self._commands.close()
                self._commands = None
        if not expected:
            self._fail(_death_message(child.exitcode), "")


def _death_message(exitcode: int | None) -> str:
    """What the user reads when the simulation process died under the run."""
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            how = f"was killed by signal {signal.Signals(-exitcode).name}"
            if exitcode == -signal.SIGKILL:
                how += " (perhaps the system ran out of memory)"
            return f"The simulation process {how}; the run is lost. Reset to run again."
    return f"The simulation process ended unexpectedly (exit code {exitcode}); the run is lost. Reset to run again."


def import_run_modules() -> None:
    """Import :data:`RUN_MODULES` (in the child, before it says it is ready)."""
    for name in RUN_MODULES:
        importlib.import_module(name)


def _child_main(commands: Connection, messages: Connection) -> None:
    """The child: wait for its run, run a SimRunner, obey the commands, send its messages until
    it is done."""
    # Ctrl+C in the app's terminal reaches the whole process group: the app decides what
    # happens to its run (and if the app dies, the closed pipe stops the run here).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import_run_modules()
    try:
        messages.send((_READY,))
        command = commands.recv()
    except (EOFError, OSError):  # closed unused, or the app is gone
        return
    try:
        factory, observers, probe, speed, fastest, pause_at = pickle.loads(command[1])
    except Exception as error:  # every failure must reach the user, never silence
        messages.send(("error", describe_error(error), traceback.format_exc()))
        return
    out: queue.Queue[tuple[Any, ...]] = queue.Queue()
    runner = SimRunner(factory, out, speed=speed, fastest=fastest, pause_at=pause_at, observers=observers, probe=probe)
    threading.Thread(target=_obey, args=(commands, runner), name="commands", daemon=True).start()
    runner.start()
    threading.Thread(target=_announce_over, args=(runner, out), name="over", daemon=True).start()
    while True:
        message = out.get()
        if message[0] == _OVER:
            break  # the run is over and every message is sent
        if message[0] == "batch":
            batch: EventBatch = message[1]
            message = ("batch", batch.now, batch.events.tobytes(), batch.orders.tobytes())
        try:
            messages.send(message)
        except (OSError, EOFError):  # the app is gone: end the run (it reads back 'incomplete')
            runner.stop()
            runner.join(JOIN_SECONDS)
            return
    messages.close()
    # Everything is sent and the run's writer has closed its database: leave without tearing
    # down a large run's objects one by one (seconds on the large network).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _announce_over(runner: SimRunner, out: queue.Queue[tuple[Any, ...]]) -> None:
    """Queue the end marker once the simulation thread is done (after its last message)."""
    runner.join()
    out.put((_OVER,))


def _obey(commands: Connection, runner: SimRunner) -> None:
    """The child's command thread: each command from the app is a SimRunner method call."""
    while True:
        try:
            command = commands.recv()
        except (EOFError, OSError):  # the app closed the pipe or died: stop the run
            runner.stop()
            return
        name, args = command[0], command[1:]
        if name == "play":
            runner.play()
        elif name == "pause":
            runner.pause()
        elif name == "step":
            runner.step(*args)
        elif name == "stop":
            runner.stop()
        elif name == "speed":
            runner.set_speed(*args)
        elif name == "pause_at":
            runner.set_pause_at(*args)
