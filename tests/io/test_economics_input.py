"""Money in scenario files: bad input is reported at its place with a fix, and version 1
files load with their old meaning (format-version migration)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from twin_app.io.scenario_file import load_scenario, scenario_from_data, scenario_to_data
from twin_app.model.scenario import FORMAT_VERSION

Data = dict[str, Any]


def v2(tiny: Data) -> Data:
    """tiny.json as a version 2 file with a platform owner (fee 5%)."""
    tiny["format_version"] = 2
    tiny["owners"].append({"id": "market", "kind": "platform"})
    return tiny


def _owner_without_machines(d: Data) -> None:
    d["economics"] = {"rentals": [{"owner": "truckco", "renter": "acme", "rate_per_hour": 30}]}


def _investment(**fields: Any) -> Callable[[Data], None]:
    def edit(d: Data) -> None:
        d["machines"][0].pop("capex_per_period")
        d["machines"][0]["investment"] = {"price": 1000, "life_years": 5, **fields}

    return edit


CASES: list[tuple[str, Callable[[Data], None], str, str]] = [
    ("negative price", lambda d: d["products"][0].update(price=-5), "products[0].price", "must be >= 0"),
    (
        "negative premium",
        lambda d: d["products"][0]["routing"][1].update(premium=-1),
        "products[0].routing[1].premium",
        "must be >= 0",
    ),
    (
        "negative rental rate",
        lambda d: d.update(economics={"rentals": [{"owner": "bolt", "renter": "acme", "rate_per_hour": -3}]}),
        "economics.rentals[0].rate_per_hour",
        "must be >= 0",
    ),
    (
        "negative penalty",
        lambda d: d["customers"][0].update(contract={"penalty_per_hour": -2}),
        "customers[0].contract.penalty_per_hour",
        "must be >= 0",
    ),
    ("unknown sharing rule", lambda d: d["platform"].update(sharing="shapely"), "platform.sharing", "'shapley'"),
    ("service life of zero", _investment(life_years=0), "machines[0].investment.life_years", "must be >"),
    (
        "discount rate of -100%",
        lambda d: d["owners"][0].update(discount_rate=-1),
        "owners[0].discount_rate",
        ">= -0.99",
    ),
    ("rental of an owner without machines", _owner_without_machines, "economics.rentals[0].owner", "no machines"),
    (
        "unknown renter",
        lambda d: d.update(economics={"rentals": [{"owner": "bolt", "renter": "acne", "rate_per_hour": 3}]}),
        "economics.rentals[0].renter",
        "'acme'",
    ),
    (
        "rented machine of another owner",
        lambda d: d.update(
            economics={"rentals": [{"owner": "bolt", "renter": "acme", "rate_per_hour": 3, "machines": ["A-mill"]}]}
        ),
        "economics.rentals[0].machines[0]",
        "not a machine of 'bolt'",
    ),
    ("salvage above price", _investment(salvage=2000), "machines[0].investment.salvage", "more than the price"),
    (
        "investment and capex",
        lambda d: d["machines"][0].update(investment={"price": 1000, "life_years": 5}),
        "machines[0].capex_per_period",
        "counted twice",
    ),
    ("fee without a platform", lambda d: d["owners"].pop(), "platform.fee", "nobody collects the fee"),
    (
        "contract lead time drawn at random",
        lambda d: d["customers"][0].update(
            contract={"due": {"rule": "lead_time", "lead": {"dist": "uniform", "low": 60, "high": 600}}}
        ),
        "customers[0].contract.due.lead",
        "fixed lead time",
    ),
    (
        "contract lead_time rule without a lead",
        lambda d: d["customers"][0].update(contract={"due": {"rule": "lead_time"}}),
        "customers[0].contract.due.lead",
        "needs 'lead'",
    ),
    (
        "contract due factor of 0",
        lambda d: d["customers"][0].update(contract={"due": {"rule": "total_work", "factor": 0}}),
        "customers[0].contract.due.factor",
        "must be > 0",
    ),
    (
        "two platforms",
        lambda d: d["owners"].append({"id": "rival", "kind": "platform"}),
        "owners[4].kind",
        "a second owner of kind 'platform'",
    ),
]


@pytest.mark.parametrize(("name", "edit", "place", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_money_is_reported_at_its_place(
    name: str, edit: Callable[[Data], None], place: str, fragment: str, tiny_data: Data, load_problems
) -> None:
    data = v2(tiny_data)
    edit(data)
    problems = load_problems(data)
    matching = [p for p in problems if p.place == place and fragment in str(p)]
    assert matching, f"{name}: expected {place!r} with {fragment!r}; got {[str(p) for p in problems]}"
    assert all(p.hint for p in matching)


def test_a_version_1_file_keeps_its_old_rule_and_takes_no_fee_without_a_platform(tiny_path: Path) -> None:
    """tiny.json is format 1 with a fee of 5% and no platform owner: format 1 took no fee then,
    and shared by variable cost."""
    scenario = load_scenario(tiny_path)
    assert scenario.format_version == FORMAT_VERSION
    assert scenario.platform.sharing == "variable_cost"
    assert scenario.platform.fee == 0
    assert scenario.economics.planning_years == 5 and scenario.owners[0].discount_rate == 0.08


def test_a_version_1_file_with_a_platform_keeps_its_fee(tiny_data: Data) -> None:
    tiny_data["owners"].append({"id": "market", "kind": "platform"})
    scenario = scenario_from_data(tiny_data)
    assert scenario.platform.fee == 0.05 and scenario.platform.sharing == "variable_cost"


def test_a_version_1_file_that_names_a_rule_keeps_it(tiny_data: Data) -> None:
    tiny_data["platform"]["sharing"] = "equal"
    assert scenario_from_data(tiny_data).platform.sharing == "equal"


def test_a_migrated_file_saves_as_version_2_and_reads_back_the_same(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    data = json.loads(json.dumps(scenario_to_data(scenario)))
    assert data["format_version"] == 2 and data["platform"]["sharing"] == "variable_cost"
    assert scenario_from_data(data) == scenario


def test_a_version_2_file_without_money_fields_takes_the_documented_defaults(tiny_data: Data) -> None:
    scenario = scenario_from_data(v2(tiny_data))
    assert scenario.platform.sharing == "full_cost"
    assert scenario.platform.fee == 0.05
    assert scenario.platform.costs.per_period == 0 and scenario.platform.costs.per_order == 0
    assert scenario.machines[0].investment is None
    assert scenario.products[0].price == 0 and scenario.customers[0].contract.penalty_per_order == 0
    assert scenario.economics.rentals == () and scenario.economics.year == 524160
