"""Investment and return per owner: capital charges, NPV, payback and ROI.

A machine with an ``investment`` is bought for ``price``, serves ``life_years`` and is sold
for ``salvage``, and costs ``maintenance_per_year`` to keep. In the weekly accounts its capital
costs the *equivalent annual cost* at the owner's discount rate r::

    capital per year = (price - salvage x (1 + r)^-life) x r / (1 - (1 + r)^-life)

(at r = 0: (price - salvage) / life), so that paying it every year for ``life`` years is worth
exactly the purchase less the discounted salvage. Over the planning horizon of ``H`` whole
years the owner's cash flows are:

- at year 0: the purchase of each machine; at the end of each service life that falls
  before H: its salvage and its purchase again; at H: the salvage of a machine whose life
  ends there, or the book value (straight line from price to salvage) of one still in use;
- at the end of each year 1..H: the **operating cash flow**, the owner's profit over the
  observation window scaled to a year (x year / window length), with the capital charges of
  its investments added back (they are paid by the purchases above; maintenance, leases and
  ``capex_per_period`` are cash and stay in).

This extrapolation assumes every year looks like the simulated window (a steady state).
NPV discounts at the owner's rate; payback is the first time the cumulative undiscounted cash
is back at zero, with the operating cash accruing evenly through each year; ROI is the net
undiscounted cash over the horizon per unit of money spent on purchases. Owners without
purchases have an NPV but no payback or ROI (None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from twin_app.model.scenario import Investment


def discount(rate: float, years: float) -> float:
    """(1 + rate)^-years; infinity where that overflows (a rate near -100%)."""
    try:
        return (1.0 + rate) ** -years
    except OverflowError:
        return math.inf


def capital_recovery_factor(rate: float, years: float) -> float:
    """Yearly payment that repays 1 over ``years`` at ``rate`` (1 / years at rate 0)."""
    if abs(rate) < 1e-12:
        return 1.0 / years
    return rate / (1.0 - discount(rate, years))


def annual_capital_charge(investment: Investment, rate: float) -> float:
    """Equivalent annual cost of the purchase less the discounted salvage (maintenance excluded)."""
    salvage_now = investment.salvage * discount(rate, investment.life_years)
    return (investment.price - salvage_now) * capital_recovery_factor(rate, investment.life_years)


def purchase_flows(investment: Investment, horizon: int) -> list[tuple[float, float]]:
    """(time in years, amount) of one machine's purchases (negative), salvages and final book
    value (positive) over ``horizon`` years."""
    price, life, salvage = investment.price, investment.life_years, investment.salvage
    flows: list[tuple[float, float]] = []
    bought = 0.0
    while True:
        flows.append((bought, -price))
        ends = bought + life
        if ends > horizon + 1e-9:
            age = horizon - bought
            flows.append((float(horizon), price - (price - salvage) * age / life))
            return flows
        flows.append((ends, salvage))
        if ends >= horizon - 1e-9:
            return flows
        bought = ends


@dataclass(frozen=True)
class CashFlows:
    """One owner's cash over the planning horizon."""

    annual: float
    """Operating cash flow of each year 1..years (at the year's end for NPV)."""
    lumps: tuple[tuple[float, float], ...]
    """(time in years, amount): purchases, salvages and final book values."""
    years: int
    rate: float

    @property
    def invested(self) -> float:
        """Money spent on purchases over the horizon."""
        return -sum(amount for _t, amount in self.lumps if amount < 0)

    def npv(self) -> float:
        """Net present value at the owner's rate (not finite where a rate near -100% overflows)."""
        operating = sum(self.annual * discount(self.rate, k) for k in range(1, self.years + 1))
        with np.errstate(invalid="ignore"):
            return float(np.float64(operating) + sum(amount * discount(self.rate, t) for t, amount in self.lumps))

    def payback(self) -> float | None:
        """Years until the cumulative undiscounted cash is back at 0 (None: not within the
        horizon, or nothing was invested)."""
        if self.invested <= 0:
            return None
        times = sorted({t for t, _ in self.lumps} | {0.0, float(self.years)})
        for start, end in zip(times, [*times[1:], math.inf], strict=True):
            if start > self.years:
                break
            level = self.annual * start + sum(a for t, a in self.lumps if t <= start + 1e-12)
            if level >= 0 and start > 0:
                return start
            if self.annual > 0:
                crossing = start - level / self.annual
                if crossing <= min(end, self.years) + 1e-12 and crossing > 0:
                    return crossing
        return None

    def roi(self) -> float | None:
        """Net undiscounted cash over the horizon per unit invested (None without purchases)."""
        if self.invested <= 0:
            return None
        return (self.annual * self.years + sum(amount for _t, amount in self.lumps)) / self.invested
