"""Sequencing: which waiting operation a machine (or the pooled queue) takes next.

Static rules give each waiting operation a key when it starts waiting; the smallest key goes
first and ties go to the lowest job index (the order jobs were created in, i.e. file order
for an order book):

- ``fifo``: the time the operation became ready (entered the queue);
- ``spt``: its expected processing time;
- ``edd``: its order's due date;
- ``mwkr``: most work remaining in the job, this operation included;
- ``mopnr``: most operations remaining, this one included;
- ``fdd_mwkr``: (work done + this operation) / (work remaining including it).

Dynamic rules depend on the clock and are scored when the choice is made:

- ``cr`` (critical ratio): (due - now) / remaining work, smallest first;
- ``atc`` (apparent tardiness cost): exp(-max(due - p - now, 0) / (k * mean p)) / p, largest first.

Like assignment, dynamic scoring has a plain loop for short queues and a numpy path for long
ones that decide identically.
"""

from __future__ import annotations

import math

import numpy as np

STATIC_RULES = ("fifo", "spt", "edd", "mwkr", "mopnr", "fdd_mwkr")
DYNAMIC_RULES = ("cr", "atc")
NUMPY_FROM = 32
"""Waiting operations from which numpy scoring beats the loop (measured: 24 for atc, 32 for cr)."""


def static_key(
    rule: str,
    ready: float,
    processing: float,
    due: float,
    remaining_work: float,
    remaining_operations: int,
    done_work: float,
) -> float:
    """The sort key of a waiting operation under a static rule (smaller goes first)."""
    if rule == "fifo":
        return ready
    if rule == "spt":
        return processing
    if rule == "edd":
        return due
    if rule == "mwkr":
        return -remaining_work
    if rule == "mopnr":
        return float(-remaining_operations)
    if rule == "fdd_mwkr":
        return (done_work + processing) / remaining_work if remaining_work > 0 else 0.0
    raise ValueError(f"unknown static sequencing rule {rule!r}")


def dynamic_score(
    rule: str, now: float, processing: float, due: float, remaining_work: float, mean_processing: float, atc_k: float
) -> float:
    """The score a dynamic rule gives one operation (smaller goes first), to compare queues."""
    if rule == "cr":
        return (due - now) / max(remaining_work, 1e-12)
    if rule == "atc":
        slack = max(due - processing - now, 0.0)
        return -(math.exp(-slack / (atc_k * max(mean_processing, 1e-12))) / max(processing, 1e-12))
    raise ValueError(f"unknown dynamic sequencing rule {rule!r}")


def pick_dynamic(
    rule: str,
    now: float,
    processing: np.ndarray,
    due: np.ndarray,
    remaining_work: np.ndarray,
    job_index: np.ndarray,
    atc_k: float = 2.0,
) -> int:
    """Index of the waiting operation a dynamic rule takes; ties go to the lowest job index."""
    if len(processing) >= NUMPY_FROM:
        return pick_dynamic_numpy(rule, now, processing, due, remaining_work, job_index, atc_k)
    return pick_dynamic_loop(rule, now, processing, due, remaining_work, job_index, atc_k)


def pick_dynamic_numpy(
    rule: str,
    now: float,
    processing: np.ndarray,
    due: np.ndarray,
    remaining_work: np.ndarray,
    job_index: np.ndarray,
    atc_k: float = 2.0,
) -> int:
    if rule == "cr":
        score = (due - now) / np.maximum(remaining_work, 1e-12)
    elif rule == "atc":
        mean_p = float(processing.mean())
        p = np.maximum(processing, 1e-12)
        slack = np.maximum(due - processing - now, 0.0)
        score = -(np.exp(-slack / (atc_k * max(mean_p, 1e-12))) / p)
    else:
        raise ValueError(f"unknown dynamic sequencing rule {rule!r}")
    tied = np.flatnonzero(score == score.min())
    return int(tied[np.argmin(job_index[tied])])


def pick_dynamic_loop(
    rule: str,
    now: float,
    processing: np.ndarray,
    due: np.ndarray,
    remaining_work: np.ndarray,
    job_index: np.ndarray,
    atc_k: float = 2.0,
) -> int:
    p_list = processing.tolist()
    due_list = due.tolist()
    jobs = job_index.tolist()
    if rule == "cr":
        scores = [(d - now) / max(w, 1e-12) for d, w in zip(due_list, remaining_work.tolist(), strict=True)]
    elif rule == "atc":
        mean_p = float(processing.mean())
        scale = atc_k * max(mean_p, 1e-12)
        scores = [
            -(math.exp(-max(d - p - now, 0.0) / scale) / max(p, 1e-12)) for p, d in zip(p_list, due_list, strict=True)
        ]
    else:
        raise ValueError(f"unknown dynamic sequencing rule {rule!r}")
    best = 0
    for index in range(1, len(scores)):
        if scores[index] < scores[best] or (scores[index] == scores[best] and jobs[index] < jobs[best]):
            best = index
    return best
