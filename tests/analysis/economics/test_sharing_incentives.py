"""The incentive test: what each sharing rule promises when one owner raises its own cost
rates while the schedule stays the same.

- ``full_cost`` (default), ``shapley``, ``processing_time``, ``equal``: that owner's profit
  never rises. The first two pay back the full cost and share a margin that the extra cost
  shrinks, by weights the owner's rates do not move; the last two pay the same whatever the
  cost.
- ``full_cost_proportional``, ``variable_cost``: it can rise, and does whenever the order's
  margin is wide: paid ``pool x c / C``, a partner gains ``pool x C_others / C^2 - 1`` per
  unit of extra cost. The test shows it happening, so the documentation's warning is true.

Raising cost rates by a factor k with the same schedule multiplies the cost of the owner's
PROCESS, SETUP and TRANSPORT events by k, and its machines' idle rates by k.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from twin_app.analysis.kpis import accounts
from twin_app.analysis.result import RunResult

from .conftest import build_result, network

SAFE = ("full_cost", "shapley", "processing_time", "equal")
UNSAFE = ("full_cost_proportional", "variable_cost")


def random_log(seed: int) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """Twelve orders, each cut at acme or bolt, carried by truckco (sometimes with another
    order on the trip), welded at bolt; random times, costs and prices, some not delivered."""
    rng = np.random.default_rng(seed)
    events: list[tuple[float, ...]] = []
    orders: list[tuple[float, ...]] = []
    for k in range(12):
        t = float(rng.uniform(0, 30))
        cutter = int(rng.integers(0, 2))  # resource 0 (acme) or 1 (bolt)
        cut = float(rng.uniform(1, 10))
        events.append((t, t + cut, 0, cutter, cutter + 1, k, k, 0, 1, cut * rng.uniform(1, 5)))
        if rng.random() < 0.3:
            events.append((t + cut, t + cut + 2, 1, 1, 2, k, k, 1, 1, rng.uniform(0, 5)))  # a setup at bolt
        hop = float(rng.uniform(5, 20))
        events.append((t + cut, t + cut + hop, 2, 2, 3, k, k, -1, 1, rng.uniform(5, 30)))
        weld = float(rng.uniform(2, 15))
        end = t + cut + hop + weld
        events.append((t + cut + hop, end, 0, 1, 2, k, k, 1, 1, weld * rng.uniform(1, 6)))
        delivered = end if rng.random() < 0.85 else float("nan")
        orders.append((k, 0, 0, 1, t, t + 60, delivered, float(rng.uniform(50, 600))))
    return events, orders


def inflate(data: dict[str, Any], events: list[tuple[float, ...]], owner: int, k: float) -> tuple[Any, Any]:
    """The owner's cost rates x k with the same schedule: its events cost k times as much,
    its machines' idle rates are k times higher."""
    raised = [(*e[:9], e[9] * k) if e[4] == owner else e for e in events]
    data = network(**{key: value for key, value in data.items() if key in ("platform",)})
    site_owner = {"acme-1": 1, "bolt-1": 2}
    for machine in data["machines"]:
        machine["cost"] = {"idle": 0.5 * (k if site_owner[machine["site"]] == owner else 1.0)}
    return data, raised


def profits(rule: str, seed: int, owner: int, k: float) -> tuple[float, float]:
    """(before, after) profit of ``owner`` when it raises its cost rates by ``k``."""
    events, orders = random_log(seed)
    before_data, _ = inflate(network(platform={"sharing": rule}), events, owner, 1.0)
    after_data, raised = inflate(network(platform={"sharing": rule}), events, owner, k)
    before: RunResult = build_result(before_data, events, orders, 0, 120)
    after: RunResult = build_result(after_data, raised, orders, 0, 120)
    return float(accounts(before).profit()[owner]), float(accounts(after).profit()[owner])


@pytest.mark.parametrize("rule", SAFE)
@pytest.mark.parametrize("seed", range(8))
def test_raising_ones_own_cost_rates_never_raises_ones_profit(rule: str, seed: int) -> None:
    for owner in (1, 2, 3):  # acme, bolt, truckco
        for k in (1.2, 2.0):
            before, after = profits(rule, seed, owner, k)
            assert after <= before + 1e-9, f"{rule}: owner {owner} gains {after - before:.4f} at x{k}"


@pytest.mark.parametrize("rule", ("processing_time", "equal"))
def test_cost_blind_rules_pass_the_whole_extra_cost_to_the_owner(rule: str) -> None:
    """Revenue does not depend on cost: profit falls by exactly the extra cost."""
    events, orders = random_log(3)
    data, raised = inflate(network(platform={"sharing": rule}), events, 2, 1.5)
    base_data, _ = inflate(network(platform={"sharing": rule}), events, 2, 1.0)
    before, after = (
        accounts(build_result(base_data, events, orders, 0, 120)),
        accounts(build_result(data, raised, orders, 0, 120)),
    )
    assert after.revenue()[2] == pytest.approx(before.revenue()[2])
    assert after.profit()[2] == pytest.approx(before.profit()[2] - (after.costs.total[2] - before.costs.total[2]))


@pytest.mark.parametrize("rule", UNSAFE)
def test_cost_proportional_rules_reward_inflating_costs_when_margins_are_wide(rule: str) -> None:
    """The hand case at price 3,000: pool 2,700; acme's variable cost is 100 of 300 and its
    full cost 300 of 650. Its gain per unit of extra cost, 2,700 x C_others / C^2 - 1, is
    2,700 x 200 / 300^2 - 1 = 5 (variable) and 2,700 x 350 / 650^2 - 1 = 1.24 (full): at x1.2
    acme's profit rises under both."""
    data = network(platform={"sharing": rule})
    orders = [(0, 0, 0, 1, 0, 100, 90, 3000)]
    before = accounts(build_result(data, orders=orders)).profit()[1]
    raised = [(*e[:9], e[9] * 1.2) if e[4] == 1 else e for e in build_result(data).events.tolist()]
    after = accounts(build_result(data, raised, orders)).profit()[1]
    assert after > before
