"""Where the shipped sample networks are: package data, found through ``importlib.resources``.

The samples live in the top-level ``sample_networks/`` folder of the repository (where users
and the documentation look for them); the build ships that folder as the package
``twin_app.sample_networks`` (``setup.py``), so an editable checkout and a plain
``pip install .`` find them the same way. Nothing here imports Qt or any other layer: the
CLI, the benchmarks and the GUI all take their sample paths from this module.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from twin_app.errors import TwinError

PACKAGE = "twin_app.sample_networks"


def _folder() -> Path:
    """The folder of the installed samples; an error naming the fix if they are missing."""
    try:
        folder = resources.files(PACKAGE)
    except ModuleNotFoundError:
        raise TwinError(
            f"the sample networks ({PACKAGE}) are not installed; reinstall the package (pip install .)"
        ) from None
    if not isinstance(folder, Path):  # a zip import: the app needs files it can open by path
        raise TwinError(f"the sample networks are inside an archive ({folder}); install the package unzipped")
    return folder


SAMPLES_DIR = _folder()
DEFAULT_SAMPLE = SAMPLES_DIR / "cloud_factory_demo.json"
LARGE_NETWORK = SAMPLES_DIR / "large_network.json"


def sample_paths() -> list[Path]:
    """Every shipped sample scenario file, sorted by name."""
    return sorted(SAMPLES_DIR.glob("*.json"))
