"""The line above the KPI cards: which figures are of how much of the run.

The KPI tab draws parts of two analysis processes' answers (the money and the rest), each
asked for the parts of the view shown when it was asked. During a fast run, and for a while
after it ends, the cards, the charts and the owners' table can each be of a different, older
part of the run than the clock shows. The independent trial saw a caption naming day 10.5
above cards and charts of day 3.5, and, after the large network's run had ended, final cards
beside charts and an owner table of days before, with nothing saying so. Every figure here is
said to be of the run up to where its data ends.
"""

from __future__ import annotations

import math
from typing import Any

from twin_app.analysis.snapshot import Analysis
from twin_app.gui import theme

STALE_MINUTES = 60.0
"""Figures this much older than the run's clock (or the money this much older than the other
figures) say so."""

CHART_PARTS = ("lead_time_histogram", "wip", "trust_band")
"""The analysis parts the KPI tab's charts draw."""


def _window_end(kpis: dict[str, Any]) -> float:
    end = (kpis.get("window") or {}).get("end")
    return float(end) if isinstance(end, int | float) else -math.inf


def card_kpis(kpis: dict[str, Any], operating: dict[str, Any]) -> dict[str, Any]:
    """The figures the cards show: the newer of the full ``kpis`` (money included) and the
    ``operating`` ones (everything else, the same keys and values for the same data)."""
    if not operating or _window_end(kpis) >= _window_end(operating):
        return kpis
    return {**kpis, **operating}


def stale_cards(
    kpis: dict[str, Any], operating: dict[str, Any], now: float, keys: tuple[str, ...], money_keys: tuple[str, ...]
) -> set[str]:
    """The cards of ``keys`` whose figures end :data:`STALE_MINUTES` or more before the run's
    clock ``now``: the money cards (``money_keys``) by the money's window, the rest by the newer
    of the two answers (what :func:`card_kpis` shows)."""
    money_end = _window_end(kpis)
    rest_end = _window_end(card_kpis(kpis, operating)) if kpis or operating else -math.inf
    return {key for key in keys if now - (money_end if key in money_keys else rest_end) >= STALE_MINUTES}


def money_as_of(kpis: dict[str, Any], newest_end: float) -> str | None:
    """A line saying the money cards are older than the other figures, or None when they are not.

    The money's analysis process answers seconds after the other one on a large run, and more
    seldom (trial: money at day 4 beside a histogram of day 8, with nothing saying so).
    """
    end = _window_end(kpis)
    if not kpis or end == -math.inf:
        return "Cost, revenue and CO2 are being worked out"
    if newest_end - end < STALE_MINUTES:
        return None
    return (
        f"Cost, revenue and CO2 (cards and owners' table) at {theme.format_clock(end)} of the run; the other "
        f"figures at {theme.format_clock(newest_end)} (newer money is being worked out)"
    )


def behind_the_clock(ends: dict[str, float], now: float) -> str | None:
    """A line naming the figures (``ends``: name to the end of its data) older than the run's
    clock ``now`` by :data:`STALE_MINUTES` or more, or None when none is."""
    behind: dict[str, list[str]] = {}
    for name, end in sorted(ends.items(), key=lambda item: -item[1]):
        if now - end >= STALE_MINUTES:
            behind.setdefault(theme.format_clock(end), []).append(name)
    if not behind:
        return None
    pieces = [f"{' and '.join(names)} up to {clock}" for clock, names in behind.items()]
    return f"The run is at {theme.format_clock(now)}: {', '.join(pieces)} of it (newer figures are being worked out)"


def figures_note(kpis: dict[str, Any], operating: dict[str, Any], analysis: Analysis, now: float | None) -> str | None:
    """What the KPI tab says of its figures' age: the cards, charts and owners' table behind
    the run's clock ``now`` (None: not known), and the money behind the other figures."""
    cards_end = _window_end(card_kpis(kpis, operating)) if kpis or operating else -math.inf
    charts_end = analysis.end_of(*CHART_PARTS)
    money = money_as_of(kpis, max(cards_end, charts_end))
    notes = []
    if now is not None:
        ends = {"charts": charts_end}
        if cards_end > -math.inf:
            ends["cards"] = cards_end
        table_end = analysis.end_of("owner_table")
        if analysis.has("owner_table") and not (money and table_end == _window_end(kpis)):
            ends["owners' table"] = table_end  # (the money's line names it, when it is the money's)
        notes.append(behind_the_clock(ends, now))
    notes.append(money)
    return " · ".join(n for n in notes if n) or None


def warmup_note(start: float, end: float, warmup: float) -> str | None:
    """During the warm-up, which orders the cards and the histogram count (the window starts
    at the warm-up's end once the run passes it: the figures then count fewer orders)."""
    if warmup <= 0 or start > 0 or end >= warmup:
        return None
    return (
        f"In the warm-up (until {theme.format_clock(warmup)}) the figures count every order so far; "
        "after it, only the orders after it"
    )
