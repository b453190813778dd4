"""The sharing rules: how an order's pool is split among the partners who worked on it.

An order's **pool** is what its customer paid less the platform's fee. Its **partners** are
the owners whose resources worked on it (:mod:`.work`). Per order o and partner i, with

- ``c_io``: i's *full cost* of o: its variable cost on o plus o's share of i's fixed costs
  (idle, capital, lease, maintenance over the window), spread over the paid orders in
  proportion to i's resource-minutes on each;
- ``k_io``: o's share of i's *capital charges* (capex, lease, maintenance: the cost of the
  capacity i holds, a contractual amount rather than a declared rate), spread the same way;
- ``C_o``: the sum of the partners' full costs, ``M_o = pool_o - C_o`` the order's margin;
- ``m_io``: i's resource-minutes on o, ``n_o`` the number of partners;

the rules give i's share of o:

- ``full_cost`` (default): ``c_io + M_o x k_io / sum_i k_io``: every partner recovers its
  full cost, and the margin (or the loss) is paid as the same return on the capital each
  partner ties up for the order (by resource-minutes when nobody on the order has capital);
- ``full_cost_proportional``: ``pool_o x c_io / C_o``: every partner earns the same margin
  on its full cost;
- ``processing_time``: ``pool_o x m_io / sum_i m_io``;
- ``equal``: ``pool_o / n_o``;
- ``shapley``: ``c_io + M_o x phi_io``, with ``phi`` the Shapley value of the order's
  covering game (:mod:`.coalitions`): costs recovered, the margin split by bargaining power;
- ``variable_cost``: ``pool_o x v_io / sum_i v_io`` with ``v`` the variable cost only (the rule
  of scenario format 1, kept so old files give their old numbers).

A rule whose basis is zero for an order falls back: cost to minutes, minutes to equal
shares (``variable_cost``: to the raw event time, then the number of events, as format 1
did). An order nobody worked on is not shared: its pool is *unallocated*.

What each promises when an owner raises its own cost rates (running, idle, setup, transport)
and the schedule stays the same (tests/analysis/test_sharing_incentives.py checks each): under
``full_cost``, ``shapley``, ``processing_time`` and ``equal`` its profit never rises (its
revenue is its cost plus a margin that shrinks, or does not depend on its costs at all); under
``full_cost_proportional``
and ``variable_cost`` it can rise: a partner paid in proportion to its declared cost gains
``pool x C_others / C^2 - 1`` per unit of extra cost, which is positive whenever the order's
margin is wide enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.economics.work import Work

RULES = ("full_cost", "full_cost_proportional", "processing_time", "equal", "shapley", "variable_cost")


def allocated(work: Work, amount: np.ndarray) -> np.ndarray:
    """Per (order, partner) pair: the order's share of a per-owner ``amount`` (fixed costs,
    capital charges), in proportion to the partner's resource-minutes on it (by number of
    events when all of the partner's work took no time)."""
    owner = work.pair_owner
    n_owners = len(amount)
    minutes = np.bincount(owner, weights=work.minutes, minlength=n_owners)
    count = np.bincount(owner, weights=work.count, minlength=n_owners)
    by_minutes = minutes[owner] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(
            by_minutes, work.minutes / np.where(by_minutes, minutes[owner], 1.0), work.count / count[owner]
        )
    return amount[owner] * share


@dataclass(frozen=True)
class Bases:
    """Per (order, partner) pair: full cost, capital charges and Shapley power."""

    full_cost: np.ndarray
    capital: np.ndarray
    power: np.ndarray


def share(rule: str, pool: np.ndarray, work: Work, bases: Bases) -> np.ndarray:
    """Each (order, partner) pair's share of its order's ``pool`` under ``rule``."""
    pool_pair = pool[work.pair_order]
    full_cost, power = bases.full_cost, bases.power
    equal = 1.0 / work.per_order(np.ones(len(work.pair_order)))
    by_minutes = _weights(work, work.minutes, equal)
    if rule == "full_cost":
        margin = pool_pair - work.per_order(full_cost)
        return full_cost + margin * _weights(work, bases.capital, by_minutes)
    if rule == "shapley":
        margin = pool_pair - work.per_order(full_cost)
        return full_cost + margin * power
    if rule == "full_cost_proportional":
        return pool_pair * _weights(work, full_cost, by_minutes)
    if rule == "processing_time":
        return pool_pair * by_minutes
    if rule == "equal":
        return pool_pair * equal
    if rule == "variable_cost":
        by_count = _weights(work, work.count, equal)
        return pool_pair * _weights(work, work.cost, _weights(work, work.raw_time, by_count))
    raise ValueError(f"unknown sharing rule {rule!r}; known: {', '.join(RULES)}")


def _weights(work: Work, basis: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """``basis`` as shares of its order's total; ``fallback`` for orders whose total is 0."""
    total = work.per_order(basis)
    ok = total > 0
    return np.where(ok, basis / np.where(ok, total, 1.0), fallback)


def per_owner(work: Work, pair_values: np.ndarray, n_owners: int) -> np.ndarray:
    """Sum of a pair quantity per owner."""
    return np.bincount(work.pair_owner, weights=pair_values, minlength=n_owners)[:n_owners]
