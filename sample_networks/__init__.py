"""The sample networks, shipped as the package data ``twin_app.sample_networks``: see ``twin_app/samples.py``."""
