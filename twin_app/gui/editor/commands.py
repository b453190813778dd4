"""Undo steps of the scenario editor: each edit of the document is one :class:`QUndoCommand`.

- :class:`SetField` sets (or removes) one field; typing in one field is merged into one step
  (the field's typing session is its ``merge_key``), and undoing a removed field puts it back
  at its place among its object's keys, so undo restores the file exactly.
- :class:`InsertElement` and :class:`RemoveElement` add and delete list elements (a machine, a
  lane drawn on the map).
- Several steps that belong together (a site dragged on the map sets x and y; deleting a site
  deletes its lanes too) are one macro on the stack, undone at once.

Every command tells the :class:`Target` what it changed, so the editor refreshes the widgets
showing those paths (``structural``: list elements came or went, tables are rebuilt).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from twin_app.io.scenario_document import MISSING, ScenarioDocument

MERGE_ID = 1101
"""Qt's id of mergeable commands (any number other than -1, the same for all of them)."""


class Target(Protocol):
    """Who the commands edit: the document and a callback after each change."""

    document: ScenarioDocument

    def document_changed(self, paths: list[str], structural: bool) -> None: ...


class SetField(QUndoCommand):
    """Set the field at ``path`` to ``value`` (MISSING removes it)."""

    def __init__(self, target: Target, path: str, value: Any, merge_key: object = None) -> None:
        super().__init__()
        self.target = target
        self.path = path
        self.value = value
        self.merge_key = merge_key
        self.old = target.document.get(path)
        self.position = target.document.key_position(path)
        self.setText(f"Edit {path}")

    def redo(self) -> None:
        self.target.document.set(self.path, self.value)
        self.target.document_changed([self.path], False)

    def undo(self) -> None:
        self.target.document.set(self.path, self.old, at=self.position)
        self.target.document_changed([self.path], False)

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetField) or other.merge_key != self.merge_key or other.path != self.path:
            return False
        self.value = other.value
        return True


class InsertElement(QUndoCommand):
    """Insert ``value`` into the list at ``path`` at ``index``."""

    def __init__(self, target: Target, path: str, index: int, value: Any, text: str = "") -> None:
        super().__init__()
        self.target, self.path, self.index, self.value = target, path, index, value
        self.setText(text or f"Add to {path}")

    def redo(self) -> None:
        self.target.document.insert(self.path, self.index, self.value)
        self.target.document_changed([self.path], True)

    def undo(self) -> None:
        self.target.document.remove(self.path, self.index)
        self.target.document_changed([self.path], True)


class RemoveElement(QUndoCommand):
    """Remove the element at ``index`` of the list at ``path``."""

    def __init__(self, target: Target, path: str, index: int, text: str = "") -> None:
        super().__init__()
        self.target, self.path, self.index = target, path, index
        self.value: Any = MISSING
        self.setText(text or f"Delete {path}[{index}]")

    def redo(self) -> None:
        self.value = self.target.document.remove(self.path, self.index)
        self.target.document_changed([self.path], True)

    def undo(self) -> None:
        self.target.document.insert(self.path, self.index, self.value)
        self.target.document_changed([self.path], True)


class Group(QUndoCommand):
    """Commands that are one step: done in order, undone in reverse.

    The steps are kept here rather than as Qt children, so their Python objects live as long as
    the group (a Qt-owned child whose wrapper was collected crashes when Qt calls its redo)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setText(text)
        self.steps: list[QUndoCommand] = []

    def add(self, step: QUndoCommand) -> None:
        self.steps.append(step)

    def redo(self) -> None:
        for step in self.steps:
            step.redo()

    def undo(self) -> None:
        for step in reversed(self.steps):
            step.undo()
