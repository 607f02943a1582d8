"""The run a worker process is executing, kept where its supervisor can read it even after a SIGKILL.

A worker that doesn't fork (`sheetbooks worker --no-fork`) runs each job in its own process: when that
process dies nobody is left inside it to say which run died with it. So before a job starts, the process
writes the job's run and deadline into a few bytes of memory it shares with its supervisor (multiprocessing's
shared ctypes, mapped before the fork: no system call per job), and clears them when the job ends; the
supervisor reads them when the process ends or runs past the deadline (workers.supervisor).
"""

from __future__ import annotations

import ctypes
import time
from multiprocessing.sharedctypes import RawValue
from typing import NamedTuple


class _Cell(ctypes.Structure):
    _fields_ = [("run_id", ctypes.c_longlong), ("deadline", ctypes.c_double)]


class Holding(NamedTuple):
    """A job under way: its run (None for a job that is no run) and when it must be over (monotonic)."""

    run_id: int | None
    deadline: float


class HeldRun:
    """One worker process's job under way, shared with its supervisor (made by the supervisor per slot)."""

    def __init__(self) -> None:
        self._cell = RawValue(_Cell, 0, 0.0)

    def hold(self, run_id: int | None, seconds: float) -> None:
        """A job starts: its run, and that it must be over within `seconds`."""
        self._cell.deadline = (
            time.monotonic() + seconds
        )  # first: a reader that sees the run sees its deadline
        self._cell.run_id = run_id or 0

    def release(self) -> None:
        """The job ended (whichever way)."""
        self._cell.run_id = 0
        self._cell.deadline = 0.0

    def holding(self) -> Holding | None:
        """The job under way, if any."""
        deadline = self._cell.deadline
        if not deadline:
            return None
        return Holding(self._cell.run_id or None, deadline)
