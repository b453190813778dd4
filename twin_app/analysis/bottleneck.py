"""Bottleneck detection by the active period method (Roser, Nakano & Tanaka, 2001/2002).

A machine unit is *active* while it works, changes over or is down for repair; it is
*inactive* while it waits for work (idle, starved), waits to pass work on (blocked) or is
off shift. A *lane* is active while none of its vehicles is free (every one of them on the
road, loaded or back empty): parts that come then must wait for a vehicle, as work waits for
a busy machine. Lanes compete with machines for the bottleneck; a lane's periods are kept
under its first vehicle's resource index (:func:`lane_of_resource` names it). Uninterrupted
active time forms *active periods*. The resource with the longer average active period
constrains the system more (the average active period ranking).

Over time: at any moment the *momentary bottleneck* is the machine whose current active
period is the longest (a period's whole length, not the part elapsed). Where the active
period of the current bottleneck overlaps that of the previous or next bottleneck, the
bottleneck is *shifting*, and both machines count as shifting bottlenecks for the overlap;
the rest of a bottleneck's reign is *sole* bottleneck time. The shares of the window a
machine is sole or shifting bottleneck rank the bottlenecks; unlike utilisation, this tells
which machine's improvement would raise throughput.

Ties between equally long periods go to the one that started first (the incumbent stays the
bottleneck), then to the lower resource index. Everything here is vectorised: active periods
come from the state sweep of :mod:`~twin_app.analysis.utilisation`, and the longest period
covering each moment is found with a range-maximum assignment over a sparse table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.arrays import unique_sorted
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import BUSY, DOWN, SETUP, state_segments


@dataclass(frozen=True)
class BottleneckAnalysis:
    """Active periods, the momentary-bottleneck strip and the per-resource shares."""

    resources: np.ndarray
    """Resource indices (machine units, then vehicles), the rows of the per-resource arrays."""
    mean_active_period: np.ndarray
    """Average length of each resource's active periods in the window (0: never active)."""
    sole_share: np.ndarray
    """Share of the window each resource was the sole bottleneck."""
    shifting_share: np.ndarray
    """Share of the window each resource was a shifting bottleneck."""
    strip_start: np.ndarray
    strip_end: np.ndarray
    strip_resource: np.ndarray
    """Momentary bottleneck of each strip piece (no piece where no machine is active)."""
    strip_shifting: np.ndarray
    """True where the piece is a shift between two bottlenecks."""
    period_resource: np.ndarray
    period_start: np.ndarray
    period_end: np.ndarray
    """All active periods (clipped to the window), sorted by resource then start."""
    start: float
    end: float


def active_periods(
    result: RunResult, segments: tuple[np.ndarray, ...] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal uninterrupted active intervals of every resource: ``(resource, start, end)``.

    ``segments``: :func:`~twin_app.analysis.utilisation.state_segments` of ``result`` (all
    resources) if the caller has them already."""
    res, start, end, state = state_segments(result) if segments is None else segments
    machine = res < result.n_machine_units
    active = np.flatnonzero(machine & ((state == BUSY) | (state == SETUP) | (state == DOWN)))
    if machine.all():  # (no vehicle: no lane to look at)
        lane_res, lane_start, lane_end = _lanes_full(result, res[:0], start[:0], end[:0], state[:0])
    else:
        vehicle = ~machine
        lane_res, lane_start, lane_end = _lanes_full(result, res[vehicle], start[vehicle], end[vehicle], state[vehicle])
    res = np.concatenate([res[active], lane_res])
    start = np.concatenate([start[active], lane_start])
    end = np.concatenate([end[active], lane_end])
    if len(res) == 0:
        return res, start, end
    step_res, step_start = res[1:] != res[:-1], start[1:] >= start[:-1]
    if not ((res[1:] >= res[:-1]) & (step_res | step_start)).all():  # (state_segments' order: already sorted)
        order = np.lexsort((start, res))
        res, start, end = res[order], start[order], end[order]
    first = np.ones(len(res), dtype=bool)
    first[1:] = (res[1:] != res[:-1]) | (start[1:] != end[:-1])
    last = np.ones(len(res), dtype=bool)
    last[:-1] = first[1:]
    return res[first], start[first], end[last]


def _lanes_full(
    result: RunResult, res: np.ndarray, start: np.ndarray, end: np.ndarray, state: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The intervals during which every vehicle of a lane is on the road, as periods of the
    lane's first vehicle: ``(resource, start, end)``, sorted by resource then start."""
    layout = result.layout
    busy = state == BUSY
    res, start, end = res[busy], start[busy], end[busy]
    lanes = result.scenario.lanes
    if len(res) == 0 or not lanes:
        empty = np.empty(0, dtype=np.float64)
        return np.empty(0, dtype=np.int64), empty, empty.copy()
    resource_lane = np.array([r.lane for r in layout.resources], dtype=np.int64)
    first_vehicle = np.zeros(len(lanes), dtype=np.int64)
    for index in range(len(layout.resources) - 1, result.n_machine_units - 1, -1):
        first_vehicle[resource_lane[index]] = index
    fleet = np.array([lane.vehicles for lane in lanes], dtype=np.int64)
    lane = resource_lane[res]
    # Sweep per lane: +1 where a vehicle's busy segment starts, -1 where it ends; at one
    # instant starts go first, so back-to-back legs never show a free vehicle for no time.
    times = np.concatenate([start, end])
    step = np.concatenate([np.ones(len(res), dtype=np.int64), -np.ones(len(res), dtype=np.int64)])
    lane2 = np.concatenate([lane, lane])
    order = np.lexsort((-step, times, lane2))
    times, step, lane2 = times[order], step[order], lane2[order]
    count = np.cumsum(step)  # each lane's steps sum to 0, so this is the per-lane count
    full = count >= fleet[lane2]
    # A full stretch runs from a point where the count reaches the fleet to the next point.
    nxt = np.append(times[1:], times[-1])
    same_lane = np.append(lane2[1:] == lane2[:-1], False)
    keep = full & same_lane & (nxt > times)
    return first_vehicle[lane2[keep]], times[keep], nxt[keep]


def _distinct_times(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values of ``start`` and ``end`` (sorted), and each one's index among them:
    ``(times, searchsorted(times, start), searchsorted(times, end))``, from one sort of both
    (a search per period into the times is twice the time)."""
    both = np.concatenate([start, end])
    order = np.argsort(both, kind="stable")
    ordered = both[order]
    if len(ordered) and np.isnan(ordered[-1]):  # (NaN: the searches' own rules)
        times = unique_sorted(both)
        return times, np.searchsorted(times, start), np.searchsorted(times, end)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    index = np.empty(len(ordered), dtype=np.int64)
    index[order] = np.cumsum(new) - 1
    return ordered[new], index[: len(start)], index[len(start) :]


def _range_max(n_cells: int, lo: np.ndarray, hi: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each cell c in [0, n_cells), the max ``value`` over ranges ``[lo, hi)`` holding c
    (-1 where none does). Each range is covered by two blocks of a power-of-two length,
    written into that level of a sparse table, and the levels are pushed down to cells."""
    length = hi - lo
    level = np.floor(np.log2(length)).astype(np.int64)
    level[(np.int64(1) << level) > length] -= 1
    level[(np.int64(1) << (level + 1)) <= length] += 1
    current: np.ndarray | None = None
    for k in range(int(level.max()), -1, -1):
        table = np.full(n_cells, -1, dtype=np.int64)
        size = 1 << k
        if current is not None:
            np.maximum(table, current, out=table)
            if size < n_cells:
                np.maximum(table[size:], current[:-size], out=table[size:])
        pick = level == k
        if pick.any():
            np.maximum.at(table, lo[pick], value[pick])
            np.maximum.at(table, hi[pick] - size, value[pick])
        current = table
    assert current is not None
    return current


def analyse_bottlenecks(result: RunResult, segments: tuple[np.ndarray, ...] | None = None) -> BottleneckAnalysis:
    """Run the active period method over the window of ``result`` (``segments`` as for
    :func:`active_periods`)."""
    m = result.n_resources
    window = result.duration
    resources = np.arange(m, dtype=np.int64)
    p_res, p_start, p_end = active_periods(result, segments)
    p_len = p_end - p_start
    counts = np.bincount(p_res, minlength=m)[:m]
    totals = np.bincount(p_res, weights=p_len, minlength=m)[:m]
    mean_active = np.divide(totals, counts, out=np.zeros(m), where=counts > 0)
    sole = np.zeros(m)
    shifting = np.zeros(m)
    empty_f = np.empty(0, dtype=np.float64)
    empty_i = np.empty(0, dtype=np.int64)
    if len(p_res) == 0 or window <= 0:
        return BottleneckAnalysis(
            resources, mean_active, sole, shifting, empty_f, empty_f, empty_i, np.empty(0, dtype=bool),
            p_res, p_start, p_end, result.start, result.end,
        )  # fmt: skip

    # Momentary bottleneck per elementary segment between period end points.
    times, lo, hi = _distinct_times(p_start, p_end)
    n_seg = len(times) - 1
    # longest, then earliest, then lowest id: np.lexsort((p_res, p_start, -p_len)) as two stable
    # sorts of the periods, which come sorted by resource, then start (the same permutation)
    best_first = np.argsort(p_start, kind="stable")
    best_first = best_first[np.argsort(-p_len[best_first], kind="stable")]
    rank = np.empty(len(p_res), dtype=np.int64)
    rank[best_first] = np.arange(len(p_res) - 1, -1, -1)
    seg_rank = _range_max(n_seg, lo, hi, rank)
    seg_period = np.where(seg_rank >= 0, best_first[len(p_res) - 1 - np.maximum(seg_rank, 0)], -1)

    # Reigns: maximal runs of segments with the same bottleneck period.
    change = np.ones(n_seg, dtype=bool)
    change[1:] = seg_period[1:] != seg_period[:-1]
    first = np.flatnonzero(change)
    reign_period = seg_period[first]
    reign_a = times[first]
    reign_b = times[np.append(first[1:], n_seg)]
    keep = reign_period >= 0
    reign_period, reign_a, reign_b = reign_period[keep], reign_a[keep], reign_b[keep]
    n = len(reign_period)
    ps, pe, who = p_start[reign_period], p_end[reign_period], p_res[reign_period]

    # Overlap of each reign's period with the next reign's period, within the two reigns.
    adjacent = reign_b[:-1] == reign_a[1:]
    o_lo = np.maximum(np.maximum(ps[:-1], ps[1:]), reign_a[:-1])
    o_hi = np.minimum(np.minimum(pe[:-1], pe[1:]), reign_b[1:])
    overlap = adjacent & (o_hi > o_lo)
    left_end = reign_a.copy()
    left_end[1:] = np.where(overlap, np.clip(o_hi, reign_a[1:], reign_b[1:]), reign_a[1:])
    right_start = reign_b.copy()
    right_start[:-1] = np.where(overlap, np.clip(o_lo, left_end[:-1], reign_b[:-1]), reign_b[:-1])
    left_len = left_end - reign_a
    right_len = reign_b - right_start
    sole_len = right_start - left_end

    credit = left_len + right_len
    credit[1:] += right_len[:-1] * overlap  # the previous bottleneck's side of our shift
    credit[:-1] += left_len[1:] * overlap  # the next bottleneck's side of our shift
    sole = np.bincount(who, weights=sole_len, minlength=m)[:m] / window
    shifting = np.bincount(who, weights=credit, minlength=m)[:m] / window

    # The strip: each reign as up to three pieces, shifting / sole / shifting.
    piece_start = np.stack([reign_a, left_end, right_start], axis=1).ravel()
    piece_end = np.stack([left_end, right_start, reign_b], axis=1).ravel()
    piece_res = np.repeat(who, 3)
    piece_shift = np.tile(np.array([True, False, True]), n)
    nonempty = piece_end > piece_start
    return BottleneckAnalysis(
        resources=resources,
        mean_active_period=mean_active,
        sole_share=sole,
        shifting_share=shifting,
        strip_start=piece_start[nonempty],
        strip_end=piece_end[nonempty],
        strip_resource=piece_res[nonempty],
        strip_shifting=piece_shift[nonempty],
        period_resource=p_res,
        period_start=p_start,
        period_end=p_end,
        start=result.start,
        end=result.end,
    )


def lane_of_resource(result: RunResult) -> dict[int, str]:
    """The resource index that stands for each lane in the analysis (its first vehicle),
    mapped to the lane's id: how rankings name lanes."""
    return {
        index: result.scenario.lanes[resource.lane].id
        for index, resource in enumerate(result.layout.resources)
        if resource.kind == "vehicle" and resource.unit == 0
    }


def ranking(analysis: BottleneckAnalysis) -> list[tuple[int, float, float]]:
    """``(resource, sole share, shifting share)`` per resource, strongest bottleneck first.

    Sorted by sole + shifting share descending; ties by longer mean active period, then by
    resource index.
    """
    total = analysis.sole_share + analysis.shifting_share
    order = np.lexsort((analysis.resources, -analysis.mean_active_period, -total))
    return [
        (int(analysis.resources[i]), float(analysis.sole_share[i]), float(analysis.shifting_share[i])) for i in order
    ]
