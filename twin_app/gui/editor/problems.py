"""The editor's list of every problem in the scenario, worded as ``twin-app validate`` words them.

Clicking a problem emits :attr:`ProblemList.place_clicked` with its place, so the editor can
show the section, the row and the field it is about.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from twin_app.io.scenario_document import Validation


class ProblemList(QWidget):
    place_clicked = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel("No scenario is loaded")
        self.title.setObjectName("SectionTitle")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._clicked)
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)

    def show_validation(self, validation: Validation) -> None:
        self.list.clear()
        count = len(validation.problems)
        if validation.ok:
            self.title.setText("\u2714 No problems: the scenario is valid")
            self.title.setStyleSheet("color: #228833;")
        else:
            self.title.setText(f"\u26a0 {count} {'problem' if count == 1 else 'problems'} (click one to go there)")
            self.title.setStyleSheet("color: #c0392b;")
        for number, problem in enumerate(validation.problems, 1):
            item = QListWidgetItem(f"{number}. {problem}")
            item.setData(Qt.ItemDataRole.UserRole, problem.place)
            self.list.addItem(item)

    def show_empty(self, text: str) -> None:
        """No document to check: ``text`` (why, and what to do) in place of the count."""
        self.list.clear()
        self.title.setText(text)
        self.title.setStyleSheet("")

    def messages(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        self.place_clicked.emit(str(item.data(Qt.ItemDataRole.UserRole)))
