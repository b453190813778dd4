"""The editor as a tab of the main window (Ctrl+8, or Ctrl+E from anywhere).

A tab, not a dock: the forms, the tables and the map need the width the views have. The tab
follows the :class:`~twin_app.gui.view.View` protocol with nothing to draw from a run; which
document it edits is decided by :class:`~twin_app.gui.editor.link.EditorLink`, which knows
the file the scenario came from.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from twin_app.gui.editor.editor import ScenarioEditor
from twin_app.gui.view import RunContext, ViewUpdate


class EditorView(QWidget):
    """The scenario editor tab."""

    title = "Editor"
    needs: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = ScenarioEditor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)

    def set_run(self, run: RunContext) -> None:
        pass  # the document comes from the file (EditorLink), not from the validated scenario

    def update(self, data: ViewUpdate) -> None:
        pass

    def clear(self) -> None:
        pass

    def restyle(self) -> None:
        self.editor.map.show_data(self.editor.document.data)  # labels in the theme's text colour
