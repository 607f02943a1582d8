"""Real `sheetbooks worker` processes for tests: started as the product starts them, killed as a machine
kills them, and always cleaned up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from store.settings import Settings
from tests.infra import process_children

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float, what: str, every: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; fail saying `what` was awaited after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


def deaf_to_the_alarm(seconds: float) -> None:
    """A job RQ's SIGALRM can't stop (as one stuck in C code): only killing its process ends it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)


class WorkerFleet:
    """One `sheetbooks worker --processes N [--fork]` (the supervisor) and its processes; log in `log`."""

    def __init__(self, settings: Settings, log: Path, processes: int = 1, fork: bool = False) -> None:
        self.env = {**os.environ, **settings.as_environment(), "PYTHONPATH": str(ROOT)}
        self.env["PYTHONUNBUFFERED"] = "1"
        self.log_path, self.processes, self.fork = log, processes, fork
        self.marker = f"QUEUE_NAME={settings.queue_name}".encode()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerFleet:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "web.cli", "worker", "--processes", str(self.processes)),
                    *(["--fork"] if self.fork else []),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        eventually(lambda: len(self.workers()) == self.processes, 60, "the worker processes to start")
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def workers(self) -> list[int]:
        """The supervisor's worker processes."""
        return process_children(self.pid) if self.proc is not None else []

    def horses(self) -> list[int]:
        """The work-horses running jobs right now (a worker's only children)."""
        return [child for worker in self.workers() for child in process_children(worker)]

    def running_jobs(self) -> list[int]:
        """The processes that run jobs: the worker processes, or (--fork) their work-horses."""
        return self.horses() if self.fork else self.workers()

    def ours(self, pid: int) -> bool:
        """Whether `pid` is still one of this fleet's processes (they carry its queue in their environment),
        so a pid reused by another process is never signalled."""
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                return self.marker in environ.read().split(b"\0")
        except OSError:
            return False

    def kill(self, pid: int) -> None:
        """SIGKILL one of the fleet's processes, as the OOM killer or a machine going away would."""
        assert self.ours(pid), f"{pid} is not one of the fleet's processes"
        os.kill(pid, signal.SIGKILL)

    def kill_if_running(self, pid: int) -> bool:
        """SIGKILL a work-horse if it is still running: one seen a moment ago may have finished its run
        and exited since (False then)."""
        if not self.ours(pid):
            return False
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM (warm shutdown), then a second (cold) if it takes too long, then SIGKILL whatever is
        left; the supervisor's exit code (None when it had to be killed)."""
        if self.proc is None:
            return None
        everyone = [*self.workers(), *self.horses()]
        code: int | None = None
        for _ in range(2):
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        for pid in {self.pid, *everyone, *self.workers(), *self.horses()}:
            if self.ours(pid):
                os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        self.proc = None
        return code
