"""The rule registries are the one list of dispatch rules: the scenario format offers exactly
their rules, and every rule carries what the engine and both scoring paths need."""

from __future__ import annotations

from typing import get_args

import pytest

from twin_app.dispatch import assignment, sequencing
from twin_app.dispatch.rules import Registry, SequencingRule
from twin_app.model import scenario


def test_the_scenario_format_offers_exactly_the_registered_rules() -> None:
    assert get_args(scenario.AssignmentRule) == assignment.RULES.names()
    assert get_args(scenario.SequencingRule) == sequencing.RULES.names()


def test_every_assignment_rule_scores_on_both_paths_or_picks_at_random() -> None:
    for rule in assignment.RULES.rules():
        if rule.random:
            assert rule.numpy is None and rule.loop is None
        else:
            assert rule.numpy is not None and rule.loop is not None, rule.name
            assert rule.numpy_from >= 2


def test_every_sequencing_rule_is_static_with_a_key_or_dynamic_with_both_scorers() -> None:
    for rule in sequencing.RULES.rules():
        if rule.dynamic:
            assert rule.key is None and rule.numpy is not None and rule.loop is not None, rule.name
        else:
            assert rule.key is not None and rule.numpy is None and rule.loop is None, rule.name


def test_a_rule_keyed_by_the_ready_time_or_the_due_date_alone_says_so_truthfully() -> None:
    """The engine's queues skip the key function of such a rule and key by that value."""
    inputs = dict(r=3.0, p=5.0, d=7.0, w=11.0, n=13, x=17.0)
    for rule in sequencing.RULES.rules():
        if rule.ready_key or rule.due_key:
            assert not (rule.ready_key and rule.due_key), rule.name
            assert rule.key is not None
            assert rule.key(*inputs.values()) == (inputs["r"] if rule.ready_key else inputs["d"]), rule.name
    assert sequencing.RULES["edd"].due_key and sequencing.RULES["fifo"].ready_key


def test_a_registry_refuses_a_second_rule_of_the_same_name_and_names_unknown_ones() -> None:
    registry: Registry[SequencingRule] = Registry("sequencing")
    registry.add(SequencingRule("lifo", dynamic=False, key=lambda r, p, d, w, n, x: -r))
    with pytest.raises(ValueError, match="sequencing rule 'lifo' is already registered"):
        registry.add(SequencingRule("lifo", dynamic=False, key=lambda r, p, d, w, n, x: r))
    with pytest.raises(ValueError, match="unknown sequencing rule 'fofi'"):
        registry["fofi"]
    assert list(registry) == ["lifo"] and "lifo" in registry


def test_a_rule_decides_without_the_inputs_it_does_not_declare() -> None:
    # The engine leaves cost and unreliability out for rules that do not read them (they are
    # the dearest inputs to gather); a rule that read one anyway would fail here.
    import numpy as np

    rng = np.random.default_rng(3)
    for n in (3, 100):
        full = assignment.Candidates(
            ready=50.0 + rng.exponential(5.0, n),
            arrival=50.0 + rng.exponential(5.0, n),
            work=rng.exponential(5.0, n),
            cost=rng.exponential(5.0, n),
            unreliability=rng.choice(np.array([0.0, 0.1]), n),
        )
        for rule in assignment.RULES.rules():
            if rule.random:
                continue
            lean = assignment.Candidates(
                full.ready,
                full.arrival,
                full.work,
                full.cost if rule.uses_cost else None,  # type: ignore[arg-type]
                full.unreliability if rule.uses_unreliability else None,  # type: ignore[arg-type]
            )
            assert assignment.choose(rule.name, 50.0, lean) == assignment.choose(rule.name, 50.0, full)
