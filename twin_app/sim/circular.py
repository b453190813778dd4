"""Circular flows at work: take-back, remanufacturing, and remanufactured parts in new orders.

When an order of a product with ``take_back`` is delivered, each of its units comes back with
the take-back ``share`` (one binomial draw from the product's own stream). After the ``delay``
the returned units leave the customer as one part of a *return job*: its product is the
take-back ``process`` (inspection and remanufacturing steps, dispatched like any other), its
order is :data:`~twin_app.model.events.RETURN_ORDER`, and its job ids count down from -2, so
the order and job numbering of the demand stays as it was. When the return job is done, the
``remanufacturable`` share of its units (another binomial draw) goes into stock at the site
where it finished, the rest is recycled. A later job of the ``replaces`` product (a
component without a bill of materials) takes its whole quantity from the first site, in site
order, whose stock holds enough: it is then done already and travels on from there.

Each step is a point record of :class:`~twin_app.model.events.Outcome` (RETURNED,
REMANUFACTURED, RECYCLED, REUSED) with the units in ``quantity`` and the site in ``operation``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin_app.model.distributions import sampler
from twin_app.model.events import RETURN_ORDER, Outcome
from twin_app.model.scenario import Scenario
from twin_app.sim.compiled import CompiledScenario
from twin_app.sim.state import Job, Order

if TYPE_CHECKING:
    import simpy

_RETURNED = int(Outcome.RETURNED)
_REMANUFACTURED = int(Outcome.REMANUFACTURED)
_RECYCLED = int(Outcome.RECYCLED)
_REUSED = int(Outcome.REUSED)


@dataclass(slots=True)
class _Flow:
    share: float
    delay: Callable[[], float]
    returns: np.random.Generator
    process: int
    remanufacturable: float
    remanufactured: np.random.Generator
    replaces: int


class Circular:
    """The take-back flows of a run and the stock of remanufactured parts."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        compiled: CompiledScenario,
        rng: Callable[..., np.random.Generator],
        record: Callable[[tuple], None],
        start: Callable[[Job], None],
    ) -> None:
        self.env = env
        self.compiled = compiled
        self.record = record
        self.start = start
        self.n_sites = len(scenario.sites)
        index = compiled.product_index
        owner_index = {owner.id: i for i, owner in enumerate(scenario.owners)}
        self.site_owner = [owner_index.get(site.owner, -1) for site in scenario.sites]
        self.flows: dict[int, _Flow] = {}
        for p, product in enumerate(scenario.products):
            take_back = product.take_back
            if take_back is None:
                continue
            self.flows[p] = _Flow(
                share=take_back.share,
                delay=sampler(take_back.delay, rng("take_back_delay", product.id)),
                returns=rng("take_back", product.id),
                process=index[take_back.process],
                remanufacturable=take_back.remanufacturable,
                remanufactured=rng("remanufacture", product.id),
                replaces=index[take_back.replaces or product.id],
            )
        self.stock: dict[int, dict[int, float]] = {}
        """Replaced product -> site node -> remanufactured units waiting there."""
        self._job_ids = itertools.count(-2, -1)
        self._process_of: dict[int, _Flow] = {}

    @staticmethod
    def needed(scenario: Scenario) -> bool:
        return any(product.take_back is not None for product in scenario.products)

    def _point(self, kind: int, node: int, order: int, job: int, units: float) -> None:
        owner = self.site_owner[node] if 0 <= node < self.n_sites else -1
        now = self.env.now
        self.record((now, now, kind, -1, owner, order, job, node, units, 0.0))

    def delivered(self, order: Order) -> None:
        """``order`` reached its customer: some of its units may come back later."""
        flow = self.flows.get(order.product)
        if flow is None:
            return
        units = int(flow.returns.binomial(int(order.quantity), flow.share))
        if units == 0:
            return
        pickup = self.env.timeout(flow.delay())
        pickup.callbacks.append(lambda _event: self._pick_up(order.customer, units, flow))

    def _pick_up(self, customer: int, units: int, flow: _Flow) -> None:
        node = self.n_sites + customer
        index = next(self._job_ids)
        self._point(_RETURNED, node, RETURN_ORDER, index, units)
        order = Order(RETURN_ORDER, customer, flow.process, units, self.env.now, float("inf"), 0.0)
        job = Job(index, order, self.compiled.products[flow.process], units, None)
        job.node = node
        self._process_of[index] = flow
        self.start(job)

    def processed(self, job: Job) -> None:
        """A return job is done: its units go to stock or to recycling where it finished."""
        flow = self._process_of.pop(job.index)
        units = int(job.quantity)
        good = int(flow.remanufactured.binomial(units, flow.remanufacturable))
        node = job.node
        if good:
            self._point(_REMANUFACTURED, node, RETURN_ORDER, job.index, good)
            lots = self.stock.setdefault(flow.replaces, {})
            lots[node] = lots.get(node, 0.0) + good
        if units - good:
            self._point(_RECYCLED, node, RETURN_ORDER, job.index, units - good)

    def take(self, job: Job) -> bool:
        """Give ``job`` remanufactured units if a site holds its whole quantity (it is then
        done, at that site); False if none does."""
        lots = self.stock.get(job.product.index)
        if not lots:
            return False
        for node in sorted(lots):
            if lots[node] >= job.quantity:
                lots[node] -= job.quantity
                job.step = len(job.product.steps)
                job.node = node
                self._point(_REUSED, node, job.order.index, job.index, job.quantity)
                return True
        return False
