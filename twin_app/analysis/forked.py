"""Compute something in a forked child process while this one goes on with other work.

The KPI phase of a large run has two independent halves (the money, and everything else);
on a machine with a free core, :func:`compute_kpis` can compute the money in a child forked
from this process, which sees the run's result without copying it (the pages are shared
until written) and sends back only the small JSON-ready blocks. The child runs exactly the
code the parent would have run on the same data, so the KPIs are the same to the bit.

Forking is safe only in a process without other threads (a forked child inherits locks held
by threads that do not exist in it): the headless benchmark and CLI ask for it, the desktop
app does not. Where ``fork`` is not available (Windows, macOS' default) the work is done here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# (multiprocessing is imported when a fork is asked for: its import, with socket, tempfile and
# subprocess, is ~5 ms of every twin-app run that computes KPIs and forks nothing)


def fork_available() -> bool:
    """Whether this platform can fork a child process."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB (``VmHWM``; ``ru_maxrss`` where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource  # (Unix only; /proc is the usual way, so imported only here)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Forked:
    """``work()`` started in a forked child; :meth:`result` waits for its return value.

    With ``inbox``, ``work(receive)`` is called instead: ``receive()`` waits for the one value
    this side hands over later with :meth:`send`, so the child can start on what it can do
    before this side has computed the rest of its input (and raises ``EOFError`` if this side
    drops the Forked without sending).

    ``child_peak_mib``: the child's own peak resident memory (its shared pages included),
    known once :meth:`result` has returned."""

    def __init__(self, work: Callable[..., Any], inbox: bool = False) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._inbox: Connection | None = None
        if inbox:
            receive_input, self._inbox = context.Pipe(duplex=False)

        def run() -> None:
            if self._inbox is not None:  # the child's copy of the sending end: closed, so that
                self._inbox.close()  # receive() ends with EOFError once the parent's is closed
            try:
                value = (True, work(receive_input.recv) if inbox else work(), peak_rss_mib())
            except BaseException as error:  # handed to the parent, raised there
                value = (False, error, peak_rss_mib())
            send.send(value)
            send.close()

        self._process = context.Process(target=run, daemon=True)
        self._process.start()
        send.close()
        if inbox:
            receive_input.close()
        self.child_peak_mib = 0.0

    def send(self, value: Any) -> None:
        """Hand ``value`` to the child's ``receive()`` (once)."""
        if self._inbox is None:
            raise RuntimeError("this Forked was made without an inbox")
        self._inbox.send(value)
        self._inbox.close()
        self._inbox = None

    def result(self) -> Any:
        """The child's return value (its exception is raised here)."""
        if self._inbox is not None:  # never sent: the child's receive() ends with EOFError
            self._inbox.close()
            self._inbox = None
        try:
            ok, value, self.child_peak_mib = self._receive.recv()
        except EOFError as error:
            self._process.join()
            raise RuntimeError(
                f"the forked process ended without a result (exit code {self._process.exitcode})"
            ) from error
        finally:
            self._receive.close()
        self._process.join()
        if not ok:
            raise value
        return value
