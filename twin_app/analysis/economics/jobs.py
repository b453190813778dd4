"""Which product each job of a run is, read back from the orders.

The event log names a job by its id only. The engine numbers jobs as it creates them: when
an order is released it creates the order's job and then, depth first, one job per line of
each bill of materials (:meth:`twin_app.sim.engine.Engine._create_job`), all at that instant;
orders are numbered in the order of their release. So order ``k`` owns the job ids from the
sum of the job counts of orders ``0 .. k-1`` on, in pre-order of its product's tree, and the
tree gives each one's product and quantity per unit of the order.

A log that does not follow this numbering (a hand-made one, or an order missing from the
order records) is detected: its jobs get product -1, and the analysis treats their work as
work only the partner who did it could have done.
"""

from __future__ import annotations

import numpy as np

from twin_app.analysis.result import RunResult
from twin_app.model.scenario import Scenario


def job_tree(scenario: Scenario, product: int) -> tuple[tuple[int, float], ...]:
    """(product index, quantity per unit of the order) of each job of one order of ``product``,
    in the order the engine creates them (pre-order of the bill of materials)."""
    return _trees(scenario)[product]


def _trees(scenario: Scenario) -> tuple[tuple[tuple[int, float], ...], ...]:
    index = {p.id: i for i, p in enumerate(scenario.products)}
    memo: dict[int, tuple[tuple[int, float], ...]] = {}

    def tree(p: int) -> tuple[tuple[int, float], ...]:
        if p not in memo:
            nodes: list[tuple[int, float]] = [(p, 1.0)]
            for item in scenario.products[p].bom:
                nodes += [(q, per * item.quantity) for q, per in tree(index[item.product])]
            memo[p] = tuple(nodes)
        return memo[p]

    return tuple(tree(p) for p in range(len(scenario.products)))


def job_products(result: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """``(product, order)`` per job id: arrays indexed by job id (-1 where unknown).

    Empty arrays when the order records do not start at order 0 and run without gaps (the
    numbering cannot be followed then).
    """
    ids = result.orders["order"]
    if len(ids) == 0 or not np.array_equal(ids, np.arange(len(ids))):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    trees = _trees(result.scenario)
    n_products = len(trees)
    order_product = result.orders["product"].astype(np.int64)
    if order_product.min() < 0 or order_product.max() >= n_products:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    sizes = np.array([len(tree) for tree in trees], dtype=np.int64)[order_product]
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    total = int(sizes.sum())
    order_of_job = np.repeat(np.arange(len(ids)), sizes)
    position = np.arange(total) - first[order_of_job]
    # product of the job at each position of each product's tree, as one flat table
    offsets = np.concatenate(([0], np.cumsum([len(t) for t in trees])[:-1]))
    flat = np.array([p for tree in trees for p, _ in tree], dtype=np.int64)
    product_of_job = flat[offsets[order_product[order_of_job]] + position]
    return product_of_job, order_of_job


def event_products(result: RunResult, events: np.ndarray) -> np.ndarray:
    """Product index of each event's job (-1 where the job is unknown or not the event's order's)."""
    return job_order_products(result, events["job"], events["order"])


def job_order_products(result: RunResult, job: np.ndarray, order: np.ndarray) -> np.ndarray:
    """:func:`event_products` from the events' ``job`` and ``order`` columns."""
    product_of_job, order_of_job = job_products(result)
    ok = (job >= 0) & (job < len(product_of_job))
    products = np.full(len(job), -1, dtype=np.int64)
    if ok.any():
        known = np.flatnonzero(ok)
        match = order_of_job[job[known]] == order[known]
        products[known[match]] = product_of_job[job[known[match]]]
    return products
