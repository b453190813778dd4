"""Dispatch rules as objects, and the registries that hold them.

A rule is one object with its name, its scorers (a numpy path and a plain-loop path that
decide identically) and what the engine must know about it (static or dynamic, which
inputs it needs). The assignment rules live in :mod:`twin_app.dispatch.assignment`, the
sequencing rules in :mod:`twin_app.dispatch.sequencing`, each added to its module's
``RULES`` registry where it is defined. The CLI's choices, the scenario format (held equal
by a test) and the engine read the registries, and the property test that the two paths
agree iterates over them: adding a rule is adding one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

ScoreArrays = Callable[..., np.ndarray]
"""The numpy path: one pass of array operations giving every candidate's score."""
ScoreList = Callable[..., list[float]]
"""The loop path: the same arithmetic, element by element."""


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    """Which capable machine gets an operation: the lowest score, ties to the first candidate."""

    name: str
    numpy: ScoreArrays | None
    """numpy(now, candidates, weights) -> scores; None for a rule that does not score."""
    loop: ScoreList | None
    """loop(now, candidates, weights) -> scores as a list."""
    numpy_from: int = 32
    """Candidate count from which the numpy path is faster (``twin-app bench dispatch``)."""
    counts_onward: bool = False
    """For a part not yet anywhere, the transit on from the machine counts in its work."""
    uses_cost: bool = False
    """The score reads ``cost`` (else the engine need not compute it: transport cost tables
    are the dearest input to gather)."""
    uses_unreliability: bool = False
    """The score reads ``unreliability``."""
    uses_trust: bool = False
    """The score reads ``trust`` (the platform's trust in each candidate's owner)."""
    random: bool = False
    """Picks a uniformly random candidate (needs the dispatch random generator)."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class SequencingRule:
    """Which waiting operation goes first: the smallest key or score, ties to the lowest job index."""

    name: str
    dynamic: bool
    """Scored when the choice is made (depends on the clock), not keyed once on arrival."""
    key: Callable[..., float] | None = None
    """Static rules: key(ready, processing, due, remaining_work, remaining_operations, done_work)."""
    numpy: ScoreArrays | None = None
    """Dynamic rules: numpy(now, processing, due, remaining_work, mean_processing, atc_k)."""
    loop: ScoreList | None = None
    """Dynamic rules: loop(now, processing, due, remaining_work, mean_processing, atc_k) (lists)."""
    ready_key: bool = False
    """The key is the ready time alone (the engine skips computing the other inputs)."""
    due_key: bool = False
    """The key is the order's due date alone (likewise)."""
    needs_processing: bool = False
    """The key needs the operation's expected processing time on its machine(s)."""
    ranks_pairs: bool = False
    """In a pooled queue of several machines (pull), rank (operation, free machine) pairs:
    an operation's processing is its time on the fastest machine free now."""
    description: str = ""


Rule = TypeVar("Rule", AssignmentRule, SequencingRule)


class Registry(Generic[Rule]):
    """Rules of one kind by name, in the order they were added; iterating gives the names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        if rule.name in self._rules:
            raise ValueError(f"{self.kind} rule {rule.name!r} is already registered")
        self._rules[rule.name] = rule
        return rule

    def __getitem__(self, name: str) -> Rule:
        rule = self._rules.get(name)
        if rule is None:
            raise ValueError(f"unknown {self.kind} rule {name!r}")
        return rule

    def get(self, name: str) -> Rule | None:
        return self._rules.get(name)

    def __contains__(self, name: Any) -> bool:
        return name in self._rules

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def names(self) -> tuple[str, ...]:
        return tuple(self._rules)

    def rules(self) -> tuple[Rule, ...]:
        return tuple(self._rules.values())
