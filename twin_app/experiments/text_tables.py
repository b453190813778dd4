"""The plain-text tables ``twin-app compare`` and ``twin-app sweep`` print."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from twin_app.experiments.kpi_paths import (
    OTHER_SECTION,
    OWNERS_SHOWN,
    SECTIONS,
    KpiInfo,
    Section,
    format_value,
    info,
    owner_of,
    section_of,
    select_paths,
    shown_paths,
)
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


def _grid(header: list[str], body: list[list[str] | str]) -> str:
    """Columns padded to their widest cell: the first (labels) left-aligned, numbers right. A
    text in ``body`` is a section heading, printed after a blank line, outside the columns."""
    cells = [row for row in body if not isinstance(row, str)]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]

    def line(row: list[str] | str) -> str:
        if isinstance(row, str):
            return f"\n{row}"
        padded = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(padded).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(row) for row in body)])


def compare_table(result: CompareResult, paths: Sequence[str] | None = None, kpis: Sequence[str] | None = None) -> str:
    """The comparison as text, in sections (service, money, per owner, per sharing rule...).

    By default: the headline KPIs and the per-owner families of the biggest owners, without
    the sections that are not ``default`` and without a sharing rule's per-owner profit where
    it repeats the per-owner profit (the scenarios' own rule). ``paths``: exactly these KPIs
    (``--all``); ``kpis``: the sections, KPIs and prefixes ``--kpis`` names."""
    names = result.names
    base = names[0]
    header = ["KPI", *(f"{n} (95% CI)" for n in names)]
    for name in names[1:]:
        header += [f"{name} - {base} (paired 95% CI)", "verdict"]
    hidden = 0
    own_rules: list[str] = []
    default = paths is None and not kpis
    if kpis:
        paths = select_paths((row.path for row in result.kpis), kpis)
    elif paths is None:
        owners = ranked_owners(result)
        hidden = max(0, len(owners) - OWNERS_SHOWN)
        shown = shown_paths((row.path for row in result.kpis), owners[:OWNERS_SHOWN])
        paths, own_rules = _without_own_rule(result, [p for p in shown if section_of(p).default])
    body = _sectioned_rows(result, paths, own_rules)
    lines = [
        f"Compare: {' vs '.join(names)}",
        f"{result.replications} replications per scenario, seed {result.seed}, common random numbers; "
        f"run length {_minutes(result.horizon)}, warm-up {_minutes(result.warmup)}; ran on {result.backend}",
        "",
        _grid(header, body),
    ]
    if not kpis and any(result.bottlenecks):
        lines += ["", *_bottleneck_lines(result)]
    if default:
        more = f"{hidden} more owners, " if hidden else ""
        lines += [
            "",
            f"Not shown here: {more}NPV and ROI per owner under each sharing rule (--kpis rules_npv) and the "
            "per-machine and per-lane figures. --kpis picks sections or KPIs (e.g. --kpis money,owners), --all "
            "lists every KPI; --json, --csv and --report hold them all.",
        ]
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


BOTTLENECKS_SHOWN = 5
"""Resources (machines and lanes) the table names per scenario in the bottleneck ranking."""


def _bottleneck_lines(result: CompareResult) -> list[str]:
    """Each scenario's biggest bottlenecks by the active period method, machines and lanes
    ranked together: mean share of the window as the sole bottleneck + as a shifting one."""
    lines = ["Bottlenecks (active period method, machines and lanes together; share of the window sole + shifting):"]
    for name, ranking in zip(result.names, result.bottlenecks, strict=True):
        top = [f"{resource} {100 * sole:.0f}% + {100 * shifting:.0f}%" for resource, sole, shifting in ranking]
        lines.append(f"  {name}: {', '.join(top[:BOTTLENECKS_SHOWN]) or '-'}")
    return lines


def _sectioned_rows(result: CompareResult, paths: Sequence[str], own_rules: Sequence[str]) -> list[list[str] | str]:
    """Table rows of ``paths`` under their section headings, sections in their order, KPIs in
    the result's order within each; KPIs exactly 0 (or missing) in every scenario left out."""
    wanted = set(paths)
    by_section: dict[str, list[list[str]]] = {}
    for row in result.kpis:
        if row.path not in wanted or all(not e.mean for e in row.estimates):
            continue  # nothing to see: no scenario has a value, or every one is exactly 0
        kpi = info(row.path)
        cells = [kpi.label, *(estimate_text(e, kpi) for e in row.estimates)]
        for diff in row.differences[1:]:
            assert diff is not None
            cells += [difference_text(diff, kpi), verdict(diff, kpi)]
        by_section.setdefault(section_of(row.path).key, []).append(cells)
    body: list[list[str] | str] = []
    for section in (*SECTIONS, OTHER_SECTION):
        rows = by_section.get(section.key)
        if rows:
            body += [_heading(section, own_rules), *rows]
    return body


def _heading(section: Section, own_rules: Sequence[str]) -> str:
    if section.key == "rules" and own_rules:
        return f"{section.title} (the scenarios' own rule, {', '.join(own_rules)}, gives the profit per owner above)"
    return section.title


def _without_own_rule(result: CompareResult, paths: list[str]) -> tuple[list[str], list[str]]:
    """``paths`` less the per-owner profit of each sharing rule whose every owner row repeats
    the per-owner profit in every scenario (the rule the scenarios use), and those rules."""
    rows = {row.path: row for row in result.kpis}
    prefix = "profit.by_rule."
    repeats: dict[str, bool] = {}
    for path in paths:
        rule, _, owner = path[len(prefix) :].partition(".by_owner.")
        if not path.startswith(prefix) or not owner:
            continue
        same = rows.get(f"profit.by_owner.{owner}")
        repeats[rule] = repeats.get(rule, True) and same is not None and _same_numbers(rows[path], same)
    own = [rule for rule, all_same in repeats.items() if all_same]
    return [p for p in paths if not any(p.startswith(f"{prefix}{rule}.by_owner.") for rule in own)], own


def _same_numbers(a: Any, b: Any) -> bool:
    """Two KPI comparisons with the same means and half-widths in every scenario."""
    pairs = [*zip(a.estimates, b.estimates, strict=True), *zip(a.differences, b.differences, strict=True)]
    return all(
        (x is None and y is None)
        or (x is not None and y is not None and (x.mean, x.half_width) == (y.mean, y.half_width))
        for x, y in pairs
    )


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
        tail = tail.split(".")[0]  # quality.by_owner.<owner>.scrap_rate is about <owner>
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
