"""Demand: the processes that release orders, from the order book and from arrival streams.

Each source hands an order to the engine through one callback, ``release(customer, product,
quantity, due, price)``, and says when it has no more to give through ``exhausted()``. A
stream's random numbers (arrivals, mix, quantities, lead times) are keyed by its stable id
(:func:`twin_app.model.scenario.demand_stream_ids`), never by its place in the list.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Generator

import numpy as np
import simpy
from simpy.events import Event

from twin_app.model.distributions import sampler
from twin_app.model.scenario import Demand, DemandStream, demand_stream_ids
from twin_app.sim.compiled import CompiledProduct, CompiledScenario
from twin_app.sim.rng import uniforms

Release = Callable[[int, CompiledProduct, float, float, float], None]
"""release(customer index, product, quantity, due, price)."""


class DemandSources:
    """Starts one SimPy process per source; :attr:`open` counts those not yet exhausted."""

    def __init__(
        self,
        env: simpy.Environment,
        demand: Demand,
        compiled: CompiledScenario,
        rng: Callable[..., np.random.Generator],
        release: Release,
    ) -> None:
        self.env = env
        self.compiled = compiled
        self.rng = rng
        self.release = release
        self.open = 0
        if demand.orders:
            book = sorted(enumerate(demand.orders), key=lambda item: (item[1].release, item[0]))
            self.open += 1
            env.process(self._order_book(book))
        for stream_id, spec in zip(demand_stream_ids(demand.streams), demand.streams, strict=True):
            self.open += 1
            env.process(self._arrivals(stream_id, spec))

    def _order_book(self, book: list) -> Generator[Event, object, None]:
        compiled = self.compiled
        env = self.env
        for _position, spec in book:
            if spec.release > env.now:
                yield env.timeout(spec.release - env.now)
            product = compiled.products[compiled.product_index[spec.product]]
            due = spec.due if spec.due is not None else env.now + 3.0 * product.total_work(spec.quantity)
            self.release(compiled.customer_index[spec.customer], product, float(spec.quantity), due, spec.price)
        self.open -= 1

    def _arrivals(self, name: str, spec: DemandStream) -> Generator[Event, object, None]:
        """Release the orders of the stream with id ``name`` (which keys its random numbers)."""
        compiled = self.compiled
        env = self.env
        gap = sampler(spec.interarrival, self.rng("arrivals", name))
        quantity = sampler(spec.quantity, self.rng("quantity", name))
        mix = uniforms(self.rng("mix", name))
        products = [compiled.products[compiled.product_index[p]] for p in spec.mix]
        weights = np.array(list(spec.mix.values()), dtype=float)
        cumulative = np.cumsum(weights / weights.sum()).tolist()
        last = len(products) - 1
        lead = sampler(spec.due.lead, self.rng("due", name)) if spec.due.lead is not None else None
        customer = compiled.customer_index[spec.customer]
        released = 0
        if spec.start > 0:
            yield env.timeout(spec.start)
        while spec.max_orders is None or released < spec.max_orders:
            yield env.timeout(gap())
            if spec.stop is not None and env.now >= spec.stop:
                break
            # first product whose cumulative share exceeds the draw (the last one if rounding
            # left the total a hair under 1)
            product = products[min(bisect.bisect_right(cumulative, mix()), last)]
            amount = float(max(1, round(quantity())))
            if spec.due.rule == "lead_time" and lead is not None:
                due = env.now + lead()
            else:
                due = env.now + spec.due.factor * product.total_work(amount)
            self.release(customer, product, amount, due, spec.price_per_unit * amount)
            released += 1
        self.open -= 1
