"""What each order delivered in the window pays, and whether it was late.

An order's money comes in when it is delivered, so the orders *paid* in a window are those
delivered in it. What one pays:

- **base price**: the price its demand gave it (``price_per_unit`` x quantity of its stream,
  or the order book's price); when that is 0, its product's list price x quantity;
- **option premiums**: for each job of the order (its components included) that went through
  a step with a ``premium``, premium x the job's quantity (once per job: rework is not paid);
- **contract**: per its customer's service contract, a late order (delivered after its due
  date) pays back ``penalty_per_order`` + ``penalty_per_hour`` x hours late; an order on time
  earns ``bonus_per_order``. Orders without a due date are neither.

``paid = base + premiums + bonus - penalty`` is what the customer hands over; the platform's
fee and the partners' shares are taken from it (:mod:`.sharing`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.arrays import take_rows
from twin_app.analysis.economics.jobs import event_products
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind

HOUR = 60.0
"""Time units per hour (the twin's time unit is the minute)."""


@dataclass(frozen=True)
class PaidOrders:
    """The orders delivered in the window, sorted by id, with what each pays (arrays)."""

    records: np.ndarray
    """ORDER_DTYPE records."""
    base: np.ndarray
    premium: np.ndarray
    late_by: np.ndarray
    """Time delivered after the due date (0 when on time or without a due date)."""
    has_due: np.ndarray
    penalty: np.ndarray
    bonus: np.ndarray

    def __len__(self) -> int:
        return len(self.records)

    @property
    def value(self) -> np.ndarray:
        """Price with option premiums, before the contract's penalty or bonus."""
        return self.base + self.premium

    @property
    def paid(self) -> np.ndarray:
        return self.value + self.bonus - self.penalty

    @property
    def late(self) -> np.ndarray:
        return self.has_due & (self.late_by > 0)


def paid_orders(result: RunResult) -> PaidOrders:
    """The orders delivered in ``result``'s window and what each pays."""
    o = result.orders
    completed = o["completed"]
    mask = np.isfinite(completed) & (completed >= result.start) & (completed <= result.end)
    o = take_rows(o, mask)
    if not (o["order"][1:] >= o["order"][:-1]).all():  # (the result's orders come sorted by id)
        o = take_rows(o, np.argsort(o["order"], kind="stable"))
    scenario = result.scenario
    list_price = np.array([p.price for p in scenario.products] or [0.0])
    product = o["product"].astype(np.int64)
    known = (product >= 0) & (product < len(scenario.products))
    fallback = np.where(known, list_price[np.where(known, product, 0)], 0.0) * o["quantity"]
    base = np.where(o["price"] > 0, o["price"], fallback)

    has_due = np.isfinite(o["due"])
    late_by = np.where(has_due, np.maximum(o["completed"] - np.where(has_due, o["due"], 0.0), 0.0), 0.0)
    contracts = [c.contract for c in scenario.customers]
    customer = o["customer"].astype(np.int64)
    penalty = np.zeros(len(o))
    bonus = np.zeros(len(o))
    for index, contract in enumerate(contracts):
        mine = customer == index
        late = mine & has_due & (late_by > 0)
        penalty[late] = contract.penalty_per_order + contract.penalty_per_hour * late_by[late] / HOUR
        bonus[mine & has_due & (late_by <= 0)] = contract.bonus_per_order
    return PaidOrders(o, base, _premiums(result, o["order"]), late_by, has_due, penalty, bonus)


def _premiums(result: RunResult, order_ids: np.ndarray) -> np.ndarray:
    """Option premiums of each order in ``order_ids`` (sorted): premium x job quantity for each
    (job, step) with a premium that the job went through."""
    products = result.scenario.products
    steps = max(len(p.routing) for p in products)
    table = np.zeros((len(products), steps))
    for p, product in enumerate(products):
        for s, step in enumerate(product.routing):
            table[p, s] = step.premium
    premiums = np.zeros(len(order_ids))
    if not table.any() or len(order_ids) == 0:
        return premiums
    ev = result.events
    ev = ev[result.kind_mask(EventKind.PROCESS) & np.isin(ev["order"], order_ids)]
    product = event_products(result, ev)
    operation = ev["operation"].astype(np.int64)
    ok = (product >= 0) & (operation >= 0) & (operation < steps)
    ev, product, operation = ev[ok], product[ok], operation[ok]
    price = table[product, operation]
    ev, price = ev[price > 0], price[price > 0]
    if len(ev) == 0:
        return premiums
    _keys, first = np.unique(np.stack([ev["job"], ev["operation"].astype(np.int64)]), axis=1, return_index=True)
    position = np.searchsorted(order_ids, ev["order"][first])
    np.add.at(premiums, position, price[first] * ev["quantity"][first])
    return premiums
