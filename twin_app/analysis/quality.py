"""Promised quality and trust from the event log: scrap and rework rates, trust over time.

- **Operations** are counted by their WAIT records (one per operation a unit takes), in the
  window, per owner of the unit. **Scrap** and **rework** are the :class:`Outcome` records
  (a failed inspection) in the window; their rates are per operation.
- **Trust**: each owner starts at its ``trust``; each delivered order updates every owner
  whose machines worked on it (PROCESS records), in owner order, to
  ``(1 - a) x trust + a x x``, with ``a`` the platform's ``trust_smoothing`` and ``x`` 1 when
  the order was delivered by its due date (or has none) and none of that owner's operations
  on it failed inspection, else 0. Orders delivered at the same time count in order id order.
  This is what the engine's :class:`~twin_app.sim.trust.TrustBook` keeps for the trust rule,
  rebuilt from the log over the whole run; the KPIs read it over the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind, Outcome


def _smoothed(trust: float, alpha: float, outcome: float) -> float:
    return (1.0 - alpha) * trust + alpha * outcome  # the engine's expression (sim/trust.py)


def quality_block(result: RunResult) -> dict[str, Any]:
    """Operations, scrap and rework (counts and rates) in the window, and per owner."""
    ev = result.events
    start, end = result.start, result.end
    in_window = (ev["end"] >= start) & (ev["end"] <= end)
    n = result.n_owners
    res = ev["resource"]
    on_unit = (res >= 0) & (res < result.n_machine_units)
    owner = np.where(on_unit, result.layout.resource_owner[np.where(on_unit, res, 0)], -1).astype(np.int64)

    def count(mask: np.ndarray) -> np.ndarray:
        pick = mask & in_window & on_unit & (owner >= 0)
        return np.bincount(owner[pick], minlength=n)[:n].astype(float)

    operations = count(ev["kind"] == EventKind.WAIT)
    scrap = count(ev["kind"] == Outcome.SCRAP)
    rework = count(ev["kind"] == Outcome.REWORK)

    def rate(part: float, whole: float) -> float | None:
        return part / whole if whole > 0 else None

    ids = result.layout.owners
    return {
        "operations": int(operations.sum()),
        "scrap": int(scrap.sum()),
        "rework": int(rework.sum()),
        "scrap_rate": rate(scrap.sum(), operations.sum()),
        "rework_rate": rate(rework.sum(), operations.sum()),
        "by_owner": {
            ids[i]: {"scrap_rate": rate(scrap[i], operations[i]), "rework_rate": rate(rework[i], operations[i])}
            for i in range(n)
            if operations[i] > 0
        },
    }


def trust_over_time(result: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Trust in each owner after every delivery of the run: ``(times, scores)`` with
    ``scores[i]`` (one column per owner) holding from ``times[i]``; row 0 is the start (0).

    One row per delivery and owner (100,000 x 217 floats, 170 MB, on the large network): the
    KPIs use :func:`trust_summary`, which walks the same deliveries without keeping them."""
    times = [0.0]
    rows: list[np.ndarray] = []
    for time, score in _trust_steps(result):
        if rows:
            times.append(time)
        rows.append(score.copy())
    return np.array(times), np.array(rows)


def trust_summary(result: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Per owner: trust at the end of the window and its time-average over the window.

    The step function of :func:`trust_over_time`, clipped to the window, integrated while it is
    walked: each row times its width, added in time order (the sum of its rows, term for term)."""
    start, end = result.start, result.end
    total: np.ndarray | None = None
    held = np.empty(0)
    edge = 0.0
    for step, (time, score) in enumerate(_trust_steps(result)):
        clipped = min(max(time, start), end)
        if step:  # the row before this one holds until now
            term = (clipped - edge) * held
            total = term if total is None else total + term
        edge = clipped
        held = score.copy()
    term = (end - edge) * held
    total = term if total is None else total + term
    window = result.duration
    return held, (total / window if window > 0 else held)


def _trust_steps(result: RunResult) -> Iterator[tuple[float, np.ndarray]]:
    """The start (0, initial trust), then (delivery time, trust after it) for every delivery of
    the run in time order; the array is updated in place between two steps."""
    scenario = result.scenario
    n = result.n_owners
    alpha = scenario.platform.trust_smoothing
    score = np.array([owner.trust for owner in scenario.owners], dtype=float)
    yield 0.0, score
    o = result.orders
    done = np.isfinite(o["completed"]) & (o["completed"] <= result.end)
    if not done.any():
        return
    ev = result.events
    worked = ev[(ev["kind"] == EventKind.PROCESS) & (ev["order"] >= 0) & (ev["owner"] >= 0) & (ev["owner"] < n)]
    failed = ev[np.isin(ev["kind"], (int(Outcome.SCRAP), int(Outcome.REWORK))) & (ev["order"] >= 0)]
    partners: dict[int, set[int]] = {}
    for order, owner in zip(worked["order"].tolist(), worked["owner"].tolist(), strict=True):
        partners.setdefault(order, set()).add(owner)
    failures = set(zip(failed["order"].tolist(), failed["owner"].tolist(), strict=True))
    delivered = o[done]
    delivered = delivered[np.lexsort((delivered["order"], delivered["completed"]))]
    for order, completed, due in zip(
        delivered["order"].tolist(), delivered["completed"].tolist(), delivered["due"].tolist(), strict=True
    ):
        on_time = not completed > due
        for owner in sorted(partners.get(order, ())):
            outcome = 1.0 if on_time and (order, owner) not in failures else 0.0
            score[owner] = _smoothed(float(score[owner]), alpha, outcome)
        yield completed, score


def trust_block(result: RunResult) -> dict[str, Any]:
    """Trust per owner at the end of the window and its time-average over the window."""
    end, mean = trust_summary(result)
    ids = result.layout.owners
    return {
        "by_owner": {ids[i]: float(end[i]) for i in range(len(ids))},
        "mean_by_owner": {ids[i]: float(mean[i]) for i in range(len(ids))},
    }
