"""Choosing the warm-up from the data: MSER-5 on the Welch-averaged WIP curve.

A run starts empty, so its first hours are not typical of the steady state the KPIs should
describe. The warm-up cuts them off. Here it is chosen by MSER-5 (White, 1997; the
truncation rule Law recommends beside Welch's graphical procedure): average the WIP curve
over several replications (Welch), cut it into batches of 5 cells, and truncate where the
squared standard error of the remaining batch means, ``sum((Z_j - mean)^2) / (m - d)^2``, is
smallest, searching only the first half of the run. The command shows the curve it used, so
the user can see the ramp-up for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from twin_app.errors import TwinError
from twin_app.experiments.executors import Backend, default_workers
from twin_app.experiments.plan import Point, Recorder, check_run_window, run_plan
from twin_app.experiments.samples import mean_curves

if TYPE_CHECKING:
    from twin_app.sim.watchdog import Budget

BATCH = 5


@dataclass(frozen=True)
class WarmupSuggestion:
    """The averaged WIP curve and the warm-up MSER-5 picks from it."""

    scenario: str
    edges: np.ndarray
    wip: np.ndarray
    """Mean WIP per cell between consecutive edges, averaged over the replications."""
    warmup: float
    current: float
    """The scenario's own run.warmup, for comparison."""
    replications: int
    """Replications the curve averages (those that finished)."""
    stopped: tuple[tuple[str, str], ...] = ()
    """(replication, why) of each replication left out: it stopped at a limit of its budget."""

    def text(self) -> str:
        days = self.warmup / 1440.0
        steady = self.wip[self.edges[:-1] >= self.warmup]
        lines = [
            f"{self.scenario}: suggested warm-up {self.warmup:,.0f} min ({days:.2f} days) by MSER-5 on the WIP curve "
            f"averaged over {self.replications} replication{'s' if self.replications != 1 else ''}; "
            f"the scenario's run.warmup is {self.current:,.0f} min.",
            f"Mean WIP after the warm-up: {float(np.mean(steady)) if len(steady) else float('nan'):.1f} orders.",
            *self.warnings(),
            "",
            "WIP over time (each character one cell of the run; the bar marks the warm-up):",
            sparkline(self.wip, int(np.searchsorted(self.edges, self.warmup))),
        ]
        return "\n".join(lines)

    def warnings(self) -> list[str]:
        """What makes the suggestion doubtful: MSER-5 stopped at the end of its search."""
        half = self.edges[0] + (self.edges[-1] - self.edges[0]) / 2
        if self.warmup >= half - (self.edges[1] - self.edges[0]) * BATCH:
            return [
                "Warning: the suggestion is at the limit of the search (half the run): the WIP may still be rising, "
                "so there may be no steady state within this run. Look at the curve, run longer (--until), or check "
                "that the network has the capacity for its demand."
            ]
        return []


def mser(series: np.ndarray, batch: int = BATCH) -> int:
    """Number of leading observations MSER-``batch`` truncates (a multiple of ``batch``)."""
    m = len(series) // batch
    if m < 2:
        return 0
    z = np.asarray(series[: m * batch], dtype=float).reshape(m, batch).mean(axis=1)
    best, best_d = np.inf, 0
    for d in range(0, m // 2 + 1):
        rest = z[d:]
        stat = float(((rest - rest.mean()) ** 2).sum()) / (len(rest) ** 2)
        if stat < best:
            best, best_d = stat, d
    return best_d * batch


def suggest_warmup(
    scenario_path: Path,
    *,
    replications: int = 5,
    seed: int | None = None,
    until: float | None = None,
    workers: int | None = None,
    budget: Budget | None = None,
) -> WarmupSuggestion:
    """Run ``replications`` of the scenario and pick its warm-up by MSER-5 on the mean WIP curve.

    ``budget``: the limits each replication stops at (:mod:`twin_app.sim.watchdog`); a stopped
    replication is left out of the curve and named in :attr:`WarmupSuggestion.stopped`."""
    import dataclasses

    from twin_app.io.scenario_file import load_scenario

    if replications < 1:
        raise TwinError("--replications must be at least 1")
    scenario = load_scenario(scenario_path)
    current = scenario.run.warmup
    run = dataclasses.replace(scenario.run, warmup=0.0, horizon=until if until is not None else scenario.run.horizon)
    scenario = scenario.with_changes(run=run)
    check_run_window(scenario, str(scenario_path))
    seed = scenario.run.seed if seed is None else seed
    backend = Backend(default_workers() if workers is None else workers)
    results = run_plan(
        [Point(scenario_path.stem, scenario)],
        range(replications),
        seed,
        backend,
        Recorder(None, "compare", "", {}, False),
        budget=budget,
    )
    finished = [r for r in results.values() if r.ok]
    stopped = tuple(
        (f"Replication {r.replication + 1}", r.message)
        for r in sorted(results.values(), key=lambda r: r.key)
        if not r.ok
    )
    curves = mean_curves(finished)
    if "wip" not in curves:
        why = "; ".join(f"{label}: {message}" for label, message in stopped)
        raise TwinError(
            f"{scenario_path}: no replication finished, so there is no WIP curve to read the warm-up from"
            + (f" ({why})" if why else "")
        )
    edges = np.asarray(curves["wip_edges"], dtype=float)
    wip = np.asarray(curves["wip"], dtype=float)
    cut = mser(wip)
    return WarmupSuggestion(
        scenario.name or scenario_path.stem, edges, wip, float(edges[cut]), current, len(finished), stopped
    )


_BLOCKS = " ▁▂▃▄▅▆▇█"


def sparkline(values: np.ndarray, mark: int | None = None, width: int = 100) -> str:
    """A one-line chart of ``values`` (resampled to ``width``), with '|' at index ``mark``."""
    if len(values) == 0:
        return ""
    step = max(1, int(np.ceil(len(values) / width)))
    cells = [float(np.mean(values[i : i + step])) for i in range(0, len(values), step)]
    top = max(cells) or 1.0
    chars = [_BLOCKS[min(len(_BLOCKS) - 1, round(v / top * (len(_BLOCKS) - 1)))] for v in cells]
    if mark is not None and 0 < mark < len(values):
        chars.insert(mark // step, "|")
    return "".join(chars)
