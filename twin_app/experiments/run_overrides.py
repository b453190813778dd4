"""Run settings chosen for one run, on top of a scenario: what ``twin-app run`` takes as flags.

The desktop app's run settings (seed, replications, horizon, warm-up, dispatch mode and
rules) are *overrides*, like the CLI's ``--seed``, ``--replications``, ``--until``,
``--warmup``, ``--mode``, ``--rule`` and ``--assignment``: they change the run, never the
scenario file. :class:`RunOverrides` holds them (None: the scenario's own value),
:meth:`RunOverrides.apply` makes the scenario that is actually run, and
:meth:`RunOverrides.cli_args` says the same run as a command line.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from twin_app.dispatch import assignment, sequencing
from twin_app.errors import TwinError
from twin_app.experiments.plan import check_run_window
from twin_app.model import limits
from twin_app.model.scenario import Scenario

MODES = ("push", "pull")
FIELDS = ("seed", "replications", "horizon", "warmup", "mode", "assignment", "sequencing")


def assignment_rules() -> tuple[str, ...]:
    """Names of the assignment rules (push mode), from the rule registry."""
    return tuple(assignment.RULES.names())


def sequencing_rules() -> tuple[str, ...]:
    """Names of the sequencing rules (pull mode, and each machine's queue), from the registry."""
    return tuple(sequencing.RULES.names())


@dataclass(frozen=True, slots=True)
class RunOverrides:
    """Run settings that replace the scenario's own; None keeps the scenario's value."""

    seed: int | None = None
    replications: int | None = None
    horizon: float | None = None
    warmup: float | None = None
    mode: str | None = None
    assignment: str | None = None
    sequencing: str | None = None

    @staticmethod
    def defaults(scenario: Scenario) -> dict[str, Any]:
        """The scenario's own values of every field (horizon None: until every order is delivered)."""
        run, platform = scenario.run, scenario.platform
        return {
            "seed": run.seed,
            "replications": run.replications,
            "horizon": run.horizon,
            "warmup": run.warmup,
            "mode": platform.mode,
            "assignment": platform.assignment,
            "sequencing": platform.sequencing,
        }

    def values(self, scenario: Scenario) -> dict[str, Any]:
        """Every field as it will be used: the override, else the scenario's value."""
        own = self.defaults(scenario)
        return {name: own[name] if getattr(self, name) is None else getattr(self, name) for name in FIELDS}

    def changed(self, scenario: Scenario) -> dict[str, Any]:
        """The overrides that differ from the scenario's own values."""
        own = self.defaults(scenario)
        return {name: v for name in FIELDS if (v := getattr(self, name)) is not None and v != own[name]}

    def check(self) -> None:
        """Raise TwinError naming the field and the fix for a value the CLI would refuse too."""
        if self.seed is not None and not 0 <= self.seed <= limits.MAX_SEED:
            raise TwinError(f"seed: must be a whole number from 0 to {limits.MAX_SEED}, got {self.seed}")
        if self.replications is not None and not 1 <= self.replications <= limits.MAX_REPLICATIONS:
            raise TwinError(f"replications: must be from 1 to {limits.MAX_REPLICATIONS}, got {self.replications}")
        if self.horizon is not None and not (math.isfinite(self.horizon) and 0 < self.horizon <= limits.MAX_TIME):
            raise TwinError(f"horizon: must be > 0 and at most {limits.MAX_TIME:g} minutes, got {self.horizon:g}")
        if self.warmup is not None and not (math.isfinite(self.warmup) and self.warmup >= 0):
            raise TwinError(f"warm-up: must be a number of minutes >= 0, got {self.warmup:g}")
        if self.mode is not None and self.mode not in MODES:
            raise TwinError(f"mode: must be push or pull, got {self.mode!r}")
        if self.assignment is not None and self.assignment not in assignment_rules():
            raise TwinError(
                f"assignment rule {self.assignment!r} is unknown; use one of {', '.join(assignment_rules())}"
            )
        if self.sequencing is not None and self.sequencing not in sequencing_rules():
            raise TwinError(
                f"sequencing rule {self.sequencing!r} is unknown; use one of {', '.join(sequencing_rules())}"
            )

    def apply(self, scenario: Scenario, source: str = "the scenario") -> Scenario:
        """The scenario that is actually run (``scenario`` itself when nothing changes).

        The seed becomes ``run.seed`` (what a live run reads); the run window is checked as
        the CLI checks it, so a warm-up not shorter than the horizon is a TwinError.
        """
        self.check()
        changed = self.changed(scenario)
        if not changed:
            check_run_window(scenario, source)
            return scenario
        run_fields = {k: changed[k] for k in ("seed", "replications", "horizon", "warmup") if k in changed}
        platform_fields = {k: changed[k] for k in ("mode", "assignment", "sequencing") if k in changed}
        result = scenario.with_changes(
            run=dataclasses.replace(scenario.run, **run_fields),
            platform=dataclasses.replace(scenario.platform, **platform_fields),
        )
        check_run_window(result, source)
        return result

    def cli_args(self, scenario: Scenario) -> list[str]:
        """The ``twin-app run FILE`` flags that make the same run (only those that change it)."""
        flags = {
            "seed": "--seed",
            "replications": "--replications",
            "horizon": "--until",
            "warmup": "--warmup",
            "mode": "--mode",
            "assignment": "--assignment",
            "sequencing": "--rule",
        }
        out: list[str] = []
        for name, value in self.changed(scenario).items():
            out += [flags[name], f"{value:g}" if isinstance(value, float) else str(value)]
        return out
