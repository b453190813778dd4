"""What the main window knows about a view: one small protocol, so no view needs special cases.

Every tab (map, Gantt, utilisation, bottlenecks, KPIs) is a :class:`View`: it is told the run
it shows (:meth:`View.set_run`), fed what changed (:meth:`View.update`) and emptied on reset
(:meth:`View.clear`). It declares the analysis parts it draws from (:attr:`View.needs`, names
from :data:`twin_app.analysis.snapshot.PARTS`); the window asks the run session to compute
those for the shown view only, off the GUI thread, and hands the finished
:class:`~twin_app.analysis.snapshot.Analysis` over in a :class:`ViewUpdate`. New event batches
(the Gantt) and the live state (the map) arrive the same way, every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from twin_app.analysis.snapshot import Analysis
from twin_app.experiments.live_state import LiveState
from twin_app.gui.names import Names
from twin_app.model.events import EventBatch
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class RunContext:
    """The scenario a view shows, with its layout (what indices mean), graph and display names."""

    scenario: Scenario
    layout: Layout
    network: Network
    names: Names

    @classmethod
    def build(cls, scenario: Scenario, layout: Layout, network: Network) -> RunContext:
        return cls(scenario, layout, network, Names.build(scenario, layout))


@dataclass(frozen=True, slots=True)
class ViewUpdate:
    """What changed since the last update: any of a new batch, the live state, an analysis."""

    now: float
    batch: EventBatch | None = None
    live: LiveState | None = None
    analysis: Analysis | None = None
    """Has at least the view's :attr:`View.needs` computed (None: nothing new)."""
    in_turns: bool = False
    """The view may draw ``analysis`` a part per event-loop turn (the window, while the user
    works: several charts redrawn in one turn held it 130-220 ms); False: all of it now
    (scripts, screenshots, tests)."""


class View(Protocol):
    """A tab of the main window."""

    title: str
    needs: tuple[str, ...]
    """Analysis parts :meth:`update` reads from ``ViewUpdate.analysis``."""

    def set_run(self, run: RunContext) -> None:
        """Show a (new) scenario, with no run results yet."""

    def update(self, data: ViewUpdate) -> None:
        """Draw what is new in ``data``; cheap for whatever the view does not use."""

    def clear(self) -> None:
        """Forget the run's results (reset), keep the scenario."""

    def restyle(self) -> None:
        """Take the active theme's colours and font scale (the window restyles the plots)."""
