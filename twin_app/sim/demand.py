"""Demand: the processes that release orders, from the order book and from arrival streams.

Each source hands an order to the engine through one callback, ``release(customer, product,
quantity, due, price)``; :attr:`DemandSources.open` counts the sources not yet exhausted. A
stream's random numbers (arrivals, mix, quantities, lead times) are keyed by its stable id
(:func:`twin_app.model.scenario.demand_stream_ids`), never by its place in the list.

A customer whose service contract has a ``due`` rule gets its orders' due dates from that
rule instead of the stream's (or the order book's default). The rule is deterministic (a
fixed lead time, or a factor of the expected work), so it draws no random number: the
stream's other draws, and every other stream, stay as they were.

A source is driven by raw SimPy events with callbacks rather than a generator process (one
resumption per order was a tenth of a large run). It schedules exactly the events a SimPy
process would: an URGENT start at time 0, one timer per wait, and a NORMAL end event when it
is exhausted, so the sequence numbers that order simultaneous events stay those of a process.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np
import simpy
from simpy.core import NORMAL, URGENT

from twin_app.model.distributions import sampler
from twin_app.model.scenario import Customer, Demand, DemandStream, DueDateRule, OrderSpec, demand_stream_ids
from twin_app.sim.compiled import CompiledProduct, CompiledScenario
from twin_app.sim.rng import uniforms

Release = Callable[[int, CompiledProduct, float, float, float], None]
"""release(customer index, product, quantity, due, price)."""


class Wake:
    """A raw SimPy event that calls ``callback(event)`` when it is processed."""

    __slots__ = ("_ok", "_value", "callbacks")

    def __init__(self, callback: Callable[[Wake], None] | None) -> None:
        self.callbacks = (callback,) if callback is not None else ()
        self._ok = True
        self._value = None


class DemandSources:
    """Starts every source of ``demand``; :attr:`open` counts those not yet exhausted."""

    def __init__(
        self,
        env: simpy.Environment,
        demand: Demand,
        compiled: CompiledScenario,
        rng: Callable[..., np.random.Generator],
        release: Release,
        customers: tuple[Customer, ...] = (),
    ) -> None:
        self.env = env
        self.open = 0
        contract_due = {c.id: c.contract.due for c in customers if c.contract.due is not None}
        if demand.orders:
            book = [spec for _position, spec in sorted(enumerate(demand.orders), key=lambda i: (i[1].release, i[0]))]
            self.open += 1
            _OrderBook(self, book, compiled, release, contract_due)
        for stream_id, spec in zip(demand_stream_ids(demand.streams), demand.streams, strict=True):
            self.open += 1
            _Stream(self, stream_id, spec, compiled, rng, release, contract_due.get(spec.customer))

    def exhausted(self) -> None:
        """A source has released its last order: it ends like a SimPy process would."""
        self.open -= 1
        self.env.schedule(Wake(None), NORMAL, 0)  # type: ignore[arg-type]


class _OrderBook:
    """Releases the orders of the book at their release times, in (release, file) order."""

    def __init__(
        self,
        sources: DemandSources,
        book: list[OrderSpec],
        compiled: CompiledScenario,
        release: Release,
        contract_due: dict[str, DueDateRule],
    ) -> None:
        self.sources = sources
        self.env = sources.env
        self.book = book
        self.compiled = compiled
        self.release = release
        self.contract_due = contract_due
        self.position = 0
        self.waited = False
        self.env.schedule(Wake(self._next), URGENT, 0)  # type: ignore[arg-type]

    def _next(self, _event: Wake) -> None:
        """Release every order that is due (the one just waited for included); wait for the next."""
        env = self.env
        compiled = self.compiled
        while self.position < len(self.book):
            spec = self.book[self.position]
            if not self.waited and spec.release > env.now:
                self.waited = True
                env.schedule(Wake(self._next), NORMAL, spec.release - env.now)  # type: ignore[arg-type]
                return
            self.waited = False
            self.position += 1
            product = compiled.products[compiled.product_index[spec.product]]
            due = spec.due if spec.due is not None else env.now + self._allowance(spec, product)
            self.release(compiled.customer_index[spec.customer], product, float(spec.quantity), due, spec.price)
        self.sources.exhausted()

    def _allowance(self, spec: OrderSpec, product: CompiledProduct) -> float:
        """Time from release to due for an order without a due date of its own: its
        customer's contract's rule, else 3 x its expected work."""
        rule = self.contract_due.get(spec.customer)
        if rule is None:
            return 3.0 * product.total_work(spec.quantity)
        if rule.rule == "lead_time" and rule.lead is not None:
            return rule.lead.mean  # a constant (checked when the scenario is read)
        return rule.factor * product.total_work(spec.quantity)


class _Stream:
    """Releases the orders of one arrival stream (id ``name``, which keys its random numbers)."""

    def __init__(
        self,
        sources: DemandSources,
        name: str,
        spec: DemandStream,
        compiled: CompiledScenario,
        rng: Callable[..., np.random.Generator],
        release: Release,
        contract_due: DueDateRule | None = None,
    ) -> None:
        """``contract_due``: the customer's contract's due-date rule, which replaces the
        stream's (a constant lead time draws nothing from the stream's ``due`` generator)."""
        self.sources = sources
        self.env = sources.env
        self.spec = spec
        self.release = release
        self.gap = sampler(spec.interarrival, rng("arrivals", name))
        self.quantity = sampler(spec.quantity, rng("quantity", name))
        self.mix = uniforms(rng("mix", name))
        self.products = [compiled.products[compiled.product_index[p]] for p in spec.mix]
        weights = np.array(list(spec.mix.values()), dtype=float)
        self.cumulative = np.cumsum(weights / weights.sum()).tolist()
        due_rule = contract_due if contract_due is not None else spec.due
        self.lead = sampler(due_rule.lead, rng("due", name)) if due_rule.lead is not None else None
        self.by_lead_time = due_rule.rule == "lead_time" and self.lead is not None
        self.due_factor = due_rule.factor
        self.customer = compiled.customer_index[spec.customer]
        self.released = 0
        self.env.schedule(Wake(self._begin), URGENT, 0)  # type: ignore[arg-type]

    def _begin(self, _event: Wake) -> None:
        if self.spec.start > 0:
            self.env.schedule(Wake(self._wait), NORMAL, self.spec.start)  # type: ignore[arg-type]
        else:
            self._wait(_event)

    def _wait(self, _event: Wake) -> None:
        """Wait for the next arrival, or end when the stream has released its maximum."""
        if self.spec.max_orders is None or self.released < self.spec.max_orders:
            self.env.schedule(Wake(self._arrive), NORMAL, self.gap())  # type: ignore[arg-type]
        else:
            self.sources.exhausted()

    def _arrive(self, _event: Wake) -> None:
        env = self.env
        spec = self.spec
        if spec.stop is not None and env.now >= spec.stop:
            self.sources.exhausted()
            return
        # first product whose cumulative share exceeds the draw (the last one if rounding
        # left the total a hair under 1)
        products = self.products
        product = products[min(bisect.bisect_right(self.cumulative, self.mix()), len(products) - 1)]
        amount = float(max(1, round(self.quantity())))
        allowance = self.lead() if self.by_lead_time else self.due_factor * product.total_work(amount)  # type: ignore[misc]
        due = env.now + allowance
        self.release(self.customer, product, amount, due, spec.price_per_unit * amount)
        self.released += 1
        self._wait(_event)
