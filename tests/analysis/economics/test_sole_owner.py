"""A network of one owner takes a shorter path through the money (its games are won by the
owner alone or by nobody): the figures must be those of the general computation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.economics.coalitions import OrderNeeds, SoleOwnerNeeds
from twin_app.analysis.economics.money import analyse_money
from twin_app.analysis.kpis import compute_kpis
from twin_app.analysis.result import RunResult
from twin_app.io.scenario_file import scenario_from_data
from twin_app.sim.engine import Simulation

TINY = Path(__file__).resolve().parents[2] / "data" / "tiny.json"


def _one_owner(extra_owner: bool) -> dict[str, Any]:
    """tiny.json with everything owned by acme; ``extra_owner`` adds an owner of nothing."""
    text = TINY.read_text()
    for other in ("bolt", "truckco"):
        text = text.replace(f'"owner": "{other}"', '"owner": "acme"')
    data = json.loads(text)
    data["owners"] = [o for o in data["owners"] if o["id"] == "acme"]
    if extra_owner:
        data["owners"].append({"id": "idle"})
    return data


def _run(data: dict[str, Any]) -> RunResult:
    scenario = scenario_from_data(data)
    collector = EventCollector()
    simulation = Simulation(scenario, seed=scenario.run.seed, replication=0, observers=[collector])
    simulation.run()
    return collector.result(scenario, simulation.layout)


def test_one_owners_money_is_the_general_computations() -> None:
    """The same run with an owner of nothing beside acme goes through the general games and
    stand-alone sets; acme's money (every sharing rule, stand-alone value, the Shapley error,
    and the per-order powers) must be the same to the bit."""
    sole, general = _run(_one_owner(False)), _run(_one_owner(True))
    assert sole.events.tobytes() == general.events.tobytes()
    sole_money, general_money = analyse_money(sole), analyse_money(general)
    assert isinstance(sole_money.needs, SoleOwnerNeeds) and isinstance(general_money.needs, OrderNeeds)
    assert sole_money.paid.paid.sum() > 0 and len(sole_money.work.pair_order) > 10
    for rule, shares in sole_money.shares.items():
        assert shares[0] == general_money.shares[rule][0], rule
    assert np.array_equal(sole_money.needs.alone(1)[0], general_money.needs.alone(2)[0])
    a, b = compute_kpis(sole), compute_kpis(general)
    for block, key in (("profit", "by_owner"), ("fairness", "stand_alone"), ("revenue", "by_owner")):
        assert json.dumps(a[block][key]["acme"] if key == "by_owner" else a[block][key]["by_owner"]["acme"]) == (
            json.dumps(b[block][key]["acme"] if key == "by_owner" else b[block][key]["by_owner"]["acme"])
        )
    for rule in a["profit"]["by_rule"]:
        assert a["profit"]["by_rule"][rule]["by_owner"]["acme"] == b["profit"]["by_rule"][rule]["by_owner"]["acme"]
    assert a["sharing"] == b["sharing"]


def test_an_owner_able_to_everything_needs_no_look_up_of_its_orders_needs(monkeypatch) -> None:
    """When the one owner can do every step and hop, its orders' needs are not read: 'some' and
    'every' are then what the per-event look-up of the needs gives."""
    from twin_app.analysis.economics import coalitions

    sole = _run(_one_owner(False))
    work = analyse_money(sole).work
    short = coalitions.order_needs(sole, work)
    monkeypatch.setattr(coalitions, "_able_to_everything", lambda owner, sets: False)
    looked_up = coalitions.order_needs(sole, work)
    assert isinstance(short, SoleOwnerNeeds) and isinstance(looked_up, SoleOwnerNeeds)
    assert short.some.any() and np.array_equal(short.some, looked_up.some)
    assert np.array_equal(short.every, looked_up.every)
