"""The scenario editor widget: sections of forms and tables, the map, the problem list, undo.

It edits a :class:`~twin_app.io.scenario_document.ScenarioDocument` through a
:class:`QUndoStack` (one step per edit; typing in one field is one step until the field is
left), checks the whole document a moment after each edit with the CLI's reader and shows
each problem at its field, in the tables (a red cell, a warning sign on the row) and in the
list at the bottom. It does not run anything: the window decides what to do with a valid
document (:attr:`ScenarioEditor.validated`, :attr:`ScenarioEditor.apply_requested`).

For other views: ``sweep_field_requested = Signal(str, object)`` is emitted by *Sweep this
field...* in the context menu of a numeric or yes/no field, with the field's path in the sweep
specs' syntax (list elements by their unique id where they have one:
``machines[M07].capacity``, ``lanes[L1].vehicles``; else by position) and its current value
(the default when the file leaves it out).
"""

from __future__ import annotations

import copy
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from twin_app.gui.editor.commands import Group, InsertElement, RemoveElement, SetField
from twin_app.gui.editor.fields import FieldWidget
from twin_app.gui.editor.forms import ObjectForm
from twin_app.gui.editor.map_editor import MapEditor
from twin_app.gui.editor.problems import ProblemList
from twin_app.gui.editor.registry import Registry
from twin_app.gui.editor.schema import fields_of
from twin_app.gui.editor.table import ListEditor
from twin_app.io.json_path import with_ids
from twin_app.io.scenario_document import MISSING, ScenarioDocument, Validation

SECTIONS = (
    ("Map", "map"),
    ("Scenario", ""),
    ("Owners", "owners"),
    ("Sites", "sites"),
    ("Machines", "machines"),
    ("Lanes", "lanes"),
    ("Customers", "customers"),
    ("Products", "products"),
    ("Demand", "demand"),
    ("Platform", "platform"),
    ("Run settings", "run"),
    ("Economics", "economics"),
)
"""The editor's sections: title and the top-level field each edits ("": name and description)."""

REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Machine", "site"): ("sites",),
    ("Site", "owner"): ("owners",),
    ("Lane", "origin"): ("sites", "customers"),
    ("Lane", "destination"): ("sites", "customers"),
    ("Lane", "owner"): ("owners",),
    ("DemandStream", "customer"): ("customers",),
    ("OrderSpec", "customer"): ("customers",),
    ("OrderSpec", "product"): ("products",),
    ("BomItem", "product"): ("products",),
    ("TakeBack", "replaces"): ("products",),
    ("Rental", "owner"): ("owners",),
    ("Rental", "renter"): ("owners",),
}
"""Fields that name an element of another list: their boxes complete the ids there."""

VALIDATE_AFTER_MS = 250
"""Check this long after the last keystroke (longer for a document that takes long to check)."""
MAX_VALIDATE_AFTER_MS = 1500
MAP_LISTS = ("sites", "customers", "lanes", "owners")


class ScenarioEditor(QWidget):
    """Edit a scenario document (see the module docstring)."""

    sweep_field_requested = Signal(str, object)
    """'Sweep this field...' on a numeric or yes/no field: its path with ids where elements
    have them (``machines[M07].capacity``, the sweep specs' syntax) and its current value."""
    validated = Signal(object)  # Validation, after each edit has been checked
    apply_requested = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = ScenarioDocument({})
        self.validation: Validation | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._typing: dict[str, int] = {}
        self._pages: dict[str, tuple[QWidget, Registry]] = {}
        self._flagged: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_AFTER_MS)
        self._timer.timeout.connect(self.validate_now)

        self.toolbar = QToolBar("Editor")
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda text: self.undo_action.setToolTip(f"Undo {text} (Ctrl+Z)"))
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.redoTextChanged.connect(lambda text: self.redo_action.setToolTip(f"Redo {text} (Ctrl+Shift+Z)"))
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.apply_button = QPushButton("Apply to the twin")
        self.apply_button.setToolTip("Run the edited scenario (a run in progress is discarded, after asking)")
        self.apply_button.clicked.connect(self.apply_requested)
        self.apply_label = QLabel()
        self.apply_label.setObjectName("Hint")

        self.sections = QListWidget()
        self.sections.addItems([title for title, _ in SECTIONS])
        self.sections.setMinimumWidth(110)
        self.sections.setMaximumWidth(160)
        self.sections.currentRowChanged.connect(self._show_section)
        self.stack = QStackedWidget()
        self.map = MapEditor()
        self.map.place_moved.connect(self.move_place)
        self.map.lane_drawn.connect(self.add_lane)
        self.map.delete_requested.connect(self.delete_elements)
        self.problems = ProblemList()
        self.problems.place_clicked.connect(self.reveal)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.sections)
        top.addWidget(self.stack)
        top.setStretchFactor(1, 1)
        top.setSizes([130, 1000])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self.problems)
        body.setStretchFactor(0, 4)
        body.setStretchFactor(1, 1)
        body.setSizes([700, 100])
        self.body = body
        bar = QHBoxLayout()
        bar.addWidget(self.toolbar)
        bar.addStretch(1)
        bar.addWidget(self.apply_label)
        bar.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(body, 1)

    # =========================================================================================
    # The document
    # =========================================================================================

    def set_document(self, document: ScenarioDocument) -> None:
        """Edit ``document`` from now on (the undo history starts afresh, nothing is dirty)."""
        self.document = document
        self.body.setEnabled(True)
        self.undo_stack.clear()
        self._typing.clear()
        self._flagged = []
        for widget, _registry in self._pages.values():
            self.stack.removeWidget(widget)
            if widget is not self.map:
                widget.deleteLater()
        self._pages.clear()
        self.map.show_data(document.data, reset_view=True)
        row = max(self.sections.currentRow(), 0)
        self.sections.blockSignals(True)
        self.sections.setCurrentRow(row)
        self.sections.blockSignals(False)
        self._show_section(row)
        self.validate_now()

    def show_empty(self, text: str) -> None:
        """Nothing to edit (the window has no scenario): ``text`` says so where the problems go,
        and the sections, forms and map are greyed until :meth:`set_document`."""
        self.body.setEnabled(False)
        self.problems.show_empty(text)

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self) -> None:
        self.undo_stack.setClean()

    # -- what forms call -----------------------------------------------------------------------

    def field_edited(self, path: str, value: Any, finished: bool) -> None:
        """A field's widget changed ``path`` to ``value``; typing in one field is one undo step."""
        session = self._typing.get(path, 0)
        if self.document.get(path) != value or (value is MISSING) != (self.document.get(path) is MISSING):
            self.undo_stack.push(SetField(self, path, value, merge_key=(path, session)))
        if finished:
            self._typing[path] = session + 1

    def set_field(self, path: str, value: Any) -> None:
        """Set one field as one undo step (scripts and tests; the forms use :meth:`field_edited`)."""
        self.undo_stack.push(SetField(self, path, value))

    def insert(self, path: str, index: int, value: Any, text: str) -> None:
        self.undo_stack.push(InsertElement(self, path, index, value, text))

    def remove(self, path: str, index: int, text: str) -> None:
        self.undo_stack.push(RemoveElement(self, path, index, text))

    def completions(self, definition: str, name: str) -> list[str] | None:
        """The ids a reference field may name; for a machine's changeovers, the product families."""
        if (definition, name) == ("Machine", "setup"):
            products = self.document.peek("products")
            families = (
                {p.get("family") for p in products if isinstance(p, dict)} if isinstance(products, list) else set()
            )
            return sorted(str(f) for f in families if f)
        lists = REFERENCES.get((definition, name))
        if not lists:
            return None
        data = self.document.data
        return [
            str(item["id"])
            for key in lists
            for item in (data.get(key) if isinstance(data.get(key), list) else [])
            if isinstance(item, dict) and "id" in item
        ]

    def sweep(self, path: str, value: Any) -> None:
        self.sweep_field_requested.emit(with_ids(self.document.data, path), value)

    # -- what commands call --------------------------------------------------------------------

    def document_changed(self, paths: list[str], structural: bool) -> None:
        """Refresh what shows ``paths`` (rebuild tables when elements came or went), then check."""
        current = self._current_key()
        for key in list(self._pages):
            widget, registry = self._pages[key]
            if not structural:
                for path in paths:
                    for shown in list(registry.related(path)):
                        shown.refresh(path)
            elif key == current:
                for editor in widget.findChildren(ListEditor):
                    if editor.path in paths:
                        editor.rebuild()
            elif key != "map":
                self.stack.removeWidget(widget)
                widget.deleteLater()
                del self._pages[key]
        if any(path.split("[")[0].split(".")[0] in MAP_LISTS for path in paths):
            self.map.show_data(self.document.data)
        self._timer.start()

    # =========================================================================================
    # Checking
    # =========================================================================================

    def validate_now(self) -> Validation:
        """Check the document now, show every problem at its place, and emit :attr:`validated`."""
        self._timer.stop()
        began = time.perf_counter()
        validation = self.document.validate()
        took_ms = (time.perf_counter() - began) * 1000.0
        # A large network takes a while to check: wait for a longer pause in the typing then.
        self._timer.setInterval(int(min(max(VALIDATE_AFTER_MS, 3 * took_ms), MAX_VALIDATE_AFTER_MS)))
        self.validation = validation
        self.problems.show_validation(validation)
        self._show_problems()
        self.validated.emit(validation)
        return validation

    def _show_problems(self) -> None:
        for shown in self._flagged:
            shown.show_problems([])
        self._flagged = []
        problems = self.validation.problems if self.validation is not None else ()
        registered: dict[str, list[Any]] = {}
        for widget, registry in self._pages.values():
            for path, shown in registry.items():
                registered.setdefault(path, []).append(shown)
            for table in widget.findChildren(ListEditor):  # cells and rows: the table marks its own
                table.show_element_problems([p for p in problems if p.place.startswith(table.path + "[")])
        messages: dict[str, list[str]] = {}
        for problem in problems:
            at = _best_place(problem.place, registered)
            if at is None or (at != problem.place and any(isinstance(s, ListEditor) for s in registered[at])):
                continue  # inside an element of a table whose form is not shown: the table says so
            text = str(problem)
            if at == problem.place:
                text = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
            messages.setdefault(at, []).append(text)
        for at, texts in messages.items():
            for shown in registered[at]:
                shown.show_problems(texts)
                self._flagged.append(shown)

    def field_at(self, path: str) -> FieldWidget | None:
        """The field widget showing ``path`` on a built page (tests, navigation)."""
        for _widget, registry in self._pages.values():
            for shown_path, shown in registry.items():
                if shown_path == path and isinstance(getattr(shown, "widget", None), FieldWidget):
                    return shown.widget  # type: ignore[attr-defined, no-any-return]
        return None

    # =========================================================================================
    # Sections
    # =========================================================================================

    def _current_key(self) -> str:
        row = self.sections.currentRow()
        return SECTIONS[row][1] if 0 <= row < len(SECTIONS) else "map"

    def show_section(self, key: str) -> QWidget:
        """Show the section editing ``key`` (``"map"``, ``"machines"``...) and return its page."""
        row = [k for _, k in SECTIONS].index(key)
        self.sections.setCurrentRow(row)
        return self._pages[key][0]

    def _show_section(self, row: int) -> None:
        if not 0 <= row < len(SECTIONS):
            return
        key = SECTIONS[row][1]
        if key not in self._pages:
            self._pages[key] = self._build_page(key)
            self.stack.addWidget(self._pages[key][0])
            self._show_problems()
        self.stack.setCurrentWidget(self._pages[key][0])

    def _build_page(self, key: str) -> tuple[QWidget, Registry]:
        registry = Registry()
        if key == "map":
            return self.map, registry
        spec = next((f for f in fields_of("") if f.name == key), None)
        if spec is None:  # the scenario's own name and description
            return _scrolled(ObjectForm(self, registry, "", "", kinds=("text",))), registry
        if spec.kind == "table":
            table = ListEditor(self, registry, key, spec.ref, nested=False)
            page = QSplitter(Qt.Orientation.Vertical)
            page.addWidget(table)
            page.addWidget(_scrolled(table.detail_holder))
            page.setSizes([260, 420])
            return page, registry
        return _scrolled(ObjectForm(self, registry, key, spec.ref)), registry

    def reveal(self, place: str) -> None:
        """Show the section, row and field a problem's ``place`` is about."""
        head = place.split("[")[0].split(".")[0]
        keys = [k for _, k in SECTIONS]
        key = head if head in keys else ""
        page = self.show_section(key)
        if "[" in place and key:
            index = place[len(head) + 1 :].split("]")[0]
            for table in page.findChildren(ListEditor):
                if table.path == key and index.isdigit():
                    table.select_row(int(index))
        registered = {path: shown for path, shown in self._pages[key][1].items()}
        at = _best_place(place, {p: [s] for p, s in registered.items()})
        widget = getattr(registered.get(at or ""), "widget", None)
        if isinstance(widget, FieldWidget):
            widget.focus_target().setFocus()

    # =========================================================================================
    # The map's edits
    # =========================================================================================

    def move_place(self, kind: str, index: int, x: float, y: float) -> None:
        ident = self.document.get(f"{kind}[{index}].id")
        step = Group(f"Move {ident}")
        step.add(SetField(self, f"{kind}[{index}].x", x))
        step.add(SetField(self, f"{kind}[{index}].y", y))
        self.undo_stack.push(step)

    def add_lane(self, origin: str, destination: str) -> None:
        """A lane from ``origin`` to ``destination``; it takes the settings of the last lane in
        the file (carrier, fleet, costs), so it can run at once, else a one-hour transit."""
        lanes = self.document.get("lanes")
        lanes = lanes if isinstance(lanes, list) else []
        template = copy.deepcopy(lanes[-1]) if lanes and isinstance(lanes[-1], dict) else {"transit": 60}
        for key in ("id", "origin", "destination", "distance"):
            template.pop(key, None)
        taken = {str(lane.get("id")) for lane in lanes if isinstance(lane, dict)}
        ident, number = f"{origin}--{destination}", 2
        while ident in taken:
            ident, number = f"{origin}--{destination}-{number}", number + 1
        lane = {"id": ident, "origin": origin, "destination": destination, **template}
        self.insert("lanes", len(lanes), lane, f"Draw lane {ident}")

    def delete_elements(self, chosen: list[tuple[str, int]]) -> None:
        """Delete map elements as one undo step; a deleted place takes its lanes with it."""
        data = self.document.data
        doomed: dict[str, set[int]] = {}
        for kind, index in chosen:
            doomed.setdefault(kind, set()).add(index)
        gone = {
            str(data[kind][i].get("id"))
            for kind in ("sites", "customers")
            for i in doomed.get(kind, ())
            if isinstance(data.get(kind), list) and i < len(data[kind])
        }
        for index, lane in enumerate(data.get("lanes") or []):
            if isinstance(lane, dict) and {str(lane.get("origin")), str(lane.get("destination"))} & gone:
                doomed.setdefault("lanes", set()).add(index)
        names = sorted(gone) or [str(data["lanes"][i].get("id")) for i in doomed.get("lanes", ())]
        step = Group(f"Delete {', '.join(names[:3])}{'...' if len(names) > 3 else ''}")
        for kind, indices in doomed.items():
            for index in sorted(indices, reverse=True):
                step.add(RemoveElement(self, kind, index))
        self.undo_stack.push(step)

    # =========================================================================================
    # Saving
    # =========================================================================================

    def write(self, path: Any) -> bool:
        """Save the document to ``path``; with problems, only if the user says so (a file half
        done may be kept, but never without a word). Raises OutputPathError."""
        validation = self.validate_now()
        if not validation.ok:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Save a scenario with problems?")
            count = len(validation.problems)
            box.setText(f"The scenario has {count} {'problem' if count == 1 else 'problems'}.")
            box.setInformativeText("The file will not open or run until they are fixed.\n\n" + validation.report())
            save = box.addButton("Save anyway", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is not save:
                return False
        self.document.save(path)
        self.mark_saved()
        self.validate_now()  # the order book is now looked for next to the new file
        return True


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


def _best_place(place: str, registered: dict[str, Any]) -> str | None:
    """The longest registered path that contains ``place`` (``machines[3].setup["A"]`` ->
    ``machines[3].setup``), or None."""
    candidate = place
    while candidate:
        if candidate in registered:
            return candidate
        cut = max(candidate.rfind("."), candidate.rfind("["))
        if cut <= 0:
            break
        candidate = candidate[:cut]
    return candidate if candidate in registered else None
