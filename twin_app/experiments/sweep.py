"""Sweep a design of scenario variants: points x KPIs with CIs, the best point, a Pareto front.

Every point runs replications ``0 .. n-1`` of one seed (common random numbers across points,
as in compare), as tasks on local processes or a Dask cluster. The best point for the
objective is tested against the runner-up with a paired-t interval: a best point whose lead
is not significant is reported as such. The Pareto front holds the points no other point
beats on both objectives' means.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin_app.errors import Problem, ScenarioError
from twin_app.experiments.compare import prepare, versions
from twin_app.experiments.executors import Backend, default_workers
from twin_app.experiments.kpi_paths import HEADLINE, check_kpi_names, info
from twin_app.experiments.paired import Difference, Estimate, paired_difference
from twin_app.experiments.plan import Point, Progress, Recorder, run_plan
from twin_app.experiments.samples import Samples, estimates, mean_curves, point_samples
from twin_app.experiments.sweep_spec import Factor, Objective, SweepSpec, apply, load_spec, parse_spec
from twin_app.sim.watchdog import Budget


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """One design point: its number (from 0) and its factor values."""

    index: int
    values: dict[str, Any]

    @property
    def label(self) -> str:
        return ", ".join(f"{path}={value}" for path, value in self.values.items())


@dataclass(frozen=True)
class SweepResult:
    """The answer of a sweep; ``table()`` prints it, ``to_dict()`` serialises it."""

    name: str
    base: str
    design: str
    factors: tuple[Factor, ...]
    points: tuple[SweepPoint, ...]
    replications: int
    seed: int
    estimates: tuple[dict[str, Estimate], ...]
    objective: Objective | None
    best: int | None
    runner_up: int | None
    best_vs_runner_up: Difference | None
    """Paired difference runner-up minus best on the objective KPI."""
    pareto: tuple[Objective, Objective] | None
    front: tuple[int, ...]
    failed: tuple[str, ...]
    curves: tuple[dict[str, Any], ...]
    backend: str
    experiment_id: str | None = None
    database: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    source: str = ""
    """The spec file the sweep was read from."""
    warmup: float = 0.0
    """The base scenario's warm-up (every point's, unless a factor changes it)."""

    def table_kpis(self) -> list[str]:
        """The KPIs the table shows: the objectives, then a few headline ones."""
        wanted: list[str] = []
        for objective in (self.objective, *(self.pareto or ())):
            if objective is not None and objective.kpi not in wanted:
                wanted.append(objective.kpi)
        for kpi in ("cost.per_unit", "on_time_rate", "lead_time.mean", "profit.total", "co2.total"):
            if kpi not in wanted and len(wanted) < 5:
                wanted.append(kpi)
        return wanted

    def table(self, kpis: Sequence[str] | None = None) -> str:
        from twin_app.experiments.text_tables import sweep_table

        return sweep_table(self, kpis)

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per point: factor values, then each KPI's mean and CI."""
        paths = [h.path for h in HEADLINE]
        out = []
        for point in self.points:
            row: dict[str, Any] = {"point": point.index + 1, **point.values}
            for path in paths:
                est = self.estimates[point.index].get(path)
                row[f"{path} mean"] = None if est is None else est.mean
                row[f"{path} ci95"] = None if est is None else est.half_width
            row["best"] = point.index == self.best
            row["pareto"] = point.index in self.front
            out.append(row)
        return out

    def report(self, path: str | Path) -> Path:
        """Write the self-contained HTML report to ``path`` (atomically); returns the path."""
        from twin_app.experiments.html_report import render_report
        from twin_app.io.output_path import write_output

        return write_output(path, render_report(self), "report")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "sweep",
            "name": self.name,
            "base": self.base,
            "design": self.design,
            "factors": [dataclasses.asdict(f) for f in self.factors],
            "points": [{"index": p.index, "values": p.values} for p in self.points],
            "replications": self.replications,
            "seed": self.seed,
            "estimates": [{k: e.to_dict() for k, e in est.items()} for est in self.estimates],
            "objective": None if self.objective is None else dataclasses.asdict(self.objective),
            "best": self.best,
            "runner_up": self.runner_up,
            "best_vs_runner_up": None if self.best_vs_runner_up is None else self.best_vs_runner_up.to_dict(),
            "pareto": None if self.pareto is None else [dataclasses.asdict(o) for o in self.pareto],
            "front": list(self.front),
            "failed": list(self.failed),
            "curves": list(self.curves),
            "backend": self.backend,
            "experiment_id": self.experiment_id,
            "database": self.database,
            "versions": self.versions,
            "source": self.source,
            "warmup": self.warmup,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SweepResult:
        """Rebuild a result from :meth:`to_dict` (how ``twin-app show`` prints a past sweep)."""
        d = data.get("best_vs_runner_up")
        return cls(
            data["name"],
            data["base"],
            data["design"],
            tuple(Factor(**{**f, "levels": tuple(f["levels"])}) for f in data["factors"]),
            tuple(SweepPoint(p["index"], p["values"]) for p in data["points"]),
            data["replications"],
            data["seed"],
            tuple({k: Estimate(e["mean"], e["ci95"], e["n"]) for k, e in est.items()} for est in data["estimates"]),
            None if data["objective"] is None else Objective(**data["objective"]),
            data["best"],
            data["runner_up"],
            None if d is None else Difference(d["mean"], d["ci95"], d["n"], d["relative"]),
            None if data["pareto"] is None else tuple(Objective(**o) for o in data["pareto"]),  # type: ignore[arg-type]
            tuple(data["front"]),
            tuple(data["failed"]),
            tuple(data["curves"]),
            data["backend"],
            data.get("experiment_id"),
            data.get("database"),
            data.get("versions") or {},
            data.get("source", ""),
            data.get("warmup", 0.0),
        )


def build_points(spec: SweepSpec) -> list[Point]:
    """Each design point's scenario, validated; every bad level is reported at once."""
    from twin_app.io.scenario_file import scenario_from_data

    points: list[Point] = []
    problems: list[Problem] = []
    for index, values in enumerate(spec.points):
        data = apply(spec.base_data, values)
        overrides = {k: v for k, v in (("horizon", spec.until), ("warmup", spec.warmup)) if v is not None}
        if overrides and isinstance(data.get("run", {}), dict):
            data["run"] = {**data.get("run", {}), **overrides}  # validated as the run that will be made
        label = f"point {index + 1}"
        try:
            scenario = scenario_from_data(data, source=f"{spec.base} ({label})", base_dir=spec.base.parent)
        except ScenarioError as error:
            levels = ", ".join(f"{path} = {value!r}" for path, value in values.items())
            problems.extend(Problem(f"{label} ({levels})", str(p)) for p in error.problems)
            continue
        scenario = prepare(scenario, f"{spec.source} ({label})", until=spec.until, warmup=spec.warmup)
        points.append(Point(label, scenario, dict(values)))
    if problems:
        raise ScenarioError(spec.source, problems)
    return points


def sweep(
    spec: SweepSpec | str | Path | dict[str, Any],
    *,
    workers: int | None = None,
    dask: str | None = None,
    database: Path | None = None,
    resume: bool = False,
    progress: bool = False,
    on_progress: Progress | None = None,
    budget: Budget | None = None,
) -> SweepResult:
    """Run a sweep spec and summarise it: a spec file, a :class:`SweepSpec`, or the spec as a
    dict (its ``base`` relative to the working folder), as a notebook would write it.
    ``on_progress`` is told after each task and may raise to stop (as in compare); ``budget`` as in compare."""
    if isinstance(spec, dict):
        spec = parse_spec(spec, "<spec>", Path.cwd())
    elif not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    points = build_points(spec)
    wanted = [o.kpi for o in (spec.objective, *(spec.pareto or ())) if o is not None]
    check_kpi_names(wanted, points[0].scenario, "objective")
    seed = spec.seed if spec.seed is not None else points[0].scenario.run.seed
    workers = default_workers() if workers is None else workers
    backend = Backend(workers, dask)
    recorder = Recorder(database, "sweep", spec.name, spec.key(), resume)
    try:
        results = run_plan(
            points,
            range(spec.replications),
            seed,
            backend,
            recorder,
            progress=progress,
            label="sweep",
            on_progress=on_progress,
            budget=budget,
        )
    except BaseException:
        recorder.finish("stopped", {})
        raise
    reps = range(spec.replications)
    samples = [point_samples(results, p, reps) for p in range(len(points))]
    per_point = tuple(estimates(s) for s in samples)
    best, runner_up, versus = _best(spec.objective, samples, per_point)
    failed = tuple(
        f"point {r.point + 1} replication {r.replication + 1}: {r.message}"
        for r in sorted(results.values(), key=lambda r: r.key)
        if not r.ok
    )
    result = SweepResult(
        spec.name,
        spec.base_shown or _shown(spec.base),
        spec.design,
        spec.factors,
        tuple(SweepPoint(i, dict(values)) for i, values in enumerate(spec.points)),
        spec.replications,
        seed,
        per_point,
        spec.objective,
        best,
        runner_up,
        versus,
        spec.pareto,
        pareto_front(spec.pareto, per_point) if spec.pareto else (),
        failed,
        tuple(mean_curves([results[(p, r)] for r in reps if (p, r) in results]) for p in range(len(points))),
        backend.describe(),
        recorder.experiment_id,
        None if database is None else str(database),
        versions(),
        spec.source,
        points[0].scenario.run.warmup,
    )
    recorder.finish("completed", result.to_dict())
    return result


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when it lies below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _best(
    objective: Objective | None, samples: list[Samples], per_point: tuple[dict[str, Estimate], ...]
) -> tuple[int | None, int | None, Difference | None]:
    if objective is None:
        return None, None, None
    ranked = [
        (i, est[objective.kpi].mean)
        for i, est in enumerate(per_point)
        if objective.kpi in est and est[objective.kpi].mean is not None
    ]
    if not ranked:
        return None, None, None
    values = dict(ranked)

    def first_best(pool: list[int]) -> int:
        """The point of ``pool`` with the best value; of tied points, the first in the design."""
        top = min(pool, key=lambda i: values[i]) if objective.goal == "min" else max(pool, key=lambda i: values[i])
        return min(i for i in pool if not objective.better(values[top], values[i]))

    best = first_best(list(values))
    if len(values) < 2:
        return best, None, None
    runner_up = first_best([i for i in values if i != best])
    versus = paired_difference(samples[best][objective.kpi], samples[runner_up][objective.kpi])
    return best, runner_up, versus


def pareto_front(objectives: tuple[Objective, Objective], per_point: Sequence[dict[str, Estimate]]) -> tuple[int, ...]:
    """Points not dominated on the two objectives' means (ties kept), in point order."""
    a, b = objectives
    values = []
    for i, est in enumerate(per_point):
        x = est.get(a.kpi)
        y = est.get(b.kpi)
        if x is not None and y is not None and x.mean is not None and y.mean is not None:
            values.append((i, x.mean, y.mean))

    def dominates(p: tuple[int, float, float], q: tuple[int, float, float]) -> bool:
        no_worse = not a.better(q[1], p[1]) and not b.better(q[2], p[2])
        strictly = a.better(p[1], q[1]) or b.better(p[2], q[2])
        return no_worse and strictly

    return tuple(p[0] for p in values if not any(dominates(q, p) for q in values if q is not p))


__all__ = ["SweepResult", "info", "pareto_front", "sweep"]
