"""Meaning checks of a scenario's money: who collects the fee, investments, rental contracts,
the due dates service contracts promise.

Types and bounds (a negative price, a service life of 0, a discount rate at or below -100%, a
sharing rule that does not exist) are rejected by the reader at their place; what needs more
than one field is checked here.
"""

from __future__ import annotations

from twin_app.errors import Problem
from twin_app.model.distributions import Constant
from twin_app.model.scenario import Scenario
from twin_app.model.suggest import did_you_mean


def check_economics(scenario: Scenario) -> list[Problem]:
    """Every money problem of ``scenario`` (empty when it is consistent)."""
    problems: list[Problem] = []
    _check_platform_owner(scenario, problems)
    _check_investments(scenario, problems)
    _check_rentals(scenario, problems)
    _check_contract_due_dates(scenario, problems)
    return problems


def _check_contract_due_dates(scenario: Scenario, problems: list[Problem]) -> None:
    """A contract's due-date rule is a promise: a lead time it states, not one drawn at random
    (a drawn one would also need a random stream of its own)."""
    for c, customer in enumerate(scenario.customers):
        due = customer.contract.due
        if due is None or due.rule != "lead_time":
            continue
        place = f"customers[{c}].contract.due.lead"
        if due.lead is None:
            problems.append(Problem(place, "the lead_time rule needs 'lead'", "add the promised lead time in minutes"))
        elif not isinstance(due.lead, Constant):
            problems.append(
                Problem(
                    place,
                    "a contract promises a fixed lead time, got a distribution",
                    "give a number of minutes, e.g. 2880 for two days",
                )
            )


def _check_platform_owner(scenario: Scenario, problems: list[Problem]) -> None:
    platforms = [i for i, owner in enumerate(scenario.owners) if owner.kind == "platform"]
    for index in platforms[1:]:
        problems.append(
            Problem(
                f"owners[{index}].kind",
                f"a second owner of kind 'platform' (the first is {scenario.owners[platforms[0]].id!r})",
                "a network has one platform; make this owner an asset_owner or logistics",
            )
        )
    platform = scenario.platform
    if platforms:
        return
    if platform.fee > 0:
        problems.append(
            Problem("platform.fee", "nobody collects the fee", 'add an owner with "kind": "platform", or set fee 0')
        )
    if platform.costs.per_period > 0 or platform.costs.per_order > 0:
        problems.append(
            Problem("platform.costs", "nobody bears the platform's costs", 'add an owner with "kind": "platform"')
        )


def _check_investments(scenario: Scenario, problems: list[Problem]) -> None:
    for i, machine in enumerate(scenario.machines):
        investment = machine.investment
        if investment is None:
            continue
        if investment.salvage > investment.price:
            problems.append(
                Problem(
                    f"machines[{i}].investment.salvage",
                    f"salvage value {investment.salvage:g} is more than the price {investment.price:g}",
                    "a machine sells for at most what it cost",
                )
            )
        if machine.capex_per_period > 0:
            problems.append(
                Problem(
                    f"machines[{i}].capex_per_period",
                    "given together with an investment: the capital would be counted twice",
                    "keep one: the investment (price, life, salvage) or capex_per_period",
                )
            )


def _check_rentals(scenario: Scenario, problems: list[Problem]) -> None:
    owners = {owner.id for owner in scenario.owners}
    site_owner = {site.id: site.owner for site in scenario.sites}
    machines_of: dict[str, set[str]] = {}
    for machine in scenario.machines:
        machines_of.setdefault(site_owner.get(machine.site, ""), set()).add(machine.id)
    rented: dict[str, int] = {}
    for r, rental in enumerate(scenario.economics.rentals):
        where = f"economics.rentals[{r}]"
        for key in ("owner", "renter"):
            name = getattr(rental, key)
            if name not in owners:
                hint = did_you_mean(name, sorted(owners)).removeprefix("; ")
                problems.append(Problem(f"{where}.{key}", f"unknown owner {name!r}", hint or "name an owner"))
        if rental.owner not in owners:
            continue
        own = machines_of.get(rental.owner, set())
        if not own:
            problems.append(
                Problem(
                    f"{where}.owner",
                    f"owner {rental.owner!r} has no machines to rent out",
                    "name the owner of the machines that are rented",
                )
            )
            continue
        if rental.renter == rental.owner:
            problems.append(Problem(f"{where}.renter", "an owner cannot rent its own machines", "name another owner"))
        for m, machine_id in enumerate(rental.machines):
            if machine_id not in own:
                hint = did_you_mean(machine_id, sorted(own)).removeprefix("; ")
                problems.append(
                    Problem(
                        f"{where}.machines[{m}]",
                        f"{machine_id!r} is not a machine of {rental.owner!r}",
                        hint or "list machines of the owner that rents them out",
                    )
                )
        for machine_id in rental.machines or sorted(own):
            if machine_id in rented and machine_id in own:
                problems.append(
                    Problem(
                        where,
                        f"machine {machine_id!r} is already rented out by economics.rentals[{rented[machine_id]}]",
                        "rent each machine to one renter",
                    )
                )
            rented.setdefault(machine_id, r)
