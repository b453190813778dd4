"""A KPI chooser that shows KPI labels ("Cost per unit") and keeps the path (``cost.per_unit``).

The sweep view's objective, Pareto and chart selectors used to list internal KPI paths. Here
each item is the KPI's label (:func:`twin_app.experiments.kpi_paths.info`) with its path as the
item's data and tooltip; a path typed by hand (``profit.by_owner.bikeworks``) still works.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from twin_app.experiments.kpi_paths import info


class KpiCombo(QComboBox):
    """Editable combo of KPIs by label; :meth:`path` is the chosen KPI's path."""

    def __init__(self, paths: Iterable[str], current: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setToolTip("A KPI (or type a KPI path, e.g. profit.by_owner.<owner>)")
        for path in paths:
            self._add(path)
        if current is not None:
            self.set_path(current)

    def _add(self, path: str) -> int:
        self.addItem(info(path).label, path)
        index = self.count() - 1
        self.setItemData(index, path, Qt.ItemDataRole.ToolTipRole)
        return index

    def path(self) -> str:
        """The KPI path chosen: the item's path, or the text typed when it is no item's label."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        return str(self.itemData(index)) if index >= 0 else text

    def set_path(self, path: str) -> None:
        """Choose the KPI ``path`` (added, under its label, when it is not listed)."""
        index = self.findData(path)
        self.setCurrentIndex(index if index >= 0 else self._add(path))
