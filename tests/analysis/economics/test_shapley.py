"""The Shapley value of the covering game: exact values worked out by hand, and the sampled
estimate for many players within its stated error."""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.analysis.economics import shapley as shapley_module
from twin_app.analysis.economics.coalitions import OrderNeeds
from twin_app.analysis.economics.shapley import EXACT_MAX, PERMUTATIONS, shapley


def test_veto_player_and_two_substitutes() -> None:
    """Needs: (0 or 1), and 2. Of the 6 orderings, 2 completes the coalition in 4 (whenever it
    is not first), 0 in one (2, 0, 1) and 1 in one (2, 1, 0)."""
    value = shapley((3, ((0, 1), (2,))))
    assert value.exact
    assert value.value == pytest.approx([1 / 6, 1 / 6, 4 / 6])


def test_everyone_indispensable_shares_equally() -> None:
    assert shapley((4, ((0,), (1,), (2,), (3,)))).value == pytest.approx([0.25] * 4)


def test_a_player_nobody_needs_gets_nothing() -> None:
    """Player 0 can do a need that player 1 can do as well, and 1 is needed anyway."""
    assert shapley((3, ((0, 1), (1,), (2,)))).value == pytest.approx([0, 0.5, 0.5])


def test_values_sum_to_one_for_any_covering_game() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(1, 9))
        needs = tuple(
            tuple(sorted(set(rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False).tolist())))
            for _ in range(int(rng.integers(1, 6)))
        )
        assert shapley((n, needs)).value.sum() == pytest.approx(1.0)


def test_many_players_are_sampled_within_the_stated_error() -> None:
    """14 players (above EXACT_MAX): player 0 is a veto player, the others substitutes for
    one need. Exactly: 0 is pivotal unless it comes first, 13/14; each other player 1/(14 x 13)."""
    n = EXACT_MAX + 2
    value = shapley((n, ((0,), tuple(range(1, n)))))
    assert not value.exact
    exact = np.array([13 / 14] + [1 / (14 * 13)] * 13)
    error = np.sqrt(value.variance)
    assert (np.abs(value.value - exact) <= 4 * error + 1e-12).all()
    assert error.max() <= 0.5 / np.sqrt(PERMUTATIONS)
    assert value.value.sum() == pytest.approx(1.0)


def test_sampling_agrees_with_the_exact_value_within_its_error() -> None:
    """A 12-player game computed both ways."""
    needs = ((0, 1, 2), (3,), (4, 5), (6, 7, 8, 9), (10, 11), (1, 4, 10))
    exact = shapley((12, needs)).value
    sampled = shapley_module._sampled(12, needs)
    assert (np.abs(sampled.value - exact) <= 4 * np.sqrt(sampled.variance) + 1e-3).all()


def test_sampling_is_reproducible() -> None:
    game = (15, ((0, 3), (1, 2, 4), tuple(range(5, 15))))
    assert np.array_equal(shapley(game).value, shapley(game).value)


def test_the_shortcut_for_games_of_irreplaceable_players_is_the_exact_value() -> None:
    """Whenever the shortcut applies (every need can be done by a veto player), it gives what
    checking every coalition gives; e.g. needs 0, 1 and (0 or 2): 0 and 1 share, 2 gets 0."""
    assert shapley((3, ((0,), (1,), (0, 2)))).value == pytest.approx([0.5, 0.5, 0.0])
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(300):
        n = int(rng.integers(1, 8))
        needs = tuple(
            tuple(sorted(set(rng.choice(n, size=int(rng.integers(1, min(n, 2) + 1)), replace=False).tolist())))
            for _ in range(int(rng.integers(1, 5)))
        )
        assert shapley((n, needs)).value == pytest.approx(shapley_module._exact(n, needs)), needs
        checked += 1
    assert checked == 300


def test_an_orders_game_lists_each_distinct_able_group_of_its_partners_once() -> None:
    """OrderNeeds.game: the partners able to do each need, as local indices (sorted), each
    group once, empty groups left out, groups sorted; what the Shapley value is computed on."""
    sets = (frozenset({3, 9, 40}), frozenset({9, 40}), frozenset({3, 9, 40}), frozenset({7}), frozenset({12, 3}))
    needs = OrderNeeds(players=((3, 9, 12),), needs=((0, 1, 2, 3, 4),), sets=sets)
    # local indices: 3 -> 0, 9 -> 1, 12 -> 2; owner 40 is not a partner, 7 can do need 3 alone
    assert needs.game(0) == (3, ((0, 1), (0, 2), (1,)))


def test_a_game_is_worked_out_once_per_process_and_its_values_cannot_be_changed(monkeypatch) -> None:
    """The money of a growing run is worked out again and again: a game seen before is not
    computed again, and its remembered values are protected from a caller writing into them."""
    computed: list[object] = []
    minimal = shapley_module._minimal
    monkeypatch.setattr(shapley_module, "_minimal", lambda needs: computed.append(needs) or minimal(needs))
    game = (5, ((0, 3), (1,), (2, 4), (0, 1, 4)))
    first = shapley(game)
    again = shapley((5, ((0, 3), (1,), (2, 4), (0, 1, 4))))  # an equal game, built anew
    assert len(computed) <= 1  # (0 if an earlier test asked for this game)
    assert np.array_equal(again.value, first.value) and again.value.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="read-only"):
        again.value[0] = 1.0
