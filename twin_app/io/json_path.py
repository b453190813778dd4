"""Paths into a scenario's JSON: ``machines[M07].capacity``, ``lanes[*].vehicles``, ``demand.streams[0].mix``.

One path syntax serves the sweep specs (:mod:`twin_app.experiments.sweep_spec`), the scenario
editor's document (:mod:`twin_app.io.scenario_document`) and the places the validator names in
its messages (``machines[3].speed``), so a field picked in the editor can become a sweep factor
as it is. A segment is a field name followed by any number of selectors in brackets:

- ``[M07]`` the list element whose ``id`` is ``M07`` (a demand stream without an id: by its
  ``customer``),
- ``[3]`` the element at position 3,
- ``[*]`` every element.

A selector may hold dots (lane ids such as ``van:a->b.2``); it ends at its ``]``. The functions
here work on plain parsed JSON (dicts and lists) and know nothing of the scenario format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from twin_app.model.suggest import did_you_mean

Segments = list[tuple[str, list[str]]]
"""A parsed path: each field name with its selectors."""

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[^\]]*\])*)")


def parse_path(path: str) -> Segments:
    """``"lanes[van-1].departure.policy"`` -> ``[("lanes", ["van-1"]), ("departure", []), ("policy", [])]``.

    Raises ValueError saying where the path cannot be read.
    """
    segments: Segments = []
    position = 0
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None:
            raise ValueError(f"cannot read the path at {path[position:]!r}")
        name, brackets = match.group(1), match.group(2)
        segments.append((name, re.findall(r"\[([^\]]*)\]", brackets)))
        position = match.end()
        if position < len(path):
            if path[position] != ".":
                raise ValueError(f"expected '.' at {path[position:]!r}")
            position += 1
            if position == len(path):
                raise ValueError("the path ends with '.'")
    if not segments:
        raise ValueError("the path is empty")
    return segments


def format_path(segments: Segments) -> str:
    """The inverse of :func:`parse_path`."""
    return ".".join(name + "".join(f"[{s}]" for s in selectors) for name, selectors in segments)


def element_id(element: Any) -> str | None:
    """What names a list element in a path: its ``id``, else its ``customer`` (demand streams)."""
    if isinstance(element, dict):
        value = element.get("id", element.get("customer"))
        return None if value is None else str(value)
    return None


def select(items: list[Any], selector: str) -> Iterator[tuple[int, Any]]:
    """The (position, element) pairs of ``items`` that ``selector`` names."""
    if selector == "*":
        yield from enumerate(items)
        return
    if selector.isdigit():
        index = int(selector)
        if index < len(items):
            yield index, items[index]
        return
    for index, element in enumerate(items):
        if element_id(element) == selector:
            yield index, element


def targets(data: Any, segments: Segments, create: bool) -> list[tuple[Any, str]]:
    """The (container, key) pairs a path sets in ``data``; raises LookupError(message, hint).

    With ``create``, objects missing on the way are made (empty); a missing last field is
    returned all the same (setting it adds it). List elements are never made.
    """
    current: list[Any] = [data]
    walked = ""
    for position, (name, selectors) in enumerate(segments):
        last = position == len(segments) - 1 and not selectors
        following: list[Any] = []
        for node in current:
            if not isinstance(node, dict):
                raise LookupError(f"{walked} is not an object in the base scenario")
            if name not in node:
                if last or create:
                    following.append((node, name))
                    continue
                raise LookupError(
                    f"the base scenario has no {(walked + '.' if walked else '') + name}",
                    "give the field a value in the base scenario first",
                )
            following.append((node, name))
        walked = f"{walked}.{name}" if walked else name
        if last:
            return following
        nodes = []
        for container, key in following:
            if key not in container:
                container[key] = {}
            nodes.append(container[key])
        for selector in selectors:
            picked = []
            for node in nodes:
                if not isinstance(node, list):
                    raise LookupError(f"{walked} is not a list in the base scenario")
                found = list(select(node, selector))
                if not found:
                    ids = [i for i in (element_id(e) for e in node) if i is not None]
                    hint = did_you_mean(selector, ids).lstrip("; ") or f"ids here: {', '.join(ids[:12])}"
                    hint = hint if ids else ""
                    raise LookupError(f"{walked} has no element {selector!r}", hint or "use a position such as [0]")
                picked.extend(element for _, element in found)
            nodes = picked
            walked += f"[{selector}]"
        if position == len(segments) - 1:
            raise LookupError(f"{walked} names list elements, not a value", "add the field to set, e.g. .vehicles")
        current = nodes
    return []


def positions(data: Any, path: str) -> str:
    """``path`` with every selector written as a position (``machines[M07].capacity`` ->
    ``machines[3].capacity``), the way the validator names places; raises LookupError when
    an element does not exist and ValueError for a path that cannot be read or uses ``[*]``."""
    segments = parse_path(path)
    node = data
    out: Segments = []
    for name, selectors in segments:
        node = node.get(name) if isinstance(node, dict) else None
        picked = []
        for selector in selectors:
            if selector == "*":
                raise ValueError("[*] names many places")
            found = list(select(node, selector)) if isinstance(node, list) else []
            if not found:
                raise LookupError(f"no element {selector!r} in {format_path([*out, (name, picked)])}")
            index, node = found[0]
            picked.append(str(index))
        out.append((name, picked))
    return format_path(out)


def with_ids(data: Any, path: str) -> str:
    """``path`` with each position replaced by its element's id where that id names one element
    (``machines[3].capacity`` -> ``machines[M07].capacity``): the stable form for sweeps, which
    still names the same machine after another is inserted before it."""
    segments = parse_path(path)
    node = data
    out: Segments = []
    for name, selectors in segments:
        node = node.get(name) if isinstance(node, dict) else None
        named = []
        for selector in selectors:
            items = node if isinstance(node, list) else []
            found = list(select(items, selector))
            node = found[0][1] if found else None
            ident = element_id(node)
            unique = ident is not None and not ident.isdigit() and len(list(select(items, ident))) == 1
            named.append(ident if unique and ident is not None and "]" not in ident else selector)
        out.append((name, named))
    return format_path(out)
