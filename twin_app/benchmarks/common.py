"""What every ``twin-app bench`` part shares: the sizes of a run and the plain-text formatting.

Each part lives in its own module (:mod:`.engine`, :mod:`.dispatch`, :mod:`.large`,
:mod:`.sweep`, :mod:`.gui`) as a function ``bench(config, out) -> verdict lines``; :mod:`.command` runs them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TextIO


@dataclass(frozen=True, slots=True)
class Settings:
    """Sizes and repeats of one ``bench`` run (see :func:`settings`)."""

    engine_horizon: float
    engine_repeats: int
    cli_horizon: float
    """Simulated minutes of each whole-process ``twin-app run`` of the engine part (8 orders/min)."""
    cli_repeats: int
    dispatch_sizes: tuple[int, ...]
    crossover_sizes: tuple[int, ...]
    dispatch_repeats: int
    dispatch_min_seconds: float
    large_until: float | None
    gantt_sizes: tuple[int, ...]
    gantt_repeats: int
    live_minutes: float
    live_large_minutes: float
    sweep_tasks: int
    sweep_until: float
    sweep_repeats: int


QUICK = Settings(
    engine_horizon=1000.0,
    engine_repeats=3,
    cli_horizon=1000.0,
    cli_repeats=1,
    dispatch_sizes=(10, 100, 1000),
    crossover_sizes=(4, 8, 16, 24, 32, 48, 64, 96),
    dispatch_repeats=3,
    dispatch_min_seconds=0.004,
    large_until=1440.0,
    gantt_sizes=(10_000, 100_000),
    gantt_repeats=5,
    live_minutes=1440.0,
    live_large_minutes=720.0,
    sweep_tasks=8,
    sweep_until=2880.0,
    sweep_repeats=3,
)
FULL = Settings(
    engine_horizon=2000.0,
    engine_repeats=5,
    cli_horizon=8000.0,
    cli_repeats=5,
    dispatch_sizes=(10, 100, 1000),
    crossover_sizes=(2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 56, 64, 80, 96, 128),
    dispatch_repeats=7,
    dispatch_min_seconds=0.02,
    large_until=None,
    gantt_sizes=(10_000, 100_000, 1_000_000),
    gantt_repeats=15,
    live_minutes=7 * 1440.0,
    live_large_minutes=7 * 1440.0,  # a quarter of the run: the analyses' cost grows with it (3 days hid it)
    sweep_tasks=16,
    sweep_until=7 * 1440.0,
    sweep_repeats=5,
)


def settings(quick: bool, horizon: float | None = None, dispatch_sizes: Sequence[int] | None = None) -> Settings:
    """The sizes of a full run, or of a ``--quick`` one; ``horizon`` / ``dispatch_sizes`` override
    the engine horizon (simulated minutes; 8 orders arrive per minute) and the decision sizes."""
    base = QUICK if quick else FULL
    changes: dict[str, Any] = {}
    if horizon is not None:
        changes["engine_horizon"] = changes["cli_horizon"] = float(horizon)
    if dispatch_sizes is not None:
        changes["dispatch_sizes"] = tuple(dispatch_sizes)
        changes["crossover_sizes"] = tuple(n for n in base.crossover_sizes if n <= max(dispatch_sizes))
    return replace(base, **changes)


def say(out: TextIO, line: str) -> None:
    """Print one line at once (a long part shows its progress as it goes)."""
    print(line, file=out, flush=True)


def verdict_word(ok: bool) -> str:
    """PASS or BELOW: BELOW, not FAIL, because on a loaded machine it may be the load."""
    return "PASS" if ok else "BELOW"


def rate(seconds: float | None) -> str:
    """Calls per second from seconds per call, or ``-`` when not measured."""
    return "-" if seconds is None else f"{1.0 / seconds:,.0f}"


def times(ratio: float | None) -> str:
    """A ratio as ``12.34x``, or ``-`` when not measured."""
    return "-" if ratio is None else f"{ratio:.2f}x"


def maybe(value: Any) -> str:
    """A value for a table cell: ``-`` for None, three significant digits for a float."""
    if value is None:
        return "-"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def span(values: Sequence[int]) -> str:
    """``4`` or ``4-16``: the range of measured sizes."""
    if not values:
        return "none measured"
    return str(values[0]) if min(values) == max(values) else f"{min(values)}-{max(values)}"


def load_average() -> str:
    """The machine's load average, printed with every run so a reader can judge the numbers."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"
