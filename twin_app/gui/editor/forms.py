"""Forms built from the scenario format: an object is a form of its fields.

:class:`ObjectForm` lays out the fields of one object (``machines[3]``, ``platform``): a
widget per scalar field (:mod:`.fields`), a group per nested object (a check box on the ones
the file may leave out: failures, shifts, an investment...), a table per nested list
(capabilities, routing steps: :mod:`.table`). Each registers under its path
(:mod:`.registry`), so the editor refreshes what an edit changed and shows each problem at
the widget with the longest path that contains the problem's place.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from twin_app.gui.editor.fields import FieldWidget, make_field
from twin_app.gui.editor.matrix_field import MatrixField
from twin_app.gui.editor.registry import Context, Registry
from twin_app.gui.editor.schema import FieldSpec, fields_of
from twin_app.io.scenario_document import MISSING, ScenarioDocument

PROBLEM_COLOR = "#c0392b"


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def label_of(spec: FieldSpec) -> str:
    return spec.name.replace("_", " ") + (" *" if spec.required else "")


class _FieldShown:
    """A field widget as the registry sees it."""

    def __init__(self, widget: FieldWidget, document: ScenarioDocument) -> None:
        self.widget, self.document = widget, document

    def refresh(self, changed: str = "") -> None:
        self.widget.set_value(self.document.peek(self.widget.path))

    def show_problems(self, messages: list[str]) -> None:
        self.widget.show_problems(messages)


class ObjectForm(QWidget):
    """The fields of the object at ``path`` (a definition of the format, e.g. ``"Machine"``)."""

    def __init__(
        self,
        context: Context,
        registry: Registry,
        path: str,
        definition: str,
        kinds: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__()
        self.context, self.registry, self.path, self.definition = context, registry, path, definition
        self.fields: dict[str, FieldWidget] = {}
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(f"color: {PROBLEM_COLOR};")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addRow(self.problem_label)
        registry.add(path, self)
        for spec in fields_of(definition):
            if kinds is not None and spec.kind not in kinds:
                continue
            where = join(path, spec.name)
            if spec.kind == "object":
                layout.addRow(ObjectGroup(context, registry, where, spec))
            elif spec.kind == "table":
                from twin_app.gui.editor.table import ListEditor  # a table's rows are forms again

                box = QGroupBox(label_of(spec))
                box.setToolTip(spec.description)
                inner = QVBoxLayout(box)
                inner.addWidget(ListEditor(context, registry, where, spec.ref, nested=True))
                layout.addRow(box)
            else:
                choices = context.completions(definition, spec.name)
                widget = (
                    MatrixField(where, spec, choices) if spec.kind == "matrix" else make_field(where, spec, choices)
                )
                widget.edited.connect(context.field_edited)
                widget.sweep_requested.connect(context.sweep)
                shown = _FieldShown(widget, context.document)
                shown.refresh()
                registry.add(where, shown)
                self.fields[spec.name] = widget
                label = QLabel(label_of(spec))
                label.setToolTip(spec.description)
                layout.addRow(label, widget)

    def refresh(self, changed: str = "") -> None:
        pass  # the fields refresh themselves; the form only shows problems at its own place

    def show_problems(self, messages: list[str]) -> None:
        self.problem_label.setText("\n".join(messages))
        self.problem_label.setVisible(bool(messages))


class ObjectGroup(QGroupBox):
    """A nested object: a framed form; checkable when the file may leave the object out."""

    def __init__(self, context: Context, registry: Registry, path: str, spec: FieldSpec) -> None:
        super().__init__(label_of(spec))
        self.context, self.path, self.spec = context, path, spec
        self.setToolTip(spec.description)
        self.optional = spec.nullable
        self.setCheckable(self.optional)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.form = ObjectForm(context, registry, path, spec.ref)
        layout.addWidget(self.form)
        registry.add(path, self)
        self.refresh()
        self.toggled.connect(self._on_toggled)

    def _on_toggled(self, on: bool) -> None:
        present = self.context.document.get(self.path) not in (MISSING, None)
        if on != present:
            self.context.field_edited(self.path, {} if on else MISSING, True)

    def refresh(self, changed: str = "") -> None:
        if self.optional:
            present = self.context.document.get(self.path) not in (MISSING, None)
            self.blockSignals(True)
            self.setChecked(present)
            self.blockSignals(False)
            self.form.setEnabled(present)

    def show_problems(self, messages: list[str]) -> None:
        pass  # shown by the inner form (same path)
