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

from twin_app.analysis.arrays import take_rows, unique_sorted
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind, Outcome


def _smoothed(trust: float, alpha: float, outcome: float) -> float:
    return (1.0 - alpha) * trust + alpha * outcome  # the engine's expression (sim/trust.py)


def quality_block(result: RunResult) -> dict[str, Any]:
    """Operations, scrap and rework (counts and rates) in the window, and per owner."""
    n = result.n_owners
    unit_owner = result.layout.resource_owner[: result.n_machine_units].astype(np.int64)

    def count(kind: int) -> np.ndarray:
        # the records of one kind (their columns gathered at their positions, not masked out
        # of the whole log) that end in the window on a machine unit with an owner
        rows = result.rows_of(kind)
        res, ends = result.column("resource")[rows], result.column("end")[rows]
        pick = (ends >= result.start) & (ends <= result.end) & (res >= 0) & (res < len(unit_owner))
        owner = unit_owner[res[pick]]
        return np.bincount(owner[owner >= 0], minlength=n)[:n].astype(float)

    operations = count(EventKind.WAIT)
    scrap = count(Outcome.SCRAP)
    rework = count(Outcome.REWORK)

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

    The step function of :func:`trust_over_time`, clipped to the window and integrated: each
    row times its width, added in time order (the sum of its rows, term for term). Worked out
    owner by owner, since an owner's trust changes only at the deliveries it worked on: its
    column of that step function is its scores repeated over the steps they hold, and
    ``numpy.add.accumulate`` adds the terms one after another as a loop over the rows would
    (the same floats), without a row per delivery and owner."""
    start, end = result.start, result.end
    initial, alpha, times, steps, owners, outcomes = _trust_updates(result)
    edges = np.minimum(np.maximum(np.concatenate(([0.0], times)), start), end)
    widths = np.diff(np.append(edges, end))  # step k holds from its edge to the next one's
    held = initial.copy()
    total = widths[0] * initial if len(widths) == 1 else np.empty(len(initial))
    order = np.argsort(owners * (len(widths) + 1) + steps)  # (by owner, then step: distinct pairs)
    # (alpha x outcome worked out for all at once: the same products as one by one)
    owners, steps, added = owners[order].tolist(), steps[order], (alpha * outcomes[order]).tolist()
    bounds = np.searchsorted(owners, np.arange(len(initial) + 1)).tolist() if owners else [0] * (len(initial) + 1)
    kept = 1.0 - alpha  # (_smoothed's expression, inlined: one call per delivery was a third of this)
    for owner in range(len(initial)) if len(widths) > 1 else ():
        first, last = bounds[owner], bounds[owner + 1]
        score = float(initial[owner])
        scores = [score]
        append = scores.append
        for add in added[first:last]:
            score = kept * score + add
            append(score)
        spans = np.diff(np.concatenate(([0], steps[first:last], [len(widths)])))
        total[owner] = np.add.accumulate(widths * np.repeat(scores, spans))[-1]
        held[owner] = scores[-1]
    window = result.duration
    return held, (total / window if window > 0 else held)


def trust_band(result: RunResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The network's trust over the run, for a chart: ``(times, mean, lowest, lowest_owner)``.

    ``mean[i]`` and ``lowest[i]`` are the mean over the owners and the lowest owner's trust
    from ``times[i]`` on: row 0 is the start (0), then one row per delivery that changed either
    (the step function of :func:`trust_over_time` reduced over the owners, exact to rounding).
    ``lowest_owner`` is the index of the owner lowest at the end (ties: the first id). Kept as
    two running figures, not a row per delivery and owner: the large network's 100,000
    deliveries x 217 owners would be 170 MB."""
    score, alpha, times, steps, owners, outcomes = _trust_updates(result)
    n = len(score)
    if n == 0:
        return np.zeros(1), np.ones(1), np.ones(1), -1
    total, low = float(score.sum()), float(score.min())
    out_t, out_mean, out_low = [0.0], [total / n], [low]
    updates = zip(steps.tolist(), owners.tolist(), outcomes.tolist(), strict=True)
    update = next(updates, None)
    for step, time in enumerate(times.tolist(), 1):
        changed = False
        while update is not None and update[0] == step:
            owner = update[1]
            old = float(score[owner])
            new = _smoothed(old, alpha, update[2])
            score[owner] = new
            update = next(updates, None)
            if new == old:
                continue
            changed = True
            total += new - old
            if new < low:
                low = new
            elif old == low:  # the lowest owner rose: another may be lowest now
                low = float(score.min())
        if changed:
            out_t.append(time)
            out_mean.append(total / n)
            out_low.append(low)
    ids = result.layout.owners
    lowest_owner = min(range(n), key=lambda i: (float(score[i]), ids[i]))
    return np.array(out_t), np.array(out_mean), np.array(out_low), lowest_owner


def _trust_steps(result: RunResult) -> Iterator[tuple[float, np.ndarray]]:
    """The start (0, initial trust), then (delivery time, trust after it) for every delivery of
    the run in time order; the array is updated in place between two steps."""
    score, alpha, times, steps, owners, outcomes = _trust_updates(result)
    yield 0.0, score
    updates = zip(steps.tolist(), owners.tolist(), outcomes.tolist(), strict=True)
    update = next(updates, None)
    for step, time in enumerate(times.tolist(), 1):
        while update is not None and update[0] == step:
            owner = update[1]
            score[owner] = _smoothed(float(score[owner]), alpha, update[2])
            update = next(updates, None)
        yield time, score


def _trust_updates(
    result: RunResult,
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What trust is rebuilt from: ``(initial, alpha, times, steps, owners, outcomes)``.

    ``times``: the deliveries of the run in time order (orders delivered at the same time in
    order id order); delivery ``k`` (from 1) updates, in owner order, each owner whose machines
    worked on that order: ``steps`` holds ``k``, ``owners`` the owner and ``outcomes`` 1.0 or
    0.0 (on time and none of its operations on the order failed inspection), sorted by step,
    then owner."""
    scenario = result.scenario
    n = result.n_owners
    initial = np.array([owner.trust for owner in scenario.owners], dtype=float)
    alpha = scenario.platform.trust_smoothing
    o = result.orders
    done = np.isfinite(o["completed"]) & (o["completed"] <= result.end)
    delivered = take_rows(o, done)

    def pairs_of(*kinds: int) -> np.ndarray:
        """The (order, owner) keys of the records of ``kinds`` that name both (their columns
        gathered at their positions: a row of the log is 61 bytes, and two fields are read)."""
        rows = result.rows_of(*kinds)
        order_id = result.column("order")[rows].astype(np.int64)
        owner = result.column("owner")[rows].astype(np.int64)
        of_owner = (order_id >= 0) & (owner >= 0) & (owner < n)
        if not of_owner.all():
            order_id, owner = order_id[of_owner], owner[of_owner]
        return order_id * n + owner

    pairs = unique_sorted(pairs_of(EventKind.PROCESS))
    ids = delivered["order"].astype(np.int64)
    if (ids[1:] > ids[:-1]).all():  # one record per order, by id (as the collector keeps them)
        # the deliveries in time order, those at one time in id order: a stable sort by time
        by_time = np.argsort(delivered["completed"], kind="stable")
        step_of = np.empty(len(ids), dtype=np.int64)
        step_of[by_time] = np.arange(len(ids))
        by_id = np.arange(len(ids))
    else:
        by_time = np.lexsort((ids, delivered["completed"]))
        ids = ids[by_time]
        by_id = np.argsort(ids, kind="stable")
        step_of = np.arange(len(ids))
    delivered = take_rows(delivered, by_time)
    at = np.minimum(np.searchsorted(ids[by_id], pairs // n), max(len(ids) - 1, 0))
    known = ids[by_id][at] == pairs // n if len(ids) else np.zeros(len(pairs), dtype=bool)
    pairs, row = pairs[known], step_of[by_id[at[known]]]
    failures = pairs_of(Outcome.SCRAP, Outcome.REWORK)
    on_time = ~(delivered["completed"][row] > delivered["due"][row])
    outcomes = (on_time & ~np.isin(pairs, failures)).astype(float)
    steps, owners = row + 1, pairs % n
    order = np.argsort(steps * n + owners)  # (by step, then owner: the pairs are distinct)
    return initial, alpha, delivered["completed"], steps[order], owners[order], outcomes[order]


def trust_block(result: RunResult) -> dict[str, Any]:
    """Trust per owner at the end of the window and its time-average over the window."""
    end, mean = trust_summary(result)
    ids = result.layout.owners
    return {
        "by_owner": {ids[i]: float(end[i]) for i in range(len(ids))},
        "mean_by_owner": {ids[i]: float(mean[i]) for i in range(len(ids))},
    }
