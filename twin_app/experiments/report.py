"""The readable KPI table ``twin-app run`` prints (for one run or the summary of several)."""

from __future__ import annotations

from typing import Any

OWNERS_SHOWN = 15
"""Owners listed in the utilisation table; the busiest first when there are more."""


def _sort_value(value: Any) -> float:
    if isinstance(value, dict):
        value = value.get("mean")
    return float(value) if isinstance(value, int | float) else -1.0


def _value(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _fmt(value: Any, unit: str = "", digits: int = 1, percent: bool = False) -> str:
    if isinstance(value, dict) and "mean" in value and "ci95" in value:
        mean, half = value["mean"], value["ci95"]
        if mean is None:
            return "-"
        text = _fmt(mean, unit, digits, percent)
        if half is not None:
            text += f" ± {_fmt(half, '', digits, percent)}"
        return text
    if value is None:
        return "-"
    if percent:
        return f"{100 * value:.{digits}f}%"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value:,.{digits}f}{unit}"


def format_kpis(kpis: dict[str, Any], title: str = "") -> str:
    """A two-column table of the headline KPIs, then utilisation by owner and bottlenecks."""
    rows: list[tuple[str, str]] = [
        ("Orders completed", _fmt(_value(kpis, "orders_completed"), digits=0)),
        ("Throughput (orders/day)", _fmt(_value(kpis, "throughput", "per_day"), digits=2)),
        ("Lead time mean (min)", _fmt(_value(kpis, "lead_time", "mean"))),
        (
            "Lead time p50 / p95 (min)",
            f"{_fmt(_value(kpis, 'lead_time', 'p50'))} / {_fmt(_value(kpis, 'lead_time', 'p95'))}",
        ),
        ("On-time rate", _fmt(_value(kpis, "on_time_rate"), percent=True)),
        ("Mean tardiness (min)", _fmt(_value(kpis, "tardiness", "mean"))),
        (
            "WIP mean / max (orders)",
            f"{_fmt(_value(kpis, 'wip', 'mean'))} / {_fmt(_value(kpis, 'wip', 'max'), digits=0)}",
        ),
        ("Machine utilisation (mean)", _fmt(_value(kpis, "utilisation", "mean"), percent=True)),
        ("Makespan (min)", _fmt(_value(kpis, "makespan"))),
        ("Cost total", _fmt(_value(kpis, "cost", "total"), digits=0)),
        (
            "  running / idle / setup",
            " / ".join(_fmt(_value(kpis, "cost", k), digits=0) for k in ("running", "idle", "setup")),
        ),
        (
            "  transport / capex / lease",
            " / ".join(_fmt(_value(kpis, "cost", k), digits=0) for k in ("transport", "capex", "lease")),
        ),
        (
            "  maintenance / platform",
            " / ".join(_fmt(_value(kpis, "cost", k), digits=0) for k in ("maintenance", "platform")),
        ),
        ("Cost per unit", _fmt(_value(kpis, "cost", "per_unit"))),
        ("Revenue", _fmt(_value(kpis, "revenue", "total"), digits=0)),
        ("  platform fee", _fmt(_value(kpis, "revenue", "platform_fee"), digits=0)),
        ("Lateness cost (penalties)", _fmt(_value(kpis, "lateness", "cost"), digits=0)),
        ("Profit", _fmt(_value(kpis, "profit", "total"), digits=0)),
        ("Owners losing money", _fmt(_value(kpis, "fairness", "partners_losing"), digits=1)),
        ("Transport CO2", _fmt(_value(kpis, "co2", "total"), digits=0)),
        ("Events logged", _fmt(_value(kpis, "events"), digits=0)),
    ]
    bottleneck = _value(kpis, "bottleneck", "resource")
    if bottleneck is not None:
        if isinstance(bottleneck, list):
            bottleneck = ", ".join(sorted(set(map(str, bottleneck))))
        rows.append(
            (
                "Bottleneck (active period)",
                f"{bottleneck} (sole {_fmt(_value(kpis, 'bottleneck', 'sole'), percent=True)},"
                f" shifting {_fmt(_value(kpis, 'bottleneck', 'shifting'), percent=True)})",
            )
        )
    width = max(len(label) for label, _ in rows)
    lines = [title, "=" * max(len(title), 20)] if title else []
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    by_owner = _value(kpis, "utilisation", "by_owner") or {}
    shown = [(owner, value) for owner, value in by_owner.items() if _fmt(value) != "-"]
    if shown:
        lines += [
            "",
            "Utilisation by owner"
            + (f" (busiest {OWNERS_SHOWN} of {len(shown)})" if len(shown) > OWNERS_SHOWN else ""),
        ]
        if len(shown) > OWNERS_SHOWN:
            shown = sorted(shown, key=lambda item: -_sort_value(item[1]))[:OWNERS_SHOWN]
        owner_width = max(len(owner) for owner, _ in shown)
        lines += [f"  {owner:<{owner_width}}  {_fmt(value, percent=True)}" for owner, value in shown]
    lines += _money_by_owner(kpis)
    return "\n".join(lines)


def _money_by_owner(kpis: dict[str, Any]) -> list[str]:
    """Profit, margin and NPV per owner (the most profitable first when there are many)."""
    profit = _value(kpis, "profit", "by_owner") or {}
    if not profit:
        return []
    years = _value(kpis, "investment", "planning_years")
    years = years.get("mean") if isinstance(years, dict) else years
    rule = _value(kpis, "sharing", "rule")
    owners = sorted(profit, key=lambda o: -_sort_value(profit[o]))[:OWNERS_SHOWN]
    width = max(len(o) for o in owners)
    head = f"Money by owner (sharing rule {rule}; NPV over {_fmt(years, digits=0)} years)"
    if len(profit) > OWNERS_SHOWN:
        head += f" (most profitable {OWNERS_SHOWN} of {len(profit)})"
    lines = ["", head, f"  {'':<{width}}  {'profit':>18}  {'margin':>14}  {'NPV':>22}"]
    for owner in owners:
        margin = _value(kpis, "fairness", "margin", "by_owner", owner)
        npv = _value(kpis, "investment", "npv", "by_owner", owner)
        lines.append(
            f"  {owner:<{width}}  {_fmt(profit[owner], digits=0):>18}  {_fmt(margin, percent=True):>14}"
            f"  {_fmt(npv, digits=0):>22}"
        )
    return lines
