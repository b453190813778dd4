"""The plain-text tables ``twin-app compare`` and ``twin-app sweep`` print."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from twin_app.experiments.kpi_paths import OWNERS_SHOWN, KpiInfo, format_value, info, owner_of, shown_paths
from twin_app.experiments.paired import Difference, Estimate

if TYPE_CHECKING:
    from twin_app.experiments.compare import CompareResult
    from twin_app.experiments.sweep import SweepResult


def estimate_text(estimate: Estimate, kpi: KpiInfo) -> str:
    if estimate.mean is None:
        return "-"
    text = format_value(estimate.mean, kpi)
    if estimate.half_width is not None:
        text += f" ± {format_value(estimate.half_width, kpi, delta=True)}"
    return text


def verdict(difference: Difference, kpi: KpiInfo) -> str:
    """'better' / 'worse' / 'higher' / 'lower' when significant, else 'no significant difference'."""
    if difference.mean is None:
        return "-"
    if not difference.significant:
        return "no significant difference"
    up = difference.mean > 0
    if kpi.better == "neither":
        return "significantly higher" if up else "significantly lower"
    good = up == (kpi.better == "higher")
    return "significantly better" if good else "significantly worse"


def difference_text(difference: Difference, kpi: KpiInfo) -> str:
    if difference.mean is None:
        return "-"
    text = format_value(difference.mean, kpi, signed=True, delta=True)
    if difference.half_width is not None:
        text += f" ± {format_value(difference.half_width, kpi, delta=True)}"
    if difference.relative is not None and not kpi.percent:
        text += f" ({100 * difference.relative:+.1f}%)"
    return text


def _grid(header: list[str], body: list[list[str]]) -> str:
    """Columns padded to their widest cell: the first (labels) left-aligned, numbers right."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in body)])


def compare_table(result: CompareResult, paths: Sequence[str] | None = None) -> str:
    names = result.names
    base = names[0]
    header = ["KPI", *(f"{n} (95% CI)" for n in names)]
    for name in names[1:]:
        header += [f"{name} - {base} (paired 95% CI)", "verdict"]
    hidden = 0
    if paths is None:
        owners = ranked_owners(result)
        hidden = max(0, len(owners) - OWNERS_SHOWN)
        paths = shown_paths((row.path for row in result.kpis), owners[:OWNERS_SHOWN])
    wanted = set(paths)
    body = []
    for row in result.kpis:
        if row.path not in wanted or all(not e.mean for e in row.estimates):
            continue  # nothing to see: no scenario has a value, or every one is exactly 0
        kpi = info(row.path)
        cells = [kpi.label, *(estimate_text(e, kpi) for e in row.estimates)]
        for diff in row.differences[1:]:
            assert diff is not None
            cells += [difference_text(diff, kpi), verdict(diff, kpi)]
        body.append(cells)
    lines = [
        f"Compare: {' vs '.join(names)}",
        f"{result.replications} replications per scenario, seed {result.seed}, common random numbers; "
        f"run length {_minutes(result.horizon)}, warm-up {_minutes(result.warmup)}; ran on {result.backend}",
        "",
        _grid(header, body),
    ]
    if hidden:
        lines += ["", f"{hidden} more owners not shown: --all lists every KPI, --json and --csv hold them all."]
    if result.precision is not None:
        p = result.precision
        reached = ", ".join(f"{info(k).label} {'-' if v is None else f'{100 * v:.1f}%'}" for k, v in p.achieved.items())
        state = "reached" if p.met else f"NOT reached within the cap of {p.cap} replications"
        lines += ["", f"Precision target ±{100 * p.target:g}% of the baseline's mean: {state} ({reached})."]
    if result.left_out:
        lines += [
            "",
            f"Not compared, not in every scenario ({len(result.left_out)} KPIs): {_left_out(result.left_out)}",
        ]
    if result.failed:
        lines += ["", f"{len(result.failed)} failed replications (left out):", *(f"  {f}" for f in result.failed)]
    if result.experiment_id:
        lines += ["", f"Stored as experiment {result.experiment_id} in {result.database}"]
    return "\n".join(lines)


def ranked_owners(result: CompareResult) -> list[str]:
    """Owners in every scenario, the largest profit or cost (in any scenario) first; owners with
    nothing but zeros last."""
    weight: dict[str, float] = {}
    for row in result.kpis:
        owner = owner_of(row.path)
        if owner is None or not row.path.startswith(("profit.", "cost.")):
            weight.setdefault(owner or "", 0.0)
            continue
        size = max((abs(e.mean) for e in row.estimates if e.mean is not None), default=0.0)
        weight[owner] = max(weight.get(owner, 0.0), size)
    weight.pop("", None)
    return sorted(weight, key=lambda owner: -weight[owner])


def _left_out(paths: Sequence[str]) -> str:
    """Per-owner, per-resource and per-lane KPIs grouped by their owner, resource or lane,
    the rest by path."""
    owners: list[str] = []
    others: list[str] = []
    lanes = (".by_lane.", ".hubs.")
    for path in paths:
        head, _, tail = path.partition(".by_owner.")
        if tail and tail not in owners:
            owners.append(tail)
        elif not tail and ".by_resource." not in path and not any(key in path for key in lanes):
            others.append(head)
    parts = []
    if owners:
        parts.append("owners " + ", ".join(owners))
    resources = sum(".by_resource." in p for p in paths)
    if resources:
        parts.append(f"{resources} per-machine figures")
    per_lane = sum(any(key in p for key in lanes) for p in paths)
    if per_lane:
        parts.append(f"{per_lane} per-lane and per-hub figures")
    parts += others
    return "; ".join(parts)


def _minutes(value: float | None) -> str:
    if value is None:
        return "until demand ends"
    days = value / 1440.0
    return f"{value:g} min ({days:.3g} day{'' if days == 1 else 's'})"


def sweep_table(result: SweepResult, paths: Sequence[str] | None = None) -> str:
    kpis = list(paths) if paths is not None else result.table_kpis()
    factor_names = [f.path for f in result.factors]
    header = ["#", *factor_names, *(info(k).label for k in kpis)]
    body = []
    for point in result.points:
        cells = [
            str(point.index + 1),
            *(_level(point.values[name]) if name in point.values else "(base)" for name in factor_names),
        ]
        for kpi in kpis:
            est = result.estimates[point.index].get(kpi)
            cells.append("-" if est is None else estimate_text(est, info(kpi)))
        marks = []
        if result.best is not None and point.index == result.best:
            marks.append("best")
        if point.index in result.front:
            marks.append("pareto")
        if marks:
            cells[0] += " (" + ", ".join(marks) + ")"
        body.append(cells)
    lines = [
        f"Sweep of {result.base}: {result.design} design, {len(result.points)} points x {result.replications} "
        f"replications, seed {result.seed}; ran on {result.backend}",
        "",
        _grid(header, body),
    ]
    if result.best is not None and result.objective is not None:
        kpi = info(result.objective.kpi)
        lines += ["", f"Best point for {result.objective.goal} {kpi.label}: #{result.best + 1}"]
        if result.runner_up is not None and result.best_vs_runner_up is not None:
            diff = result.best_vs_runner_up
            lines.append(
                f"  against the runner-up #{result.runner_up + 1}: {difference_text(diff, kpi)} (paired), "
                + ("a significant difference" if diff.significant else "no significant difference")
            )
    if result.pareto:
        a, b = result.pareto
        lines += [
            "",
            f"Pareto front ({a.goal} {info(a.kpi).label}, {b.goal} {info(b.kpi).label}): "
            + ", ".join(f"#{i + 1}" for i in result.front),
        ]
    if result.failed:
        lines += ["", f"{len(result.failed)} failed tasks (left out):", *(f"  {f}" for f in result.failed)]
    if result.experiment_id:
        lines += ["", f"Stored as experiment {result.experiment_id} in {result.database}"]
    return "\n".join(lines)


def _level(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):  # e.g. a departure policy: its values, in order
        return " / ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return json.dumps(value, separators=(",", ":"))
    return "-" if value is None else str(value)
