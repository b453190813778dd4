"""Where tasks run: in this process, in local worker processes, or on a Dask cluster.

Each backend takes a list of :class:`~twin_app.experiments.tasks.Task` and yields their
results *as they complete* (not in order), so the caller can store each one at once and show
progress. Because a task's numbers depend only on its own seed and replication, every backend
gives the same results, number for number.

A worker that dies (killed, out of memory) does not lose the experiment: its tasks are run
again once, each in a fresh process of its own, and a task that kills its process twice is
reported as failed. Every other result is kept.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from twin_app.errors import TwinError
from twin_app.experiments.tasks import Task, TaskResult, run_task

DASK_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler before giving up with an error."""


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Backend:
    """Where to run: ``workers`` local processes (1: in this process), or a Dask scheduler.

    ``dask`` is None (local processes), ``"local"`` (start a ``distributed.LocalCluster`` of
    ``workers`` processes) or a scheduler address such as ``"tcp://host:8786"``.
    """

    workers: int = 1
    dask: str | None = None

    def describe(self) -> str:
        if self.dask == "local":
            return f"Dask LocalCluster of {self.workers} workers"
        if self.dask:
            return f"Dask scheduler {self.dask}"
        return "this process" if self.workers <= 1 else f"{self.workers} local processes"


Runner = Callable[[Task], TaskResult]


def execute(
    tasks: Iterable[Task],
    backend: Backend,
    runner: Runner = run_task,
    *,
    cancel: threading.Event | None = None,
    isolate: bool = False,
) -> Iterator[TaskResult]:
    """Run ``tasks`` on ``backend`` and yield each result as it completes.

    ``runner`` runs one task (a module-level function, so worker processes can receive it).
    ``isolate`` runs even a single task in a worker process, never on the caller's thread
    (the desktop app keeps its own process for the window). Local processes only: once
    ``cancel`` is set, tasks not begun are dropped, the workers are sent SIGTERM (a runner
    that handles it, as :func:`~twin_app.experiments.runner.run_replication` does, stops
    its run cleanly and its result still arrives), nothing is retried, and the iterator ends.
    """
    tasks = list(tasks)
    if not tasks:
        return iter(())
    if backend.dask is not None:
        return _on_dask(tasks, backend, runner)
    if not isolate and (backend.workers <= 1 or len(tasks) == 1):
        return (runner(task) for task in tasks)
    return _on_processes(tasks, max(1, min(backend.workers, len(tasks))), runner, cancel)


# --- local processes ---------------------------------------------------------------------------
def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (one thread: fast, and a script needs no ``__main__`` guard);
    forkserver when this process runs threads (the desktop app), which a fork would copy in
    whatever state they hold."""
    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")


_SCENARIOS: dict[int, Any] = {}
"""In a worker process: each design point's scenario, sent once when the worker starts."""


def _install(scenarios: dict[int, Any]) -> None:
    _die_with_parent()
    _SCENARIOS.clear()
    _SCENARIOS.update(scenarios)


def _die_with_parent() -> None:
    """On Linux, end this worker when the process that started it dies (even by kill -9),
    instead of leaving it idle forever."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # no prctl here: the worker ends with its queue instead
        return


def _run_installed(runner: Runner, point: int, replication: int, seed: int) -> TaskResult:
    return runner(Task(point, replication, _SCENARIOS[point], seed))


def _pool(workers: int, tasks: list[Task]) -> ProcessPoolExecutor:
    """A pool whose workers receive every scenario once, not with every task (a large network
    pickles to megabytes)."""
    scenarios = {task.point: task.scenario for task in tasks}
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_install, initargs=(scenarios,))


CANCEL_POLL_SECONDS = 0.2
"""How often a cancellable run looks at its cancel flag."""


def _on_processes(
    tasks: list[Task], workers: int, runner: Runner, cancel: threading.Event | None = None
) -> Iterator[TaskResult]:
    suspects: list[Task] = []
    cancelled = False
    pool = _pool(workers, tasks)
    try:
        pending: dict[Future[TaskResult], Task] = {
            pool.submit(_run_installed, runner, t.point, t.replication, t.seed): t for t in tasks
        }
        while pending:
            timeout = None if cancel is None else CANCEL_POLL_SECONDS
            done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            if cancel is not None and cancel.is_set() and not cancelled:
                cancelled = True
                _stop_workers(pool, pending)
            for future in done:
                task = pending.pop(future)
                if future.cancelled():
                    continue
                try:
                    yield future.result()
                except BrokenProcessPool:
                    if not cancelled:
                        suspects.append(task)  # this task, or another in the pool, killed a worker
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for task in suspects:
        yield _alone(task, runner)


def _stop_workers(pool: ProcessPoolExecutor, pending: dict[Future[TaskResult], Task]) -> None:
    """Cancel: drop the tasks not begun and send SIGTERM to the workers running the others."""
    for future in pending:
        future.cancel()  # only those not started yet
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            os.kill(process.pid, signal.SIGTERM)
        except OSError:  # already gone
            continue


def _alone(task: Task, runner: Runner) -> TaskResult:
    """Run a task again in a process of its own; if that process dies too, the task failed."""
    with _pool(1, [task]) as pool:
        try:
            return pool.submit(_run_installed, runner, task.point, task.replication, task.seed).result()
        except BrokenProcessPool:
            return TaskResult(
                task.point,
                task.replication,
                task.seed,
                "failed",
                message="its worker process died twice (killed or out of memory)",
            )


# --- Dask ----------------------------------------------------------------------------------------
def dask_client(address: str, workers: int) -> object:
    """A ``distributed.Client`` for ``address`` ('local' starts a LocalCluster).

    Raises :class:`TwinError` when Dask is not installed or the scheduler cannot be reached
    within :data:`DASK_CONNECT_TIMEOUT` seconds.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise TwinError(
            "--dask needs the Dask distributed package: pip install 'cloud-factory-twin[cluster]'"
        ) from None
    if address != "local" and not address.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise TwinError(
            f"--dask {address!r} is not a scheduler address: use 'local' or one such as tcp://HOST:8786 "
            "(what 'dask scheduler' prints)"
        )
    if address == "local":
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        return Client(cluster)
    try:
        return Client(address, timeout=f"{DASK_CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError, ValueError) as error:
        raise TwinError(
            f"--dask {address}: cannot reach the Dask scheduler within {DASK_CONNECT_TIMEOUT:g} s ({error}); "
            "start one with 'dask scheduler' and workers with 'dask worker ADDRESS', or use local processes"
        ) from None


def _on_dask(tasks: list[Task], backend: Backend, runner: Runner) -> Iterator[TaskResult]:
    assert backend.dask is not None
    client = dask_client(backend.dask, backend.workers)
    try:
        yield from run_on_client(client, tasks, runner)
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()  # type: ignore[attr-defined]
        if backend.dask == "local" and cluster is not None:
            cluster.close()


def run_on_client(client: object, tasks: list[Task], runner: Runner = run_task) -> Iterator[TaskResult]:
    """Run tasks on an existing ``distributed.Client`` and yield results as they complete.

    Each scenario is sent to the cluster once (scattered) and shared by its tasks. A task whose
    worker dies is retried once by Dask; after that it is reported as failed.
    """
    from distributed import as_completed

    scenarios: dict[int, object] = {}
    for task in tasks:
        if task.point not in scenarios:
            scenarios[task.point] = client.scatter(task.scenario, broadcast=False)  # type: ignore[attr-defined]
    futures = {
        client.submit(  # type: ignore[attr-defined]
            _run_remote, runner, scenarios[t.point], t.point, t.replication, t.seed, pure=False, retries=1
        ): t
        for t in tasks
    }
    for future in as_completed(futures):
        task = futures[future]
        try:
            yield future.result()
        except Exception as error:
            yield TaskResult(task.point, task.replication, task.seed, "failed", message=f"on the cluster: {error}")


def _run_remote(runner: Runner, scenario: object, point: int, replication: int, seed: int) -> TaskResult:
    return runner(Task(point, replication, scenario, seed))  # type: ignore[arg-type]
