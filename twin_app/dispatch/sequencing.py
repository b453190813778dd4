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
ones that decide identically. Each rule is one
:class:`~twin_app.dispatch.rules.SequencingRule` in :data:`RULES`.
"""

from __future__ import annotations

import math

import numpy as np

from twin_app.dispatch.rules import Registry, SequencingRule

NUMPY_FROM = 32
"""Waiting operations from which numpy scoring beats the loop (measured: 24 for atc, 32 for cr)."""


def _fdd_mwkr(ready: float, processing: float, due: float, remaining: float, operations: int, done: float) -> float:
    return (done + processing) / remaining if remaining > 0 else 0.0


def _cr_numpy(
    now: float, processing: np.ndarray, due: np.ndarray, remaining: np.ndarray, mean_p: float, atc_k: float
) -> np.ndarray:
    return (due - now) / np.maximum(remaining, 1e-12)


def _cr_loop(
    now: float, processing: list[float], due: list[float], remaining: list[float], mean_p: float, atc_k: float
) -> list[float]:
    return [(d - now) / max(w, 1e-12) for d, w in zip(due, remaining, strict=True)]


def _atc_numpy(
    now: float, processing: np.ndarray, due: np.ndarray, remaining: np.ndarray, mean_p: float, atc_k: float
) -> np.ndarray:
    p = np.maximum(processing, 1e-12)
    slack = np.maximum(due - processing - now, 0.0)
    return -(np.exp(-slack / (atc_k * max(mean_p, 1e-12))) / p)


def _atc_loop(
    now: float, processing: list[float], due: list[float], remaining: list[float], mean_p: float, atc_k: float
) -> list[float]:
    scale = atc_k * max(mean_p, 1e-12)
    return [-(math.exp(-max(d - p - now, 0.0) / scale) / max(p, 1e-12)) for p, d in zip(processing, due, strict=True)]


RULES: Registry[SequencingRule] = Registry("sequencing")
"""Every sequencing rule, by name (in the order the CLI and the docs list them)."""

RULES.add(SequencingRule("fifo", dynamic=False, key=lambda r, p, d, w, n, x: r, ready_key=True))
RULES.add(SequencingRule("spt", dynamic=False, key=lambda r, p, d, w, n, x: p, needs_processing=True, ranks_pairs=True))
RULES.add(SequencingRule("edd", dynamic=False, key=lambda r, p, d, w, n, x: d, due_key=True))
RULES.add(SequencingRule("mwkr", dynamic=False, key=lambda r, p, d, w, n, x: -w))
RULES.add(SequencingRule("mopnr", dynamic=False, key=lambda r, p, d, w, n, x: float(-n)))
RULES.add(SequencingRule("fdd_mwkr", dynamic=False, key=_fdd_mwkr, needs_processing=True))
RULES.add(SequencingRule("cr", dynamic=True, numpy=_cr_numpy, loop=_cr_loop))
RULES.add(SequencingRule("atc", dynamic=True, numpy=_atc_numpy, loop=_atc_loop))

STATIC_RULES = tuple(rule.name for rule in RULES.rules() if not rule.dynamic)
DYNAMIC_RULES = tuple(rule.name for rule in RULES.rules() if rule.dynamic)


def _rule(name: str, dynamic: bool) -> SequencingRule:
    rule = RULES.get(name)
    if rule is None or rule.dynamic != dynamic:
        raise ValueError(f"unknown {'dynamic' if dynamic else 'static'} sequencing rule {name!r}")
    return rule


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
    key = _rule(rule, dynamic=False).key
    return key(ready, processing, due, remaining_work, remaining_operations, done_work)  # type: ignore[misc]


def dynamic_score(
    rule: str, now: float, processing: float, due: float, remaining_work: float, mean_processing: float, atc_k: float
) -> float:
    """The score a dynamic rule gives one operation (smaller goes first), to compare queues."""
    loop = _rule(rule, dynamic=True).loop
    return loop(now, [processing], [due], [remaining_work], mean_processing, atc_k)[0]  # type: ignore[misc]


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
    numpy = _rule(rule, dynamic=True).numpy
    score = numpy(now, processing, due, remaining_work, float(processing.mean()), atc_k)  # type: ignore[misc]
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
    loop = _rule(rule, dynamic=True).loop
    mean_p = float(processing.mean())
    scores = loop(now, processing.tolist(), due.tolist(), remaining_work.tolist(), mean_p, atc_k)  # type: ignore[misc]
    jobs = job_index.tolist()
    best = 0
    for index in range(1, len(scores)):
        if scores[index] < scores[best] or (scores[index] == scores[best] and jobs[index] < jobs[best]):
            best = index
    return best
