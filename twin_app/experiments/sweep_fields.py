"""Building a sweep spec by hand: the fields a factor can name, and levels as a user types them.

The desktop sweep view lets the user pick a field of the scenario and type its levels; this
module turns those into the spec :func:`twin_app.experiments.sweep_spec.parse_spec` checks,
so a spec made in the window is the same thing as a spec file given to ``twin-app sweep``.

- :func:`field_paths` lists the scenario's fields as sweep paths: every value present, with
  list elements by id (``lanes[L1].vehicles``) and, for lists of elements with ids, the
  wildcard over them (``lanes[*].vehicles``).
- :func:`parse_levels` reads ``2, 4, 6`` or ``on_demand, when_full`` or JSON objects
  separated by commas (factorial), or a range ``2..6``: for a factorial design a range of
  whole numbers means every whole number in it (2, 3, 4, 5, 6); a Latin hypercube draws from
  the range (whole numbers when both ends are).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from twin_app.errors import TwinError

_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*\.\.\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*$")
"""``a..b`` with two numbers (``2..6``, ``0.5..1.5``)."""

MAX_FACTORIAL_RANGE = 1000
"""A factorial range with more whole numbers than this is surely a typo."""

MAX_ELEMENTS = 40
"""Lists longer than this (an inlined order book) get only their wildcard paths."""


def _key(element: Any) -> str | None:
    if isinstance(element, dict):
        value = element.get("id", element.get("customer"))
        return None if value is None else str(value)
    return None


def field_paths(data: dict[str, Any]) -> list[str]:
    """Every field of scenario ``data`` (a scenario file's JSON) as a sweep path, in file order;
    wildcard paths first within each list."""
    seen: dict[str, None] = {}
    for path in _walk(data, ""):
        seen.setdefault(path, None)
    return [p for p in seen if p != "format_version"]


def _walk(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        if path and "dist" in value:
            yield path  # a distribution can be swept as a whole
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}" if path else str(key))
        return
    if isinstance(value, list):
        keys = [_key(e) for e in value]
        if value and all(isinstance(e, dict) for e in value):
            if all(k is not None for k in keys):
                for element in value:
                    yield from _walk(element, f"{path}[*]")
            if len(value) <= MAX_ELEMENTS:
                unique = len(set(keys)) == len(keys) and None not in keys
                for index, element in enumerate(value):
                    yield from _walk(element, f"{path}[{keys[index] if unique else index}]")
            return
        yield path  # a list of plain values is one level
        return
    if path:
        yield path


def parse_levels(text: str, design: str = "factorial") -> list[Any] | dict[str, Any]:
    """The levels typed for a factor: a list (factorial) or a range {min, max, integer} (lhs).

    Raises TwinError saying what to type when the text cannot be read."""
    text = text.strip()
    if not text:
        raise TwinError("no levels: type them separated by commas, e.g. 2, 4, 6 (or 2..6 for a range)")
    if design == "lhs":
        low, dots, high = text.partition("..")
        try:
            a, b = json.loads(low), json.loads(high)
        except json.JSONDecodeError:
            a = b = None
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
        if not dots or not numbers:
            raise TwinError(f"a Latin hypercube factor takes a range such as 2..6 or 0.5..1.5, got {text!r}")
        return {"min": a, "max": b, "integer": isinstance(a, int) and isinstance(b, int)}
    if text.startswith("["):
        try:
            levels = json.loads(text)
        except json.JSONDecodeError as error:
            raise TwinError(f"the levels are not a JSON list: {error.msg}") from None
        if not isinstance(levels, list):
            raise TwinError("the levels must be a list")
        return levels
    bounds = _RANGE.match(text)
    if bounds:
        return _factorial_range(text, json.loads(bounds[1]), json.loads(bounds[2]))
    return [_level(piece) for piece in _split(text)]


def _factorial_range(text: str, low: float, high: float) -> list[int]:
    """The whole numbers ``low, low + 1, ..., high`` of a factorial range ``low..high``."""
    if not (isinstance(low, int) and isinstance(high, int)):
        raise TwinError(
            f"a factorial design needs its levels listed, e.g. 0.5, 1, 1.5; {text!r} is a range of "
            "decimals (only the Latin hypercube design draws from such a range)"
        )
    if high < low:
        raise TwinError(f"the range {text!r} runs backwards: write the smaller end first, e.g. {high}..{low}")
    if high - low + 1 > MAX_FACTORIAL_RANGE:
        raise TwinError(f"the range {text!r} holds over {MAX_FACTORIAL_RANGE} levels: narrow it or list the levels")
    return list(range(low, high + 1))


def _split(text: str) -> list[str]:
    """Split at commas outside braces, brackets and quotes."""
    pieces: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, char in enumerate(text):
        if char == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char in "{[":
            depth += 1
        elif not quoted and char in "}]":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _level(piece: str) -> Any:
    """A number, true/false/null, a JSON object or list, or else the text itself."""
    try:
        return json.loads(piece)
    except json.JSONDecodeError:
        return piece.strip("'\"")


def levels_text(levels: Any) -> str:
    """Levels as :func:`parse_levels` reads them back (a value from the editor, a factor's list)."""
    if isinstance(levels, dict) and {"min", "max"} <= set(levels):
        return f"{levels['min']}..{levels['max']}"
    values = levels if isinstance(levels, list | tuple) else [levels]
    return ", ".join(v if isinstance(v, str) and "," not in v else json.dumps(v) for v in values)
