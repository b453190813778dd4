"""The numpy and plain-loop dispatch paths decide identically (property tests).

:func:`assignment.choose` and :func:`sequencing.pick_dynamic` switch between a loop and a
numpy path at ``NUMPY_FROM`` for speed only; a run must not depend on which path made a
decision. Candidate arrays are drawn two ways: small hand-shrinkable lists (hypothesis finds
a minimal counter-example), and seeded numpy arrays of any size up to 1,000, with values from a
small pool (ties, equal values, zeros) or continuous.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from twin_app.dispatch import assignment, sequencing

NOW = 50.0
# every scoring rule of the registry: a new rule is covered by being registered
RULES = tuple(rule.name for rule in assignment.RULES.rules() if rule.numpy is not None)
DYNAMIC = tuple(rule.name for rule in sequencing.RULES.rules() if rule.dynamic)
POOL = (0.0, 0.5, 1.0, 2.0, 3.0, 10.0, 1e-9, 1e6)

value = st.one_of(st.sampled_from(POOL), st.floats(min_value=0.0, max_value=1e6, allow_nan=False))
weights_strategy = st.builds(
    assignment.Weights,
    completion=st.sampled_from((0.0, 0.5, 1.0, 3.0)),
    cost=st.sampled_from((0.0, 0.25, 1.0)),
    load=st.sampled_from((0.0, 0.3, 1.0)),
    reliability=st.sampled_from((0.0, 0.2, 1.0)),
    trust=st.sampled_from((0.0, 0.5, 2.0)),
)


@st.composite
def small_candidates(draw: st.DrawFn) -> assignment.Candidates:
    """1 to 8 candidates, every value drawn by hypothesis (so failures shrink to a minimal case)."""
    n = draw(st.integers(1, 8))
    column = st.lists(value, min_size=n, max_size=n)
    ready = [NOW + v for v in draw(column)]
    arrival = [NOW + v for v in draw(column)]
    unreliability = draw(st.lists(st.sampled_from((0.0, 0.01, 0.1, 0.5)), min_size=n, max_size=n))
    trust = draw(st.lists(st.sampled_from((0.0, 0.01, 0.3, 0.9, 1.0)), min_size=n, max_size=n))
    return assignment.Candidates(
        np.array(ready),
        np.array(arrival),
        np.array(draw(column)),
        np.array(draw(column)),
        np.array(unreliability),
        np.array(trust),
    )


def _column(rng: np.random.Generator, n: int, mode: str, scale: float) -> np.ndarray:
    if mode == "pool":
        return rng.choice(np.array(POOL[:6]), n)
    if mode == "zeros":
        return np.where(rng.random(n) < 0.7, 0.0, rng.exponential(scale, n))
    if mode == "equal":
        return np.full(n, scale)
    return rng.exponential(scale, n)


@st.composite
def seeded_candidates(draw: st.DrawFn) -> assignment.Candidates:
    """Any size (around NUMPY_FROM, up to 1,000), built from a drawn seed and value mode."""
    n = draw(
        st.one_of(
            st.integers(1, 2 * assignment.NUMPY_FROM + 4),
            st.sampled_from((assignment.NUMPY_FROM - 1, assignment.NUMPY_FROM, assignment.NUMPY_FROM + 1, 1000)),
        )
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    modes = st.sampled_from(("pool", "zeros", "equal", "continuous"))
    return assignment.Candidates(
        NOW + _column(rng, n, draw(modes), 20.0),
        NOW + _column(rng, n, draw(modes), 5.0),
        _column(rng, n, draw(modes), 10.0),
        _column(rng, n, draw(modes), 30.0),
        rng.choice(np.array((0.0, 0.05, 0.1)), n),
        rng.choice(np.array((0.0, 0.02, 0.5, 1.0)), n),
    )


@settings(max_examples=300, deadline=None)
@given(candidates=small_candidates(), rule=st.sampled_from(RULES), weights=weights_strategy)
def test_choose_paths_agree_on_small_hand_drawn_candidates(
    candidates: assignment.Candidates, rule: str, weights: assignment.Weights
) -> None:
    assert assignment.choose_numpy(rule, NOW, candidates, weights) == assignment.choose_loop(
        rule, NOW, candidates, weights
    )


@settings(max_examples=300, deadline=None)
@given(candidates=seeded_candidates(), rule=st.sampled_from(RULES), weights=weights_strategy)
def test_choose_paths_agree_at_every_size(
    candidates: assignment.Candidates, rule: str, weights: assignment.Weights
) -> None:
    expected = assignment.choose_loop(rule, NOW, candidates, weights)
    assert assignment.choose_numpy(rule, NOW, candidates, weights) == expected
    assert assignment.choose(rule, NOW, candidates, weights) == expected


def test_choose_paths_agree_when_all_scores_tie() -> None:
    n = assignment.NUMPY_FROM + 3
    same = assignment.Candidates(np.full(n, NOW), np.full(n, NOW), np.ones(n), np.ones(n), np.zeros(n))
    for rule in RULES:
        assert assignment.choose_numpy(rule, NOW, same) == assignment.choose_loop(rule, NOW, same) == 0


@st.composite
def queues(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A waiting queue: processing, due, remaining work (>= processing), distinct job indices."""
    small = draw(st.booleans())
    if small:
        n = draw(st.integers(1, 8))
        processing = np.array(draw(st.lists(value, min_size=n, max_size=n)))
        due = NOW - 100.0 + np.array(draw(st.lists(value, min_size=n, max_size=n)))
        extra = np.array(draw(st.lists(value, min_size=n, max_size=n)))
        jobs = np.array(draw(st.permutations(range(n))), dtype=np.int64)
        return processing, due, processing + extra, jobs
    n = draw(
        st.one_of(
            st.integers(1, 2 * sequencing.NUMPY_FROM + 4),
            st.sampled_from((sequencing.NUMPY_FROM - 1, sequencing.NUMPY_FROM, 1000)),
        )
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    modes = st.sampled_from(("pool", "zeros", "equal", "continuous"))
    processing = _column(rng, n, draw(modes), 10.0)
    due = NOW + np.round(rng.normal(0.0, 50.0, n), draw(st.sampled_from((0, 3))))
    remaining = processing + _column(rng, n, draw(modes), 30.0)
    jobs = rng.permutation(3 * n)[:n].astype(np.int64)
    return processing, due, remaining, jobs


@settings(max_examples=400, deadline=None)
@given(queue=queues(), rule=st.sampled_from(DYNAMIC), atc_k=st.sampled_from((0.5, 2.0, 4.0)))
def test_pick_dynamic_paths_agree(
    queue: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], rule: str, atc_k: float
) -> None:
    expected = sequencing.pick_dynamic_loop(rule, NOW, *queue, atc_k=atc_k)
    assert sequencing.pick_dynamic_numpy(rule, NOW, *queue, atc_k=atc_k) == expected
    assert sequencing.pick_dynamic(rule, NOW, *queue, atc_k=atc_k) == expected


def test_pick_dynamic_ties_go_to_the_lowest_job_index_on_both_paths() -> None:
    n = sequencing.NUMPY_FROM + 2
    jobs = np.arange(n, dtype=np.int64)[::-1].copy()  # the lowest job index is the last entry
    queue = (np.full(n, 5.0), np.full(n, NOW + 10.0), np.full(n, 20.0), jobs)
    for rule in DYNAMIC:
        assert sequencing.pick_dynamic_numpy(rule, NOW, *queue) == n - 1
        assert sequencing.pick_dynamic_loop(rule, NOW, *queue) == n - 1
