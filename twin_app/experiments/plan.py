"""Running design points x replications: storage as results arrive, resume, progress.

Compare and sweep are the same machine underneath: a list of design points (each a
scenario), each run for replications ``0 .. n-1`` of one seed, so that replication ``r`` of
every point sees the same random streams (common random numbers). This module runs such a
plan on a backend, writes each finished task to the results database at once, skips tasks a
killed run of the same experiment already finished (``resume``), and shows a progress bar
with an ETA on a terminal.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin_app.errors import TwinError
from twin_app.experiments.executors import Backend, execute
from twin_app.experiments.tasks import Task, TaskResult, run_task
from twin_app.model.scenario import Scenario
from twin_app.sim.watchdog import Budget

Progress = Callable[[int, int], None]
"""Called after each finished task with (tasks done, tasks in the plan), resumed ones counted.
It may raise to stop the plan (the desktop app's Cancel): the tasks already finished are kept,
the ones running end first, the rest never start."""


@dataclass(frozen=True, slots=True)
class Point:
    """One design point: its label, its scenario and the factor values that made it."""

    label: str
    scenario: Scenario
    values: dict[str, Any] = field(default_factory=dict)


def check_run_window(scenario: Scenario, source: str) -> None:
    """Refuse a run whose observation window is empty or endless, before anything runs.

    The run length is the one actually used (``--until`` included), so a file whose own
    warm-up exceeds its own horizon is fine when ``--until`` makes the run long enough.
    """
    run = scenario.run
    if run.horizon is None:
        endless = [s for s in scenario.demand.streams if s.stop is None and s.max_orders is None]
        if endless:
            raise TwinError(f"{source}: the demand never ends and there is no horizon; pass --until T")
        return
    if not math.isfinite(run.horizon) or run.horizon <= 0:
        raise TwinError(f"{source}: the run length must be a positive number of minutes, got {run.horizon:g}")
    if run.warmup >= run.horizon:
        raise TwinError(
            f"{source}: the warm-up ({run.warmup:g} min) is not shorter than the run length ({run.horizon:g} min), "
            "so no KPI could be measured; pass a longer --until or a shorter --warmup"
        )


class Recorder:
    """Writes an experiment's tasks to the results database as they finish (None: no database)."""

    def __init__(self, database: Path | None, kind: str, name: str, spec: dict[str, Any], resume: bool) -> None:
        self.experiment_id: str | None = None
        self.database = database
        self.finished: dict[tuple[int, int], TaskResult] = {}
        self._scenario_rows: dict[int, tuple[str, str, str]] = {}
        self._log = None
        if database is None:
            return
        from twin_app.store.experiment_log import ExperimentLog

        self._log = ExperimentLog(database)
        found = self._log.resumable(kind, spec) if resume else None
        if resume and found is None:
            print("--resume: this experiment is not in the database yet, so it starts afresh", file=sys.stderr)
        if found is not None:
            self.experiment_id = found
            self._log.reopen(found)
            for row in self._log.task_rows(found):
                if row["status"] == "completed":
                    result = TaskResult(
                        row["point"],
                        row["replication"],
                        row["seed"],
                        "completed",
                        row["kpis"],
                        row["curves"],
                        row["message"],
                        row["run_id"],
                    )
                    self.finished[result.key] = result
            print(f"--resume: experiment {found}: {len(self.finished)} tasks already done are kept", file=sys.stderr)
        else:
            self.experiment_id = self._log.start(kind, name, spec)

    @classmethod
    def unrecorded(cls) -> Recorder:
        """A recorder that keeps nothing (a run with no database)."""
        return cls(None, "compare", "", {}, resume=False)

    def record(self, point: Point, result: TaskResult) -> None:
        if self._log is None or self.experiment_id is None:
            return
        rows = self._scenario_rows.get(result.point)
        if rows is None:
            import hashlib

            from twin_app.store.results_db import scenario_json

            text = scenario_json(point.scenario)
            rows = (point.label, hashlib.sha256(text.encode("utf-8")).hexdigest(), text)
            self._scenario_rows[result.point] = rows
        run = point.scenario.run
        self._log.record_task(
            self.experiment_id,
            result.point,
            result.replication,
            result.seed,
            rows,
            {
                "status": result.status,
                "message": result.message,
                "kpis": result.kpis,
                "curves": result.curves,
                "run_id": result.run_id,
                "horizon": run.horizon,
                "warmup": run.warmup,
                "settings": {"experiment_point": point.values} if point.values else {},
            },
        )

    def finish(self, status: str, summary: dict[str, Any]) -> None:
        if self._log is not None and self.experiment_id is not None:
            self._log.finish(self.experiment_id, status, summary)
            self._log.close()
            self._log = None


def run_plan(
    points: Sequence[Point],
    replications: Sequence[int],
    seed: int,
    backend: Backend,
    recorder: Recorder,
    *,
    progress: bool = False,
    label: str = "tasks",
    on_progress: Progress | None = None,
    budget: Budget | None = None,
) -> dict[tuple[int, int], TaskResult]:
    """Run every (point, replication) not finished yet; return every result by its key.

    ``on_progress`` is told after each task (see :data:`Progress`). ``budget``: the limits each
    task's run stops at (:mod:`twin_app.sim.watchdog`; default: its defaults)."""
    results = {key: r for key, r in recorder.finished.items() if key[1] in set(replications)}
    tasks = [
        Task(p, r, point.scenario, seed)
        for p, point in enumerate(points)
        for r in replications
        if (p, r) not in results
    ]
    bar = _bar(len(tasks), label) if progress and tasks else None
    total = len(results) + len(tasks)
    stream = execute(tasks, backend, run_task if budget is None else functools.partial(run_task, budget=budget))
    try:
        for result in stream:
            recorder.record(points[result.point], result)
            results[result.key] = result
            if bar is not None:
                bar.update(1)
            if on_progress is not None:
                on_progress(len(results), total)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:  # stopped early: shut the worker pool down now, not when collected
            close()
        if bar is not None:
            bar.close()
    return results


def _bar(total: int, label: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="task", file=sys.stderr, leave=False, disable=None)
