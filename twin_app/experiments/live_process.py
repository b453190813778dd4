"""The live simulation in a process of its own, its events streamed back (no Qt).

A simulation thread in the app's process shares the interpreter lock with the window: on the
large network the window waited for it up to a second at a time, and storing the run cost the
window's process too. :class:`ProcessRunner` has :class:`~twin_app.experiments.live.SimRunner`'s
command interface (play, pause, step, stop, set_speed, set_pause_at, join, alive, state) but
runs the SimRunner inside a spawned child process:

- At start the child gets the factory (which holds the scenario, seed and budget), the pacing,
  ``pause_at``, the probe and the *child observers* (the run's
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
import multiprocessing
import pickle
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from twin_app.experiments.live import SimRunner, SimulationFactory, SimulationLike, describe_error
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunObserver

JOIN_SECONDS = 5.0
"""How long :meth:`ProcessRunner.join` waits by default before it kills the child."""


class ProcessRunner:
    """One live run in a child process (see the module docstring); every method is thread-safe.

    ``observers`` run in the child, on the simulation's thread; ``parent_observers`` run in
    this process, on the reader thread, before the message is queued (so a poll that sees a
    batch finds it in the collector too).
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
    ) -> None:
        self._out = out
        self._parent_observers = tuple(parent_observers)
        self._child_args = (factory, tuple(observers), probe, float(speed), bool(fastest), pause_at)
        self._lock = threading.Lock()
        self._state = "paused"
        self._over = False
        """The run ended or failed, or the caller stopped it: the child's exit is expected."""
        self._child: Any = None
        self._commands: Connection | None = None
        self._reader: threading.Thread | None = None

    # -- commands (any thread) ----------------------------------------------------------------

    def start(self) -> None:
        """Start the child (the run is still paused: call play or step)."""
        context = multiprocessing.get_context("spawn")  # never fork a process with threads (and Qt)
        commands_in, commands_out = context.Pipe(duplex=False)
        messages_in, messages_out = context.Pipe(duplex=False)
        try:
            # Pickled here, unpickled by the child's own code: what cannot be sent or rebuilt
            # (a closure, a class the child cannot import) is a failed run with its reason.
            payload = pickle.dumps(self._child_args)
            child = context.Process(
                target=_child_main, args=(commands_in, messages_out, payload), name="twin-simulation", daemon=True
            )
            child.start()  # (a script that opens the app needs the usual `if __name__ == "__main__":`)
        except Exception as error:
            self._fail(describe_error(error), traceback.format_exc())
            return
        finally:
            commands_in.close()
            messages_out.close()
        self._child, self._commands = child, commands_out
        self._reader = threading.Thread(target=self._read, args=(messages_in,), name="simulation-reader", daemon=True)
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

    def _read(self, conn: Connection) -> None:
        """The reader thread: records to the parent observers, then messages to the queue."""
        try:
            while True:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    break
                kind = message[0]
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
        except Exception as error:  # a parent observer failed: the run cannot be shown, end it
            self._fail(describe_error(error), traceback.format_exc())
            self.stop()
        finally:
            conn.close()
        self._child_gone()

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


def _child_main(commands: Connection, messages: Connection, payload: bytes) -> None:
    """The child: run a SimRunner, obey the commands, send its messages until it is done."""
    try:
        factory, observers, probe, speed, fastest, pause_at = pickle.loads(payload)
    except Exception as error:  # every failure must reach the user, never silence
        messages.send(("error", describe_error(error), traceback.format_exc()))
        return
    out: queue.Queue[tuple[Any, ...]] = queue.Queue()
    runner = SimRunner(factory, out, speed=speed, fastest=fastest, pause_at=pause_at, observers=observers, probe=probe)
    threading.Thread(target=_obey, args=(commands, runner), name="commands", daemon=True).start()
    runner.start()
    while True:
        try:
            message = out.get(timeout=0.2)
        except queue.Empty:
            if runner.alive or not out.empty():
                continue
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
