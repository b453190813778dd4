"""Fairness of a split: margins, their inequality, who loses money, who would do better alone.

- An owner's **margin** is its profit per unit of revenue (None without revenue).
- The **Gini coefficient of margins** over the partners with revenue (the platform left out:
  it takes a fee, not a share) is ``sum_i sum_j |m_i - m_j| / (2 n sum_i |m_i|)``: 0 when all
  margins are equal, towards 1 when one partner has all the margin. For margins that are all
  positive it is the usual Gini coefficient; dividing by the sum of absolute values keeps it
  within [0, 1] when some margins are negative.
- **Partners losing money**: owners (the platform included) with a negative profit.
- An owner's **stand-alone value** is what it would have earned without the network: the
  price of the orders it could have made alone (:mod:`.coalitions`; no fee, no partner) less
  what those orders cost to make (their variable cost as the network made them) less its own
  fixed costs. *Better alone* when that beats its profit in the network.
"""

from __future__ import annotations

import numpy as np


def margins(profit: np.ndarray, revenue: np.ndarray) -> list[float | None]:
    """Profit per unit of revenue per owner (None where the revenue is not positive)."""
    return [float(p / r) if r > 0 else None for p, r in zip(profit, revenue, strict=True)]


def gini(values: list[float]) -> float | None:
    """Mean absolute difference over twice the mean absolute value (None for no values or all 0)."""
    x = np.asarray(values, dtype=float)
    scale = np.abs(x).sum()
    if len(x) == 0 or scale <= 0:
        return None
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) * scale))


def stand_alone(alone: list[np.ndarray], paid: np.ndarray, order_cost: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Per owner: the paid price of the orders it could make alone (positions in ``alone``)
    less their variable cost, less its fixed costs."""
    return np.array([float(paid[mine].sum() - order_cost[mine].sum()) - fixed[i] for i, mine in enumerate(alone)])
