"""pyqtgraph's text labels (plot titles, legend entries) ask for a new layout only when their size
changes.

``pyqtgraph.LabelItem.updateMin`` runs at every resize of a label and ends in
``updateGeometry()`` even when the label's size is what it was: its plot (or legend) is laid out
again after it has painted, and paints again. One resize of the KPI tab painted each of its
charts twice more that way (the titles, then the trust chart's legend), 30-40 ms of a ~100 ms
resize. With :func:`install` a label whose size is unchanged leaves its layout alone;
``setText`` still asks for a new layout itself.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg

_ORIGINAL = pg.LabelItem.updateMin


def _update_min_if_changed(self: Any) -> None:
    bounds = self.itemRect()
    size = (bounds.width(), bounds.height())
    if getattr(self, "_steady_size", None) == size:
        return
    self._steady_size = size
    _ORIGINAL(self)


def install() -> None:
    """Make every ``LabelItem`` re-lay out its parent only when its size changes (idempotent)."""
    pg.LabelItem.updateMin = _update_min_if_changed
