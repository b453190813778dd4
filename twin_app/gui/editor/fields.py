"""One input widget per field of the scenario, each knowing its path in the file.

A field shows the value the document holds (or, greyed, the default the program uses when
the file leaves the field out), turns what the user types into a JSON value and emits it with
:attr:`FieldWidget.edited`: while typing (``finished`` False: one undo step per field) and
when the user leaves the field (``finished`` True: the next typing is a new undo step). Text
that is not a number where a number belongs is passed on as text, so the reader reports it
with the CLI's own words ("must be a number, got "x""). Problems are shown under the field.

The context menu of a numeric or yes/no field offers *Sweep this field...*, which emits
:attr:`FieldWidget.sweep_requested` with the field's path and current value.
"""

from __future__ import annotations

import json
import math
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from twin_app.gui.editor.schema import NUMERIC_KINDS, FieldSpec, distributions
from twin_app.io.scenario_document import MISSING

NUMBER_FORM = "number"
"""The time field's first choice: a constant written as a plain number."""


class LineEdit(QLineEdit):
    """A line edit that leaves Ctrl+Z / Ctrl+Shift+Z to the editor's undo stack (one history
    for the whole scenario, not one per text box)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)  # type: ignore[attr-defined]
        ):
            event.ignore()
            return False
        return super().event(event)


def parse_number(text: str, integer: bool) -> Any:
    """What the user typed in a number field as JSON: a number, MISSING for nothing (the
    default), else the text itself (the reader then says what is wrong with it)."""
    text = text.strip()
    if not text:
        return MISSING
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return text
    if isinstance(value, bool) or not isinstance(value, int | float):
        return text
    return value


def parse_json(text: str) -> Any:
    """What the user typed in a JSON field: the value, MISSING for nothing, else the text as
    typed (the reader then names the place)."""
    if not text.strip():
        return MISSING
    try:
        return json.loads(text)
    except ValueError:
        return text


def time_summary(value: Any) -> str:
    """A time in a table cell: ``30``, ``exponential 30``, ``triangular 88 / 93 / 113``."""
    if not isinstance(value, dict) or "dist" not in value:
        return show_value(value)
    params = [show_value(v) for k, v in value.items() if k != "dist"]
    return f"{value['dist']} {' / '.join(params)}"


def show_value(value: Any) -> str:
    """A JSON value as the text of a field (numbers as written, no quotes around text)."""
    if value is MISSING or value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and math.isfinite(value):
        return repr(value)  # what json.dumps writes, a good deal faster (a table fills thousands)
    return json.dumps(value, ensure_ascii=False)


class FieldWidget(QWidget):
    """Base of every field widget: the path, the problems label and the sweep menu."""

    edited = Signal(str, object, bool)  # path, new value (MISSING: remove), finished
    sweep_requested = Signal(str, object)  # path, current value

    def __init__(self, path: str, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.spec = spec
        self.value: Any = MISSING
        self._updating = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(1)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.row)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("FieldProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c0392b;")
        self.problem_label.hide()
        outer.addWidget(self.problem_label)
        self.setToolTip(spec.description)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(lambda pos: self.context_menu().exec(self.mapToGlobal(pos)))

    # -- what subclasses do ------------------------------------------------------------------------

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self

    # -- the editor's side -------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        """Show ``value`` (MISSING: the default) without emitting :attr:`edited`."""
        self.value = value
        self._updating = True
        try:
            self._show(value)
        finally:
            self._updating = False

    def show_problems(self, messages: list[str]) -> None:
        self.problem_label.setText("\n".join(messages))
        self.problem_label.setVisible(bool(messages))
        self.focus_target().setProperty("problem", bool(messages))
        self.focus_target().setStyleSheet("border: 1px solid #c0392b;" if messages else "")

    def _emit(self, value: Any, finished: bool) -> None:
        if self._updating:
            return
        self.value = value
        self.edited.emit(self.path, value, finished)

    def sweepable(self) -> bool:
        return self.spec.kind in NUMERIC_KINDS

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        sweep = QAction("Sweep this field...", menu)
        sweep.setEnabled(self.sweepable())
        sweep.triggered.connect(lambda: self.sweep_requested.emit(self.path, self.current()))
        menu.addAction(sweep)
        return menu

    def current(self) -> Any:
        """The value shown (the default when the file leaves the field out)."""
        return self.spec.default if self.value is MISSING else self.value

    def _placeholder(self) -> str:
        if self.spec.default is MISSING or self.spec.default is None:
            return "required" if self.spec.required else "not set"
        return f"{show_value(self.spec.default)} (default)"


class _FocusOut(QObject):
    """Calls back when a widget loses focus (ends one typing session: one undo step)."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.callback()
        return False


class TextField(FieldWidget):
    """Text or a number typed in a line edit; ``completions`` offers the ids a reference may name."""

    def __init__(self, path: str, spec: FieldSpec, completions: list[str] | None = None) -> None:
        super().__init__(path, spec)
        self.edit = LineEdit()
        self.edit.setPlaceholderText(self._placeholder())
        if completions:
            completer = QCompleter(completions, self.edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.edit.setCompleter(completer)
        self.row.addWidget(self.edit)
        self.edit.textEdited.connect(lambda text: self._emit(self.parse(text), False))
        self.edit.editingFinished.connect(self._finish)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.edit.customContextMenuRequested.connect(self._edit_menu)

    def _edit_menu(self, pos: Any) -> None:
        menu = self.edit.createStandardContextMenu()
        menu.addSeparator()
        for action in self.context_menu().actions():
            action.setParent(menu)
            menu.addAction(action)
        menu.exec(self.edit.mapToGlobal(pos))

    def _finish(self) -> None:
        if not self._updating:
            self.edited.emit(self.path, self.value, True)

    def parse(self, text: str) -> Any:
        if self.spec.kind in ("number", "integer"):
            return parse_number(text, self.spec.kind == "integer")
        return text if text or self.spec.required else MISSING

    def _show(self, value: Any) -> None:
        text = show_value(value)
        typed = self.parse(self.edit.text()) == value and value is not MISSING
        if not typed and self.edit.text() != text:  # what the user is typing stays (and the cursor)
            self.edit.setText(text)

    def focus_target(self) -> QWidget:
        return self.edit


class BoolField(FieldWidget):
    def __init__(self, path: str, spec: FieldSpec) -> None:
        super().__init__(path, spec)
        self.check = QCheckBox()
        self.row.addWidget(self.check)
        self.check.toggled.connect(lambda on: self._emit(bool(on), True))

    def _show(self, value: Any) -> None:
        shown = self.spec.default if value is MISSING else value
        self.check.setChecked(bool(shown))

    def focus_target(self) -> QWidget:
        return self.check


class ChoiceField(FieldWidget):
    def __init__(self, path: str, spec: FieldSpec) -> None:
        super().__init__(path, spec)
        self.combo = QComboBox()
        self.combo.addItems(list(spec.choices))
        self.row.addWidget(self.combo)
        self.combo.activated.connect(lambda index: self._emit(self.combo.itemText(index), True))

    def _show(self, value: Any) -> None:
        shown = self.spec.default if value is MISSING else value
        if isinstance(shown, str) and self.combo.findText(shown) < 0:
            self.combo.addItem(shown)  # a wrong word stays visible, with its problem under it
        self.combo.setCurrentText(str(shown) if shown is not MISSING else "")

    def focus_target(self) -> QWidget:
        return self.combo


class JsonField(TextField):
    """A value with no form of its own (a product mix, a list of ids) written as JSON."""

    def parse(self, text: str) -> Any:
        return parse_json(text)

    def _show(self, value: Any) -> None:
        text = "" if value is MISSING else json.dumps(value, ensure_ascii=False)
        if self.parse(self.edit.text()) != value and self.edit.text() != text:
            self.edit.setText(text)


class TimeField(FieldWidget):
    """A time: a plain number, or a distribution picked from a list with a box per parameter."""

    def __init__(self, path: str, spec: FieldSpec) -> None:
        super().__init__(path, spec)
        self.dist = QComboBox()
        self.dist.addItems([NUMBER_FORM, *distributions()])
        self.dist.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.dist.setToolTip("A constant number, or a distribution of the time")
        self.row.addWidget(self.dist)
        self.params: dict[str, LineEdit] = {}
        self.param_row = QHBoxLayout()
        self.param_row.setContentsMargins(0, 0, 0, 0)
        self.row.addLayout(self.param_row, 1)
        self.dist.activated.connect(self._on_dist)
        self._build(NUMBER_FORM)

    def _build(self, dist: str) -> None:
        while self.param_row.count():
            item = self.param_row.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.params = {}
        names = [("value", "number")] if dist == NUMBER_FORM else list(distributions()[dist])
        for name, _kind in names:
            if dist != NUMBER_FORM:
                label = QLabel(name)
                label.setObjectName("Hint")
                self.param_row.addWidget(label)
            edit = LineEdit()
            if dist == NUMBER_FORM:
                edit.setPlaceholderText(self._placeholder())
            edit.textEdited.connect(lambda _text: self._emit(self.compose(), False))
            edit.editingFinished.connect(self._finish)
            self.param_row.addWidget(edit, 1)
            self.params[name] = edit

    def _finish(self) -> None:
        if not self._updating:
            self.edited.emit(self.path, self.value, True)

    def _on_dist(self, index: int) -> None:
        dist = self.dist.itemText(index)
        old = {name: edit.text() for name, edit in self.params.items()}
        self._build(dist)
        for name, edit in self.params.items():  # keep what carries over (a mean stays the mean)
            edit.setText(old.get(name, old.get("value", "") if name == "mean" else ""))
        self._emit(self.compose(), True)

    def compose(self) -> Any:
        dist = self.dist.currentText()
        if dist == NUMBER_FORM:
            return parse_number(self.params["value"].text(), False)
        value: dict[str, Any] = {"dist": dist}
        for (name, kind), edit in zip(distributions()[dist], self.params.values(), strict=True):
            text = edit.text()
            parsed = parse_json(text) if kind == "json" else parse_number(text, False)
            if parsed is not MISSING:
                value[name] = parsed
        return value

    def _show(self, value: Any) -> None:
        if value == self.compose() and value is not MISSING:
            return  # what the user is typing: leave the boxes (and the cursor) alone
        dist = value.get("dist") if isinstance(value, dict) else NUMBER_FORM
        if dist not in distributions():
            dist = NUMBER_FORM
        if dist != self.dist.currentText():
            self.dist.setCurrentText(dist)
            self._build(dist)
        if dist == NUMBER_FORM:
            self.params["value"].setText(show_value(value))
        else:
            for name, edit in self.params.items():
                edit.setText(show_value(value.get(name, MISSING)))

    def focus_target(self) -> QWidget:
        return self.dist

    def sweepable(self) -> bool:
        return self.dist.currentText() == NUMBER_FORM


def make_field(path: str, spec: FieldSpec, completions: list[str] | None = None) -> FieldWidget:
    """The widget for a scalar field of kind ``spec.kind`` (see :mod:`.schema`)."""
    if spec.kind == "bool":
        return BoolField(path, spec)
    if spec.kind == "choice":
        return ChoiceField(path, spec)
    if spec.kind == "time":
        return TimeField(path, spec)
    if spec.kind == "json":
        return JsonField(path, spec)
    return TextField(path, spec, completions)
