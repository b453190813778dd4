"""The client report of one scenario's replications, as ``twin-app run --report`` writes it.

A run's replications are summarised as a comparison of one scenario: the same
:class:`~twin_app.experiments.compare.CompareResult` (each KPI's mean and 95% CI, the owner
tables, the WIP and lead-time curves, the bottlenecks), so the same template and code write
its report (:func:`~twin_app.experiments.html_report.render_report`); there is no second
report generator. :func:`replications_result` takes replications however they were run (the
CLI's :class:`~twin_app.experiments.runner.Replication` list, or the desktop app's live
replication plus its background :class:`~twin_app.experiments.tasks.TaskResult` ones);
:func:`study` runs them first (the desktop app, when asked for a report with no replications).
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from twin_app.errors import TwinError
from twin_app.experiments.compare import CompareResult, _summarise
from twin_app.experiments.executors import Backend, default_workers
from twin_app.experiments.plan import Point, Recorder, check_run_window, run_plan
from twin_app.experiments.tasks import TaskResult
from twin_app.model.scenario import Scenario


class ReplicationLike(Protocol):
    """What a replication needs for the report (Replication and TaskResult both have it)."""

    @property
    def replication(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def kpis(self) -> dict[str, Any]: ...
    @property
    def run_id(self) -> str: ...


def replications_result(
    scenario: Scenario,
    replications: Sequence[ReplicationLike],
    *,
    name: str | None = None,
    source: str = "<app>",
    ran_on: str = "",
    command: str = "",
) -> CompareResult:
    """The replications of ``scenario`` as a one-scenario CompareResult (report, table, JSON).

    A replication's summary curves (WIP, lead-time quantiles) come from its ``curves``
    attribute where it has one; a replication that did not complete is listed as failed and
    left out of every figure. ``source`` is the scenario's file, ``ran_on`` says where the
    replications ran, ``command`` reproduces them (default: the ``twin-app run`` command).
    """
    if not replications:
        raise TwinError("no replications to report: run the scenario first")
    seeds = {r.seed for r in replications}
    if len(seeds) > 1:
        raise TwinError(f"the replications come from different seeds ({sorted(seeds)}); report one run's replications")
    seed = seeds.pop()
    label = name or scenario.name or "scenario"
    results = {(0, r.replication): _task_result(r) for r in replications}
    n = max(r.replication for r in replications) + 1
    result = _summarise([(label, source, scenario)], [Point(label, scenario)], results, n, seed, Backend(), None)
    completed = sum(1 for r in results.values() if r.ok)
    if not command:
        command = shlex.join(
            ["twin-app", "run", source, "--replications", str(len(replications)), "--seed", str(seed), "--report",
             "report.html"]
        )  # fmt: skip
    return dataclasses.replace(result, replications=completed, backend=ran_on or "this computer", command=command)


def study(
    scenario: Scenario,
    replications: int,
    *,
    seed: int | None = None,
    name: str | None = None,
    source: str = "<app>",
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> CompareResult:
    """Run ``replications`` replications of ``scenario`` (worker processes) and summarise them
    with :func:`replications_result`. ``on_progress(done, total)`` is told after each one and
    may raise to stop."""
    if replications < 1:
        raise TwinError(f"replications must be at least 1, got {replications}")
    check_run_window(scenario, source)
    seed = scenario.run.seed if seed is None else seed
    backend = Backend(default_workers() if workers is None else workers)
    label = name or scenario.name or "scenario"
    results = run_plan(
        [Point(label, scenario)], range(replications), seed, backend, Recorder.unrecorded(), on_progress=on_progress
    )
    return replications_result(
        scenario,
        [results[key] for key in sorted(results)],
        name=label,
        source=source,
        ran_on=backend.describe(),
    )


def _task_result(replication: ReplicationLike) -> TaskResult:
    if isinstance(replication, TaskResult):
        return dataclasses.replace(replication, point=0)
    return TaskResult(
        0,
        replication.replication,
        replication.seed,
        replication.status,
        replication.kpis,
        dict(getattr(replication, "curves", None) or {}),
        run_id=replication.run_id,
    )


__all__ = ["ReplicationLike", "replications_result", "study"]
