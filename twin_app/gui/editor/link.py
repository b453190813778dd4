"""The editor in the main window: its tab (Ctrl+E) tied to the file and to the run.

:class:`EditorLink` keeps the editor and the window in step:

- Every scenario the window shows (opened, dropped, a sample) becomes the editor's document,
  read from its file as written (so saving keeps the user's layout and order-book link).
- **What runs is what is edited.** A valid edit is applied at once while nothing has run yet
  (the window shows the edited network); while a run is going or finished, edits wait
  ("not applied yet") until *Apply to the twin* (which asks before discarding the run) or
  Reset (Ctrl+R), after which the next run uses them.
- The window title carries a ``*`` while there are unsaved edits; File > Save and Save As
  write the document (:meth:`EditorLink.write`), asking first when it has problems.
- Before unsaved edits are lost (closing, opening another file, picking a sample) the window
  asks Save / Discard / Cancel (:meth:`EditorLink.confirm_unsaved`).
- **A file with problems** can be opened into the editor alone (:meth:`EditorLink.open_outside`,
  the *Open in editor* button of the window's "Cannot open" dialog): its problems show at their
  fields, the twin keeps the scenario and run it had, and the file becomes the shown scenario
  once it validates (at once while nothing has run, else with *Apply to the twin*). Until
  then Save writes that file, not the one the twin runs.
- **No scenario** (none opened yet, or the file given at start could not be read): the editor
  says so, greys its sections and keeps *Apply to the twin* off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from twin_app.errors import ScenarioError
from twin_app.io.scenario_document import ScenarioDocument, Validation
from twin_app.model.scenario import Scenario

LIVE_STATES = ("ready", "empty")
"""Session states in which an edit is applied at once: no run would be lost."""

NOTHING_LOADED = "Nothing to edit: open a scenario (Ctrl+O) or pick a sample in the Library"
"""The editor's line while the window has no scenario."""


def document_for(scenario: Scenario, path: Path | None) -> ScenarioDocument:
    """The document of a scenario the window shows: its file as written when there is one,
    else the scenario written out (fields at their defaults left out)."""
    if path is not None and Path(path).is_file():
        try:
            return ScenarioDocument.load(path)
        except ScenarioError:
            pass  # the file changed on disk since it was opened: edit what is shown
    return ScenarioDocument.from_scenario(scenario, path)


class EditorLink(QObject):
    """Ties a :class:`ScenarioEditor` to the main window (see the module docstring)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor_view.editor
        self.applied_revision = 0
        self._applying = False
        self.outside: Path | None = None
        """A file with problems open in the editor only (the twin runs another scenario)."""

        show = QAction("&Editor", window)
        show.setShortcut("Ctrl+E")
        show.setToolTip("Edit the scenario: forms, tables and the map (Ctrl+E)")
        show.triggered.connect(lambda: window.show_view("editor"))
        window.addAction(show)
        window.controls.view_menu.addAction(show)
        bar = window.controls.toolbar
        first = next((a for a in bar.actions() if a.isSeparator()), None)
        bar.insertAction(first, show)
        self.show_action = show
        self.editor.toolbar.addAction(window.controls.save)
        self.editor.toolbar.addAction(window.controls.save_as)

        window.scenario_loaded.connect(self._on_loaded)
        window.state_changed.connect(lambda _state: self._apply_if_live())
        self.editor.dirty_changed.connect(self._on_dirty)
        self.editor.validated.connect(lambda _v: self._apply_if_live())
        self.editor.apply_requested.connect(self.apply)
        self._show_status()  # no scenario yet: the editor says so

    # -- following the window ----------------------------------------------------------------------

    def _on_loaded(self, path: Path | None) -> None:
        if self._applying or self.window.scenario is None:
            return
        self.outside = None
        document = document_for(self.window.scenario, path)
        read = getattr(self.window, "read_from_file", None)
        if read is not None and read[0] == path == document.path and read[1] is self.window.scenario:
            document.known_to_read_as(read[1])  # the window has just read and checked this file
        self.applied_revision = document.revision
        self.editor.set_document(document)
        self._show_status()

    def _on_dirty(self, dirty: bool) -> None:
        self.window.modified = dirty
        self.window.update_title()

    # -- applying ----------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """Whether the document has edits the twin does not run yet."""
        return self.editor.document.revision != self.applied_revision

    def _apply_if_live(self) -> None:
        if self._applying:  # the window's state signals while it shows what is being applied
            return
        if getattr(self.window, "loading_scenario", False):
            return  # another scenario is being opened: the edits were discarded, _on_loaded follows
        if self.pending and self.window.session.state in LIVE_STATES and (self.window.scenario or self.outside):
            validation = self.editor.document.validate()
            if validation.ok:
                self._apply(validation)
        self._show_status()

    def apply(self) -> bool:
        """Run the edited scenario from now on (asks before discarding an unfinished run)."""
        validation = self.editor.validate_now()
        if not validation.ok:
            self.window.notify("Fix the problems listed in the editor first", 6000)
            return False
        if not self.window.confirm_discard("Applying the edits"):
            return False
        self._apply(validation)
        return True

    def _apply(self, validation: Validation) -> None:
        assert validation.scenario is not None
        self._applying = True
        try:
            self.window.show_scenario(validation.scenario, self.editor.document.path)
        finally:
            self._applying = False
        if self.outside is not None:  # the file with problems is fixed: it is the shown scenario now
            self.outside = None
            self.window.settings.add_recent_file(self.window.path)
            self.window.update_recent_menu()
        self.applied_revision = self.editor.document.revision
        self.window.modified = self.editor.is_dirty()
        self.window.update_title()
        self._show_status()

    def _show_status(self) -> None:
        if self.window.scenario is None and self.outside is None:  # never opened, or the first file was bad
            self.editor.show_empty("No scenario is loaded")
            self.editor.apply_label.setText(NOTHING_LOADED)
            self.editor.apply_button.setEnabled(False)
            return
        validation = self.editor.validation
        if validation is not None and not validation.ok and self.outside is not None:
            text = f"Fix {self.outside.name} here: the twin runs the previous scenario until it is valid"
        elif validation is not None and not validation.ok:
            text = "Fix the problems to run the edited scenario"
        elif self.pending:
            text = "Edits not applied yet: the run uses the scenario as it was"
        else:
            text = "The twin runs this scenario"
        self.editor.apply_label.setText(text)
        self.editor.apply_button.setEnabled(self.pending)

    # -- files ---------------------------------------------------------------------------------

    def open_outside(self, path: Path) -> bool:
        """Open the file ``path``, which does not validate, in the editor only (see the module
        docstring) and show its first problem. False if it is not even a JSON object."""
        try:
            document = ScenarioDocument.load(path)
        except ScenarioError:
            return False
        self.outside = path
        self.applied_revision = -1  # what the editor holds is not what the twin runs
        self.editor.set_document(document)
        self.window.show_view("editor")
        validation = self.editor.validation
        if validation is not None and validation.problems:
            self.editor.reveal(validation.problems[0].place)
        self._show_status()
        return True

    def write(self, path: Path) -> bool:
        """Save the edited document to ``path`` (False if the user cancelled)."""
        return self.editor.write(path)

    def confirm_unsaved(self, doing: str) -> bool:
        """Whether unsaved edits may be lost to do ``doing``: asks Save / Discard / Cancel
        (True when there are none, or after saving or discarding)."""
        if not self.editor.is_dirty():
            return True
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Save the edits?")
        name = self.window.path.name if self.window.path else "the scenario"
        box.setText(f"{name} has edits that are not saved.")
        box.setInformativeText(f"{doing} loses them unless you save them first.")
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        box.exec()
        clicked = box.standardButton(box.clickedButton())
        if clicked == buttons.Save:
            return bool(self.window.save())
        return clicked == buttons.Discard
