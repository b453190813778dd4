"""One task of an experiment: one scenario (a design point) run for one replication.

A task carries everything it needs (the scenario object, the seed, the replication number),
so it runs the same in this process, in a local worker process or on a Dask worker, and
gives the same numbers everywhere: the random streams depend only on (seed, replication,
stream name). It returns its KPI dictionary and a few small curves for the report, never the
event log, so results are cheap to send back from wherever it ran.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin_app.model.scenario import Scenario
from twin_app.sim.watchdog import Budget

CURVE_POINTS = 200
"""Cells of the WIP curve a task returns (time-averaged over each cell, from time 0)."""
QUANTILE_LEVELS = np.linspace(0.0, 1.0, 101)
"""Lead-time quantiles a task returns (0%, 1%, ... 100%)."""


@dataclass(frozen=True, slots=True)
class Task:
    """Run design point ``point`` (its scenario) for replication ``replication`` of ``seed``."""

    point: int
    replication: int
    scenario: Scenario
    seed: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.point, self.replication)


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What a task produced: its status, its KPIs and its summary curves."""

    point: int
    replication: int
    seed: int
    status: str
    """'completed', or 'failed' (then ``message`` says why and ``kpis`` is empty)."""
    kpis: dict[str, Any] = field(default_factory=dict)
    curves: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    run_id: str = ""
    wall_seconds: float = 0.0

    @property
    def key(self) -> tuple[int, int]:
        return (self.point, self.replication)

    @property
    def ok(self) -> bool:
        return self.status == "completed"


def run_task(task: Task, budget: Budget | None = None) -> TaskResult:
    """Run one task to its end. A bad scenario or an engine error becomes a 'failed' result; a
    run stopped at a limit of ``budget`` (:mod:`twin_app.sim.watchdog`) a 'stopped' one with the reason."""
    from twin_app.analysis.collector import EventCollector
    from twin_app.analysis.kpis import compute_kpis
    from twin_app.errors import TwinError
    from twin_app.sim.engine import Simulation

    started = time.perf_counter()
    collector = EventCollector()
    try:
        simulation = Simulation(
            task.scenario, seed=task.seed, replication=task.replication, observers=[collector], budget=budget
        )
        end = simulation.run()
        result = collector.result(task.scenario, simulation.layout)
        kpis = compute_kpis(result)
        curves = summary_curves(dataclasses.replace(result, start=0.0))
    except TwinError as error:
        return TaskResult(task.point, task.replication, task.seed, "failed", message=str(error))
    except Exception as error:
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return TaskResult(task.point, task.replication, task.seed, "failed", message=f"internal error: {detail}")
    status = "completed" if end.status == "completed" else end.status
    return TaskResult(
        task.point,
        task.replication,
        task.seed,
        status,
        kpis,
        curves,
        end.message,
        simulation.run_id,
        time.perf_counter() - started,
    )


def summary_curves(result: Any) -> dict[str, Any]:
    """The WIP curve (time-averaged per cell, from time 0) and the lead-time quantiles."""
    from twin_app.analysis.kpis import lead_times, wip_over_time

    end = float(result.end)
    edges = np.linspace(0.0, end, CURVE_POINTS + 1) if end > 0 else np.zeros(2)
    times, values = wip_over_time(result)
    wip = cell_means(times, values.astype(np.float64), edges)
    leads = lead_times(result)
    quantiles = np.quantile(leads, QUANTILE_LEVELS).tolist() if len(leads) else []
    return {"wip_edges": edges.tolist(), "wip": wip.tolist(), "lead_time_quantiles": quantiles}


def cell_means(times: np.ndarray, values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time averages of a step function over the cells between ``edges``.

    ``values[i]`` holds from ``times[i]`` to ``times[i + 1]`` (the last to the final edge).
    """
    if len(edges) < 2 or edges[-1] <= edges[0] or len(times) == 0:
        return np.zeros(max(len(edges) - 1, 0))
    breaks = np.append(times, edges[-1])
    area = np.concatenate([[0.0], np.cumsum(np.diff(breaks) * values)])
    cumulative = np.interp(edges, breaks, area)
    return np.diff(cumulative) / np.diff(edges)
