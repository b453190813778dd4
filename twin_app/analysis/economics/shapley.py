"""Shapley values of a covering game: exact for few players, by permutation sampling for many.

The game (one per order, :mod:`.coalitions`): an order has *needs* (an operation it went
through, a hop it travelled), each of which some of the players can do. A coalition is worth
1 if, between them, its members can do every need, else 0. A player's Shapley value is the
share of all orderings of the players in which it is the one whose arrival completes the
coalition (the *pivotal* player); the values sum to 1.

A need that contains another is dropped (it is met whenever the other is), and so is every
player then in no need (a null player, value 0). When every remaining need can be done by some
player nobody else can replace (a *veto* player), the game is won exactly when all veto players
are in: they share equally. Other games are computed exactly for up to :data:`EXACT_MAX`
players (every coalition is checked: 2^n of them); above, :data:`PERMUTATIONS` random
orderings estimate each value as the share in which the player is pivotal, with variance
p (1 - p) / PERMUTATIONS (a binomial share). The orderings come from a
Generator seeded by the game itself, so a game always gets the same estimate.

A game's value depends on the game alone, so a process keeps the values of the games it has
worked out (:data:`GAMES_REMEMBERED`): the money of a live run is worked out again each time the
run has grown by half, and an order delivered early has the same game at every refresh.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

EXACT_MAX = 12
"""Most players computed exactly (4,096 coalitions)."""

PERMUTATIONS = 4000
"""Orderings sampled above EXACT_MAX: a value's standard error is at most 0.5 / sqrt(4000) = 0.008."""

GAMES_REMEMBERED = 1 << 16
"""Games whose values a process keeps (~300 bytes each, ~20 MB at most). The large network's
week has ~9,700 distinct games; with their values kept, the money of its last refresh took
2.0 s instead of 2.5 (the Shapley values were 1.4 s of its 2.0 s of order powers)."""

Game = tuple[int, tuple[tuple[int, ...], ...]]
"""(number of players, needs as tuples of the local indices of the players able to do each)."""


@dataclass(frozen=True)
class ShapleyValue:
    """Each player's value (sums to 1) and the variance of its estimate (0 when exact)."""

    value: np.ndarray
    variance: np.ndarray

    @property
    def exact(self) -> bool:
        return not self.variance.any()


@lru_cache(maxsize=GAMES_REMEMBERED)
def shapley(game: Game) -> ShapleyValue:
    """The Shapley value of a covering game (see the module docstring); remembered, its arrays
    read-only (they are shared by every caller that asks for the game)."""
    n, needs = game
    value, variance = np.zeros(n), np.zeros(n)
    # A need that contains another is met whenever that one is, and a player in no remaining
    # need is a null player (0, and leaving it out changes nobody else's value): the game
    # that is left is often small, or a unanimity game.
    kept = _minimal(needs)
    players = sorted({j for need in kept for j in need})
    if not players:
        return _read_only(value, variance)
    local = {j: i for i, j in enumerate(players)}
    reduced = tuple(tuple(local[j] for j in need) for need in kept)
    veto = {need[0] for need in reduced if len(need) == 1}
    if veto and all(veto.intersection(need) for need in reduced):
        # every need is met once the players nobody can replace are in: a unanimity game
        # among them, who share equally (exact at any size)
        part = np.zeros(len(players))
        part[sorted(veto)] = 1.0 / len(veto)
        part_variance = np.zeros(len(players))
    elif len(players) <= EXACT_MAX:
        part, part_variance = _exact_relabelled(len(players), reduced), np.zeros(len(players))
    else:
        sampled = _sampled(len(players), reduced)
        part, part_variance = sampled.value, sampled.variance
    value[players] = part
    variance[players] = part_variance
    return _read_only(value, variance)


def _read_only(value: np.ndarray, variance: np.ndarray) -> ShapleyValue:
    value.flags.writeable = variance.flags.writeable = False
    return ShapleyValue(value, variance)


def _minimal(needs: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """The needs that contain no other need."""
    sets = sorted({frozenset(need) for need in needs}, key=len)
    kept: list[frozenset[int]] = []
    for need in sets:
        if not any(other <= need for other in kept):
            kept.append(need)
    return tuple(sorted(tuple(sorted(need)) for need in kept))


def _exact_relabelled(n: int, needs: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """The exact value, through a cache of games with their players put in a standard order
    (by the sizes of the needs each is in): games that differ only in the players' names are
    computed once."""
    signature = [tuple(sorted(len(need) for need in needs if j in need)) for j in range(n)]
    order = sorted(range(n), key=lambda j: (signature[j], j))
    rank = {j: i for i, j in enumerate(order)}
    standard = tuple(sorted(tuple(sorted(rank[j] for j in need)) for need in needs))
    values = _exact_cached(n, standard)
    return np.array([values[rank[j]] for j in range(n)])


@lru_cache(maxsize=65536)
def _exact_cached(n: int, needs: tuple[tuple[int, ...], ...]) -> tuple[float, ...]:
    return tuple(_exact(n, needs).tolist())


def _exact(n: int, needs: tuple[tuple[int, ...], ...]) -> np.ndarray:
    coalitions = np.arange(1 << n, dtype=np.int64)
    covered = np.ones(1 << n, dtype=bool)
    for need in needs:
        mask = sum(1 << j for j in need)
        covered &= (coalitions & mask) != 0
    size = np.bitwise_count(coalitions).astype(np.int64)
    # weight of a coalition S not holding the player: |S|! (n - |S| - 1)! / n!
    weights = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)])
    bits = np.int64(1) << np.arange(n, dtype=np.int64)
    without = (coalitions[:, None] & bits[None, :]) == 0
    pivotal = without & covered[coalitions[:, None] | bits[None, :]] & ~covered[:, None]
    return (weights[np.minimum(size, n - 1)][:, None] * pivotal).sum(axis=0)


def _sampled(n: int, needs: tuple[tuple[int, ...], ...]) -> ShapleyValue:
    seed = zlib.crc32(repr((n, needs)).encode())
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5A4,)))
    order = rng.permuted(np.tile(np.arange(n), (PERMUTATIONS, 1)), axis=1)
    rank = np.empty_like(order)
    rank[np.arange(PERMUTATIONS)[:, None], order] = np.arange(n)
    # a need is met when the first of its able players arrives; the coalition is complete
    # when the last need is met, and the player arriving then is pivotal
    complete = np.zeros(PERMUTATIONS, dtype=np.int64)
    for need in needs:
        complete = np.maximum(complete, rank[:, list(need)].min(axis=1))
    pivotal = order[np.arange(PERMUTATIONS), complete]
    share = np.bincount(pivotal, minlength=n) / PERMUTATIONS
    return ShapleyValue(share, share * (1 - share) / PERMUTATIONS)
