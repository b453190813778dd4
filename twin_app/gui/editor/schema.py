"""What the editor shows for each field, read from the scenario format's JSON Schema.

The forms are not written by hand: every object of the format (``Machine``, ``Lane``...)
becomes a form of its fields, so a field added to the model appears in the editor at once,
with the description written under it in the model as its tool tip. This module only reads
the schema (no Qt): each field gets a :class:`FieldSpec` whose ``kind`` picks its widget.

Kinds: ``number``, ``integer``, ``bool``, ``choice`` (a fixed list of words), ``text``,
``time`` (a number or a distribution, :data:`~twin_app.model.distributions`), ``matrix`` (times
from one key to another: a machine's changeovers between product families), ``object`` (a
nested form), ``table`` (a list of objects: a table and the selected row's form) and ``json``
(anything else: maps such as a product mix, lists of numbers or ids, written as JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from twin_app.io.scenario_document import MISSING
from twin_app.io.scenario_file import scenario_json_schema

SCALAR_KINDS = ("number", "integer", "bool", "choice", "text", "time")
NUMERIC_KINDS = ("number", "integer", "bool")
"""Kinds a sweep can vary (the editor offers 'Sweep this field...' on them)."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of an object of the format."""

    name: str
    kind: str
    required: bool = False
    nullable: bool = False
    default: Any = MISSING
    choices: tuple[str, ...] = ()
    ref: str = ""
    """For ``object`` and ``table``: the definition of the object (e.g. ``"Machine"``)."""
    description: str = ""


@cache
def schema() -> dict[str, Any]:
    return scenario_json_schema()


def _ref_name(node: dict[str, Any]) -> str:
    ref = node.get("$ref", "")
    return str(ref).rsplit("/", 1)[-1] if ref else ""


def _field(name: str, node: dict[str, Any], required: bool) -> FieldSpec:
    description = str(node.get("description", ""))
    default = node.get("default", MISSING)
    branches = node.get("anyOf")
    nullable = False
    if isinstance(branches, list):
        others = [b for b in branches if b.get("type") != "null"]
        nullable = len(others) < len(branches)
        if len(others) == 1:
            inner = _field(name, {**others[0], **{k: v for k, v in node.items() if k != "anyOf"}}, required)
            return FieldSpec(name, inner.kind, required, nullable, default, inner.choices, inner.ref, description)
        return FieldSpec(name, "json", required, nullable, default, description=description)
    ref = _ref_name(node)
    if ref == "Time":
        return FieldSpec(name, "time", required, nullable, default, description=description)
    if ref:
        return FieldSpec(name, "object", required, nullable, default, ref=ref, description=description)
    kind = node.get("type")
    inner = node.get("additionalProperties")
    if kind == "object" and isinstance(inner, dict) and _ref_name(inner.get("additionalProperties") or {}) == "Time":
        return FieldSpec(name, "matrix", required, nullable, default, description=description)
    if "enum" in node:
        choices = tuple(str(c) for c in node["enum"])
        return FieldSpec(name, "choice", required, nullable, default, choices, description=description)
    if kind == "array":
        item_ref = _ref_name(node.get("items") or {})
        if item_ref and item_ref != "Time":
            return FieldSpec(name, "table", required, nullable, default, ref=item_ref, description=description)
        return FieldSpec(name, "json", required, nullable, default, description=description)
    simple = {"number": "number", "integer": "integer", "boolean": "bool", "string": "text"}
    return FieldSpec(name, simple.get(str(kind), "json"), required, nullable, default, description=description)


@cache
def fields_of(definition: str) -> tuple[FieldSpec, ...]:
    """The fields of a definition of the format (``""``: the scenario itself), in the model's order."""
    root = schema()
    node = root if not definition else root["$defs"][definition]
    required = set(node.get("required", ()))
    return tuple(
        _field(name, prop, name in required)
        for name, prop in node.get("properties", {}).items()
        if name not in ("$schema", "format_version")
    )


@cache
def distributions() -> dict[str, tuple[tuple[str, str], ...]]:
    """Each distribution's name -> its parameters as (name, kind) with kind ``number`` or ``json``."""
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for branch in schema()["$defs"]["Time"]["anyOf"]:
        properties = branch.get("properties") or {}
        dist = (properties.get("dist") or {}).get("const")
        if dist:
            out[str(dist)] = tuple(
                (name, "number" if prop.get("type") == "number" else "json")
                for name, prop in properties.items()
                if name != "dist"
            )
    return out
