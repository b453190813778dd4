"""Cloud Factory Twin: a discrete-event digital twin of a cloud-factory manufacturing network."""

__version__ = "0.1.0"
