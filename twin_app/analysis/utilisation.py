"""Resource states over time: how long each machine unit was busy, in setup, idle, blocked,
down or off shift, and how long the queues in front of them were.

The event log holds *intervals* that may overlap on one resource (a breakdown during an
operation pauses it; an operation can straddle the end of a shift). The state of a resource
at time t is resolved by priority: down > off_shift > setup > busy > blocked > idle. All
functions work over the run's observation window ``[start, end]`` and are vectorised: one
sort of the interval end points per resource and cumulative sums of +1/-1 (a sweep line),
so 10^6 events take well under a second.
"""

from __future__ import annotations

import numpy as np

from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind

STATES = ("busy", "setup", "idle", "blocked", "down", "off_shift")
"""Column order of every state array returned here."""

BUSY, SETUP, IDLE, BLOCKED, DOWN, OFF_SHIFT = range(6)

_LAYER_STATES = np.array([DOWN, OFF_SHIFT, SETUP, BUSY, BLOCKED], dtype=np.int8)
"""Interval layers, highest priority first, and the state each one stands for."""

_KIND_LAYER = np.full(256, -1, dtype=np.int8)
_KIND_LAYER[EventKind.DOWN] = 0
_KIND_LAYER[EventKind.OFF_SHIFT] = 1
_KIND_LAYER[EventKind.SETUP] = 2
_KIND_LAYER[EventKind.PROCESS] = 3
_KIND_LAYER[EventKind.TRANSPORT] = 3  # a vehicle is busy while it carries
_KIND_LAYER[EventKind.BLOCKED] = 4
_LAYER_KINDS = tuple(int(kind) for kind in np.flatnonzero(_KIND_LAYER >= 0))
"""The kinds of the intervals that make up the states."""


def _clipped_intervals(
    result: RunResult, kinds: tuple[EventKind, ...], limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, resource, start, end)`` of the intervals of ``kinds`` on resources below
    ``limit``, their start and end clipped to the window.

    The columns are gathered at the rows' positions (the same rows in the same order as by a
    mask over the log, which copies several times slower), and only two columns are clipped
    (:meth:`RunResult.clipped` copies whole rows out of the log)."""
    rows = result.rows_of(*kinds)
    resource = result.column("resource")[rows]
    on_resource = (resource >= 0) & (resource < limit)
    if not on_resource.all():
        rows, resource = rows[on_resource], resource[on_resource]
    lo = np.clip(result.column("start")[rows], result.start, result.end)
    hi = np.maximum(np.clip(result.column("end")[rows], result.start, result.end), lo)
    return rows, resource, lo, hi


def state_segments(result: RunResult, machines_only: bool = False) -> tuple[np.ndarray, ...]:
    """Cut each resource's time line into segments of one resolved state.

    Returns ``(resource, start, end, state)`` arrays sorted by resource, then time. Segments
    cover each resource from its first to its last clipped interval end point; the time
    outside that span (and every resource without events) is idle. Zero-length segments are
    dropped.
    """
    limit = result.n_machine_units if machines_only else result.n_resources
    rows, resource, lo, hi = _clipped_intervals(result, _LAYER_KINDS, limit)
    positive = np.flatnonzero(hi > lo)
    if len(positive) < len(rows):
        lo, hi, rows, resource = lo[positive], hi[positive], rows[positive], resource[positive]
    res = resource.astype(np.int64)
    lay = _KIND_LAYER[result.kinds()[rows]]
    del rows, positive, resource  # (not alive through the sort)
    n = len(lo)
    if n == 0:
        empty_f = np.empty(0, dtype=np.float64)
        return np.empty(0, dtype=np.int64), empty_f, empty_f.copy(), np.empty(0, dtype=np.int8)
    layers = np.flatnonzero(np.bincount(lay, minlength=len(_LAYER_STATES)))
    if len(layers) == 1:
        one_layer = _disjoint_segments(res, lo, hi, limit, _LAYER_STATES[layers[0]])
        if one_layer is not None:
            return one_layer
    times = np.concatenate([lo, hi])
    res2 = np.concatenate([res, res])
    lay2 = np.concatenate([lay, lay])
    # np.lexsort((times, res2)) as two stable sorts (the same order, ties included): by time,
    # then by resource as 16-bit integers where they fit, which numpy sorts by radix
    order = np.argsort(times, kind="stable")
    by_resource = res2[order]
    if limit <= np.iinfo(np.int16).max:
        by_resource = by_resource.astype(np.int16)
    order = order[np.argsort(by_resource, kind="stable")]
    times, lay2 = times[order], lay2[order]
    # the resources sorted, and +1 for a start (the first half), -1 for an end: not gathered
    res2 = np.repeat(np.arange(limit, dtype=np.int64), np.bincount(res, minlength=limit)[:limit] * 2)
    delta = np.where(order < n, np.int32(1), np.int32(-1))
    # Each resource's +1/-1 balance to zero, so one global cumulative sum per layer is the
    # per-resource count of open intervals of that layer.
    state = np.full(len(times), IDLE, dtype=np.int8)
    resolved = np.zeros(len(times), dtype=bool)
    present = np.bincount(lay, minlength=len(_LAYER_STATES))
    for index, layer_state in enumerate(_LAYER_STATES):
        if not present[index]:  # no interval of this layer: it resolves nothing
            continue
        # (one layer alone: every point is its own, the count is the cumulative sum itself)
        count = np.cumsum(delta if present[index] == n else np.where(lay2 == index, delta, 0))
        here = (count > 0) & ~resolved
        state[here] = layer_state
        resolved |= here
    same = res2[1:] == res2[:-1]
    seg_start = times[:-1]
    seg_end = times[1:]
    valid = np.flatnonzero(same & (seg_end > seg_start))
    return res2[valid], seg_start[valid], seg_end[valid], state[valid]


def _disjoint_segments(
    res: np.ndarray, lo: np.ndarray, hi: np.ndarray, limit: int, layer_state: int
) -> tuple[np.ndarray, ...] | None:
    """:func:`state_segments` of intervals of one layer (``layer_state``) that never overlap on a
    resource (a machine working one operation after another, no breakdown or shift), or None
    where some do. Each resource's time line is then its intervals in the log's order, each
    followed by the gap to the next: ``layer_state`` over ``[lo, hi)``, idle over ``[hi, next lo)``
    where that has a length. The sweep's segments (the same arrays), without sorting the end
    points by time (a stable sort of the intervals by resource, by radix where it fits 16 bits)."""
    by_resource = np.argsort(res.astype(np.int16) if limit <= np.iinfo(np.int16).max else res, kind="stable")
    res, lo, hi = res[by_resource], lo[by_resource], hi[by_resource]
    if not ((res[1:] != res[:-1]) | (lo[1:] >= hi[:-1])).all():
        return None  # overlapping (or out of order) on some resource: the sweep sorts them out
    res2 = np.repeat(res, 2)
    times = np.empty(len(res2))
    times[0::2], times[1::2] = lo, hi
    state = np.empty(len(res2), dtype=np.int8)
    state[0::2], state[1::2] = layer_state, IDLE
    seg_start, seg_end = times[:-1], times[1:]
    valid = np.flatnonzero((res2[1:] == res2[:-1]) & (seg_end > seg_start))
    return res2[valid], seg_start[valid], seg_end[valid], state[valid]


def machine_segments(result: RunResult, segments: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The machine units' part of ``segments`` (all resources, as :func:`state_segments`
    returns them): a prefix, since segments are sorted by resource and units come first."""
    res = segments[0]
    cut = int(np.searchsorted(res, result.n_machine_units, side="left"))
    return tuple(column[:cut] for column in segments)


def state_durations(result: RunResult, segments: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
    """Time each resource spent in each of :data:`STATES` within the window.

    Shape ``(n_resources, 6)``; each row sums to the window length (idle is what no interval
    covers). For vehicles, busy means carrying. ``segments``: :func:`state_segments` of
    ``result`` if the caller has them already (the sweep is the costly part).
    """
    n = result.n_resources
    res, start, end, state = state_segments(result) if segments is None else segments
    flat = np.bincount(res * 6 + state, weights=end - start, minlength=n * 6)[: n * 6]
    durations = flat.reshape(n, 6)
    durations[:, IDLE] = 0.0
    durations[:, IDLE] = np.maximum(result.duration - durations.sum(axis=1), 0.0)
    return durations


def owner_state_durations(result: RunResult, durations: np.ndarray | None = None) -> np.ndarray:
    """Time per owner in each state, summed over the owner's machine units: ``(n_owners, 6)``.

    ``durations``: :func:`state_durations` of ``result`` if the caller has them already."""
    m = result.n_machine_units
    durations = (state_durations(result) if durations is None else durations)[:m]
    owners = result.layout.resource_owner[:m].astype(np.int64)
    out = np.zeros((result.n_owners, 6))
    known = (owners >= 0) & (owners < result.n_owners)
    np.add.at(out, owners[known], durations[known])
    return out


def utilisation_over_time(
    result: RunResult, bins: int = 100, segments: tuple[np.ndarray, ...] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """State shares of all machine units in ``bins`` equal time bins over the window.

    Returns ``(edges, fractions)``: ``edges`` has ``bins + 1`` times, ``fractions[b, s]`` is
    the share of machine-unit time in bin b spent in state s (rows sum to 1). ``segments``:
    :func:`state_segments` of ``result`` (all resources) if the caller has them already.
    """
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    edges = np.linspace(result.start, result.end, bins + 1)
    fractions = np.zeros((bins, 6))
    units = result.n_machine_units
    width = edges[1:] - edges[:-1]
    if units == 0 or result.duration <= 0:
        fractions[:, IDLE] = 1.0
        return edges, fractions
    machine = state_segments(result, machines_only=True) if segments is None else machine_segments(result, segments)
    _, start, end, state = machine
    for s in range(6):
        if s == IDLE:
            continue
        pick = state == s
        if not pick.any():
            continue
        # Time in state s up to x is piecewise linear in x: sum over segment ends of
        # slope changes. Evaluate it at the edges and difference.
        points = np.concatenate([start[pick], end[pick]])
        slope = np.concatenate([np.ones(pick.sum()), -np.ones(pick.sum())])
        order = np.argsort(points, kind="stable")
        points, slope = points[order], slope[order]
        c_slope = np.concatenate([[0.0], np.cumsum(slope)])
        c_moment = np.concatenate([[0.0], np.cumsum(slope * points)])
        k = np.searchsorted(points, edges, side="right")
        cumulative = edges * c_slope[k] - c_moment[k]
        fractions[:, s] = np.diff(cumulative) / (units * width)
    fractions = np.clip(fractions, 0.0, 1.0)
    fractions[:, IDLE] = np.clip(1.0 - fractions.sum(axis=1), 0.0, 1.0)
    return edges, fractions


def step_function(result: RunResult, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number of intervals ``[lo, hi)`` open over the window, as a step function.

    Returns ``(times, values)`` of equal length: ``values[i]`` holds from ``times[i]`` until
    ``times[i + 1]`` (the last one until the window end); ``times[0]`` is the window start.
    Intervals are clipped to the window first.
    """
    lo = np.clip(lo, result.start, result.end)
    hi = np.clip(hi, result.start, result.end)
    keep = hi > lo
    lo, hi = lo[keep], hi[keep]
    times = np.concatenate([lo, hi])
    order = np.argsort(times, kind="stable")
    times = times[order]
    count = np.cumsum(np.where(order < len(lo), np.int64(1), np.int64(-1)))
    # the distinct times (the first of each run of equal ones, as unique_sorted keeps) and the
    # count after the last of each run (no NaN: the clipped intervals kept are not empty)
    first = np.ones(len(times), dtype=bool)
    first[1:] = times[1:] != times[:-1]
    last = np.ones(len(times), dtype=bool)
    last[:-1] = first[1:]
    unique_times, values = times[first], count[last]
    inside = unique_times < result.end
    unique_times, values = unique_times[inside], values[inside]
    if len(unique_times) == 0 or unique_times[0] > result.start:
        unique_times = np.concatenate([[result.start], unique_times])
        values = np.concatenate([[0], values])
    return unique_times.astype(np.float64), values.astype(np.int64)


def queue_length_over_time(result: RunResult, resource: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Operations waiting for ``resource`` (None: for any machine unit) over the window.

    Built from WAIT intervals; see :func:`step_function` for the (times, lengths) format.
    """
    ev = result.events
    pick = ev["kind"] == EventKind.WAIT
    pick &= result.machine_mask() if resource is None else ev["resource"] == resource
    return step_function(result, ev["start"][pick], ev["end"][pick])


def mean_queue_length(result: RunResult) -> np.ndarray:
    """Time-average number of operations waiting for each resource over the window."""
    n = result.n_resources
    _rows, resource, lo, hi = _clipped_intervals(result, (EventKind.WAIT,), n)
    total = np.bincount(resource, weights=hi - lo, minlength=n)[:n]
    if result.duration <= 0:
        return np.zeros(n)
    return total / result.duration
