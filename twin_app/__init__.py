"""Cloud Factory Twin: a discrete-event digital twin of a cloud-factory manufacturing network.

For notebooks and scripts::

    from twin_app import compare, sweep

    result = compare(["asset_heavy.json", "asset_light.json"], replications=20)
    print(result.table())
    result.to_dict()                       # or pandas.DataFrame(result.rows())

Both are imported on first use, so ``import twin_app`` stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "compare", "sweep"]


def __getattr__(name: str) -> Any:
    if name == "compare":
        from twin_app.experiments.compare import compare

        return compare
    if name == "sweep":
        from twin_app.experiments.sweep import sweep

        return sweep
    raise AttributeError(f"module 'twin_app' has no attribute {name!r}")
