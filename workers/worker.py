"""The RQ worker of `sheetbooks worker`: rides out a Redis outage and records a run whose work-horse died.

RQ's own worker quits on the first Redis error met outside its dequeue loop (a heartbeat while a job runs,
the bookkeeping after it): during a Redis restart every worker exited and none came back. Here the
worker's heartbeats tolerate an unreachable Redis (the work-horse goes on; the run's heartbeat is in the
database), and `work_until_stopped` starts the worker again, with backoff, whenever its loop quits for
any reason but a stop request. When the worker sees its work-horse killed (SIGKILL, out of memory, a cold
shutdown) it fails the run at once and retries it once (workers.reaper.fail_dead_run).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType
from typing import Any

from rq import Queue, Worker
from rq.job import Job

from store.redis_client import REDIS_DOWN, patient_redis
from store.settings import get_settings
from workers.backoff import Backoff
from workers.queue import queue_names
from workers.reaper import fail_dead_run

log = logging.getLogger(__name__)
RUN_JOB = "workers.jobs.run_export"


def run_of(job: Job) -> int | None:
    """The run a job executes, if it is a run's job."""
    if job.func_name != RUN_JOB or not job.args:
        return None
    run_id = job.args[0]
    return run_id if isinstance(run_id, int) else None


def exit_cause(status: int | None) -> str:
    """How a work-horse ended, in words (waitpid's status)."""
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        if number == signal.SIGKILL:
            return f"its process was killed ({name}: out of memory, a deploy, or an operator)"
        return f"its process was ended by signal {name}"
    code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
    return f"its process exited with code {code}" if code is not None else "its process disappeared"


class RunWorker(Worker):
    """An RQ worker that survives Redis outages and fails-and-retries the run of a killed work-horse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop_asked = False
        self.current_run: int | None = None

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        """The worker's presence in Redis (for monitoring only): skipped while Redis is away."""
        try:
            super().heartbeat(timeout, pipeline)
        except REDIS_DOWN as exc:
            log.warning("worker %s: Redis unreachable for its heartbeat (%s); going on", self.name, exc)

    def maintain_heartbeats(self, job: Job, execution: Any) -> None:
        """While a work-horse runs: its job's heartbeat in Redis; skipped while Redis is away (the run's
        own heartbeat is in the database)."""
        try:
            super().maintain_heartbeats(job, execution)
        except REDIS_DOWN as exc:
            log.warning("worker %s: Redis unreachable while job %s runs (%s)", self.name, job.id, exc)

    def execute_job(self, job: Job, queue: Queue) -> None:
        self.current_run = run_of(job)
        try:
            super().execute_job(job, queue)
        finally:
            self.current_run = None

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)  # type: ignore[no-untyped-call]
        run_id = run_of(job)
        if run_id is not None and fail_dead_run(run_id, exit_cause(ret_val)):
            log.warning("run %s: its work-horse died (%s); failed and retried", run_id, exit_cause(ret_val))

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]

    def request_force_stop(self, signum: int, frame: FrameType | None) -> None:
        """Cold shutdown (a second SIGTERM): RQ kills the work-horse; its run is failed and retried."""
        run_id = self.current_run
        try:
            super().request_force_stop(signum, frame)
        except SystemExit:
            if run_id is not None:
                fail_dead_run(run_id, "the worker was shut down before it finished")
            raise


def work_until_stopped(burst: bool = False, stop: threading.Event | None = None) -> None:
    """Run a RunWorker on the runs' queue until asked to stop (SIGTERM/SIGINT); if its loop quits for any
    other reason (Redis away, an unexpected error) start it again after a backoff. `burst` stops when the
    queues are empty."""
    settings = get_settings()
    backoff = Backoff()
    while stop is None or not stop.is_set():
        redis = patient_redis(settings.redis_url)
        # Run now first (workers.queue). No RQ scheduler: deferred runs and retries live in the database
        # (workers.fair_share, exporters.retries) and the tick submits them.
        worker = RunWorker([Queue(name, connection=redis) for name in queue_names()], connection=redis)
        try:
            worker.work(burst=burst, logging_level="INFO")
            quit_cleanly = True
        except REDIS_DOWN as exc:  # RQ's own teardown needs Redis too
            log.warning("worker %s: Redis unreachable (%s)", worker.name, exc)
            quit_cleanly = False
        if worker.stop_asked or (burst and quit_cleanly):
            return
        delay = backoff.next()
        log.warning("worker %s: its loop quit; starting a new one in %.1f s", worker.name, delay)
        if stop is not None:
            stop.wait(delay)
        else:
            threading.Event().wait(delay)
