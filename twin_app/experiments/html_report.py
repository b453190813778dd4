"""The client report: one self-contained HTML file for a comparison or a sweep.

It opens offline in any browser: the style is inline, the charts are inline SVG (see
:mod:`twin_app.experiments.charts`), and there is no script at all. The page is built from a
Jinja2 template (``templates/report.html.j2``, autoescaped, so a scenario's names can never
inject markup); this module only turns a result into the numbers and texts the template
shows.
"""

from __future__ import annotations

import datetime as _dt
import json
import shlex
from collections.abc import Sequence
from typing import Any

from twin_app.experiments import charts
from twin_app.experiments.compare import CompareResult
from twin_app.experiments.kpi_paths import HEADLINE, OWNER_GROUPS, format_value, info, owner_of, shown_paths
from twin_app.experiments.paired import Estimate
from twin_app.experiments.sweep import SweepResult
from twin_app.experiments.text_tables import difference_text, estimate_text, verdict


def render_report(result: CompareResult | SweepResult) -> str:
    """The report's HTML text."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("twin_app.experiments", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("report.html.j2")
    context = _compare_context(result) if isinstance(result, CompareResult) else _sweep_context(result)
    context["created"] = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    context["versions"] = result.versions
    context["experiment_id"] = result.experiment_id
    return template.render(**context)


def _minutes(value: float | None) -> str:
    if value is None:
        return "until the demand ends"
    return f"{value:,.0f} min ({value / 1440:.3g} days)"


def _compare_context(result: CompareResult) -> dict[str, Any]:
    names = list(result.names)
    from twin_app.experiments.text_tables import ranked_owners

    shown = set(shown_paths((r.path for r in result.kpis), ranked_owners(result)[:OWNERS_IN_REPORT]))
    rows = []
    for row in result.kpis:
        if row.path not in shown or all(not e.mean for e in row.estimates):
            continue
        kpi = info(row.path)
        diffs = []
        for diff in row.differences[1:]:
            assert diff is not None
            diffs.append(
                {"text": difference_text(diff, kpi), "verdict": verdict(diff, kpi), "state": _state(diff, kpi)}
            )
        rows.append({"label": kpi.label, "values": [estimate_text(e, kpi) for e in row.estimates], "diffs": diffs})
    headline = [h for h in HEADLINE if any(r.path == h.path for r in result.kpis)]
    difference_charts = []
    for index in range(1, len(names)):
        labels, relative = [], []
        for kpi in headline:
            comparison = result.kpi(kpi.path)
            diff = comparison.differences[index]
            base = comparison.estimates[0].mean
            if diff is None or diff.relative is None or diff.half_width is None or not base:
                continue
            half = abs(diff.half_width / base) * 100
            labels.append(kpi.label)
            relative.append((diff.relative * 100, half, _state(diff, kpi)))
        if labels:
            title = f"{names[index]} against {names[0]}"
            difference_charts.append(charts.difference_chart(labels, relative, title))
    owners = _owner_tables(names, result.by_owner)
    utilisation = owners.pop("Utilisation", None)
    figures = {
        "differences": difference_charts,
        "lead_time": charts.lead_time_chart(names, [c.get("lead_time_quantiles", []) for c in result.curves]),
        "wip": charts.wip_chart(names, list(result.curves), result.warmup),
        "utilisation": None,
        "profit": None,
        "bottlenecks": [
            charts.bottleneck_chart(ranking, f"Bottlenecks: {name}")
            for name, ranking in zip(names, result.bottlenecks, strict=True)
            if ranking
        ],
    }
    if utilisation is not None:
        used = [i for i, _ in enumerate(utilisation["owners"]) if any(s[i] is not None for s in utilisation["raw"])]
        figures["utilisation"] = charts.grouped_bars(
            [utilisation["owners"][i] for i in used],
            names,
            [[series[i] for i in used] for series in utilisation["raw"]],
            "Utilisation of machines by owner",
            "busy share of the observed time (%)",
            percent=True,
        )
    if "Profit" in owners:
        figures["profit"] = charts.grouped_bars(
            owners["Profit"]["owners"], names, owners["Profit"]["raw"], "Profit by owner", "profit over the window"
        )
    findings = []
    for index in range(1, len(names)):
        for kpi in headline:
            diff = result.kpi(kpi.path).differences[index]
            if diff is not None and diff.significant and kpi.better != "neither":
                findings.append(
                    {
                        "scenario": names[index],
                        "label": kpi.label,
                        "text": difference_text(diff, kpi),
                        "state": _state(diff, kpi),
                    }
                )
    single = len(names) == 1  # one scenario's replications (twin-app run --report): no differences
    return {
        "kind": "compare",
        "single": single,
        "title": f"{' vs '.join(names)}",
        "names": names,
        "scenarios": result.scenarios,
        "rows": rows,
        "tested": sum(len(r["diffs"]) for r in rows),
        "changes": [
            {
                "scenario": name,
                "shown": list(changes[:MAX_CHANGES_SHOWN]),
                "more": max(len(changes) - MAX_CHANGES_SHOWN, 0),
            }
            for name, changes in zip(names[1:], result.changes, strict=False)
        ],
        "findings": findings,
        "owner_tables": owners,
        "figures": figures,
        "left_out": list(result.left_out),
        "failed": list(result.failed),
        "precision": result.precision,
        "settings": [
            ("Replications" if single else "Replications per scenario", str(result.replications)),
            (
                "Seed",
                f"{result.seed}"
                + ("" if single else " (replication r of every scenario uses the same random streams)"),
            ),
            ("Run length", _minutes(result.horizon)),
            ("Warm-up (not counted in any KPI)", _minutes(result.warmup)),
            (
                "Confidence intervals",
                "95%, Student t over replications"
                + ("" if single else "; differences are paired (common random numbers)"),
            ),
            ("Ran on", result.backend),
        ],
        "command": result.command
        or shlex.join(["twin-app", "compare", *(s.source for s in result.scenarios), "--seed", str(result.seed)]),
    }


MAX_CHANGES_SHOWN = 40
"""Differences between scenarios listed in the report (the rest are counted)."""


def _state(diff: Any, kpi: Any) -> str:
    """'good' / 'bad' (significant, by the KPI's better direction), 'higher' (significant,
    no direction) or 'neutral' (not significant): how tables and charts colour a difference."""
    if not diff.significant:
        return "neutral"
    if kpi.better == "neither":
        return "higher"
    return "good" if ((diff.mean or 0) > 0) == (kpi.better == "higher") else "bad"


OWNERS_IN_REPORT = 20
"""Owners the report's tables and charts show, the largest first (the JSON holds them all)."""


def _owner_tables(names: Sequence[str], by_owner: Sequence[dict[str, Estimate]]) -> dict[str, dict[str, Any]]:
    """Per owner family (Profit, Revenue, Cost, Utilisation, CO2): owners x scenarios, for the
    owners with the largest profit or cost in any scenario; owners with only zeros are left out."""
    size: dict[str, float] = {}
    for own in by_owner:
        for path, est in own.items():
            owner = owner_of(path)
            if owner is not None and path.startswith(("profit.", "cost.")) and est.mean is not None:
                size[owner] = max(size.get(owner, 0.0), abs(est.mean))
    ranked = [o for o in sorted(size, key=lambda o: -size[o]) if size[o] > 0][:OWNERS_IN_REPORT]
    tables: dict[str, dict[str, Any]] = {}
    for prefix, label, _better, _percent in OWNER_GROUPS:
        owners = [o for o in ranked if any(prefix + o in own for own in by_owner)]
        if not owners:
            continue
        kpi = info(prefix + owners[0])
        cells, raw = [], [[] for _ in names]
        for owner in owners:
            line = []
            for index, own in enumerate(by_owner):
                est = own.get(prefix + owner)
                line.append("-" if est is None else estimate_text(est, kpi))
                raw[index].append(None if est is None else est.mean)
            cells.append({"owner": owner, "values": line})
        tables[label] = {"owners": owners, "rows": cells, "raw": raw, "hidden": max(0, len(size) - len(ranked))}
    return tables


def _sweep_context(result: SweepResult) -> dict[str, Any]:
    kpis = result.table_kpis()
    points = []
    for point in result.points:
        est = result.estimates[point.index]
        points.append(
            {
                "number": point.index + 1,
                "values": [
                    _level(point.values[f.path]) if f.path in point.values else "(base)" for f in result.factors
                ],
                "kpis": ["-" if est.get(k) is None else estimate_text(est[k], info(k)) for k in kpis],
                "best": point.index == result.best,
                "pareto": point.index in result.front,
            }
        )
    factor_charts = []
    if result.objective is not None:
        target = result.objective.kpi
        for factor in result.factors:
            xs, ys = [], []
            for point in result.points:
                est = result.estimates[point.index].get(target)
                if est is None or est.mean is None or factor.path not in point.values:
                    continue
                value = point.values[factor.path]
                xs.append(value if isinstance(value, int | float) and not isinstance(value, bool) else _level(value))
                ys.append(est.mean)
            if len(set(map(str, xs))) >= 2:
                kpi = info(target)
                factor_charts.append(charts.factor_chart(factor.path, kpi.label, xs, ys, kpi.percent))
    pareto = None
    if result.pareto:
        a, b = result.pareto
        xs, ys, labels, index_map = [], [], [], {}
        for point in result.points:
            ea, eb = result.estimates[point.index].get(a.kpi), result.estimates[point.index].get(b.kpi)
            if ea is None or eb is None or ea.mean is None or eb.mean is None:
                continue
            index_map[point.index] = len(xs)
            xs.append(ea.mean * (100 if info(a.kpi).percent else 1))
            ys.append(eb.mean * (100 if info(b.kpi).percent else 1))
            labels.append(f"#{point.index + 1}")
        front = [index_map[i] for i in result.front if i in index_map]
        pareto = charts.pareto_chart(xs, ys, front, labels, _axis(a.kpi, a.goal), _axis(b.kpi, b.goal))
    best = None
    if result.best is not None and result.objective is not None:
        kpi = info(result.objective.kpi)
        best = {
            "number": result.best + 1,
            "objective": f"{result.objective.goal} {kpi.label}",
            "runner_up": None if result.runner_up is None else result.runner_up + 1,
            "versus": None
            if result.best_vs_runner_up is None
            else f"{difference_text(result.best_vs_runner_up, kpi)} (runner-up minus best, paired), "
            + ("a significant difference" if result.best_vs_runner_up.significant else "no significant difference"),
        }
    return {
        "kind": "sweep",
        "title": f"Sweep: {result.name}",
        "factors": [f.path for f in result.factors],
        "kpi_labels": [info(k).label for k in kpis],
        "points": points,
        "best": best,
        "front": [i + 1 for i in result.front],
        "factor_charts": factor_charts,
        "pareto_chart": pareto,
        "wip_chart": charts.wip_chart(
            [f"#{p.index + 1}" for p in result.points[:8]],
            list(result.curves[:8]),
            result.warmup,
            "WIP of the first points",
        ),
        "failed": list(result.failed),
        "settings": [
            ("Base scenario", result.base),
            ("Design", f"{result.design}, {len(result.points)} points"),
            ("Replications per point", str(result.replications)),
            ("Seed", f"{result.seed} (common random numbers across points)"),
            ("Ran on", result.backend),
        ],
        "command": shlex.join(["twin-app", "sweep", result.source or "SPEC.json"]),
    }


def _axis(kpi: str, goal: str) -> str:
    unit = " (%)" if info(kpi).percent else ""
    return f"{info(kpi).label}{unit}, {'lower' if goal == 'min' else 'higher'} is better"


def _level(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):  # e.g. a departure policy: its values, in order
        return " / ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


__all__ = ["format_value", "render_report"]
