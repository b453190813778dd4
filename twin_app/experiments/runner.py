"""Running a scenario: one replication or several, with KPIs, storage and progress.

A replication is one :class:`~twin_app.sim.engine.Simulation` with its own random streams
(seed, replication number). Several replications run in worker processes (one per core)
and are summarised as mean and 95% confidence interval per KPI. Results go to the SQLite
store when a database path is given.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.kpis import compute_kpis
from twin_app.analysis.result import RunResult
from twin_app.analysis.stats import summarise_replications
from twin_app.experiments.signals import stop_on_signals, stop_seen
from twin_app.model.events import EventBatch, RunEnd, RunInfo, RunObserver
from twin_app.model.scenario import Scenario
from twin_app.sim.engine import Simulation
from twin_app.sim.watchdog import Budget

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor


@dataclass(frozen=True, slots=True)
class Replication:
    """What one replication produced."""

    run_id: str
    seed: int
    replication: int
    status: str
    kpis: dict[str, Any]
    signals: tuple[int, ...] = ()
    """The stop signals (SIGINT, SIGTERM) that ended the run early, if any."""
    now: float = 0.0
    """The simulated time the run reached."""
    curves: dict[str, Any] = field(default_factory=dict)
    """The WIP curve and lead-time quantiles for the report (only when asked: ``curves=True``)."""
    message: str = ""
    """Why the run stopped at a limit of its budget (:mod:`twin_app.sim.watchdog`), else empty."""


class ProgressBar:
    """A progress bar on stderr over simulated time (only when stderr is a terminal)."""

    def __init__(self, horizon: float | None, label: str) -> None:
        from tqdm import tqdm

        total = horizon if horizon is not None else None
        self._bar = tqdm(
            total=total,
            desc=label,
            unit="min",
            file=sys.stderr,
            disable=None,
            leave=False,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} sim min [{elapsed}<{remaining}]"
            if total
            else "{desc}: {n:.0f} sim min [{elapsed}]",
        )
        self._last = 0.0

    def on_start(self, info: RunInfo) -> None:
        return None

    def on_batch(self, batch: EventBatch) -> None:
        self._bar.update(batch.now - self._last)
        self._last = batch.now

    def on_end(self, end: RunEnd) -> None:
        self._bar.close()


def with_horizon(scenario: Scenario, until: float | None) -> Scenario:
    """The scenario with its run horizon replaced (None keeps the scenario's own)."""
    if until is None:
        return scenario
    return scenario.with_changes(run=dataclasses.replace(scenario.run, horizon=until))


def run_replication(
    scenario: Scenario,
    *,
    seed: int | None = None,
    replication: int = 0,
    database: Path | None = None,
    progress: bool = False,
    observers: Sequence[RunObserver] = (),
    measure: Callable[[RunResult], dict[str, Any]] = compute_kpis,
    curves: bool = False,
    budget: Budget | None = None,
    origin: Mapping[str, Any] | None = None,
) -> Replication:
    """Run one replication to its end and compute its KPIs (stored too, with a database).

    ``measure`` turns the run's result into the KPI dictionary (a module-level function, so
    it can be sent to worker processes); the default is the full KPI set. ``curves`` adds the
    summary curves the HTML report draws (``twin-app run --report``). ``budget``: the limits
    the run stops at (default: :class:`~twin_app.sim.watchdog.Budget`'s). ``origin``: what
    started the run, stored with its settings for the history (default ``{"origin": "cli"}``;
    the desktop app's background replications say ``desktop`` and the user's file).
    """
    collector = EventCollector()
    seed = scenario.run.seed if seed is None else seed
    simulation = Simulation(
        scenario, seed=seed, replication=replication, observers=[collector, *observers], budget=budget
    )
    store = None
    if database is not None:
        from twin_app.store.results_db import ResultsStore

        store = ResultsStore(database)
        info = RunInfo(
            simulation.run_id,
            scenario.name,
            seed,
            replication,
            scenario.run.horizon if scenario.run.horizon is not None else float("nan"),
            scenario.run.warmup,
        )
        settings = {
            "mode": scenario.platform.mode,
            "assignment": scenario.platform.assignment,
            "sequencing": scenario.platform.sequencing,
            "horizon": scenario.run.horizon,
            "warmup": scenario.run.warmup,
            **(origin if origin is not None else {"origin": "cli"}),
        }
        simulation.observers.append(store.writer(scenario, info, settings, hold_status=True))
    if progress:
        simulation.observers.append(ProgressBar(scenario.run.horizon, f"replication {replication + 1}"))
    with stop_on_signals(lambda _signum: simulation.request_stop()) as received:
        end = simulation.run()
    result = collector.result(scenario, simulation.layout)
    kpis = measure(result)
    report_curves: dict[str, Any] = {}
    if curves:
        from twin_app.experiments.tasks import summary_curves

        report_curves = summary_curves(dataclasses.replace(result, start=0.0))
    if store is not None:
        store.complete_run(simulation.run_id, end.status, end.message, kpis)
        store.close()
    return Replication(
        simulation.run_id,
        seed,
        replication,
        end.status,
        kpis,
        tuple(received),
        end.now,
        report_curves,
        simulation.watchdog.message,
    )


def _replication_job(
    arguments: tuple[Scenario, int, int, Path | None, Callable[[RunResult], dict[str, Any]], bool, Budget | None],
) -> Replication | None:
    """A replication in a worker process; None when the worker was told to stop before it began."""
    scenario, seed, replication, database, measure, curves, budget = arguments
    if stop_seen():
        return None
    return run_replication(
        scenario, seed=seed, replication=replication, database=database, measure=measure, curves=curves, budget=budget
    )


def run_replications(
    scenario: Scenario,
    replications: int,
    *,
    seed: int | None = None,
    database: Path | None = None,
    workers: int = 2,
    progress: bool = False,
    measure: Callable[[RunResult], dict[str, Any]] = compute_kpis,
    curves: bool = False,
    budget: Budget | None = None,
) -> list[Replication]:
    """Run ``replications`` independent replications (in parallel processes when > 1); with
    ``curves`` each carries the summary curves of the HTML report. ``budget``: the limits each
    replication stops at (its own memory ceiling in each worker process)."""
    seed = scenario.run.seed if seed is None else seed
    if database is not None:
        from twin_app.store.results_db import ResultsStore

        ResultsStore(database).close()  # create and migrate the file once, before any worker opens it
    if replications == 1 or workers <= 1:
        return [
            run_replication(
                scenario,
                seed=seed,
                replication=r,
                database=database,
                progress=progress,
                measure=measure,
                curves=curves,
                budget=budget,
            )
            for r in range(replications)
        ]
    jobs = [(scenario, seed, r, database, measure, curves, budget) for r in range(replications)]
    # imported here: a single replication (twin-app run's default) starts no pool and pays
    # nothing for it (~0.05 s of imports)
    from concurrent.futures import ProcessPoolExecutor

    parent = os.getpid()
    with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
        futures = [pool.submit(_replication_job, job) for job in jobs]
        with stop_on_signals(lambda signum: _stop_all(signum, pool, futures, parent)):
            done = [future.result() for future in futures if not future.cancelled()]
    return [replication for replication in done if replication is not None]


def _stop_all(signum: int, pool: ProcessPoolExecutor, futures: list[Future[Replication | None]], parent: int) -> None:
    """On a stop signal: start no more replications, and stop the running ones cleanly.

    Ctrl+C reaches every process of the terminal's group by itself; a kill of this process
    (SIGTERM) is passed on to the workers here. A forked worker that inherited this handler
    does nothing.
    """
    if os.getpid() != parent:
        return
    for future in futures:
        future.cancel()  # only those not started yet
    if signum != signal.SIGTERM:
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGTERM)


def summarise(results: Sequence[Replication]) -> dict[str, Any]:
    """One KPI dictionary: the replication's own, or mean and 95% CI per KPI over several."""
    if len(results) == 1:
        return results[0].kpis
    summary = summarise_replications([r.kpis for r in results])
    summary["replications"] = len(results)
    return summary
