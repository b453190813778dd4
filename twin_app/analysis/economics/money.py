"""A run's money, assembled: costs, the platform's fee and every owner's shares under every
sharing rule (the KPI blocks built on it are in :mod:`.kpi_blocks`).

An owner's **revenue** is its shares of the orders' pools under the scenario's sharing rule
(:mod:`.sharing`), plus the platform fee (for the owner of kind ``platform``), plus rental
fees received; its **cost** is the sum of its components (:mod:`.costs`), rental fees paid
included; **profit** is the difference. Rental fees are money moving between owners: they
are in each owner's revenue and cost but not in the network's totals (``cost.total`` is what
the network spends, ``revenue.total`` what customers paid), so the owners' profits add up to
``profit.total`` while their costs add up to ``cost.total + cost.rental``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin_app.analysis.economics.coalitions import OrderNeeds, SoleOwnerNeeds, order_needs
from twin_app.analysis.economics.costs import OwnerCosts, owner_costs, platform_index
from twin_app.analysis.economics.orders import PaidOrders, paid_orders
from twin_app.analysis.economics.shapley import Game, ShapleyValue, shapley
from twin_app.analysis.economics.sharing import RULES, Bases, allocated, per_owner, share
from twin_app.analysis.economics.work import Work, order_work
from twin_app.analysis.result import RunResult


@dataclass(frozen=True)
class Money:
    """Everything money of one run (arrays per owner unless said otherwise)."""

    paid: PaidOrders
    costs: OwnerCosts
    work: Work
    needs: OrderNeeds | SoleOwnerNeeds
    fee_rate: float
    platform: int
    shares: dict[str, np.ndarray]
    """Per rule: each owner's shares of the pools."""
    shapley_variance: np.ndarray
    """Variance of each owner's Shapley-rule shares from sampling (0 where exact)."""
    lateness: np.ndarray
    """Per owner: what the contract penalties took from its shares under the scenario's rule."""
    unallocated: float
    rule: str
    """The scenario's sharing rule, which the main figures follow."""

    @property
    def fee(self) -> float:
        return float(self.paid.paid.sum() * self.fee_rate)

    def revenue(self, rule: str | None = None) -> np.ndarray:
        revenue = self.shares[rule or self.rule] + self.costs.rental_income
        if self.platform >= 0:
            revenue = revenue.copy()
            revenue[self.platform] += self.fee
        return revenue

    def profit(self, rule: str | None = None) -> np.ndarray:
        return self.revenue(rule) - self.costs.total


def analyse_money(
    result: RunResult,
    durations: np.ndarray | None = None,
    costs: OwnerCosts | Callable[[], OwnerCosts] | None = None,
) -> Money:
    """The money of ``result`` over its window (see the module docstring).

    ``costs`` (:func:`~.costs.owner_costs` of ``result`` with ``durations``), when given, is
    used instead of being computed here. It may be a function that waits for them: it is
    called only once the orders' work and games (most of the money, and needing neither) are
    known, so a forked KPI child starts on those while its parent sweeps the intervals and
    adds up the costs (:func:`twin_app.analysis.kpis.compute_kpis`)."""
    paid = paid_orders(result)
    platform = platform_index(result)
    fee_rate = result.scenario.platform.fee if platform >= 0 else 0.0
    work = order_work(result, paid)
    needs = order_needs(result, work)
    power, power_variance = _power(needs, work)
    if costs is None:
        costs = owner_costs(result, len(paid), durations)
    elif callable(costs):
        costs = costs()
    full_cost = work.cost + allocated(work, costs.fixed)
    bases = Bases(full_cost, allocated(work, costs.capital), power)
    pool = paid.paid * (1.0 - fee_rate)
    n = result.n_owners
    shares = {rule: per_owner(work, share(rule, pool, work, bases), n) for rule in RULES}
    rule = result.scenario.platform.sharing
    without_penalties = (paid.value + paid.bonus) * (1.0 - fee_rate)
    lateness = per_owner(work, share(rule, without_penalties, work, bases), n) - shares[rule]
    margins = pool[work.pair_order] - work.per_order(full_cost)
    shapley_variance = _shapley_variance(work, margins, power_variance, n)
    unallocated = float(pool[~work.worked].sum()) if len(paid) else 0.0
    return Money(paid, costs, work, needs, fee_rate, platform, shares, shapley_variance, lateness, unallocated, rule)


def _power(needs: OrderNeeds | SoleOwnerNeeds, work: Work) -> tuple[np.ndarray, np.ndarray]:
    """Per (order, partner) pair: the Shapley value of the order's game and its variance.

    The pairs are sorted by order, so each order's values are its slice of the result: the
    orders' arrays are joined in one ``concatenate`` (no slice assignment per order). With one
    owner, each worked order has one pair, the owner's, and its game is won by the owner alone
    (exactly 1) if it can do any of the order's needs, else by nobody (0)."""
    if isinstance(needs, SoleOwnerNeeds):
        return needs.some[work.pair_order].astype(np.float64), np.zeros(len(work.pair_order))
    starts = np.searchsorted(work.pair_order, np.arange(work.n_orders + 1)).tolist()
    by_key: dict[Any, ShapleyValue] = {}
    by_game: dict[Game, ShapleyValue] = {}
    values: list[ShapleyValue] = []
    for position in range(work.n_orders):
        if starts[position + 1] == starts[position]:
            continue
        key = needs.key(position)
        value = by_key.get(key)
        if value is None:
            game = needs.game(position)
            value = by_game.get(game)
            if value is None:
                value = by_game[game] = shapley(game)
            by_key[key] = value
        values.append(value)
    if not values:
        return np.zeros(len(work.pair_order)), np.zeros(len(work.pair_order))
    return np.concatenate([v.value for v in values]), np.concatenate([v.variance for v in values])


def _shapley_variance(work: Work, margins: np.ndarray, variance: np.ndarray, n: int) -> np.ndarray:
    """A bound on the variance of each owner's Shapley-rule shares from sampling.

    One game's estimate serves every order with that game, so the orders' errors are not
    independent; assuming they are perfectly correlated gives the bound
    ``(sum over the owner's orders of |margin| x standard error)^2``.
    """
    weighted = np.abs(margins) * np.sqrt(variance)
    return np.bincount(work.pair_owner, weights=weighted, minlength=n)[:n] ** 2
