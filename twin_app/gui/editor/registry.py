"""Which widget shows which path of the document, so an edit refreshes what it touched and a
problem lands at the widget showing its place.

Everything the editor shows registers in a :class:`Registry` under its path (``machines[3].speed``,
a table under ``machines``). Paths are grouped by their *root* (up to the first ``]``:
``machines[5]``), so finding what an edit touches looks at one element's widgets, not at every
widget of a long list. :class:`Context` is what forms and tables need from the editor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from twin_app.io.scenario_document import ScenarioDocument


class Context(Protocol):
    """What forms need from the editor."""

    document: ScenarioDocument

    def field_edited(self, path: str, value: Any, finished: bool) -> None: ...
    def insert(self, path: str, index: int, value: Any, text: str) -> None: ...
    def remove(self, path: str, index: int, text: str) -> None: ...
    def completions(self, definition: str, name: str) -> list[str] | None: ...
    def sweep(self, path: str, value: Any) -> None: ...


class Shown(Protocol):
    """Anything registered under a path: it can re-read its value and show problems."""

    def refresh(self, changed: str) -> None: ...
    def show_problems(self, messages: list[str]) -> None: ...


class Registry:
    """Paths -> what shows them; a child registry is dropped when its form is rebuilt."""

    def __init__(self) -> None:
        self.shown: dict[str, list[Shown]] = {}
        self.roots: dict[str, list[tuple[str, Shown]]] = {}
        self.children: list[Registry] = []

    def add(self, path: str, shown: Shown) -> None:
        self.shown.setdefault(path, []).append(shown)
        self.roots.setdefault(root(path), []).append((path, shown))

    def clear(self) -> None:
        self.shown.clear()
        self.roots.clear()

    def child(self) -> Registry:
        registry = Registry()
        self.children.append(registry)
        return registry

    def drop(self, child: Registry) -> None:
        if child in self.children:
            self.children.remove(child)

    def items(self) -> Iterator[tuple[str, Shown]]:
        for path, shown in self.shown.items():
            for one in shown:
                yield path, one
        for child in self.children:
            yield from child.items()

    def related(self, changed: str) -> Iterator[Shown]:
        """What shows ``changed``, a field inside it, or an object around it."""
        base = root(changed)
        for path, shown in self.roots.get(base, ()):
            if related(path, changed):
                yield shown
        for prefix in ancestors(changed):
            if len(prefix) < len(base):
                yield from self.shown.get(prefix, ())
        for child in self.children:
            yield from child.related(changed)


def root(path: str) -> str:
    """``machines[5].cost.idle`` -> ``machines[5]``; ``run.seed`` -> ``run.seed`` (no list)."""
    end = path.find("]")
    return path[: end + 1] if end >= 0 else path


def ancestors(path: str) -> Iterator[str]:
    """``machines[5].cost.idle`` -> ``machines[5].cost``, ``machines[5]``, ``machines``."""
    candidate = path
    while True:
        cut = max(candidate.rfind("."), candidate.rfind("["))
        if cut <= 0:
            return
        candidate = candidate[:cut]
        yield candidate


def related(shown: str, changed: str) -> bool:
    """Whether a widget at ``shown`` must re-read after ``changed`` was set (the same field, a
    field inside it, or an object around it that may have been made or removed)."""
    return (
        shown == changed
        or shown.startswith((changed + ".", changed + "["))
        or changed.startswith((shown + ".", shown + "["))
    )
