"""`sheetbooks worker` keeps its worker processes alive: it starts N of them, starts again one that died
(killed, out of memory, crashed) after a backoff, and on SIGTERM/SIGINT stops them cleanly.

Stopping follows RQ's convention: the first SIGTERM (or Ctrl-C) asks every worker to finish the run it is
on and stop (warm shutdown); a second one makes them kill their work-horses and stop at once (cold
shutdown: those runs are failed and retried once, workers.worker). The worker processes sit in their own
process group, so Ctrl-C in a terminal reaches only the supervisor, which passes it on exactly once, and
(on Linux) each gets SIGTERM if the supervisor itself is killed, so none is left orphaned.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType

from workers.backoff import Backoff

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def _die_with_parent(parent: int) -> None:
    """In a worker process: get SIGTERM when the supervisor dies (Linux), and stop if it already has."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            log.warning("could not ask to be stopped with the supervisor")
    if os.getppid() != parent:
        os._exit(0)


def _worker_main(target: Callable[[], None], parent: int) -> None:
    """A worker process: its own process group, default signals until RQ installs its own, then `target`."""
    os.setpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with_parent(parent)
    target()


@dataclass
class Slot:
    """One of the N worker processes: the current one, and when the next may start."""

    number: int
    process: BaseProcess | None = None
    start_at: float = 0.0
    backoff: Backoff = field(default_factory=Backoff)


class Supervisor:
    """Runs `target` in `processes` forked processes and keeps them running until told to stop."""

    def __init__(self, target: Callable[[], None], processes: int = 1) -> None:
        self.target = target
        self.slots = [Slot(number) for number in range(1, max(1, processes) + 1)]
        self.signals = 0
        self.wake = threading.Event()
        self.context = multiprocessing.get_context("fork")

    def run(self) -> None:
        """Supervise until a stop signal, then wait for every worker process to end."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        while not self.signals:
            now = time.monotonic()
            for slot in self.slots:
                self._tend(slot, now)
            self.wake.wait(POLL_SECONDS)
        for slot in self.slots:
            if slot.process is not None:
                slot.process.join()
        log.info("supervisor: every worker process has stopped")

    def _tend(self, slot: Slot, now: float) -> None:
        process = slot.process
        if process is not None and not process.is_alive():
            delay = slot.backoff.next()
            log.warning(
                "supervisor: worker process %d (pid %s) ended with %s; starting it again in %.1f s",
                slot.number,
                process.pid,
                _ending(process.exitcode),
                delay,
            )
            slot.process, slot.start_at = None, now + delay
        if slot.process is None and now >= slot.start_at and not self.signals:
            self._start(slot)

    def _start(self, slot: Slot) -> None:
        process = self.context.Process(
            target=_worker_main, args=(self.target, os.getpid()), name=f"sheetbooks-worker-{slot.number}"
        )
        process.start()
        slot.process = process
        log.info("supervisor: worker process %d started (pid %s)", slot.number, process.pid)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """First signal: warm shutdown of every worker; a second: cold."""
        self.signals += 1
        kind = "warm" if self.signals == 1 else "cold"
        log.info("supervisor: %s, %s shutdown of the worker processes", signal.Signals(signum).name, kind)
        for slot in self.slots:
            if slot.process is not None and slot.process.pid is not None and slot.process.is_alive():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.process.pid, signal.SIGTERM)
        self.wake.set()


def _ending(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"signal {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"
