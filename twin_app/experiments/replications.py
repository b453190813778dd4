"""Replications 2..N of a run in background processes, and their summary with replication 1.

The desktop app shows replication 1 live (``twin-app run``'s replication 0); the others run
meanwhile in local worker processes through :func:`~twin_app.experiments.executors.execute`
(``isolate``: never on the app's own threads), each as the CLI runs a replication
(:func:`~twin_app.experiments.runner.run_replication`: the same seeds, the same KPIs, stored
in the results database with its event log). :class:`BackgroundReplications` drives them
from a thread of its own and is read by polling (progress, ETA, results), so the caller's
thread never waits; :meth:`~BackgroundReplications.cancel` stops them as Ctrl+C stops the
CLI (a replication under way is stored as 'stopped', those not begun never start).
:func:`summary` combines the replications exactly as ``twin-app run --replications N`` does.
"""

from __future__ import annotations

import functools
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from twin_app.experiments.executors import Backend, default_workers, execute
from twin_app.experiments.runner import Replication, summarise
from twin_app.experiments.tasks import Task, TaskResult
from twin_app.model.scenario import Scenario

_told_to_stop: list[int] = []
"""In a worker process: SIGTERM arrived between two replications (start no other)."""


def _remember_stop(signum: int, frame: FrameType | None) -> None:
    _told_to_stop.append(signum)


def stored_replication(task: Task, database: Path | None, origin: dict[str, Any] | None = None) -> TaskResult:
    """Run one replication as ``twin-app run`` does (stored in ``database``) in a worker.

    ``origin``: what started it, stored with the run (the app's, not the CLI's).
    A worker told to stop (SIGTERM) while idle keeps running and starts no more replications,
    so cancelling never breaks the pool while another worker stores its 'stopped' run.
    """
    from twin_app.experiments.runner import run_replication
    from twin_app.experiments.signals import stop_seen

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _remember_stop)  # run_replication's own handler wraps it
    if _told_to_stop or stop_seen():
        return TaskResult(task.point, task.replication, task.seed, "stopped", message="cancelled before it began")
    started = time.perf_counter()
    done = run_replication(
        task.scenario, seed=task.seed, replication=task.replication, database=database, origin=origin, curves=True
    )
    return TaskResult(
        task.point,
        task.replication,
        task.seed,
        done.status,
        done.kpis,
        done.curves,  # the report averages every replication's WIP and lead-time curves
        run_id=done.run_id,
        wall_seconds=time.perf_counter() - started,
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the background replications are."""

    done: int
    """Finished (completed or stopped) background replications."""
    total: int
    eta_seconds: float | None
    """Wall seconds until the last one is expected to finish (None: not known yet)."""
    running: bool


class BackgroundReplications:
    """Replications ``first .. replications - 1`` of ``scenario`` in worker processes."""

    def __init__(
        self,
        scenario: Scenario,
        replications: int,
        *,
        seed: int | None = None,
        database: Path | None = None,
        workers: int | None = None,
        first: int = 1,
        origin: dict[str, Any] | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = scenario.run.seed if seed is None else seed
        self.database = database
        self.origin = origin if origin is not None else {"origin": "desktop"}
        """What started them, stored with each run: the app (and its file), never "cli"."""
        self.indices = tuple(range(first, replications))
        self.workers = workers if workers is not None else max(1, default_workers() - 1)
        """One core is left to the live replication and the window."""
        self.results: dict[int, TaskResult] = {}
        self.error: str | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._started_at = 0.0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker processes (returns at once)."""
        if not self.indices:
            return
        if self.database is not None:
            from twin_app.store.results_db import ResultsStore

            ResultsStore(self.database).close()  # create and migrate once, before any worker opens it
        self._started_at = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="background-replications", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        tasks = [Task(0, r, self.scenario, self.seed) for r in self.indices]
        runner = functools.partial(stored_replication, database=self.database, origin=self.origin)
        try:
            for result in execute(tasks, Backend(self.workers), runner, cancel=self._cancel, isolate=True):
                if result.status == "stopped" and not result.run_id:
                    continue  # already queued in a worker when cancelled: it never began
                with self._lock:
                    self.results[result.replication] = result
        except Exception as error:  # a pool that cannot start: the user is told, never silence
            self.error = f"{type(error).__name__}: {error}"

    def cancel(self) -> None:
        """Stop: replications not begun never start; those under way stop and are stored 'stopped'."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker thread (tests, closing); True when it has ended."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def progress(self) -> Progress:
        """Finished count, total and an ETA from the pace so far."""
        with self._lock:
            done = len(self.results)
        total = len(self.indices)
        eta = None
        if 0 < done < total and not self.cancelled:
            elapsed = time.perf_counter() - self._started_at
            eta = elapsed / done * (total - done)
        return Progress(done, total, eta, self.running)

    def finished(self) -> list[TaskResult]:
        """The results so far, by replication."""
        with self._lock:
            return [self.results[r] for r in sorted(self.results)]


def summary(first: Replication, others: Sequence[TaskResult]) -> dict[str, Any]:
    """Mean and 95% CI of every KPI over the completed replications, in replication order,
    as ``twin-app run --replications N --json`` reports them (``replications``: the count)."""
    completed = [first] if first.status == "completed" else []
    completed += [
        Replication(r.run_id, r.seed, r.replication, r.status, r.kpis)
        for r in sorted(others, key=lambda r: r.replication)
        if r.ok
    ]
    if not completed:
        return {}
    kpis = summarise(completed)
    if len(completed) == 1:
        kpis = {**kpis, "replications": 1}
    kpis["run_ids"] = [r.run_id for r in completed]
    return kpis
