"""Compare view: pin scenarios side by side, run them with common random numbers, read the answer.

Pins are the current scenario (as edited), another file, or a run from the history (its
stored scenario and seed); the first pin is the baseline. *Run comparison* calls
:func:`twin_app.experiments.compare.compare` (the function behind ``twin-app compare``) on a
worker thread, which spreads the replications over local processes; the experiment is
recorded in the results database like the CLI's. A file pinned unchanged is passed as its
path, so its name and numbers are exactly those of ``twin-app compare A B --replications N
--seed S``.

The answer: the KPI table with each scenario's mean ± 95% CI, the paired difference to the
baseline and the verdict (the CLI's texts; green better, red worse); per-owner P&L side by
side with utilisation by owner; overlaid lead-time distributions and WIP curves; and a
"what changed" tree of the differences between the pinned scenarios. *Write report* writes
the CLI's HTML client report; *Open past comparison* shows one from the experiment log.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from twin_app.errors import TwinError
from twin_app.experiments.compare import SET_BY_THE_COMPARISON, CompareResult, compare
from twin_app.experiments.plan import Progress
from twin_app.experiments.scenario_diff import diff_scenarios
from twin_app.gui import decision_plots as plots
from twin_app.gui.decision_common import CurrentScenario, DecisionView, RunBar, pick_row
from twin_app.gui.decision_tables import CompareTableModel, OwnerPnlModel, diff_model
from twin_app.gui.lazy_view import finish
from twin_app.gui.names import owner_labels
from twin_app.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class Pin:
    """A scenario pinned for comparison: what to run and where it came from."""

    name: str
    scenario: Scenario
    origin: str
    """'file', 'current' (the window's scenario as edited) or 'run' (from the history)."""
    path: Path | None = None
    """The file, when the scenario is that file unchanged (then compare() reads the file)."""
    seed: int | None = None
    """A history run's seed."""

    def source(self) -> Scenario | Path:
        """What compare() gets: the file itself when unchanged (the CLI's names and numbers)."""
        if self.path is not None:
            return self.path
        return self.scenario.with_changes(name=self.name)

    def describe(self) -> str:
        where = {"file": str(self.path), "current": "the scenario as edited", "run": "a stored run"}[self.origin]
        seed = f", seed {self.seed}" if self.seed is not None else ""
        return f"{self.name}  ({where}{seed})"


CHART_BARS_PX = 220
"""Width the profit chart keeps for its bars beside the owner names."""
CHART_MIN_HEIGHT = 220
"""Height of the profit chart when it sits under the table."""

NO_RESULT = "Pin two or more scenarios, then Run comparison."
"""The summary line with no comparison shown."""

TABLE_MIN_ROWS = 6
"""Rows of the KPI table kept in view when the chart sits under it: below that, the chart goes
(the Per owner tab has its figures). At 1280x720 in presentation mode the table showed one row
over the chart (T9)."""


class CompareView(DecisionView):
    """Pinned scenarios, the run bar, and the answer in tabs (see the module docstring)."""

    title = "Compare"
    kind = "compare"
    noun = "comparison"
    report_file = "comparison.html"
    past_title, past_name_header = "Open a past comparison", "Scenarios"
    compared = Signal(object)  # CompareResult

    def __init__(
        self, current: CurrentScenario | None = None, parent: QWidget | None = None, *, in_steps: bool = False
    ) -> None:
        super().__init__(current, parent)
        self.pins: list[Pin] = []
        self.result: CompareResult | None = None
        self.parts = self._make_parts()
        """The view's widgets, made one part (a chart, the tables, ...) per step: all of them
        here, unless ``in_steps`` (then the maker runs the steps, see :class:`LazyView`)."""
        if not in_steps:
            finish(self.parts)

    def _make_parts(self) -> Iterator[None]:
        """Make the widgets, yielding after each part (each a few ms; a chart is the most)."""
        self.pin_list = QListWidget()
        self.pin_list.setMaximumHeight(64)
        buttons = QHBoxLayout()
        self.pin_current_button = self._button("Pin current scenario", self.pin_current, buttons)
        self._button("Pin file\u2026", self.pin_file_dialog, buttons)
        self._button("Pin stored run\u2026", self.pin_run_dialog, buttons)
        self._button("Remove", self.remove_selected, buttons)
        buttons.addStretch(1)
        heading = QHBoxLayout()
        title = QLabel("Pinned scenarios (the first is the baseline every difference is taken against)")
        title.setObjectName("SectionTitle")
        title.setWordWrap(True)
        heading.addWidget(title, 1)
        self.open_button = self._button("Open past comparison\u2026", self.open_experiment_dialog, heading)
        self.report_button = self._button("Write HTML report\u2026", self.report_dialog, heading)
        self.report_button.setEnabled(False)

        self.run_bar = RunBar("Run comparison")
        self.run_bar.run_button.clicked.connect(self.run)
        self.run_bar.finished.connect(self.show_result)
        yield

        self.table_model = CompareTableModel(self)
        self.table = self._table(self.table_model)
        self.all_kpis = QCheckBox("Every KPI (per machine, per lane, every sharing rule)")
        self.all_kpis.toggled.connect(lambda every: self.table_model.set_result(self.result, every))
        self.summary = QLabel(NO_RESULT)
        self.summary.setObjectName("Hint")
        self.summary.setWordWrap(True)
        yield

        self.profit_plot = plots.new_plot("Profit by owner (mean, 95% CI)", "", "Profit", legend=False)
        plots.legend_below(self.profit_plot)
        plots.span_title(self.profit_plot)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.all_kpis)
        self.beside = beside = QSplitter(Qt.Orientation.Horizontal)
        beside.addWidget(table_box)
        beside.addWidget(self.profit_plot)
        beside.setStretchFactor(0, 1)
        beside.setChildrenCollapsible(False)
        beside.setSizes([1000, 440])  # the table's paired differences and verdicts first
        kpi_page = QWidget()
        kpi_layout = QVBoxLayout(kpi_page)
        kpi_layout.addWidget(self.summary)
        kpi_layout.addWidget(beside, 1)
        yield

        self.owner_model = OwnerPnlModel(self)
        self.owner_table = self._table(self.owner_model)
        self.utilisation_plot = plots.new_plot(
            "Utilisation by owner (mean, 95% CI)", "", "Utilisation (%)", legend=False
        )
        plots.legend_below(self.utilisation_plot)
        plots.span_title(self.utilisation_plot)
        owners = QSplitter(Qt.Orientation.Vertical)
        owners.addWidget(self.owner_table)
        owners.addWidget(self.utilisation_plot)
        yield

        self.lead_plot = plots.new_plot("Lead time distribution", "Orders (%)", "Lead time (hours)")
        yield

        self.wip_plot = plots.new_plot("Work in progress", "Orders in system", "Simulated time", time_axis=True)
        curves = QSplitter(Qt.Orientation.Horizontal)
        curves.addWidget(self.lead_plot)
        curves.addWidget(self.wip_plot)
        yield

        self.diff_tree = QTreeView()
        self.diff_tree.setUniformRowHeights(True)
        self.diff_tree.setAlternatingRowColors(False)

        self.tabs = QTabWidget()
        self.tabs.addTab(kpi_page, "KPIs")
        self.tabs.addTab(owners, "Per owner")
        self.tabs.addTab(curves, "Lead time and WIP")
        self.tabs.addTab(self.diff_tree, "What changed")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(heading)
        layout.addWidget(self.pin_list)
        layout.addLayout(buttons)
        layout.addWidget(self.run_bar)
        layout.addWidget(self.tabs, 1)
        self._refresh_pins()

    @staticmethod
    def _button(text: str, slot: Callable[[], Any], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    @staticmethod
    def _table(model: Any) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setShowGrid(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(22)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    # --- pins --------------------------------------------------------------------------------
    def pin(self, pin: Pin) -> None:
        """Add a pin (its name made unique among the pins)."""
        names = {p.name for p in self.pins}
        name, n = pin.name, 2
        while name in names:
            name, n = f"{pin.name} ({n})", n + 1
        if name != pin.name:
            pin = Pin(name, pin.scenario, pin.origin, pin.path, pin.seed)
        self.pins.append(pin)
        if len(self.pins) == 1:
            self.run_bar.seed.setValue(pin.seed if pin.seed is not None else pin.scenario.run.seed)
            if pin.scenario.run.replications > 1:  # the run settings' (or the file's) replications
                self.run_bar.replications.setValue(pin.scenario.run.replications)
        elif pin.seed is not None:
            self.run_bar.seed.setValue(pin.seed)
        self._refresh_pins()

    def pin_current(self) -> None:
        """Pin the window's scenario as it is now (unsaved edits included)."""
        scenario, path, modified = self.current() if self.current is not None else (None, None, False)
        if scenario is None:
            self.run_bar.status.setText("Open a scenario first: there is nothing to pin.")
            return
        if path is not None and not modified:
            self.pin(Pin(path.stem, scenario, "file", path))
        else:
            base = path.stem if path is not None else (scenario.name or "scenario")
            self.pin(Pin(f"{base} (edited)" if modified else base, scenario, "current"))

    def pin_file(self, path: str | Path) -> None:
        """Pin a scenario file (validated now; a bad file is reported in the status line)."""
        from twin_app.io.scenario_file import load_scenario

        path = Path(path)
        try:
            scenario = load_scenario(path)
        except TwinError as error:
            self.run_bar.status.setText(f"Cannot pin {path.name}: {error}")
            return
        self.pin(Pin(path.stem, scenario, "file", path))

    def pin_run(self, run_id: str) -> None:
        """Pin a stored run: its scenario as it was run, and its seed (the history's signal)."""
        from twin_app.store.results_db import ResultsStore

        try:
            with ResultsStore(self._database()) as store:
                row = store.load_run(run_id)
                scenario = store.load_scenario(run_id)
        except TwinError as error:
            self.run_bar.status.setText(f"Cannot pin run {run_id}: {error}")
            return
        name = f"{row.get('scenario_name') or scenario.name or 'run'} (run {run_id[:6]})"
        self.pin(Pin(name, scenario, "run", seed=int(row["seed"])))

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.pin_list.selectedIndexes()}, reverse=True)
        for row in rows or ([len(self.pins) - 1] if self.pins else []):
            del self.pins[row]
        self._refresh_pins()

    def clear_pins(self) -> None:
        self.pins.clear()
        self._refresh_pins()

    def set_pins(self, pins: list[Pin]) -> None:
        """Pin exactly ``pins`` (presentation mode puts the user's back after its comparison)."""
        self.pins = list(pins)
        self._refresh_pins()

    def _refresh_pins(self) -> None:
        self.pin_list.clear()
        for i, pin in enumerate(self.pins):
            self.pin_list.addItem(("baseline: " if i == 0 else "") + pin.describe())
        self.run_bar.run_button.setEnabled(len(self.pins) >= 2 and not self.run_bar.running)
        self.show_changes([(p.name, p.scenario) for p in self.pins])

    def show_changes(self, scenarios: list[tuple[str, Scenario]]) -> None:
        """The what-changed tree: each scenario against the first."""
        if len(scenarios) < 2:
            self.diff_tree.setModel(diff_model([], self))
            return
        base_name, base = scenarios[0]
        pairs = [
            (f"{name} vs {base_name}", [c for c in diff_scenarios(base, other) if c.path not in SET_BY_THE_COMPARISON])
            for name, other in scenarios[1:]
        ]
        self.diff_tree.setModel(diff_model(pairs, self))
        self.diff_tree.expandToDepth(1)
        self.diff_tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    # --- running -----------------------------------------------------------------------------
    def run(self, *, store: bool = True) -> None:
        """Compare the pinned scenarios with the bar's replications and seed (off the GUI thread);
        recorded in the results database unless not ``store`` (the tour's demonstrations)."""
        if len(self.pins) < 2:
            self.run_bar.status.setText("Pin at least two scenarios to compare.")
            return
        sources = [p.source() for p in self.pins]
        replications, seed = self.run_bar.replications.value(), self.run_bar.seed.value()
        workers, database = self.workers, self._database() if store else None

        def work(on_progress: Progress) -> CompareResult:
            return compare(
                sources,
                replications=replications,
                seed=seed,
                workers=workers,
                database=database,
                on_progress=on_progress,
            )

        self.run_bar.start(work, f"Comparing {len(sources)} scenarios, {replications} replications each")

    def clear_result(self) -> None:
        """Show no comparison (presentation mode leaves the view as the user had it)."""
        self.result = None
        self.table_model.set_result(None)
        self.owner_model.set_result(None)
        self.summary.setText(NO_RESULT)
        for plot in (self.lead_plot, self.wip_plot, self.profit_plot, self.utilisation_plot):
            plot.getPlotItem().clear()
        self.report_button.setEnabled(False)

    def show_result(self, result: CompareResult) -> None:
        """Fill the tabs with a comparison (just run, or opened from the log)."""
        self.result = result
        self.table_model.set_result(result, self.all_kpis.isChecked())
        self.owner_model.set_result(result, self.owner_labels())
        names = result.names
        self.summary.setText(
            f"{' vs '.join(names)}: {result.replications} replications per scenario, seed {result.seed}, common "
            f"random numbers; ran on {result.backend}"
            + (f"; stored as experiment {result.experiment_id}" if result.experiment_id else "")
            + (f". {len(result.failed)} failed replications were left out." if result.failed else ".")
        )
        plots.draw_lead_times(self.lead_plot.getPlotItem(), names, result.curves)
        plots.draw_wip(self.wip_plot.getPlotItem(), names, result.curves)
        owners = self.owner_model.owners
        shown = [self.owner_model.label(o) for o in owners]
        plots.draw_grouped_bars(
            self.profit_plot.getPlotItem(),
            shown,
            names,
            [[figures.get(f"profit.by_owner.{o}") for o in owners] for figures in result.by_owner],
        )
        plots.draw_grouped_bars(
            self.utilisation_plot.getPlotItem(),
            shown,
            names,
            [[figures.get(f"utilisation.by_owner.{o}") for o in owners] for figures in result.by_owner],
            percent=True,
        )
        self.table.resizeColumnsToContents()
        self._fit_beside()
        self.report_button.setEnabled(True)
        self.compared.emit(result)

    def _fit_beside(self) -> None:
        """Lay out the KPI page for its width: the profit chart beside the table when both fit,
        under it when not, never cut.

        A pyqtgraph chart narrower than its owner names, title and legend is cut at the right,
        not shrunk: with the Library open at 1,600 px the table had taken the chart's room. The
        chart keeps :data:`CHART_BARS_PX` beside its names; beside it, the table needs at least
        its KPI, difference and verdict columns, and a wider window goes to the table first.
        """
        plot = self.profit_plot.getPlotItem()
        frame = 2 * self.profit_plot.frameWidth() + 4
        layout_min = plot.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        need = math.ceil(max(layout_min, plot.getAxis("left").minimumWidth() + CHART_BARS_PX)) + frame
        header = self.table.horizontalHeader()
        scroll = self.table.verticalScrollBar().sizeHint().width() + 4
        answer = sum(header.sectionSize(c) for c in range(min(3, header.count()))) + scroll
        total = self.beside.width() if self.beside.orientation() == Qt.Orientation.Horizontal else self.width()
        beside = total >= answer + need
        if beside:
            self.beside.setOrientation(Qt.Orientation.Horizontal)
            self.profit_plot.setVisible(True)
            self.profit_plot.setMinimumSize(need, 0)
            wanted = header.length() + scroll
            table = max(min(wanted, total - need), 0)
            self.beside.setSizes([table, total - table])
        else:
            self.beside.setOrientation(Qt.Orientation.Vertical)
            self.profit_plot.setMinimumSize(0, CHART_MIN_HEIGHT)
            height = sum(self.beside.sizes()) or self.height() // 2
            rows = TABLE_MIN_ROWS + 1  # and the header
            table_min = rows * self.table.verticalHeader().defaultSectionSize() + self.all_kpis.sizeHint().height()
            chart = min(height * 2 // 5, height - table_min)
            self.profit_plot.setVisible(chart >= CHART_MIN_HEIGHT)
            if self.profit_plot.isVisibleTo(self):
                self.beside.setSizes([height - chart, chart])

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.result is not None:
            self._fit_beside()

    def owner_labels(self) -> dict[str, str]:
        """Owner names by id from the pinned scenarios (the first pin naming an owner wins)."""
        labels: dict[str, str] = {}
        for pin in self.pins:
            for owner, label in owner_labels(pin.scenario).items():
                labels.setdefault(owner, label)
        return labels

    # --- the log ----------------------------------------------------------------------------
    def open_experiment(self, experiment_id: str) -> None:
        """Show a stored comparison again, and pin the scenarios it ran (from its task runs)."""
        from twin_app.io.scenario_file import scenario_from_data
        from twin_app.store.experiment_log import ExperimentLog
        from twin_app.store.results_db import ResultsStore

        database = self._database()
        with ExperimentLog(database) as log:
            row = log.load(experiment_id)
            tasks = log.task_rows(experiment_id)
        if row["kind"] != "compare" or not row["summary"]:
            raise TwinError(f"experiment {experiment_id} is not a finished comparison")
        result = CompareResult.from_dict(row["summary"])
        first_run = {t["point"]: t["run_id"] for t in reversed(tasks)}
        self.pins = []
        with ResultsStore(database) as store:
            for point, name in enumerate(result.names):
                if point in first_run:
                    text = store.load_run(first_run[point])["scenario_json"]
                    scenario = scenario_from_data(json.loads(text), source=f"experiment {experiment_id}")
                    self.pins.append(Pin(name, scenario, "run", seed=result.seed))
        self._refresh_pins()
        self.run_bar.replications.setValue(result.replications)
        self.run_bar.seed.setValue(result.seed)
        self.show_result(result)

    def pin_run_dialog(self) -> None:
        from twin_app.experiments.live_record import scenario_label
        from twin_app.store.results_db import ResultsStore

        try:
            with ResultsStore(self._database()) as store:
                runs = [r for r in store.list_runs() if not r.get("experiment_id")][:500]
        except TwinError as error:
            self.run_bar.status.setText(str(error))
            return
        chosen = pick_row(
            self,
            "Pin a stored run",
            ["Run", "Scenario", "Seed", "Status", "Started"],
            [
                (
                    r["id"],
                    scenario_label(r["scenario_name"], r.get("settings") or {}),
                    r["seed"],
                    r["status"],
                    r["started_at"],
                )
                for r in runs
            ],
        )
        if chosen is not None:
            self.pin_run(runs[chosen]["id"])

    def pin_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Pin a scenario file", "", "Scenarios (*.json)")
        if path:
            self.pin_file(path)
