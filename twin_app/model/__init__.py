"""Immutable scenario objects, the network graph, the run layout and the event-log contract."""
