"""The main window's file side: open (dialog, recent files, drag and drop, samples), save, and
asking before an unfinished run is thrown away.

:class:`FileActions` is a mixin of :class:`~twin_app.gui.main_window.MainWindow`; it uses the
window's session, settings, start page and :meth:`show_scenario`. Opening goes through
:func:`~twin_app.gui.loading.load_scenario_file`, so a big file shows a progress dialog that
can be cancelled instead of freezing the window.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from twin_app.errors import ScenarioError, TwinError
from twin_app.gui.loading import OPENING_STEPS, LoadCancelled, LoadProgress, load_scenario_file
from twin_app.samples import SAMPLES_DIR


def user_folder(last_directory: str | None) -> Path:
    """Where a save dialog starts: the last folder used, unless that is the program's own
    samples folder (a user's files never go there), else the home folder."""
    if last_directory:
        folder = Path(last_directory)
        if folder.is_dir() and not folder.resolve().is_relative_to(SAMPLES_DIR.resolve()):
            return folder
    return Path.home()


class FileActions:
    """Open, save, recent files, drag and drop, and the 'discard the run?' question."""

    session: Any
    settings: Any
    start_page: Any
    controls: Any
    bridge: Any
    samples_dir: Path
    path: Path | None
    modified: bool
    editor_link: Any
    scenario_saved: Any
    error_shown: Any
    read_from_file: tuple[Path, Any] | None = None
    """While a file just read is being shown: its path and the scenario it read as."""
    # and the window's notify, show_error, show_scenario, update_title and save_settings

    # -- asking --------------------------------------------------------------------------------

    def confirm_discard(self, doing: str) -> bool:
        """Whether the unfinished run may be thrown away to do ``doing`` (asks the user; True
        when there is nothing to lose)."""
        if not self.session.unfinished:
            return True
        box = QMessageBox(self)  # type: ignore[arg-type]
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Discard the run?")
        box.setText(f"The run of {self.session.scenario.name or 'this scenario'} is not finished.")
        box.setInformativeText(f"{doing} discards its results so far.")
        discard = box.addButton("Discard the run", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is discard

    def confirm_unsaved(self, doing: str) -> bool:
        """Whether unsaved edits may be lost to do ``doing`` (asks Save / Discard / Cancel)."""
        return bool(self.editor_link.confirm_unsaved(doing))

    # -- opening -------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        start = self.settings.last_directory or str(self.samples_dir)
        path, _ = QFileDialog.getOpenFileName(
            self,  # type: ignore[arg-type]
            "Open scenario",
            start,
            "Scenario files (*.json);;All files (*)",
        )
        if path:
            self.open_scenario(Path(path))

    def open_scenario(self, path: Path, *, ask: bool = True, remember: bool = True) -> bool:
        """Load ``path`` and show it; on a bad file show its problems and keep what was open.

        With ``ask``, unsaved edits and an unfinished run are given up only if the user agrees,
        and only once the file has been read and checked: a file that cannot be opened changes
        nothing, so it should not first warn that something will be lost. ``remember`` False
        (the tour's samples) leaves Recent files and the last folder as they were."""
        path = Path(path)
        progress = LoadProgress(path, self)  # type: ignore[arg-type]
        try:
            scenario = load_scenario_file(path, self, progress)  # type: ignore[arg-type]
            if ask:
                progress.hide()  # (while the questions are asked; its next step shows it again)
                doing = f"Opening {path.name}"
                if not (self.confirm_unsaved(doing) and self.confirm_discard(doing)):
                    return False
            progress.step(OPENING_STEPS[1])
            self.read_from_file = (path, scenario)  # the editor need not check this file again
            self.show_scenario(scenario, path, late=True)  # the hidden views in idle turns
        except LoadCancelled:
            self.notify(f"Opening {path.name} was cancelled", 4000)
            return False
        except ScenarioError as error:
            progress.close()
            self._cannot_open(path, error)
            return False
        finally:
            progress.close()
            self.read_from_file = None
        if remember:
            self.settings.add_recent_file(path)
            self.settings.last_directory = str(path.resolve().parent)
            self.update_recent_menu()
            self.start_page.set_recent(self.settings.recent_files)
        self.notify(f"Opened {path.name}", 4000)
        return True

    def _cannot_open(self, path: Path, error: ScenarioError) -> None:
        """Say why ``path`` cannot be opened and offer to fix it in the editor (when it is a
        JSON object the editor can show); the scenario shown so far stays."""
        report = error.report()
        self.error_shown.emit(report, "")
        box = QMessageBox(self)  # type: ignore[arg-type]
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(f"Cannot open {path.name}")
        box.setText(f"Cannot open {path.name}")
        box.setInformativeText(report)
        fix = None
        if _is_json_object(path):
            fix = box.addButton("Open in editor", QMessageBox.ButtonRole.ActionRole)
            fix.setToolTip("Fix the problems in the scenario editor; the twin keeps what it shows until then")
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if fix is not None and box.clickedButton() is fix:
            self.open_in_editor(path)

    def open_in_editor(self, path: Path) -> bool:
        """Open ``path`` (a file with problems) in the editor only, to fix it there."""
        if not self.confirm_unsaved(f"Opening {path.name} in the editor"):
            return False
        if not self.editor_link.open_outside(path):
            return False
        self.settings.last_directory = str(path.resolve().parent)
        self.notify(f"{path.name} is open in the editor: fix the problems listed there", 8000)
        return True

    def update_recent_menu(self) -> None:
        menu = self.controls.recent_menu
        menu.clear()
        recent = self.settings.recent_files
        for path in recent:
            action = menu.addAction(path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_scenario(p))
        if recent:
            menu.addSeparator()
            clear = menu.addAction("Clear list")
            clear.triggered.connect(self._clear_recent)
        else:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self.update_recent_menu()
        self.start_page.set_recent([])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.toLocalFile().lower().endswith(".json") for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            local = url.toLocalFile()
            if local.lower().endswith(".json"):
                event.acceptProposedAction()
                self.open_scenario(Path(local))
                return

    # -- saving --------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the file shown; a new scenario or an edited sample goes to Save As (the
        samples that ship with the program are never overwritten by Ctrl+S). A file with
        problems open in the editor only is saved to itself."""
        if self.editor_link.outside is not None:
            return self.save_to(self.editor_link.outside)
        if self.session.scenario is None:
            return False
        if self.path is None or self.path.resolve().is_relative_to(self.samples_dir.resolve()):
            return self.save_as_dialog()
        return self.save_to(self.path)

    def save_as_dialog(self) -> bool:
        if self.session.scenario is None:
            return False
        start = str(self.path) if self.path else self.settings.last_directory
        if self.path is not None and self.path.resolve().is_relative_to(self.samples_dir.resolve()):
            # Never suggest overwriting a sample that ships with the program: a copy in the user's folder.
            start = str(user_folder(self.settings.last_directory) / f"{self.path.stem}-edited.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario as", start, "Scenario files (*.json)")  # type: ignore[arg-type]
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".json"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        if self.session.scenario is None and self.editor_link.outside is None:
            return False
        try:
            if not self.editor_link.write(path):  # the edited document, as the user laid it out
                return False
        except OSError as error:
            self.show_error(f"Cannot save {path.name}", f"{path}: {error.strerror or error}", "")
            return False
        except TwinError as error:
            self.show_error(f"Cannot save {path.name}", str(error), "")
            return False
        if self.editor_link.outside is not None:  # the twin runs another file: that one stays shown
            self.editor_link.outside = path
            self.notify(f"Saved {path}", 4000)
            return True
        self.path = path
        self.modified = False
        self.scenario_saved.emit(path)
        self.settings.add_recent_file(path)
        self.update_recent_menu()
        self.start_page.set_recent(self.settings.recent_files)
        self.update_title()
        self.notify(f"Saved {path}", 4000)
        return True

    # -- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        asking = not getattr(self, "ending", False)  # (SIGTERM: gui/app.end_on_signals asks nothing)
        if asking and not (self.confirm_unsaved("Closing the window") and self.confirm_discard("Closing the window")):
            event.ignore()
            return
        self.save_settings()
        self.run_control.close()  # type: ignore[attr-defined]
        self.bridge.stop_timer()
        self.session.close()
        super().closeEvent(event)  # type: ignore[misc]


def _is_json_object(path: Path) -> bool:
    """Whether ``path`` reads as a JSON object (the editor can show it, problems and all)."""
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError, RecursionError):
        return False
