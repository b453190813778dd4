"""The project's own exception hierarchy.

Every error meant for a user names *where* the problem is and *what to do*; the CLI prints
these without a traceback and the GUI shows them in a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass


class TwinError(Exception):
    """Base class of every error this program raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file: the place in it, what is wrong, and the fix."""

    place: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}" if self.place else self.message
        return f"{text} ({self.hint})" if self.hint else text


class ScenarioError(TwinError):
    """A scenario file (or text) that cannot be used, with *all* problems found in it."""

    def __init__(self, source: str, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.source = source
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """The numbered list of problems, the way the CLI and the GUI show it."""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.source}: {count} {noun}:"]
        lines += [f"  {number}. {problem}" for number, problem in enumerate(self.problems, 1)]
        return "\n".join(lines)


class SimulationError(TwinError):
    """The simulation could not go on (an inconsistent state the scenario led to)."""


class StoreError(TwinError):
    """The results database cannot be opened, read or written."""
