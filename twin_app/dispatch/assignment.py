"""Assignment: which capable machine gets an operation.

The platform scores every candidate machine and takes the lowest score; ties go to the
first candidate in the order given (the engine gives them in scenario order), so decisions
are reproducible. Scores per rule:

- ``earliest_completion``: when the operation would be done there, counting the transport
  of the part to the machine and the work already running or queued on it.
- ``fastest``: the expected processing (plus changeover) time alone.
- ``cheapest``: running cost of the processing plus transport cost of getting there.
- ``least_loaded``: the work already running or queued there.
- ``weighted``: a weighted sum of the above, each divided by its largest value over the
  candidates, plus unreliability (1 - availability).
- ``random``: a uniformly random candidate (for the benchmark rules that break ties at random).

Candidate counts range from 1 (a job shop) to thousands (a large network). Numpy has a fixed
cost of a few microseconds a call, a plain loop ~0.1 us per candidate; :func:`choose` takes
the loop below a measured per-rule threshold (:func:`numpy_from`) and numpy above, and both
decide identically
(the same float operations in the same order; a property test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NUMPY_FROM_BY_RULE = {"earliest_completion": 8, "weighted": 20, "least_loaded": 32, "fastest": 40, "cheapest": 40}
"""Candidate count from which numpy beats the loop, per rule, as ``twin-app bench dispatch``
measured it on this kind of machine (the cheaper a rule's loop, the later numpy pays off)."""
NUMPY_FROM = min(NUMPY_FROM_BY_RULE.values())
"""The smallest of those thresholds (below it every rule takes the loop)."""


def numpy_from(rule: str) -> int:
    """Candidate count from which :func:`choose` takes the numpy path for ``rule``."""
    return NUMPY_FROM_BY_RULE.get(rule, NUMPY_FROM)


RULES = ("earliest_completion", "fastest", "cheapest", "least_loaded", "random", "weighted")


@dataclass(frozen=True, slots=True)
class Weights:
    completion: float = 1.0
    cost: float = 0.0
    load: float = 0.0
    reliability: float = 0.0


@dataclass(slots=True)
class Candidates:
    """Everything the score needs about each candidate machine, as parallel arrays.

    ``ready`` is when the machine could start new work (now, or later when busy/queued);
    ``arrival`` is when the part could be there (now + transit); ``work`` the expected
    processing plus changeover time there; ``cost`` its money cost (running + transport);
    ``unreliability`` the long-run fraction of time the machine is down.
    """

    ready: np.ndarray
    arrival: np.ndarray
    work: np.ndarray
    cost: np.ndarray
    unreliability: np.ndarray

    def __len__(self) -> int:
        return len(self.work)


def choose(
    rule: str,
    now: float,
    candidates: Candidates,
    weights: Weights = Weights(),
    rng: np.random.Generator | None = None,
) -> int:
    """Index (into the candidate arrays) of the machine ``rule`` picks."""
    count = candidates.work.shape[0]  # (not len(): this sits on the hot path)
    if rule == "random":
        if count == 1:
            return 0
        if rng is None:
            raise ValueError("the 'random' rule needs a random generator")
        return int(rng.integers(count))
    if count >= NUMPY_FROM and count >= NUMPY_FROM_BY_RULE.get(rule, NUMPY_FROM):
        return choose_numpy(rule, now, candidates, weights)
    if count == 1:
        return 0
    return choose_loop(rule, now, candidates, weights)


def choose_numpy(rule: str, now: float, c: Candidates, weights: Weights = Weights()) -> int:
    """The vectorised path: one pass of array operations and an argmin (first minimum)."""
    if rule == "earliest_completion":
        score = np.maximum(c.arrival, c.ready) + c.work
    elif rule == "fastest":
        score = c.work
    elif rule == "cheapest":
        score = c.cost
    elif rule == "least_loaded":
        score = c.ready - now
    elif rule == "weighted":
        completion = np.maximum(c.arrival, c.ready) + c.work - now
        load = c.ready - now
        score = (
            weights.completion * _scaled(completion)
            + weights.cost * _scaled(c.cost)
            + weights.load * _scaled(load)
            + weights.reliability * c.unreliability
        )
    else:
        raise ValueError(f"unknown assignment rule {rule!r}")
    return int(np.argmin(score))


def _scaled(values: np.ndarray) -> np.ndarray:
    top = float(values.max())
    return values / top if top > 0 else values * 0.0


def choose_loop(rule: str, now: float, c: Candidates, weights: Weights = Weights()) -> int:
    """The plain-Python path: the same arithmetic, element by element (first minimum wins)."""
    if rule == "earliest_completion":
        scores = [max(a, r) + w for a, r, w in zip(c.arrival.tolist(), c.ready.tolist(), c.work.tolist())]  # noqa: B905
    elif rule == "fastest":
        scores = c.work.tolist()
    elif rule == "cheapest":
        scores = c.cost.tolist()
    elif rule == "least_loaded":
        scores = [r - now for r in c.ready.tolist()]
    elif rule == "weighted":
        ready, arrival, work = c.ready.tolist(), c.arrival.tolist(), c.work.tolist()
        completion = _scaled_list([max(a, r) + w - now for a, r, w in zip(arrival, ready, work, strict=True)])
        cost = _scaled_list(c.cost.tolist())
        load = _scaled_list([r - now for r in ready])
        unreliability = c.unreliability.tolist()
        scores = [
            weights.completion * completion[i]
            + weights.cost * cost[i]
            + weights.load * load[i]
            + weights.reliability * unreliability[i]
            for i in range(len(work))
        ]
    else:
        raise ValueError(f"unknown assignment rule {rule!r}")
    return scores.index(min(scores))


def _scaled_list(values: list[float]) -> list[float]:
    top = max(values)
    return [v / top for v in values] if top > 0 else [v * 0.0 for v in values]
