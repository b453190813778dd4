"""The library panel: the sample networks (name and the question each answers) and recent files.

Sample entries are read from the JSON files' ``name`` and ``description`` only (no full
validation, so listing stays instant); opening one goes through the normal, validating path
of the main window. Clicking an entry emits :attr:`StartPage.open_requested`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget


@dataclass(frozen=True, slots=True)
class SampleInfo:
    path: Path
    name: str
    description: str


def list_samples(directory: Path) -> list[SampleInfo]:
    """The scenario files in ``directory`` with their names and descriptions, sorted by name."""
    out: list[SampleInfo] = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        name = data.get("name") if isinstance(data, dict) else None
        description = data.get("description") if isinstance(data, dict) else None
        out.append(
            SampleInfo(
                path,
                str(name or path.stem.replace("_", " ").capitalize()),
                str(description or ""),
            )
        )
    return sorted(out, key=lambda s: s.name.lower())


def _shorten(text: str, limit: int = 190) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + " \u2026"


class EntryCard(QFrame):
    """One clickable entry: a bold title, a short description and the file name."""

    clicked = Signal(Path)

    def __init__(self, path: Path, title: str, text: str, note: str) -> None:
        super().__init__()
        self.path = path
        self.title = title
        self.setObjectName("Entry")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{text}\n\n{path}" if text else str(path))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 7, 10, 7)
        layout.setSpacing(2)
        head = QLabel(title)
        head.setObjectName("EntryTitle")
        head.setWordWrap(True)
        layout.addWidget(head)
        if text:
            body = QLabel(_shorten(text))
            body.setObjectName("EntryText")
            body.setWordWrap(True)
            layout.addWidget(body)
        small = QLabel(note)
        small.setObjectName("EntryNote")
        layout.addWidget(small)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.path)
        super().mouseReleaseEvent(event)


class _EntryList(QScrollArea):
    """A vertical, word-wrapped list of EntryCards that never scrolls sideways."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner.setObjectName("EntryList")
        self.box = QVBoxLayout(inner)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(6)
        self.box.addStretch(1)
        self.setWidget(inner)
        self.cards: list[EntryCard] = []

    def clear(self) -> None:
        while self.box.count() > 1:
            item = self.box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.cards = []

    def add(self, widget: QWidget) -> None:
        self.box.insertWidget(self.box.count() - 1, widget)
        if isinstance(widget, EntryCard):
            self.cards.append(widget)


class StartPage(QWidget):
    """Samples and recent files; a click opens the file in the main window."""

    open_requested = Signal(Path)

    def __init__(self, samples_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.samples_dir = samples_dir
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        title = QLabel("Sample networks")
        title.setObjectName("SectionTitle")
        layout.addWidget(title)
        hint = QLabel("Click a sample to open it, then press Space to run.")
        hint.setObjectName("Hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.samples = _EntryList()
        layout.addWidget(self.samples, 3)
        recent_title = QLabel("Recent files")
        recent_title.setObjectName("SectionTitle")
        layout.addWidget(recent_title)
        self.recent = _EntryList()
        layout.addWidget(self.recent, 1)
        self.refresh_samples()

    def refresh_samples(self) -> None:
        self.samples.clear()
        for info in list_samples(self.samples_dir):
            self._add(self.samples, info.path, info.name, info.description, info.path.name)
        if not self.samples.cards:
            note = QLabel(f"No samples found in {self.samples_dir}")
            note.setObjectName("Hint")
            note.setWordWrap(True)
            self.samples.add(note)

    def set_recent(self, paths: list[Path]) -> None:
        self.recent.clear()
        for path in paths:
            self._add(self.recent, path, path.name, "", str(path.parent))
        if not paths:
            note = QLabel("Files you open appear here.")
            note.setObjectName("Hint")
            self.recent.add(note)

    def sample_names(self) -> list[str]:
        """Titles of the listed samples (for tests)."""
        return [card.title for card in self.samples.cards]

    def sample_cards(self) -> list[EntryCard]:
        return list(self.samples.cards)

    def _add(self, widget: _EntryList, path: Path, title: str, text: str, note: str) -> None:
        card = EntryCard(path, title, text, note)
        card.clicked.connect(self.open_requested)
        widget.add(card)
