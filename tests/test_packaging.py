"""The sample networks ship with the package: a non-editable install finds the same files a
checkout does, through ``twin_app.samples`` (the package data ``twin_app.sample_networks``)."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from twin_app import samples

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_finds_every_sample_of_the_sample_networks_folder() -> None:
    shipped = {path.name: path.read_bytes() for path in samples.sample_paths()}
    in_repository = {path.name: path.read_bytes() for path in (ROOT / "sample_networks").glob("*.json")}
    assert shipped == in_repository
    assert samples.DEFAULT_SAMPLE.name == "cloud_factory_demo.json" and samples.DEFAULT_SAMPLE.is_file()
    assert samples.LARGE_NETWORK.is_file()


def test_every_file_of_the_sample_networks_folder_is_declared_package_data() -> None:
    # A file the patterns miss would be in a checkout but silently absent after `pip install .`.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"][samples.PACKAGE]
    files = [p.name for p in (ROOT / "sample_networks").iterdir() if p.is_file() and p.suffix != ".pyc"]
    missing = [name for name in files if name != "__init__.py" and not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert not missing, f"sample_networks/ files not shipped by pyproject.toml package-data: {missing}"
