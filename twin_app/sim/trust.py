"""The platform's trust in each owner, kept as orders are delivered (for the trust rule).

Each owner starts at its ``trust``. When an order is delivered, every owner whose machines
worked on it gets one update, in owner order: ``trust = (1 - a) x trust + a x x`` with ``a``
the platform's ``trust_smoothing`` and ``x`` 1 if the order was on time (delivered by its due
date, or without one) and none of that owner's operations on it was scrapped or sent to
rework, else 0. Orders delivered at the same instant count in order id order, once that
instant's events are done. :func:`twin_app.analysis.quality.trust_over_time` computes the
same scores from the event log.
"""

from __future__ import annotations

import numpy as np

from twin_app.model.scenario import Scenario


def smoothed(trust: float, alpha: float, outcome: float) -> float:
    """One exponential-smoothing step (the one expression the engine and the analysis use)."""
    return (1.0 - alpha) * trust + alpha * outcome


class TrustBook:
    """Trust per owner, and who worked on each open order and whether they got it right."""

    def __init__(self, scenario: Scenario) -> None:
        self.scores = np.array([owner.trust for owner in scenario.owners], dtype=float)
        self.alpha = scenario.platform.trust_smoothing
        self._partners: dict[int, dict[int, bool]] = {}
        self._delivered: list[tuple[int, bool]] = []

    def worked(self, order: int, owner: int, failed: bool) -> None:
        """An operation of ``owner`` on ``order`` is done (``failed``: scrapped or to rework)."""
        if order < 0:
            return  # a return flow: no customer's order to be on time for
        partners = self._partners.setdefault(order, {})
        partners[owner] = partners.get(owner, False) or failed

    def delivered(self, order: int, on_time: bool) -> None:
        """``order`` reached its customer (counted at :meth:`settle`)."""
        self._delivered.append((order, on_time))

    def settle(self) -> None:
        """Count the deliveries so far, in order id order."""
        if not self._delivered:
            return
        for order, on_time in sorted(self._delivered):
            partners = self._partners.pop(order, {})
            for owner in sorted(partners):
                if owner >= 0:
                    outcome = 1.0 if on_time and not partners[owner] else 0.0
                    self.scores[owner] = smoothed(float(self.scores[owner]), self.alpha, outcome)
        self._delivered.clear()
