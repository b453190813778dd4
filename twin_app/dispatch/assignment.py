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
  candidates, plus unreliability (1 - availability) and distrust (1 - the owner's trust).
- ``trust``: the time until the operation would be done there, divided by the platform's
  trust in the machine's owner (at least :data:`MIN_TRUST`): a partner trusted half as much
  must be twice as quick to win the work.
- ``random``: a uniformly random candidate (for the benchmark rules that break ties at random).

Candidate counts range from 1 (a job shop) to thousands (a large network). Numpy has a fixed
cost of a few microseconds a call, a plain loop ~0.1 us per candidate; :func:`choose` takes
the loop below a measured per-rule threshold (``numpy_from`` of each rule, as ``twin-app
bench dispatch`` measured it on this kind of machine: the cheaper a rule's loop, the later
numpy pays off) and numpy above, and both decide identically (the same float operations in
the same order; a property test checks every rule of the registry).

Each rule is one :class:`~twin_app.dispatch.rules.AssignmentRule` in :data:`RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.dispatch.rules import AssignmentRule, Registry


@dataclass(frozen=True, slots=True)
class Weights:
    completion: float = 1.0
    cost: float = 0.0
    load: float = 0.0
    reliability: float = 0.0
    trust: float = 0.0


MIN_TRUST = 0.05
"""The trust rule divides by at least this, so a partner trusted not at all is 20 times slower."""


@dataclass(slots=True)
class Candidates:
    """Everything the score needs about each candidate machine, as parallel arrays.

    ``ready`` is when the machine could start new work (now, or later when busy/queued);
    ``arrival`` is when the part could be there (now + transit); ``work`` the expected
    processing plus changeover time there; ``cost`` its money cost (running + transport);
    ``unreliability`` the long-run fraction of time the machine is down; ``trust`` the
    platform's trust in its owner (0 to 1). A field a rule does not read
    (``AssignmentRule.uses_cost``, ``uses_unreliability``, ``uses_trust``) may be left empty.
    """

    ready: np.ndarray
    arrival: np.ndarray
    work: np.ndarray
    cost: np.ndarray
    unreliability: np.ndarray
    trust: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.work)


def _scaled(values: np.ndarray) -> np.ndarray:
    top = float(values.max())
    return values / top if top > 0 else values * 0.0


def _scaled_list(values: list[float]) -> list[float]:
    top = max(values)
    return [v / top for v in values] if top > 0 else [v * 0.0 for v in values]


def _weighted_numpy(now: float, c: Candidates, weights: Weights) -> np.ndarray:
    completion = np.maximum(c.arrival, c.ready) + c.work - now
    load = c.ready - now
    score = (
        weights.completion * _scaled(completion)
        + weights.cost * _scaled(c.cost)
        + weights.load * _scaled(load)
        + weights.reliability * c.unreliability
    )
    if weights.trust > 0 and c.trust is not None:
        score = score + weights.trust * (1.0 - c.trust)
    return score


def _weighted_loop(now: float, c: Candidates, weights: Weights) -> list[float]:
    ready, arrival, work = c.ready.tolist(), c.arrival.tolist(), c.work.tolist()
    completion = _scaled_list([max(a, r) + w - now for a, r, w in zip(arrival, ready, work, strict=True)])
    cost = _scaled_list(c.cost.tolist())
    load = _scaled_list([r - now for r in ready])
    unreliability = c.unreliability.tolist()
    score = [
        weights.completion * completion[i]
        + weights.cost * cost[i]
        + weights.load * load[i]
        + weights.reliability * unreliability[i]
        for i in range(len(work))
    ]
    if weights.trust > 0 and c.trust is not None:
        score = [s + weights.trust * (1.0 - t) for s, t in zip(score, c.trust.tolist(), strict=True)]
    return score


def _trust_numpy(now: float, c: Candidates, weights: Weights) -> np.ndarray:
    trust = np.ones(len(c.work)) if c.trust is None else c.trust
    return (np.maximum(c.arrival, c.ready) + c.work - now) / np.maximum(trust, MIN_TRUST)


def _trust_loop(now: float, c: Candidates, weights: Weights) -> list[float]:
    trust = [1.0] * len(c.work) if c.trust is None else c.trust.tolist()
    return [
        (max(a, r) + x - now) / max(t, MIN_TRUST)
        for a, r, x, t in zip(c.arrival.tolist(), c.ready.tolist(), c.work.tolist(), trust, strict=True)
    ]


RULES: Registry[AssignmentRule] = Registry("assignment")
"""Every assignment rule, by name (in the order the CLI and the docs list them)."""

RULES.add(
    AssignmentRule(
        "earliest_completion",
        numpy=lambda now, c, w: np.maximum(c.arrival, c.ready) + c.work,
        loop=lambda now, c, w: [
            max(a, r) + x
            for a, r, x in zip(c.arrival.tolist(), c.ready.tolist(), c.work.tolist())  # noqa: B905
        ],
        numpy_from=8,
        counts_onward=True,
        description="when the operation would be done there, transport and queued work included",
    )
)
RULES.add(
    AssignmentRule(
        "fastest",
        numpy=lambda now, c, w: c.work,
        loop=lambda now, c, w: c.work.tolist(),
        numpy_from=40,
        description="the expected processing (plus changeover) time alone",
    )
)
RULES.add(
    AssignmentRule(
        "cheapest",
        numpy=lambda now, c, w: c.cost,
        loop=lambda now, c, w: c.cost.tolist(),
        numpy_from=40,
        uses_cost=True,
        description="running cost of the processing plus transport cost of getting there",
    )
)
RULES.add(
    AssignmentRule(
        "least_loaded",
        numpy=lambda now, c, w: c.ready - now,
        loop=lambda now, c, w: [r - now for r in c.ready.tolist()],
        numpy_from=32,
        description="the work already running or queued there",
    )
)
RULES.add(
    AssignmentRule(
        "random", numpy=None, loop=None, random=True, description="a uniformly random candidate (benchmark rules)"
    )
)
RULES.add(
    AssignmentRule(
        "weighted",
        numpy=_weighted_numpy,
        loop=_weighted_loop,
        numpy_from=20,
        counts_onward=True,
        uses_cost=True,
        uses_unreliability=True,
        uses_trust=True,
        description="weighted sum of completion, cost and load (each scaled by its largest value), unreliability "
        "and distrust",
    )
)
RULES.add(
    AssignmentRule(
        "trust",
        numpy=_trust_numpy,
        loop=_trust_loop,
        numpy_from=8,
        counts_onward=True,
        uses_trust=True,
        description="time until the operation would be done there, divided by the trust in the machine's owner",
    )
)

NUMPY_FROM_BY_RULE = {rule.name: rule.numpy_from for rule in RULES.rules() if rule.numpy is not None}
"""Candidate count from which numpy beats the loop, per scoring rule."""
NUMPY_FROM = min(NUMPY_FROM_BY_RULE.values())
"""The smallest of those thresholds (below it every rule takes the loop)."""


def numpy_from(rule: str) -> int:
    """Candidate count from which :func:`choose` takes the numpy path for ``rule``."""
    return RULES[rule].numpy_from


def choose(
    rule: str | AssignmentRule,
    now: float,
    candidates: Candidates,
    weights: Weights = Weights(),
    rng: np.random.Generator | None = None,
) -> int:
    """Index (into the candidate arrays) of the machine ``rule`` picks."""
    chosen = RULES[rule] if isinstance(rule, str) else rule
    count = candidates.work.shape[0]  # (not len(): this sits on the hot path)
    if chosen.random:
        if count == 1:
            return 0
        if rng is None:
            raise ValueError(f"the {chosen.name!r} rule needs a random generator")
        return int(rng.integers(count))
    if count >= chosen.numpy_from:
        return int(chosen.numpy(now, candidates, weights).argmin())  # type: ignore[misc]  (the method: no wrapper)
    if count == 1:
        return 0
    scores = chosen.loop(now, candidates, weights)  # type: ignore[misc]
    return scores.index(min(scores))


def _scoring(rule: str) -> AssignmentRule:
    chosen = RULES[rule]
    if chosen.numpy is None or chosen.loop is None:
        raise ValueError(f"assignment rule {rule!r} does not score candidates")
    return chosen


def choose_numpy(rule: str, now: float, c: Candidates, weights: Weights = Weights()) -> int:
    """The vectorised path: one pass of array operations and an argmin (first minimum)."""
    return int(np.argmin(_scoring(rule).numpy(now, c, weights)))  # type: ignore[misc]


def choose_loop(rule: str, now: float, c: Candidates, weights: Weights = Weights()) -> int:
    """The plain-Python path: the same arithmetic, element by element (first minimum wins)."""
    scores = _scoring(rule).loop(now, c, weights)  # type: ignore[misc]
    return scores.index(min(scores))
