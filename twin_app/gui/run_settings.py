"""The run settings panel: seed, replications, horizon, warm-up, dispatch mode and rules.

The fields start at the scenario's own ``run`` and ``platform`` values; what the user changes
is a *run override*, exactly like a flag of ``twin-app run`` (the panel shows that command
line), and never edits the scenario file. A field that differs from the scenario is marked.
Below: where the runs are stored (the results database), and the progress of the background
replications (k of N, an ETA, Cancel). The panel only holds values; the
:class:`~twin_app.gui.replication_control.ReplicationControl` acts on them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from twin_app.experiments.run_overrides import MODES, RunOverrides, assignment_rules, sequencing_rules
from twin_app.gui.controls import space_runs_from
from twin_app.model import limits
from twin_app.model.scenario import Scenario

UNTIL_DONE = "until all delivered"
"""What the horizon field says when the run has no horizon."""


class RunSettingsPanel(QWidget):
    """Run overrides over a scenario's own settings (see the module docstring)."""

    changed = Signal()
    cancel_requested = Signal()
    database_change_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario: Scenario | None = None
        self.path: Path | None = None
        self._loading = False

        self.seed = QLineEdit()
        self.seed.setValidator(QRegularExpressionValidator(r"\d{1,19}"))
        self.seed.setToolTip("Random seed: the same scenario and seed give the same run, event for event")
        self.replications = QSpinBox()
        self.replications.setRange(1, limits.MAX_REPLICATIONS)
        self.replications.setToolTip(
            "Replication 1 runs live in the views; the others run meanwhile in background processes, "
            "and the KPI cards show their mean with its 95% confidence interval"
        )
        self.horizon = QDoubleSpinBox()
        self.horizon.setRange(0.0, limits.MAX_TIME)
        self.horizon.setDecimals(0)
        self.horizon.setSingleStep(1440.0)
        self.horizon.setSuffix(" min")
        self.horizon.setSpecialValueText(UNTIL_DONE)
        self.horizon.setToolTip("Simulated minutes to run (a day is 1440)")
        self.warmup = QDoubleSpinBox()
        self.warmup.setRange(0.0, limits.MAX_TIME)
        self.warmup.setDecimals(0)
        self.warmup.setSingleStep(60.0)
        self.warmup.setSuffix(" min")
        self.warmup.setToolTip("KPIs are measured after the warm-up (the start-up from an empty network is left out)")
        self.mode = QComboBox()
        self.mode.addItems(list(MODES))
        self.mode.setToolTip("push: the platform assigns each operation at once; pull: idle machines take work")
        self.assignment = QComboBox()
        self.assignment.addItems(list(assignment_rules()))
        self.assignment.setToolTip("Which capable machine gets an operation (push mode)")
        self.sequencing = QComboBox()
        self.sequencing.addItems(list(sequencing_rules()))
        self.sequencing.setToolTip("Which waiting operation a machine takes next")
        for spin in (self.horizon, self.warmup, self.replications):
            spin.setKeyboardTracking(False)
        space_runs_from(self.seed, self.replications, self.horizon, self.warmup)  # Space runs, never wipes

        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, title, widget in (
            ("seed", "Seed", self.seed),
            ("replications", "Replications", self.replications),
            ("horizon", "Horizon", self.horizon),
            ("warmup", "Warm-up", self.warmup),
            ("mode", "Dispatch mode", self.mode),
            ("assignment", "Assignment rule", self.assignment),
            ("sequencing", "Sequencing rule", self.sequencing),
        ):
            label = QLabel(title)
            self.labels[name] = label
            form.addRow(label, widget)

        self.reset_button = QPushButton("Use the scenario's values")
        self.reset_button.setToolTip("Forget the overrides: run as the scenario file says")
        self.reset_button.clicked.connect(self.reset_to_scenario)
        self.hint = QLabel()
        self.hint.setObjectName("Hint")
        self.hint.setWordWrap(True)
        self.command = QLabel()
        self.command.setObjectName("Hint")
        self.command.setWordWrap(True)
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command.setToolTip("The same run from the command line")
        self.problem = QLabel()
        self.problem.setObjectName("Problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.hide()

        settings_box = QGroupBox("Next run")
        box = QVBoxLayout(settings_box)
        box.addLayout(form)
        box.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.problem)
        box.addWidget(self.hint)
        box.addWidget(self.command)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("no replications running")
        self.eta = QLabel(" ")
        self.eta.setObjectName("Hint")
        self.eta.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the background replications (finished ones are kept)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_requested)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        replications_box = QGroupBox("Replications")
        rbox = QVBoxLayout(replications_box)
        rbox.addLayout(progress_row)
        rbox.addWidget(self.eta)

        self.database = QLabel()
        self.database.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # a long path
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database_button = QPushButton("Change...")
        self.database_button.setToolTip("Store runs in another results database (twin-app ... --db FILE)")
        self.database_button.clicked.connect(self.database_change_requested)
        db_box = QGroupBox("Results database")
        dbox = QVBoxLayout(db_box)
        dbox.addWidget(self.database)
        dbox.addWidget(self.database_button, 0, Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(settings_box)
        layout.addWidget(replications_box)
        layout.addWidget(db_box)
        layout.addStretch(1)

        self.seed.editingFinished.connect(self._edited)
        for spin in (self.replications, self.horizon, self.warmup):
            spin.valueChanged.connect(self._edited)
        for combo in (self.mode, self.assignment, self.sequencing):
            combo.currentTextChanged.connect(self._edited)
        self.setEnabled(False)

    # -- the scenario ---------------------------------------------------------------------------

    def set_scenario(self, scenario: Scenario | None, path: Path | None) -> None:
        """Show ``scenario``'s own settings; overrides are kept while the same file is reopened."""
        keep = self.overrides() if scenario is not None and path is not None and path == self.path else None
        self.scenario, self.path = scenario, path
        self.setEnabled(scenario is not None)
        self._show(keep or RunOverrides())

    def set_path(self, path: Path) -> None:
        """The scenario was saved as ``path``: the overrides stay, the command names the file."""
        self.path = path
        self._mark()

    def reset_to_scenario(self) -> None:
        """Forget every override."""
        self._show(RunOverrides())
        self.changed.emit()

    def set_overrides(self, overrides: RunOverrides) -> None:
        """Show these overrides (scripts, tests)."""
        self._show(overrides)
        self.changed.emit()

    def _show(self, overrides: RunOverrides) -> None:
        if self.scenario is None:
            return
        values = overrides.values(self.scenario)
        self._loading = True
        try:
            self.seed.setText(str(values["seed"]))
            self.replications.setValue(int(values["replications"]))
            self.horizon.setValue(0.0 if values["horizon"] is None else float(values["horizon"]))
            self.warmup.setValue(float(values["warmup"]))
            for combo, name in ((self.mode, "mode"), (self.assignment, "assignment"), (self.sequencing, "sequencing")):
                combo.setCurrentText(str(values[name]))
        finally:
            self._loading = False
        self._mark()

    # -- reading ---------------------------------------------------------------------------------

    def overrides(self) -> RunOverrides:
        """The fields as run overrides (None where the field is the scenario's own value)."""
        if self.scenario is None:
            return RunOverrides()
        own = RunOverrides.defaults(self.scenario)
        text = self.seed.text().strip()
        horizon = self.horizon.value()
        shown: dict[str, Any] = {
            "seed": int(text) if text else own["seed"],
            "replications": self.replications.value(),
            "horizon": own["horizon"] if horizon <= 0 else horizon,
            "warmup": self.warmup.value(),
            "mode": self.mode.currentText(),
            "assignment": self.assignment.currentText(),
            "sequencing": self.sequencing.currentText(),
        }
        return RunOverrides(**{k: (None if _same(v, own[k]) else v) for k, v in shown.items()})

    def show_problem(self, text: str) -> None:
        """A setting the run cannot use, in red under the fields (empty: none)."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    # -- progress and the database ------------------------------------------------------------------

    def set_database(self, path: Path) -> None:
        folder = path.parent.name
        self.database.setText(f"{path.name} in .../{folder}/" if folder else path.name)
        self.database.setToolTip(f"Every run made here is stored in {path}; 'twin-app history --db {path}' lists them")

    def set_progress(self, done: int, total: int, eta: float | None, running: bool, note: str = "") -> None:
        """k of N replications finished, an ETA while they run, Cancel while it can act."""
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(f"{done} of {total} replications done" if total else "no replications running")
        eta_text = f"about {_clock(eta)} left" if eta is not None and running else ""
        self.eta.setText(" \u2014 ".join(t for t in (eta_text, note) if t) or " ")
        self.cancel_button.setEnabled(running)

    # -- internals ----------------------------------------------------------------------------------

    def _edited(self, *_: object) -> None:
        if self._loading:
            return
        self._mark()
        self.changed.emit()

    def _mark(self) -> None:
        """Bold labels for overridden fields, the hint, and the command line of the same run."""
        if self.scenario is None:
            return
        overrides = self.overrides()
        changed = overrides.changed(self.scenario)
        own = RunOverrides.defaults(self.scenario)
        for name, label in self.labels.items():
            font = label.font()
            font.setBold(name in changed)
            label.setFont(font)
            label.setToolTip(f"The scenario says {_text(own[name])}" if name in changed else "The scenario's value")
        self.reset_button.setEnabled(bool(changed))
        self.hint.setText(
            f"{len(changed)} run override{'s' if len(changed) != 1 else ''} (bold); the scenario file is not changed"
            if changed
            else "The scenario's own settings. Changes here are run overrides, like twin-app run's flags."
        )
        name = self.path.name if self.path is not None else "SCENARIO.json"
        self.command.setText("Same run: twin-app run " + " ".join([name, *overrides.cli_args(self.scenario)]))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, int | float):
        return math.isclose(a, float(b), rel_tol=0, abs_tol=1e-9)
    return bool(a == b)


def _text(value: Any) -> str:
    if value is None:
        return UNTIL_DONE
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
