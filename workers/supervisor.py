"""`sheetbooks worker` keeps its worker processes alive: it starts N of them, starts again one that died
(killed, out of memory, crashed) after a backoff, and on SIGTERM/SIGINT stops them cleanly. One that
retired (workers.retirement: it ran its share of jobs, or grew past its memory limit) is replaced at once,
without backoff: a retirement is no crash.

A worker process that runs jobs without forking (the default; not `--fork`) keeps the run it executes
where the supervisor reads it (workers.held_run): when that process dies mid-run, the supervisor fails the
run at once saying why and retries it once (workers.reaper.fail_dead_run), as a forking worker does for
its work-horse; one still running `job_overrun_seconds` past its job's time limit is killed first.

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

from store.settings import get_settings
from workers.backoff import Backoff
from workers.held_run import HeldRun
from workers.reaper import OVERRAN, SHUT_DOWN, exit_cause, fail_dead_run
from workers.retirement import RETIRED_EXIT_CODE

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


def _worker_main(target: Callable[[HeldRun], None], held: HeldRun, parent: int) -> None:
    """A worker process: its own process group, default signals until RQ installs its own, then `target`."""
    os.setpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with_parent(parent)
    target(held)


@dataclass
class Slot:
    """One of the N worker processes: the current one, when the next may start, the job it has under way
    (if it runs jobs itself), and a dead one's run not failed yet (the database was away)."""

    number: int
    process: BaseProcess | None = None
    start_at: float = 0.0
    backoff: Backoff = field(default_factory=Backoff)
    held: HeldRun = field(default_factory=HeldRun)
    overran: float | None = None  # killed this many seconds past its job's time limit
    orphan: tuple[int, str] | None = None  # (run, why its process stopped)


class Supervisor:
    """Runs `target` in `processes` forked processes and keeps them running until told to stop; `target`
    gets the slot's HeldRun (a worker that doesn't fork records its job under way in it)."""

    def __init__(self, target: Callable[[HeldRun], None], processes: int = 1) -> None:
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
                self._bury(slot, slot.process)
        log.info("supervisor: every worker process has stopped")

    def _tend(self, slot: Slot, now: float) -> None:
        process = slot.process
        if process is not None and process.is_alive():
            self._stop_overrun(slot, process, now)
        if process is not None and not process.is_alive() and process.exitcode == RETIRED_EXIT_CODE:
            self._bury(slot, process)
            log.info(
                "supervisor: worker process %d (pid %s) retired; starting a fresh one",
                slot.number,
                process.pid,
            )
            slot.process, slot.start_at = None, now
        elif process is not None and not process.is_alive():
            self._bury(slot, process)
            delay = slot.backoff.next()
            log.warning(
                "supervisor: worker process %d (pid %s) ended with %s; starting it again in %.1f s",
                slot.number,
                process.pid,
                _ending(process.exitcode),
                delay,
            )
            slot.process, slot.start_at = None, now + delay
        self._fail_orphan(slot)
        if slot.process is None and now >= slot.start_at and not self.signals:
            self._start(slot)

    def _stop_overrun(self, slot: Slot, process: BaseProcess, now: float) -> None:
        """Kill a worker process whose job is still running `job_overrun_seconds` past its time limit."""
        overrun = get_settings().job_overrun_seconds
        holding = slot.held.holding()
        if holding is None or slot.overran is not None or now <= holding.deadline + overrun:
            return
        slot.overran = now - holding.deadline
        log.warning(
            "supervisor: worker process %d (pid %s) is %.0f s past its job's time limit; killing it",
            slot.number,
            process.pid,
            slot.overran,
        )
        if process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)

    def _bury(self, slot: Slot, process: BaseProcess) -> None:
        """A worker process ended: the run it had under way, if any, is an orphan to fail."""
        holding = slot.held.holding()
        slot.held.release()
        if holding is not None and holding.run_id is not None:
            if slot.overran is not None:
                cause = OVERRAN.format(seconds=slot.overran)
            elif self.signals > 1:
                cause = SHUT_DOWN
            else:
                cause = exit_cause(process.exitcode)
            slot.orphan = (holding.run_id, cause)
        slot.overran = None
        self._fail_orphan(slot)

    def _fail_orphan(self, slot: Slot) -> None:
        """Fail and retry the run a dead worker process held; tried again at the next poll if the database
        is away (the reaper's heartbeat check is the last resort)."""
        if slot.orphan is None:
            return
        run_id, cause = slot.orphan
        try:
            if fail_dead_run(run_id, cause):
                log.warning("run %s: its worker process died (%s); failed and retried", run_id, cause)
        except Exception:
            log.exception("supervisor: could not fail run %s yet; trying again", run_id)
            return
        slot.orphan = None

    def _start(self, slot: Slot) -> None:
        process = self.context.Process(
            target=_worker_main,
            args=(self.target, slot.held, os.getpid()),
            name=f"sheetbooks-worker-{slot.number}",
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
