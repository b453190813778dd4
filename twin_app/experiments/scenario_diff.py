"""What changed between two scenarios, field by field, as paths a sweep spec understands.

A comparison is only worth reading next to what was changed to get it. This module walks two
scenarios' full JSON forms (defaults included, so a lane whose ``vehicles`` went from the
default 1 to 3 reads "changed 1 -> 3", not "added") and lists every difference by its path in
the syntax of :mod:`twin_app.experiments.sweep_spec`: list elements by their ``id`` (a demand
stream without one by its customer) where those are unique, else by position. An element that
exists on one side only is one change ("added" / "removed"), not one per field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from twin_app.model.scenario import Scenario

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: its path, what happened, and the values before and after (None: absent)."""

    path: str
    kind: Kind
    old: Any = None
    new: Any = None

    @property
    def section(self) -> str:
        """The top-level part of the scenario the change is in (``lanes``, ``platform``, ...)."""
        return self.path.split(".", 1)[0].split("[", 1)[0]

    def text(self, width: int = 60) -> str:
        """``old -> new`` (or the one value there is), each shortened to ``width`` characters."""
        if self.kind == "added":
            return f"added: {_named(self.new, width)}"
        if self.kind == "removed":
            return f"removed: {_named(self.old, width)}"
        return f"{short(self.old, width)} -> {short(self.new, width)}"


def _named(value: Any, width: int) -> str:
    """An added or removed element by its name when it has one, else as JSON."""
    if isinstance(value, dict) and value.get("name"):
        return short(f"{value['name']} ({value.get('id', '')})" if value.get("id") else value["name"], width)
    return short(value, width)


def short(value: Any, width: int = 60) -> str:
    """A value as compact JSON, cut to ``width`` characters with an ellipsis."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "), ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


@cache
def _adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Scenario)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario's full JSON form, every field present (defaults too)."""
    data: dict[str, Any] = _adapter().dump_python(scenario, mode="json")
    return data


def diff_scenarios(before: Scenario, after: Scenario) -> list[Change]:
    """Every difference from ``before`` to ``after``, in the order of the scenario's fields."""
    return diff_data(scenario_data(before), scenario_data(after))


def diff_data(before: Any, after: Any, path: str = "") -> list[Change]:
    """Every difference between two JSON values; ``path`` is where they sit."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in [*before, *(k for k in after if k not in before)]:
            inner = f"{path}.{key}" if path else str(key)
            if key not in after:
                changes.append(Change(inner, "removed", old=before[key]))
            elif key not in before:
                changes.append(Change(inner, "added", new=after[key]))
            else:
                changes.extend(diff_data(before[key], after[key], inner))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        return _diff_list(before, after, path)
    if before == after and isinstance(before, bool) == isinstance(after, bool):
        return []  # 3 and 3.0 are the same number in a scenario file; true and 1 are not
    return [Change(path, "changed", before, after)]


def _key(element: Any) -> str | None:
    """How a sweep path names a list element: its id, or a demand stream's customer."""
    if isinstance(element, dict):
        value = element.get("id") or element.get("customer")
        return None if value is None else str(value)
    return None


def _keys(items: list[Any]) -> list[str] | None:
    """Every element's key, if each has one and they are unique (else elements go by position)."""
    keys = [_key(e) for e in items]
    if any(k is None for k in keys) or len(set(keys)) != len(keys):
        return None
    return [k for k in keys if k is not None]


def _diff_list(before: list[Any], after: list[Any], path: str) -> list[Change]:
    old_keys, new_keys = _keys(before), _keys(after)
    if old_keys is not None and new_keys is not None and (before or after):
        old = dict(zip(old_keys, before, strict=True))
        new = dict(zip(new_keys, after, strict=True))
        changes: list[Change] = []
        for key in [*old_keys, *(k for k in new_keys if k not in old)]:
            inner = f"{path}[{key}]"
            if key not in new:
                changes.append(Change(inner, "removed", old=old[key]))
            elif key not in old:
                changes.append(Change(inner, "added", new=new[key]))
            else:
                changes.extend(diff_data(old[key], new[key], inner))
        return changes
    if not all(isinstance(e, dict | list) for e in [*before, *after]):
        return [] if before == after else [Change(path, "changed", before, after)]  # a list of plain values
    changes = []
    for index in range(max(len(before), len(after))):
        inner = f"{path}[{index}]"
        if index >= len(after):
            changes.append(Change(inner, "removed", old=before[index]))
        elif index >= len(before):
            changes.append(Change(inner, "added", new=after[index]))
        else:
            changes.extend(diff_data(before[index], after[index], inner))
    return changes


__all__ = ["Change", "diff_data", "diff_scenarios", "scenario_data", "short"]
