"""Sweep view: factors picked from the scenario, a design, a run with progress, and the answer.

Factors come from the editor (its field menu "Sweep this field..." calls :meth:`add_factor`)
or from the picker here, which lists the scenario's fields as sweep paths (*Browse fields...*
shows them grouped by section and element, by id, with a filter); levels are typed
(``2, 4, 6``, or a range ``2..6``: every whole number in it for a factorial design, the
interval drawn from for a Latin hypercube). The view writes the very spec a
``twin-app sweep`` file holds (:func:`spec_data`), checks it with
:func:`~twin_app.experiments.sweep_spec.parse_spec` and runs
:func:`~twin_app.experiments.sweep.sweep` on a worker thread over local processes.

The answer: the points x KPIs table with 95% CIs (best and Pareto points marked), the best
point and its paired test against the runner-up in the CLI's words, a KPI against a factor
(one series per combination of the other factors), a heatmap over two factors and the
Pareto scatter of the two objectives; *Write report* writes the CLI's HTML report.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from twin_app.errors import TwinError
from twin_app.experiments.kpi_paths import HEADLINE, info
from twin_app.experiments.plan import Progress
from twin_app.experiments.sweep import SweepResult, sweep
from twin_app.experiments.sweep_fields import field_paths, levels_text, parse_levels
from twin_app.experiments.sweep_spec import SweepSpec, parse_spec
from twin_app.experiments.text_tables import estimate_text
from twin_app.gui import decision_plots as plots
from twin_app.gui.decision_common import CurrentScenario, DecisionView, RunBar
from twin_app.gui.field_picker import pick_field
from twin_app.gui.kpi_combo import KpiCombo
from twin_app.gui.lazy_view import finish
from twin_app.gui.table_export import INTERVAL_ROLE

KPI_CHOICES = tuple(h.path for h in HEADLINE)


def spec_data(
    base: Path,
    factors: list[tuple[str, str]],
    *,
    design: str,
    samples: int,
    replications: int,
    seed: int,
    objective: str | None,
    pareto: tuple[str, str] | None,
) -> dict[str, Any]:
    """The sweep spec (as a spec file holds it) for typed factors ``(path, levels text)``."""
    if not factors:
        raise TwinError("add at least one factor: a field of the scenario and its levels")
    data: dict[str, Any] = {
        "name": f"sweep of {base.stem}",
        "base": str(base),
        "design": design,
        "factors": {path: parse_levels(text, design) for path, text in factors},
        "replications": replications,
        "seed": seed,
    }
    if design == "lhs":
        data["samples"] = samples
    if objective:
        data["objective"] = objective
    if pareto:
        data["pareto"] = list(pareto)
    return data


class SweepView(DecisionView):
    """Factors, design, objectives, the run bar, and the answer in tabs."""

    title = "Sweep"
    kind = "sweep"
    noun = "sweep"
    report_file = "sweep.html"
    past_title, past_name_header = "Open a past sweep", "Name"
    swept = Signal(object)  # SweepResult

    def __init__(
        self, current: CurrentScenario | None = None, parent: QWidget | None = None, *, in_steps: bool = False
    ) -> None:
        super().__init__(current, parent)
        self.result: SweepResult | None = None
        self._fields_stale = True
        self.base_file: Path | None = None
        """A base scenario file chosen here (else the window's scenario)."""
        self._scratch = tempfile.TemporaryDirectory(prefix="twin-sweep-")
        self.parts = self._make_parts()
        """The view's widgets, made one part (a chart, the tables, ...) per step: all of them
        here, unless ``in_steps`` (then the maker runs the steps, see :class:`LazyView`)."""
        if not in_steps:
            finish(self.parts)

    def _make_parts(self) -> Iterator[None]:
        """Make the widgets, yielding after each part (each a few ms; a chart is the most)."""
        self.base_label = QLabel("Base: the scenario open in the window")
        self.base_label.setWordWrap(True)
        self.factors = QTableWidget(0, 2)
        self.factors.setHorizontalHeaderLabels(["Factor (path in the scenario)", "Levels (2, 4, 6 or a range 2..6)"])
        self.factors.horizontalHeaderItem(1).setToolTip(
            "Factorial: list the levels (2, 4, 6), or a whole-number range 2..6 for every whole number in it.\n"
            "Latin hypercube: a range (2..6 or 0.5..1.5) the samples are drawn from."
        )
        self.factors.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.factors.verticalHeader().setVisible(False)
        self.factors.setFixedHeight(110)
        self.field_picker = _OnFirstUseCombo(self._fill_fields)
        self.field_picker.setEditable(True)
        self.field_picker.setCurrentText("lanes[*].vehicles")
        self.field_picker.setMinimumContentsLength(24)
        self.field_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.field_picker.setToolTip("A field of the scenario, e.g. lanes[*].vehicles or platform.assignment")
        self.field_picker.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.field_picker.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.design = QComboBox()
        self.design.addItems(["factorial", "lhs"])
        self.samples = QSpinBox()
        self.samples.setRange(2, 1000)
        self.samples.setValue(10)
        self.samples.setToolTip("Points of a Latin hypercube design")
        self.objective_goal, self.objective_kpi = self._objective("min", "cost.per_unit")
        self.pareto_check = QCheckBox("Pareto front of")
        self.pareto_check.setChecked(True)
        self.pareto_a = self._objective("min", "cost.per_unit")
        self.pareto_b = self._objective("max", "on_time_rate")
        yield

        grid = QGridLayout()
        self.open_button = QPushButton("Open past sweep\u2026")
        self.open_button.clicked.connect(self.open_experiment_dialog)
        self.report_button = QPushButton("Write HTML report\u2026")
        self.report_button.clicked.connect(self.report_dialog)
        self.report_button.setEnabled(False)
        grid.addWidget(self.base_label, 0, 0, 1, 2)
        self._add_button(grid, "Base file\u2026", self.base_file_dialog, 0, 2)
        grid.addWidget(self.open_button, 0, 3)
        grid.addWidget(self.report_button, 0, 4)
        grid.addWidget(self.field_picker, 1, 0, 1, 2)
        self._add_button(grid, "Browse fields\u2026", self.browse_fields, 1, 4)
        self._add_button(grid, "Add factor", lambda: self.add_factor(self.field_picker.currentText(), None), 1, 2)
        self._add_button(grid, "Remove factor", self.remove_factor, 1, 3)
        grid.addWidget(self.factors, 2, 0, 1, 5)
        grid.setColumnStretch(1, 1)
        options = QHBoxLayout()
        for widget in (QLabel("Design"), self.design, QLabel("samples"), self.samples, QLabel("  Best point:")):
            options.addWidget(widget)
        for widget in (self.objective_goal, self.objective_kpi):
            options.addWidget(widget)
        options.addStretch(1)
        objectives = QHBoxLayout()
        for widget in (self.pareto_check, *self.pareto_a, QLabel("and"), *self.pareto_b):
            objectives.addWidget(widget)
        objectives.addStretch(1)

        self.run_bar = RunBar("Run sweep")
        self.run_bar.run_button.clicked.connect(self.run)
        self.run_bar.finished.connect(self.show_result)

        self.hint = QLabel(
            "Add factors and their levels (2, 4, 6; or a range 2..6: every whole number in it for a "
            "factorial design, the interval sampled for a Latin hypercube), then Run sweep."
        )
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        self.factors.model().rowsInserted.connect(self._show_hint)
        self.factors.model().rowsRemoved.connect(self._show_hint)
        self.best_text = QLabel("")
        self.best_text.setObjectName("Hint")
        self.best_text.setVisible(False)
        self.best_text.setWordWrap(True)
        self.best_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget()
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        yield

        self.effect_kpi, self.effect_factor = KpiCombo(KPI_CHOICES), QComboBox()
        self.effect_plot = plots.new_plot("KPI against a factor (mean, 95% CI)", "", "")
        yield

        self.heat_kpi, self.heat_x, self.heat_y = KpiCombo(KPI_CHOICES), QComboBox(), QComboBox()
        self.heat_plot = plots.new_plot("KPI over two factors", "", "")
        yield

        self.pareto_plot = plots.new_plot(
            "Design points (grey), the Pareto front (orange) and the best point (star)", "", "", legend=False
        )
        yield
        for combo in (self.effect_kpi, self.effect_factor):
            combo.currentIndexChanged.connect(self.draw_effect)
        for combo in (self.heat_kpi, self.heat_x, self.heat_y):
            combo.currentIndexChanged.connect(self.draw_heatmap)
        effect_page = self._page(self.effect_plot, "KPI", self.effect_kpi, "against", self.effect_factor)
        self.heat_page = self._page(self.heat_plot, "KPI", self.heat_kpi, "across", self.heat_x, "up", self.heat_y)
        self.heat_note = QLabel("")
        self.heat_note.setObjectName("Hint")
        self.heat_page.layout().addWidget(self.heat_note)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Points")
        self.tabs.addTab(effect_page, "KPI against factor")
        self.tabs.addTab(self.heat_page, "Heatmap")
        self.tabs.addTab(self.pareto_plot, "Pareto")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(grid)
        top_layout.addLayout(options)
        top_layout.addLayout(objectives)
        top_layout.addWidget(self.run_bar)
        top_layout.addWidget(self.hint)
        top_layout.addWidget(self.best_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(top)
        layout.addWidget(self.tabs, 1)
        self.refresh_fields()

    def _show_hint(self) -> None:
        """The how-to line only while there is nothing to show: no factors and no result."""
        self.hint.setVisible(self.result is None and self.factors.rowCount() == 0)

    # --- the View protocol: a new scenario in the window is a new base -------------------------
    def set_run(self, run: Any) -> None:
        self._fields_stale = True
        if self.isVisible():
            self.refresh_fields()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._fields_stale:
            self.refresh_fields()

    # --- construction helpers -------------------------------------------------------------
    @staticmethod
    def _goal(goal: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(["min", "max"])
        combo.setCurrentText(goal)
        return combo

    def _objective(self, goal: str, kpi: str) -> tuple[QComboBox, KpiCombo]:
        return self._goal(goal), KpiCombo(KPI_CHOICES, kpi)

    @staticmethod
    def _add_button(grid: QGridLayout, text: str, slot: Any, row: int, column: int) -> None:
        button = QPushButton(text)
        button.clicked.connect(slot)
        grid.addWidget(button, row, column)

    @staticmethod
    def _page(plot: QWidget, *controls: Any) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        for control in controls:
            row.addWidget(QLabel(control) if isinstance(control, str) else control)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(plot, 1)
        return page

    # --- the base and the factors ---------------------------------------------------------
    def base_path(self) -> Path:
        """The base scenario file: the one chosen here, the window's file if unchanged, or the
        window's scenario as edited written to a scratch file."""
        if self.base_file is not None:
            return self.base_file
        scenario, path, modified = self.current() if self.current is not None else (None, None, False)
        if scenario is None:
            raise TwinError("open a scenario (or choose a base file) first")
        if path is not None and not modified:
            return path
        from twin_app.io.scenario_file import save_scenario

        stem = path.stem if path is not None else "scenario"
        return save_scenario(scenario, Path(self._scratch.name) / f"{stem}_edited.json")

    def base_name(self) -> str:
        """The base as the user knows it: their file, "<file> (edited)" for the window's edited
        scenario (run from a scratch copy), never the scratch path."""
        if self.base_file is not None:
            return str(self.base_file)
        scenario, path, modified = self.current() if self.current is not None else (None, None, False)
        if scenario is None:
            return "the scenario open in the window"
        name = str(path) if path is not None else "the unsaved scenario"
        return f"{name} (edited)" if modified or path is None else name

    def refresh_fields(self) -> None:
        """Name the base and take its seed (after a new scenario or base file); its fields are
        listed in the picker when the user first reaches for it (:meth:`_fill_fields`): reading
        and walking the large network's 8 MB took 0.1-0.4 s, too long for a tab switch."""
        self._fields_stale = False
        self.field_picker.fill_on_first_use()
        if self.base_file is None:
            scenario = self.current()[0] if self.current is not None else None
            if scenario is None:
                return
            seed: object = scenario.run.seed
        else:
            data = self._base_data()
            if data is None:
                return
            seed = (data.get("run") or {}).get("seed")
        self.base_label.setText(f"Base: {self.base_name()}")
        if isinstance(seed, int) and not self.run_bar.running:
            self.run_bar.seed.setValue(seed)  # the CLI's default: the base scenario's seed

    def _base_data(self) -> dict[str, Any] | None:
        """The base scenario as JSON data (None: there is none, or it cannot be read)."""
        try:
            data = json.loads(self.base_path().read_text(encoding="utf-8"))
        except (TwinError, OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _fill_fields(self) -> None:
        """List the base scenario's fields in the picker, keeping what the user typed."""
        data = self._base_data()
        text = self.field_picker.currentText()
        self.field_picker.clear()
        if data is not None:
            self.field_picker.addItems(field_paths(data))
        self.field_picker.setCurrentText(text or "lanes[*].vehicles")

    def browse_fields(self) -> None:
        """Pick a field from the base's fields grouped by section and element, with a filter."""
        self.field_picker.fill_now()
        paths = [self.field_picker.itemText(i) for i in range(self.field_picker.count())]
        chosen = pick_field(self, paths)
        if chosen:
            self.field_picker.setCurrentText(chosen)

    def add_factor(self, path: str, value: object = None) -> None:
        """Add a factor (the editor's "Sweep this field..." gives its path and current value)."""
        path = path.strip()
        if not path:
            return
        for row in range(self.factors.rowCount()):
            if self.factors.item(row, 0).text() == path:
                self.factors.selectRow(row)
                return
        row = self.factors.rowCount()
        self.factors.insertRow(row)
        self.factors.setItem(row, 0, QTableWidgetItem(path))
        self.factors.setItem(row, 1, QTableWidgetItem("" if value is None else levels_text(value)))
        self.factors.setCurrentCell(row, 1)

    def remove_factor(self) -> None:
        row = self.factors.currentRow()
        if row >= 0:
            self.factors.removeRow(row)

    def factor_rows(self) -> list[tuple[str, str]]:
        rows = []
        for row in range(self.factors.rowCount()):
            path, levels = self.factors.item(row, 0), self.factors.item(row, 1)
            rows.append((path.text().strip() if path else "", levels.text() if levels else ""))
        return [(p, t) for p, t in rows if p]

    def spec(self) -> SweepSpec:
        """The spec the form describes, checked as ``twin-app sweep`` checks a spec file."""
        base = self.base_path()
        pareto = None
        if self.pareto_check.isChecked():
            pareto = (
                f"{self.pareto_a[0].currentText()} {self.pareto_a[1].path()}",
                f"{self.pareto_b[0].currentText()} {self.pareto_b[1].path()}",
            )
        kpi = self.objective_kpi.path()
        data = spec_data(
            base,
            self.factor_rows(),
            design=self.design.currentText(),
            samples=self.samples.value(),
            replications=self.run_bar.replications.value(),
            seed=self.run_bar.seed.value(),
            objective=f"{self.objective_goal.currentText()} {kpi}" if kpi else None,
            pareto=pareto,
        )
        shown = self.base_name()
        data["name"] = f"sweep of {Path(shown.removesuffix(' (edited)')).stem}" + (
            " (edited)" if shown.endswith(" (edited)") else ""
        )
        return replace(parse_spec(data, "the sweep view", base.parent), base_shown=shown)

    # --- running --------------------------------------------------------------------------
    def run(self) -> None:
        try:
            spec = self.spec()
        except TwinError as error:
            self.run_bar.status.setText(f"Cannot run: {error}")
            return
        workers, database = self.workers, self._database()

        def work(on_progress: Progress) -> SweepResult:
            return sweep(spec, workers=workers, database=database, on_progress=on_progress)

        self.run_bar.start(work, f"Sweeping {len(spec.points)} points x {spec.replications} replications")

    def show_result(self, result: SweepResult) -> None:
        """The table, the best point and every chart of a sweep (just run, or from the log)."""
        self.result = result
        kpis = result.table_kpis()
        names = [f.path for f in result.factors]
        self.table.clear()
        self.table.setRowCount(len(result.points))
        self.table.setColumnCount(1 + len(names) + len(kpis))
        self.table.setHorizontalHeaderLabels(["#", *names, *(info(k).label for k in kpis)])
        for point in result.points:
            flags = (("best", point.index == result.best), ("pareto", point.index in result.front))
            marks = [mark for mark, on in flags if on]
            cells = [f"{point.index + 1}" + (f" ({', '.join(marks)})" if marks else "")]
            cells += [plots.level_text(point.values[n]) if n in point.values else "(base)" for n in names]
            found = [result.estimates[point.index].get(kpi) for kpi in kpis]
            cells += ["-" if e is None else estimate_text(e, info(k)) for e, k in zip(found, kpis, strict=True)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column > len(names):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    estimate = found[column - len(names) - 1]
                    if estimate is not None:  # exported as "<KPI> mean" and "<KPI> ci95" numbers
                        item.setData(INTERVAL_ROLE, (estimate.mean, estimate.half_width))
                self.table.setItem(point.index, column, item)
        self.best_text.setText(self.answer_text(result))
        self.best_text.setVisible(True)
        self._show_hint()
        for combo in (self.effect_factor, self.heat_x, self.heat_y):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.blockSignals(False)
        self.heat_y.setCurrentIndex(min(1, len(names) - 1))
        objective = result.objective.kpi if result.objective is not None else kpis[0]
        for combo in (self.effect_kpi, self.heat_kpi):
            combo.blockSignals(True)
            combo.set_path(objective)
            combo.blockSignals(False)
        self.draw_effect()
        self.draw_heatmap()
        self.draw_pareto()
        self.report_button.setEnabled(True)
        self.swept.emit(result)

    @staticmethod
    def answer_text(result: SweepResult) -> str:
        """The header, best-point and Pareto lines of the CLI's sweep output."""
        lines = result.table().splitlines()
        keep = [lines[0]]
        keep += [line.strip() for line in lines if line.startswith(("Best point", "  against the runner-up", "Pareto"))]
        return "\n".join(keep)

    def _means(self, kpi: str) -> list[float | None]:
        assert self.result is not None
        return [est[kpi].mean if kpi in est else None for est in self.result.estimates]

    def draw_effect(self) -> dict[str, Any]:
        """The chosen KPI against the chosen factor; returns what was drawn."""
        if self.result is None or not self.effect_factor.currentText():
            return {}
        kpi, factor = self.effect_kpi.path(), self.effect_factor.currentText()
        others = [] if self.result.design == "lhs" else [f.path for f in self.result.factors if f.path != factor]
        plot = self.effect_plot.getPlotItem()
        plot.setLabel("left", info(kpi).label)
        plot.setLabel("bottom", factor)
        estimates = [est.get(kpi) for est in self.result.estimates]
        return plots.draw_factor_effect(
            plot, factor, others, [p.values for p in self.result.points], estimates, percent=info(kpi).percent
        )

    def draw_heatmap(self) -> Any:
        """The chosen KPI over two factors (a factorial design with two or more factors)."""
        if self.result is None:
            return None
        x, y = self.heat_x.currentText(), self.heat_y.currentText()
        if len(self.result.factors) < 2 or self.result.design == "lhs" or x == y:
            self.heat_plot.getPlotItem().clear()
            self.heat_note.setText("A heatmap needs a factorial design over two different factors.")
            return None
        kpi = self.heat_kpi.path()
        rows, columns, grid = plots.heat_grid(x, y, [p.values for p in self.result.points], self._means(kpi))
        plot = self.heat_plot.getPlotItem()
        plot.setLabel("bottom", x)
        plot.setLabel("left", y)
        self.heat_note.setText(f"{info(kpi).label} (mean over replications and any other factors); green is better")
        return plots.draw_heatmap(plot, rows, columns, grid, lower_is_better=info(kpi).better != "higher")

    def draw_pareto(self) -> None:
        result = self.result
        plot = self.pareto_plot.getPlotItem()
        if result is None or result.pareto is None:
            plot.clear()
            return
        a, b = result.pareto
        better = {"min": "lower is better", "max": "higher is better"}
        plot.setLabel("bottom", f"{info(a.kpi).label} ({better[a.goal]})")
        plot.setLabel("left", f"{info(b.kpi).label} ({better[b.goal]})")
        plots.draw_pareto(
            plot,
            self._means(a.kpi),
            self._means(b.kpi),
            result.front,
            result.best,
            labels=[f"#{p.index + 1} ({', '.join(map(plots.level_text, p.values.values()))})" for p in result.points],
            x_percent=info(a.kpi).percent,
            y_percent=info(b.kpi).percent,
        )

    # --- the log, the base file -----------------------------------------------------------
    def open_experiment(self, experiment_id: str) -> None:
        """Show a stored sweep again (its factors and levels back in the form)."""
        from twin_app.store.experiment_log import ExperimentLog

        with ExperimentLog(self._database()) as log:
            row = log.load(experiment_id)
        if row["kind"] != "sweep" or not row["summary"]:
            raise TwinError(f"experiment {experiment_id} is not a finished sweep")
        result = SweepResult.from_dict(row["summary"])
        self.factors.setRowCount(0)
        for factor in result.factors:
            levels = factor.levels if factor.low is None else {"min": factor.low, "max": factor.high}
            self.add_factor(factor.path, list(levels) if isinstance(levels, tuple) else levels)
        self.design.setCurrentText(result.design if result.design in ("factorial", "lhs") else "factorial")
        self.run_bar.replications.setValue(result.replications)
        self.run_bar.seed.setValue(result.seed)
        self.show_result(result)

    def base_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Base scenario of the sweep", "", "Scenarios (*.json)")
        if path:
            self.set_base_file(Path(path))

    def set_base_file(self, path: Path | None) -> None:
        """Sweep this file instead of the window's scenario (None: the window's again)."""
        self.base_file = path
        if path is None:
            self.base_label.setText("Base: the scenario open in the window")
        self.refresh_fields()


class _OnFirstUseCombo(QComboBox):
    """An editable combo box whose items are made by ``fill`` when the user first reaches for
    it (focus, the list, a browse), again after each :meth:`fill_on_first_use`."""

    def __init__(self, fill: Callable[[], None]) -> None:
        super().__init__()
        self._fill = fill
        self._pending = True

    def fill_on_first_use(self) -> None:
        self._pending = True

    def fill_now(self) -> None:
        if self._pending:
            self._pending = False
            self._fill()

    def focusInEvent(self, event: Any) -> None:
        self.fill_now()
        super().focusInEvent(event)

    def showPopup(self) -> None:
        self.fill_now()
        super().showPopup()
