"""Compare scenarios: every KPI with its 95% CI, and the paired difference to the first.

Every scenario runs replications ``0 .. n-1`` of one seed, so replication ``r`` of each
scenario sees the same random streams wherever the scenarios agree (common random numbers,
see :mod:`twin_app.sim.rng`). Each KPI then gets each scenario's mean with its CI, and for
every scenario after the first the paired difference to the first (see
:mod:`twin_app.experiments.paired`).

With ``precision`` the comparison adds replications in batches until the 95% half-width of
the paired difference of each chosen KPI is within ``precision`` (a fraction) of the
baseline scenario's mean of that KPI, or ``max_replications`` is reached. This is the
relative-precision sequential procedure of Law (*Simulation Modeling and Analysis*, 5th ed.,
section 9.4.1) applied to paired differences, in batches: after each batch the number of
replications still needed is estimated from the current variance, ``n * (h / target)^2``.
The precision is relative to the KPI's level, not to the difference itself, because two
scenarios that perform the same have a difference near zero that no number of replications
makes "precise" relative to itself.
"""

from __future__ import annotations

import dataclasses
import math
import platform
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twin_app.analysis.stats import t_quantile
from twin_app.errors import TwinError
from twin_app.experiments.executors import Backend, default_workers
from twin_app.experiments.kpi_paths import DEFAULT_PRECISION_KPIS, check_kpi_names, format_value, info, shown_paths
from twin_app.experiments.paired import Difference, Estimate, paired_difference
from twin_app.experiments.plan import Point, Progress, Recorder, check_run_window, run_plan
from twin_app.experiments.samples import bottleneck_shares, estimates, mean_curves, point_samples
from twin_app.experiments.scenario_diff import diff_scenarios
from twin_app.experiments.tasks import TaskResult
from twin_app.model.limits import MAX_REPLICATIONS
from twin_app.model.scenario import Scenario
from twin_app.sim.watchdog import Budget

DEFAULT_REPLICATIONS = 10
DEFAULT_MAX_REPLICATIONS = 100


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """What a compared scenario is: its name, file and size, for tables and the report."""

    name: str
    source: str
    owners: int
    sites: int
    machines: int
    lanes: int
    products: int
    demand: str
    mode: str
    description: str = ""

    @classmethod
    def of(cls, name: str, source: str, scenario: Scenario) -> ScenarioSummary:
        demand = scenario.demand
        if demand.orders:
            text = f"order book of {len(demand.orders)} orders"
        else:
            text = f"{len(demand.streams)} demand streams"
        platform_ = scenario.platform
        return cls(
            name,
            source,
            len(scenario.owners),
            len(scenario.sites),
            len(scenario.machines),
            len(scenario.lanes),
            len(scenario.products),
            text,
            f"{platform_.mode} / {platform_.assignment} / {platform_.sequencing}",
            scenario.description,
        )


@dataclass(frozen=True, slots=True)
class KpiComparison:
    """One KPI across the compared scenarios."""

    path: str
    estimates: tuple[Estimate, ...]
    differences: tuple[Difference | None, ...]
    """Paired difference to the first scenario; None for the first itself."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.path,
            "label": info(self.path).label,
            "better": info(self.path).better,
            "scenarios": [e.to_dict() for e in self.estimates],
            "differences": [None if d is None else d.to_dict() for d in self.differences],
        }


@dataclass(frozen=True, slots=True)
class PrecisionOutcome:
    """What ``--precision`` asked for and reached."""

    target: float
    kpis: tuple[str, ...]
    achieved: dict[str, float | None]
    """Per KPI: the largest relative half-width over the compared pairs (None: undefined)."""
    met: bool
    replications: int
    cap: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CompareResult:
    """The answer of a comparison; ``table()`` prints it, ``to_dict()`` serialises it."""

    scenarios: tuple[ScenarioSummary, ...]
    seed: int
    replications: int
    horizon: float | None
    warmup: float
    kpis: tuple[KpiComparison, ...]
    left_out: tuple[str, ...]
    """KPIs not present in every scenario (e.g. an owner only one of them has)."""
    failed: tuple[str, ...]
    precision: PrecisionOutcome | None
    curves: tuple[dict[str, Any], ...]
    bottlenecks: tuple[list[tuple[str, float, float]], ...]
    backend: str
    by_owner: tuple[dict[str, Estimate], ...] = ()
    """Per scenario: every per-owner KPI (profit, revenue, cost, utilisation, CO2), shared or not."""
    experiment_id: str | None = None
    database: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    command: str = ""
    """The command that reproduces this comparison."""
    changes: tuple[tuple[tuple[str, str], ...], ...] = ()
    """Per scenario after the first: what differs from the first, as (path, ``old -> new``)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scenarios)

    def kpi(self, path: str) -> KpiComparison:
        """The comparison of one KPI by its path (``KeyError`` if it was not compared)."""
        for row in self.kpis:
            if row.path == path:
                return row
        raise KeyError(path)

    def report(self, path: str | Path) -> Path:
        """Write the self-contained HTML report to ``path`` (atomically); returns the path."""
        from twin_app.experiments.html_report import render_report
        from twin_app.io.output_path import write_output

        return write_output(path, render_report(self), "report")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "compare",
            "scenarios": [dataclasses.asdict(s) for s in self.scenarios],
            "seed": self.seed,
            "replications": self.replications,
            "horizon": self.horizon,
            "warmup": self.warmup,
            "kpis": [row.to_dict() for row in self.kpis],
            "left_out": list(self.left_out),
            "failed": list(self.failed),
            "precision": None if self.precision is None else self.precision.to_dict(),
            "curves": list(self.curves),
            "bottlenecks": [[list(b) for b in ranking] for ranking in self.bottlenecks],
            "backend": self.backend,
            "by_owner": [{k: e.to_dict() for k, e in own.items()} for own in self.by_owner],
            "experiment_id": self.experiment_id,
            "database": self.database,
            "versions": self.versions,
            "command": self.command,
            "changes": [[list(change) for change in changes] for changes in self.changes],
        }

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per KPI (for CSV or ``pandas.DataFrame(result.rows())``)."""
        out = []
        for row in self.kpis:
            flat: dict[str, Any] = {"kpi": row.path, "label": info(row.path).label}
            for name, est, diff in zip(self.names, row.estimates, row.differences, strict=True):
                flat[f"{name} mean"] = est.mean
                flat[f"{name} ci95"] = est.half_width
                if diff is not None:
                    flat[f"{name} - {self.names[0]}"] = diff.mean
                    flat[f"{name} - {self.names[0]} ci95"] = diff.half_width
                    flat[f"{name} significant"] = diff.significant
            out.append(flat)
        return out

    def table(self, paths: Sequence[str] | None = None, kpis: Sequence[str] | None = None) -> str:
        """A readable table: each scenario's mean ± CI, then each paired difference and verdict,
        in sections; ``paths`` exactly these KPIs, ``kpis`` the sections/KPIs/prefixes named
        (see :func:`twin_app.experiments.text_tables.compare_table`)."""
        from twin_app.experiments.text_tables import compare_table

        return compare_table(self, paths, kpis)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompareResult:
        """Rebuild a result from :meth:`to_dict` (how ``twin-app show`` prints a past comparison)."""

        def diff(d: dict[str, Any] | None) -> Difference | None:
            return None if d is None else Difference(d["mean"], d["ci95"], d["n"], d["relative"])

        precision = data.get("precision")
        return cls(
            tuple(ScenarioSummary(**s) for s in data["scenarios"]),
            data["seed"],
            data["replications"],
            data["horizon"],
            data["warmup"],
            tuple(
                KpiComparison(
                    row["kpi"],
                    tuple(Estimate(e["mean"], e["ci95"], e["n"]) for e in row["scenarios"]),
                    tuple(diff(d) for d in row["differences"]),
                )
                for row in data["kpis"]
            ),
            tuple(data["left_out"]),
            tuple(data["failed"]),
            None if precision is None else PrecisionOutcome(**{**precision, "kpis": tuple(precision["kpis"])}),
            tuple(data["curves"]),
            tuple([tuple(b) for b in ranking] for ranking in data["bottlenecks"]),  # type: ignore[misc]
            data["backend"],
            tuple(
                {k: Estimate(e["mean"], e["ci95"], e["n"]) for k, e in own.items()} for own in data.get("by_owner", [])
            ),
            data.get("experiment_id"),
            data.get("database"),
            data.get("versions") or {},
            data.get("command", ""),
            tuple(tuple((str(p), str(t)) for p, t in changes) for changes in data.get("changes", [])),
        )


def versions() -> dict[str, str]:
    """The versions a result was made with, so anyone can reproduce it."""
    import numpy
    import simpy

    from twin_app import __version__

    return {
        "cloud-factory-twin": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
    }


def prepare(scenario: Scenario, source: str, *, until: float | None = None, warmup: float | None = None) -> Scenario:
    """The scenario with the run length and warm-up actually used, checked."""
    run = scenario.run
    if until is not None:
        run = dataclasses.replace(run, horizon=until)
    if warmup is not None:
        if not math.isfinite(warmup) or warmup < 0:
            raise TwinError(f"--warmup must be a number of minutes >= 0, got {warmup:g}")
        run = dataclasses.replace(run, warmup=warmup)
    prepared = scenario.with_changes(run=run)
    check_run_window(prepared, source)
    return prepared


def load_named(
    sources: Sequence[Scenario | str | Path], run: dict[str, float] | None = None
) -> list[tuple[str, str, Scenario]]:
    """(name, source, scenario) for each input: a file is loaded and validated with the run
    settings ``run`` overrides (``--until``, ``--warmup``); names are made unique."""
    from twin_app.io.scenario_file import load_scenario

    loaded: list[tuple[str, str, Scenario]] = []
    failures: list[TwinError] = []
    for item in sources:
        if isinstance(item, Scenario):
            loaded.append((item.name or f"scenario {len(loaded) + 1}", "<object>", item))
            continue
        path = Path(item)
        try:
            scenario = load_scenario(path, run=run)  # ScenarioError names the failing file
        except TwinError as error:
            failures.append(error)
            continue
        loaded.append((path.stem, str(path), scenario))
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise TwinError("\n".join(str(f) for f in failures))  # every failing file, each named
    names = [name for name, _, _ in loaded]
    unique = []
    for index, (name, source, scenario) in enumerate(loaded):
        if names.count(name) > 1:
            name = f"{name} ({index + 1})"
        unique.append((name, source, scenario))
    return unique


def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int | None = None,
    until: float | None = None,
    warmup: float | None = None,
    precision: float | None = None,
    precision_kpis: Sequence[str] = DEFAULT_PRECISION_KPIS,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    workers: int | None = None,
    dask: str | None = None,
    database: Path | None = None,
    resume: bool = False,
    progress: bool = False,
    on_progress: Progress | None = None,
    budget: Budget | None = None,
) -> CompareResult:
    """Run every scenario for the same replications and compare them to the first.

    ``scenarios`` are files or Scenario objects (at least two). ``seed`` defaults to the
    first scenario's ``run.seed``; ``until``/``warmup`` override every scenario's run length
    and warm-up. See the module docstring for ``precision``. ``on_progress`` is told after
    each task and may raise to stop (see :data:`twin_app.experiments.plan.Progress`). ``budget``:
    the limits each run stops at (:mod:`twin_app.sim.watchdog`); a stopped run is listed as failed.
    """
    if len(scenarios) < 2:
        raise TwinError("compare needs at least two scenarios")
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise TwinError(
            f"replications must be from 2 (for a confidence interval) to {MAX_REPLICATIONS:,}, got {replications}"
        )
    if precision is not None and not 0 < precision < 1:
        raise TwinError(
            f"precision is a fraction between 0 and 1, e.g. 0.05 for 5% (the CLI's --precision takes 5), "
            f"got {precision:g}"
        )
    if precision is not None and not replications <= max_replications <= MAX_REPLICATIONS:
        raise TwinError(
            f"the replication cap ({max_replications}) must lie between the first batch ({replications}) and "
            f"{MAX_REPLICATIONS:,}"
        )
    overrides = {k: v for k, v in (("horizon", until), ("warmup", warmup)) if v is not None}
    loaded = load_named(scenarios, overrides)
    points = [Point(name, prepare(s, source, until=until, warmup=warmup)) for name, source, s in loaded]
    if precision is not None:
        check_kpi_names(precision_kpis, points[0].scenario, "precision KPI")
    seed = loaded[0][2].run.seed if seed is None else seed
    workers = default_workers() if workers is None else workers
    backend = Backend(workers, dask)
    spec = {
        "scenarios": [_scenario_key(p.scenario) for p in points],
        "names": [p.label for p in points],
        "seed": seed,
        "precision": precision,
        "precision_kpis": list(precision_kpis),
    }
    recorder = Recorder(database, "compare", " vs ".join(p.label for p in points), spec, resume)
    n = replications
    results: dict[tuple[int, int], TaskResult] = {}
    outcome: PrecisionOutcome | None = None
    try:
        while True:
            results = run_plan(
                points,
                range(n),
                seed,
                backend,
                recorder,
                progress=progress,
                label="compare",
                on_progress=on_progress,
                budget=budget,
            )
            if precision is None:
                break
            outcome, needed = _precision(points, results, n, precision, precision_kpis, max_replications)
            if outcome.met or n >= max_replications:
                break
            n = min(max_replications, max(n + 1, needed))
    except BaseException:
        recorder.finish("stopped", {})
        raise
    result = _summarise(loaded, points, results, n, seed, backend, outcome)
    command = [
        "twin-app",
        "compare",
        *(source for _, source, _ in loaded),
        "--replications",
        str(replications),
        "--seed",
        str(seed),
    ]
    command += [f"--until={until:g}"] if until is not None else []
    command += [f"--warmup={warmup:g}"] if warmup is not None else []
    if precision is not None:
        command += [
            f"--precision={100 * precision:g}",
            "--precision-kpis",
            ",".join(precision_kpis),
            "--max-replications",
            str(max_replications),
        ]
    result = dataclasses.replace(
        result,
        experiment_id=recorder.experiment_id,
        database=_text(database),
        command=shlex.join(command),
        changes=tuple(what_changed(points[0].scenario, p.scenario) for p in points[1:]),
    )
    recorder.finish("completed", result.to_dict())
    return result


SET_BY_THE_COMPARISON = frozenset({"run.replications", "run.seed"})
"""Scenario fields a comparison overrides for every scenario alike: never a difference."""


def what_changed(base: Scenario, other: Scenario) -> tuple[tuple[str, str], ...]:
    """What differs from ``base`` to ``other`` as (path, ``old -> new``), for tables and reports."""
    return tuple(
        (change.path, change.text())
        for change in diff_scenarios(base, other)
        if change.path not in SET_BY_THE_COMPARISON
    )


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _scenario_key(scenario: Scenario) -> str:
    from twin_app.store.results_db import scenario_hash

    return scenario_hash(scenario)


def _precision(
    points: Sequence[Point],
    results: dict[tuple[int, int], TaskResult],
    n: int,
    target: float,
    kpis: Sequence[str],
    cap: int,
) -> tuple[PrecisionOutcome, int]:
    """How precise the chosen paired differences are after ``n`` replications, and how many
    replications the least precise one needs (at most ``cap``).

    A KPI whose baseline mean is 0 has no relative precision: it is reported as undefined
    and does not hold the comparison back.
    """
    reps = range(n)
    base = point_samples(results, 0, reps)
    achieved: dict[str, float | None] = {}
    needed = n
    for path in kpis:
        worst: float | None = 0.0
        for p in range(1, len(points)):
            other = point_samples(results, p, reps)
            diff = paired_difference(base.get(path, [None] * n), other.get(path, [None] * n))
            level = [v for v in base.get(path, []) if v is not None]
            mean = abs(sum(level) / len(level)) if level else 0.0
            if diff.half_width is None or mean == 0 or diff.n < 2:
                worst = None
                break
            relative = diff.half_width / mean
            worst = max(worst or 0.0, relative)
            if relative > target:
                needed = max(needed, replications_needed(diff.half_width, diff.n, target * mean, cap))
        achieved[path] = worst
    defined = [v for v in achieved.values() if v is not None]
    met = bool(defined) and all(v <= target for v in defined)
    return PrecisionOutcome(target, tuple(kpis), achieved, met, n, cap), min(needed, cap)


def replications_needed(half_width: float, n: int, target: float, cap: int) -> int:
    """The fewest replications m (<= cap) whose half-width t(m-1) s / sqrt(m) is within
    ``target``, with s the standard deviation behind ``half_width`` after ``n`` replications
    (Law's estimate, section 9.4.1: the variance is taken as known, the t quantile is not)."""
    s = half_width * math.sqrt(n) / t_quantile(0.975, n - 1)
    m = max(n + 1, 2)
    while m < cap and t_quantile(0.975, m - 1) * s / math.sqrt(m) > target:
        m += 1
    return m


def _summarise(
    loaded: Sequence[tuple[str, str, Scenario]],
    points: Sequence[Point],
    results: dict[tuple[int, int], TaskResult],
    n: int,
    seed: int,
    backend: Backend,
    outcome: PrecisionOutcome | None,
) -> CompareResult:
    reps = range(n)
    samples = [point_samples(results, p, reps) for p in range(len(points))]
    in_all = set(samples[0]).intersection(*samples[1:])
    in_any = set(samples[0]).union(*samples[1:])
    ordered = shown_paths(in_all) + sorted(in_all - set(shown_paths(in_all)))
    per_point = [estimates(s) for s in samples]
    rows = []
    for path in ordered:
        rows.append(
            KpiComparison(
                path,
                tuple(e[path] for e in per_point),
                (None, *(paired_difference(samples[0][path], s[path]) for s in samples[1:])),
            )
        )
    failed = tuple(
        f"{points[r.point].label} replication {r.replication + 1}: {r.message}"
        for r in sorted(results.values(), key=lambda r: r.key)
        if not r.ok
    )
    by_point = [[results[(p, r)] for r in reps if (p, r) in results] for p in range(len(points))]
    first = points[0].scenario.run
    return CompareResult(
        tuple(
            ScenarioSummary.of(name, source, point.scenario)
            for (name, source, _), point in zip(loaded, points, strict=True)
        ),
        seed,
        n,
        first.horizon,
        first.warmup,
        tuple(rows),
        tuple(sorted(in_any - in_all)),
        failed,
        outcome,
        tuple(mean_curves(rs) for rs in by_point),
        tuple(bottleneck_shares(rs) for rs in by_point),
        backend.describe(),
        tuple({k: e for k, e in est.items() if ".by_owner." in k} for est in per_point),
        versions=versions(),
    )


__all__ = ["CompareResult", "KpiComparison", "ScenarioSummary", "compare", "format_value"]
