"""Qt models of the decision views: the compare KPI table, the per-owner P&L, what changed.

The texts are the CLI's own (:mod:`twin_app.experiments.text_tables`), so a number in the
window reads exactly as in ``twin-app compare``; the raw numbers sit under
:data:`VALUE_ROLE` for sorting, tests and exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from twin_app.experiments.compare import CompareResult
from twin_app.experiments.kpi_paths import OWNERS_SHOWN, info, owner_of, shown_paths
from twin_app.experiments.paired import Difference, Estimate
from twin_app.experiments.scenario_diff import Change
from twin_app.experiments.text_tables import difference_text, estimate_text, ranked_owners, verdict
from twin_app.gui import theme
from twin_app.gui.table_export import INTERVAL_ROLE

VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
"""The raw number behind a cell (an Estimate's or Difference's mean; the KPI path in column 0)."""
GOOD, BAD = "#1E8449", "#C0392B"
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def shown_rows(result: CompareResult, every: bool = False) -> list[str]:
    """The KPI paths the CLI's table shows by default (headline KPIs, the largest owners'
    families, not the NPV under every sharing rule), or every compared KPI; KPIs that are 0 or
    missing in every scenario are left out, as there."""
    if every:
        paths = [row.path for row in result.kpis]
    else:
        shown = shown_paths((row.path for row in result.kpis), ranked_owners(result)[:OWNERS_SHOWN])
        paths = [p for p in shown if not p.startswith("investment.npv.by_rule.")]
    wanted = set(paths)
    return [row.path for row in result.kpis if row.path in wanted and any(e.mean for e in row.estimates)]


class CompareTableModel(QAbstractTableModel):
    """KPI | for each later scenario: paired difference, verdict | each scenario's mean ± CI.

    The answer (difference and verdict) sits next to the KPI's name, so it is in view without
    scrolling however many scenarios are compared."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result: CompareResult | None = None
        self.paths: list[str] = []

    def set_result(self, result: CompareResult | None, every: bool = False) -> None:
        self.beginResetModel()
        self.result = result
        self.paths = [] if result is None else shown_rows(result, every)
        self.endResetModel()

    def headers(self) -> list[str]:
        if self.result is None:
            return []
        names = self.result.names
        out = ["KPI"]
        for name in names[1:]:
            out += [f"{name} - {names[0]} (paired 95% CI)", "verdict"]
        return out + [f"{n} (95% CI)" for n in names]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.paths)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def interval(self, row: int, column: int) -> tuple[float | None, float | None] | None:
        """(mean, half-width) behind an estimate or difference cell (None for other cells)."""
        assert self.result is not None
        comparison = self.result.kpi(self.paths[row])
        n_diff = 2 * (len(self.result.names) - 1)
        if column == 0:
            return None
        if column > n_diff:
            estimate = comparison.estimates[column - n_diff - 1]
            return estimate.mean, estimate.half_width
        other, is_verdict = divmod(column - 1, 2)
        diff = comparison.differences[other + 1]
        return None if is_verdict or diff is None else (diff.mean, diff.half_width)

    def cell(self, row: int, column: int) -> tuple[str, Any, str]:
        """(text, raw value, verdict class 'good'/'bad'/'') of one cell."""
        assert self.result is not None
        path = self.paths[row]
        comparison = self.result.kpi(path)
        kpi = info(path)
        n = len(self.result.names)
        if column == 0:
            return kpi.label, path, ""
        n_diff = 2 * (n - 1)
        if column > n_diff:
            estimate: Estimate = comparison.estimates[column - n_diff - 1]
            return estimate_text(estimate, kpi), estimate.mean, ""
        other, is_verdict = divmod(column - 1, 2)
        diff = comparison.differences[other + 1]
        assert isinstance(diff, Difference)
        tone = ""
        if diff.significant and kpi.better != "neither" and diff.mean is not None:
            tone = "good" if (diff.mean > 0) == (kpi.better == "higher") else "bad"
        if is_verdict:
            return verdict(diff, kpi), diff.significant, tone
        return difference_text(diff, kpi), diff.mean, tone

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.result is None:
            return None
        if role == INTERVAL_ROLE:
            return self.interval(index.row(), index.column())
        text, value, tone = self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return self.paths[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and tone:
            return QColor(GOOD if tone == "good" else BAD)
        return None


OWNER_FIGURES: tuple[tuple[str, str], ...] = (
    ("profit.by_owner.", "Profit"),
    ("revenue.by_owner.", "Revenue"),
    ("cost.by_owner.", "Cost"),
    ("utilisation.by_owner.", "Utilisation"),
)


class OwnerPnlModel(QAbstractTableModel):
    """Per owner, side by side: each scenario's profit, revenue, cost and utilisation (mean ± CI).

    Every owner of any scenario is listed (an owner only one set-up has shows '-' elsewhere),
    the largest profit or cost first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: tuple[str, ...] = ()
        self.by_owner: tuple[dict[str, Estimate], ...] = ()
        self.owners: list[str] = []
        self.labels: dict[str, str] = {}
        """Owner names by id (:func:`twin_app.gui.names.owner_labels`); an id not in it shows as is."""

    def label(self, owner: str) -> str:
        return self.labels.get(owner, owner)

    def set_result(self, result: CompareResult | None, labels: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self.labels = dict(labels or {})
        self.names = () if result is None else result.names
        self.by_owner = () if result is None else result.by_owner
        weight: dict[str, float] = {}
        for figures in self.by_owner:
            for path, estimate in figures.items():
                owner = owner_of(path)
                if owner is None or not path.startswith(tuple(p for p, _ in OWNER_FIGURES)):
                    continue
                size = abs(estimate.mean or 0.0) if path.startswith(("profit.", "cost.")) else 0.0
                weight[owner] = max(weight.get(owner, 0.0), size)
        self.owners = sorted(weight, key=lambda owner: (-weight[owner], owner))
        self.endResetModel()

    def headers(self) -> list[str]:
        return ["Owner", *(f"{label}: {name}" for _, label in OWNER_FIGURES for name in self.names)]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.owners)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(OWNER_FIGURES) * len(self.names)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def estimate(self, row: int, column: int) -> tuple[str, Estimate | None]:
        """(KPI path, the estimate or None) behind a figure cell (column >= 1)."""
        figure, scenario = divmod(column - 1, len(self.names))
        path = OWNER_FIGURES[figure][0] + self.owners[row]
        return path, self.by_owner[scenario].get(path)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.column() == 0:
            owner = self.owners[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.label(owner)
            return owner if role in (Qt.ItemDataRole.ToolTipRole, VALUE_ROLE) else None
        path, estimate = self.estimate(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return "-" if estimate is None else estimate_text(estimate, info(path))
        if role == VALUE_ROLE:
            return None if estimate is None else estimate.mean
        if role == INTERVAL_ROLE:
            return None if estimate is None else (estimate.mean, estimate.half_width)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        negative = estimate is not None and estimate.mean is not None and estimate.mean < 0
        if role == Qt.ItemDataRole.ForegroundRole and negative and path.startswith("profit."):
            return QColor(theme.NEGATIVE)
        return None


KIND_COLORS = {"added": GOOD, "removed": BAD, "changed": "#B9770E"}


def diff_model(pairs: Sequence[tuple[str, Sequence[Change]]], parent: Any = None) -> QStandardItemModel:
    """A tree: one branch per compared pair ('light vs heavy'), then per section of the
    scenario (lanes, machines...), then one row per change: path | what | old -> new."""
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels(["Path", "Change", "Before -> after"])
    for title, changes in pairs:
        top = QStandardItem(f"{title}: {len(changes)} difference{'s' if len(changes) != 1 else ''}")
        top.setEditable(False)
        sections: dict[str, QStandardItem] = {}
        for change in changes:
            section = sections.get(change.section)
            if section is None:
                section = QStandardItem(change.section)
                section.setEditable(False)
                sections[change.section] = section
                top.appendRow([section, _item(""), _item("")])
            kind = _item(change.kind)
            kind.setForeground(QColor(KIND_COLORS[change.kind]))
            path = _item(change.path)
            path.setData(change, VALUE_ROLE)
            section.appendRow([path, kind, _item(change.text(90))])
        for section in sections.values():
            section.setText(f"{section.text()} ({section.rowCount()})")
        model.appendRow([top, _item(""), _item("")])
    return model


def _item(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    return item
