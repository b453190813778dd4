"""KPIs as flat paths: ``"lead_time.p95"``, ``"profit.by_owner.bikeworks"``.

Experiments compare numbers, one KPI at a time. The KPI dictionary of a run (see
:func:`twin_app.analysis.kpis.compute_kpis`) is nested; here it becomes a flat mapping from a
dotted path to a number (or None where the run had none), and each path gets a readable
label and the direction in which it is better, so tables can say "lower is better".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Better = Literal["lower", "higher", "neither"]

SHARING_RULES = ("full_cost", "full_cost_proportional", "processing_time", "equal", "shapley")
"""The sharing rules whose per-owner profit, NPV and ROI comparison tables show (see
:mod:`twin_app.analysis.economics.sharing`)."""

SKIPPED_PREFIXES = ("window.", "histogram", "lead_time.histogram", "bottleneck.ranking")
"""Leaves that are not KPIs to compare: the observation window and the histogram bins."""


@dataclass(frozen=True, slots=True)
class KpiInfo:
    """How a KPI path is shown: its label, its unit kind and which way is better."""

    path: str
    label: str
    better: Better = "neither"
    percent: bool = False


HEADLINE: tuple[KpiInfo, ...] = (
    KpiInfo("orders_completed", "Orders completed", "higher"),
    KpiInfo("throughput.per_day", "Throughput (orders/day)", "higher"),
    KpiInfo("lead_time.mean", "Lead time mean (min)", "lower"),
    KpiInfo("lead_time.p95", "Lead time p95 (min)", "lower"),
    KpiInfo("on_time_rate", "On-time rate", "higher", percent=True),
    KpiInfo("tardiness.mean", "Mean tardiness (min)", "lower"),
    KpiInfo("wip.mean", "WIP mean (orders)", "lower"),
    KpiInfo("utilisation.mean", "Machine utilisation", "neither", percent=True),
    KpiInfo("cost.total", "Cost total", "lower"),
    KpiInfo("cost.per_unit", "Cost per unit", "lower"),
    KpiInfo("cost.transport", "Transport cost", "lower"),
    KpiInfo("revenue.total", "Revenue", "higher"),
    KpiInfo("profit.total", "Profit", "higher"),
    KpiInfo("lateness.cost", "Lateness cost", "lower"),
    KpiInfo("investment.npv.total", "NPV (all owners)", "higher"),
    KpiInfo("fairness.gini_margin", "Gini of partner margins", "lower"),
    KpiInfo("fairness.partners_losing", "Owners losing money", "lower"),
    KpiInfo("co2.total", "CO2 (kg)", "lower"),
    KpiInfo("co2.per_unit", "CO2 per unit (kg)", "lower"),
    KpiInfo("logistics.trips", "Trips", "neither"),
    KpiInfo("logistics.fill_rate", "Fill rate", "higher", percent=True),
    KpiInfo("logistics.vehicle_utilisation", "Vehicle utilisation", "neither", percent=True),
    KpiInfo("logistics.empty_km", "Empty km", "lower"),
    KpiInfo("logistics.cost.total", "Fleet cost (incl. fixed)", "lower"),
    KpiInfo("logistics.cost.per_unit", "Transport cost per unit", "lower"),
    KpiInfo("logistics.co2_per_unit", "Transport CO2 per unit (kg)", "lower"),
    KpiInfo("energy.kwh", "Energy (kWh)", "lower"),
    KpiInfo("energy.cost", "Energy cost", "lower"),
    KpiInfo("quality.scrap_rate", "Scrap rate", "lower", percent=True),
    KpiInfo("quality.rework_rate", "Rework rate", "lower", percent=True),
    KpiInfo("circular.return_rate", "Return rate", "neither", percent=True),
    KpiInfo("circular.remanufactured_share", "Remanufactured share", "higher", percent=True),
    KpiInfo("circular.cost_avoided", "Cost avoided (remanufacturing)", "higher"),
    KpiInfo("circular.co2_avoided", "CO2 avoided (kg)", "higher"),
)
"""The KPIs every comparison table shows first, in this order."""

_HEADLINE_BY_PATH = {info.path: info for info in HEADLINE}

OWNER_GROUPS: tuple[tuple[str, str, Better, bool], ...] = (
    ("profit.by_owner.", "Profit", "higher", False),
    ("revenue.by_owner.", "Revenue", "higher", False),
    ("cost.by_owner.", "Cost", "lower", False),
    ("utilisation.by_owner.", "Utilisation", "neither", True),
    ("co2.by_owner.", "CO2", "lower", False),
    ("energy.by_owner.", "Energy (kWh)", "lower", False),
    ("trust.by_owner.", "Trust", "higher", True),
    ("tiers.", "Tier", "neither", False),
    ("fairness.margin.by_owner.", "Margin", "higher", True),
    ("investment.npv.by_owner.", "NPV", "higher", False),
    ("investment.roi.by_owner.", "ROI", "higher", True),
    ("investment.payback_years.by_owner.", "Payback (years)", "lower", False),
    ("cost.per_unit_by_component.", "Cost per unit", "lower", False),
    *(
        family
        for rule in SHARING_RULES
        for family in (
            (f"profit.by_rule.{rule}.by_owner.", f"Profit ({rule})", "higher", False),
            (f"investment.npv.by_rule.{rule}.by_owner.", f"NPV ({rule})", "higher", False),
            (f"investment.roi.by_rule.{rule}.by_owner.", f"ROI ({rule})", "higher", True),
        )
    ),
)
"""Per-owner KPI families: path prefix, label, direction, percent. The cost per unit by
component is listed here too (a family by component rather than by owner); profit, NPV and ROI
appear under every sharing rule but the format 1 one (``variable_cost``, still in ``--all``)."""


@dataclass(frozen=True, slots=True)
class Section:
    """A group of KPIs a comparison table shows under one heading; ``key`` names it in
    ``twin-app compare --kpis``. A KPI belongs to the first section one of whose ``paths``
    equals it or, ending in '.', starts it."""

    key: str
    title: str
    paths: tuple[str, ...]
    default: bool = True
    """Shown in the default table (the others: with --kpis KEY, --all, --json and the report)."""

    def holds(self, path: str) -> bool:
        return any(path == p or (p.endswith(".") and path.startswith(p)) for p in self.paths)


SECTIONS: tuple[Section, ...] = (
    Section(
        "service",
        "Service",
        (
            "orders_completed",
            "throughput.",
            "lead_time.",
            "on_time_rate",
            "tardiness.",
            "wip.",
            "utilisation.mean",
            "bottleneck.",
            "queue_length.",
        ),
    ),
    Section(
        "money",
        "Money (the whole network)",
        (
            "cost.total",
            "cost.per_unit",
            "cost.transport",
            "revenue.total",
            "profit.total",
            "lateness.",
            "investment.npv.total",
            "fairness.gini_margin",
            "fairness.partners_losing",
        ),
    ),
    Section(
        "logistics",
        "Logistics, CO2 and energy",
        (
            "co2.total",
            "co2.per_unit",
            "co2.transport",
            "co2.production",
            "logistics.",
            "energy.kwh",
            "energy.cost",
            "energy.co2",
            "energy.per_unit",
        ),
    ),
    Section("flows", "Quality and circular flows", ("quality.scrap_rate", "quality.rework_rate", "circular.")),
    Section("cost_per_unit", "Cost per unit by component", ("cost.per_unit_by_component.",)),
    Section(
        "owners",
        "Per owner, under each scenario's own sharing rule",
        (
            "profit.by_owner.",
            "revenue.by_owner.",
            "cost.by_owner.",
            "fairness.margin.by_owner.",
            "investment.npv.by_owner.",
            "investment.roi.by_owner.",
            "investment.payback_years.by_owner.",
            "utilisation.by_owner.",
            "co2.by_owner.",
            "energy.by_owner.",
            "trust.by_owner.",
            "tiers.",
        ),
    ),
    Section("rules", "Profit per owner under each sharing rule", ("profit.by_rule.",)),
    Section(
        "rules_npv",
        "NPV and ROI per owner under each sharing rule",
        ("investment.npv.by_rule.", "investment.roi.by_rule."),
        default=False,
    ),
)
"""The sections of a comparison table, in the order shown. The per-rule NPV and ROI are left
out by default: under a rule they move with the profit (docs/economics.md, section 8)."""

_SECTION_BY_KEY = {section.key: section for section in SECTIONS}
OTHER_SECTION = Section("other", "Other KPIs", ())


def section_of(path: str) -> Section:
    """The section a KPI path is shown under ('Other KPIs' when none holds it)."""
    for section in SECTIONS:
        if section.holds(path):
            return section
    return OTHER_SECTION


def select_paths(paths: Iterable[str], selectors: Iterable[str]) -> list[str]:
    """The paths that ``twin-app compare --kpis`` selects: each selector is a section key
    (``owners``, ``rules``...), a KPI path, or a path prefix (``profit.by_rule.shapley``)."""
    available = list(paths)
    chosen: list[str] = []
    for selector in selectors:
        section = _SECTION_BY_KEY.get(selector)
        for path in available:
            picked = section.holds(path) if section else path == selector or path.startswith(selector + ".")
            if picked and path not in chosen:
                chosen.append(path)
    return chosen


def check_selectors(selectors: Iterable[str], known_paths: Iterable[str]) -> None:
    """Raise TwinError for a ``--kpis`` selector that names no section and no KPI (with a
    suggestion), before anything runs."""
    from twin_app.errors import TwinError
    from twin_app.model.suggest import did_you_mean

    known = set(known_paths)
    for selector in selectors:
        if selector in _SECTION_BY_KEY or select_paths(known, [selector]):
            continue
        hint = did_you_mean(selector, [*_SECTION_BY_KEY, *known]).lstrip("; ")
        sections = ", ".join(_SECTION_BY_KEY)
        raise TwinError(
            f"--kpis {selector!r} is neither a section ({sections}) nor a KPI of this scenario"
            + (f" ({hint})" if hint else " (e.g. lead_time.mean, profit.by_owner)")
        )


DEFAULT_PRECISION_KPIS = ("cost.per_unit", "profit.total", "lead_time.mean", "on_time_rate")
"""The KPIs whose paired differences ``--precision`` makes precise unless others are named."""


def flatten(kpis: dict[str, Any]) -> dict[str, float | None]:
    """Every numeric leaf of a KPI dictionary by its dotted path (None stays None).

    Lists (histograms, rankings), strings (the bottleneck's name) and the observation window
    are left out: they are not numbers to average or compare.
    """
    flat: dict[str, float | None] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}{key}.")
            return
        path = prefix[:-1]
        if path.startswith(SKIPPED_PREFIXES):
            return
        if node is None:
            flat[path] = None
        elif isinstance(node, bool):
            return
        elif isinstance(node, int | float):
            value = float(node)
            flat[path] = value if math.isfinite(value) else None

    walk(kpis, "")
    return flat


def info(path: str) -> KpiInfo:
    """Label and direction of any KPI path (per-owner ones included)."""
    known = _HEADLINE_BY_PATH.get(path)
    if known is not None:
        return known
    for prefix, label, better, percent in OWNER_GROUPS:
        if path.startswith(prefix):
            return KpiInfo(path, f"{label}: {path[len(prefix) :]}", better, percent)
    better: Better = "neither"
    if path.startswith(("cost.", "co2.", "lead_time.", "tardiness.", "queue_length.", "wip.")):
        better = "lower"
    elif path.startswith(("revenue.", "profit.", "throughput.")) or path == "on_time_rate":
        better = "higher"
    return KpiInfo(path, path, better, path.startswith("utilisation.") or path.endswith("_rate"))


OWNERS_SHOWN = 15
"""Owners a comparison table lists by default; a large network has hundreds (--all shows them)."""


def owner_of(path: str) -> str | None:
    """The owner a per-owner KPI path is about, or None."""
    for prefix, *_ in OWNER_GROUPS:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return None


def shown_paths(paths: Iterable[str], owners: Iterable[str] | None = None) -> list[str]:
    """The paths a comparison table shows: the headline KPIs, then the per-owner families
    (of ``owners`` only, when given)."""
    available = set(paths)
    keep = None if owners is None else set(owners)
    shown = [info.path for info in HEADLINE if info.path in available]
    for prefix, *_ in OWNER_GROUPS:
        shown.extend(
            sorted(p for p in available if p.startswith(prefix) and (keep is None or p[len(prefix) :] in keep))
        )
    return shown


def format_value(value: float | None, kpi: KpiInfo, signed: bool = False, delta: bool = False) -> str:
    """A number as the tables show it: percentages for rates, thousands separators.

    ``delta`` marks a difference or a half-width: rates are then in percentage points.
    """
    if value is None or not math.isfinite(value):
        return "-"
    if value == 0:
        return "0"
    sign = "+" if signed else ""
    if kpi.percent:
        return f"{100 * value:{sign}.1f} pp" if delta else f"{100 * value:{sign}.1f}%"
    magnitude = abs(value)
    digits = 0 if magnitude >= 1000 else 1 if magnitude >= 10 else 2 if magnitude >= 0.1 else 3
    return f"{value:{sign},.{digits}f}"


def kpi_names(scenario: Any) -> set[str]:
    """Every KPI path a run of ``scenario`` reports (read off the KPIs of an empty run)."""
    import numpy as np

    from twin_app.analysis.kpis import compute_kpis
    from twin_app.analysis.result import RunResult
    from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE
    from twin_app.model.layout import Layout

    empty = RunResult(scenario, Layout.build(scenario), np.zeros(0, EVENT_DTYPE), np.zeros(0, ORDER_DTYPE), 0.0, 1.0)
    return set(flatten(compute_kpis(empty)))


def check_kpi_names(names: Iterable[str], scenario: Any, what: str) -> None:
    """Raise TwinError for a name that is not a KPI of ``scenario``, before anything runs."""
    from twin_app.errors import TwinError
    from twin_app.model.suggest import did_you_mean

    known = kpi_names(scenario)
    for name in names:
        if name not in known:
            hint = did_you_mean(name, known).lstrip("; ") or "e.g. " + ", ".join(h.path for h in HEADLINE[:6])
            raise TwinError(f"{what} {name!r} is not a KPI of this scenario ({hint})")
