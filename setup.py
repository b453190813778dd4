"""What pyproject.toml cannot say: ship the top-level ``sample_networks/`` folder as the package
``twin_app.sample_networks``.

The folder stays at the top of the repository, where users and the documentation look for it;
the mapping makes it package data, so a non-editable ``pip install .`` has the samples and
:mod:`twin_app.samples` finds them through ``importlib.resources`` in a checkout and in an
installed copy alike. (``packages`` cannot be both discovered and extended in pyproject.toml.)
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["twin_app*"]), "twin_app.sample_networks"],
    package_dir={"twin_app.sample_networks": "sample_networks"},
)
