"""The forked child that computes the money while the KPI process goes on (issue 8)."""

from __future__ import annotations

import pytest

from twin_app.analysis.forked import Forked


def test_a_child_with_an_inbox_works_on_what_it_is_handed_later() -> None:
    """The child starts first and receives part of its input afterwards (the KPIs hand the
    state durations and the owners' costs to the money child once the parent has them)."""
    forked = Forked(lambda receive: ("started", receive() * 2), inbox=True)
    forked.send(21)
    assert forked.result() == ("started", 42)


def test_a_child_never_handed_its_input_ends_with_an_error_not_a_hang() -> None:
    """If the parent asks for the result without sending (it failed on its side), the child's
    wait ends and the parent gets the error instead of waiting forever."""
    forked = Forked(lambda receive: receive(), inbox=True)
    with pytest.raises(EOFError):
        forked.result()


def test_the_childs_error_is_raised_in_the_parent() -> None:
    def fail() -> None:
        raise ValueError("bad data in the child")

    with pytest.raises(ValueError, match="bad data in the child"):
        Forked(fail).result()
