"""The RQ workers of `sheetbooks worker`: they ride out a Redis outage and record a run whose process died.

RQ's own worker quits on the first Redis error met outside its dequeue loop (a heartbeat while a job runs,
the bookkeeping after it): during a Redis restart every worker exited and none came back. Here the
worker's heartbeats tolerate an unreachable Redis (the job goes on; the run's heartbeat is in the
database), and `work_until_stopped` starts the worker again, with backoff, whenever its loop quits for
any reason but a stop request. Once asked to stop, a worker's bookkeeping no longer waits for Redis
(store.redis_client.lose_patience): a stop with Redis away ends in seconds, not a minute.

Two kinds, one per `sheetbooks worker` mode:
- `NoForkRunWorker` (the default) runs each job in its own process, as RQ's `SimpleWorker` does: no fork,
  no new connections per job. Nobody is left in a killed process to fail its run, so it keeps the run it
  executes in memory shared with its supervisor (workers.held_run), which fails and retries the run when
  the process dies (workers.supervisor). Memory a run leaks stays in the process: it retires after
  WORKER_MAX_JOBS jobs or past WORKER_MAX_MEMORY_MB (workers.retirement), replaced by a fresh one.
- `RunWorker` (`--fork`, and `--burst`) forks a work-horse per job, as RQ's `Worker` does. When it sees its
  horse killed (SIGKILL, out of memory, a cold shutdown) it fails the run at once and retries it once
  (workers.reaper.fail_dead_run).
The job's timeout is RQ's SIGALRM in both.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from types import FrameType
from typing import Any

from rq import Queue, SimpleWorker, Worker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.worker import BaseWorker

from store.db import drop_inherited_connections
from store.redis_client import REDIS_DOWN, lose_patience, patient_redis
from store.settings import get_settings
from workers.backoff import Backoff
from workers.held_run import HeldRun
from workers.queue import queue_names
from workers.reaper import SHUT_DOWN, exit_cause, fail_dead_run
from workers.retirement import RETIRED_EXIT_CODE, Retirement

log = logging.getLogger(__name__)
RUN_JOB = "workers.jobs.run_export"


def run_of(job: Job) -> int | None:
    """The run a job executes, if it is a run's job."""
    if job.func_name != RUN_JOB or not job.args:
        return None
    run_id = job.args[0]
    return run_id if isinstance(run_id, int) else None


def time_limit(job: Job) -> float:
    """The seconds a job may run before RQ's SIGALRM stops it (infinite for a job without a limit)."""
    seconds = job.timeout or Queue.DEFAULT_TIMEOUT
    return float(seconds) if seconds > 0 else math.inf


class SteadyWorker(BaseWorker):
    """What both kinds of worker add to RQ's: they survive Redis outages and tell a stop request from a
    loop that quit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop_asked = False

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

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        """Warm shutdown: the job under way goes on (its own Redis client stays patient); the worker's
        bookkeeping from now on fails at once if Redis is away, instead of holding the stop for a minute."""
        self.stop_asked = True
        lose_patience(self.connection)
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]

    def set_shutdown_requested_date(self) -> None:
        """Noted in Redis for monitoring only: skipped while Redis is away (this runs in the signal handler,
        in the middle of the job a worker that doesn't fork is running, which must not see the error)."""
        try:
            super().set_shutdown_requested_date()  # type: ignore[no-untyped-call]
        except REDIS_DOWN as exc:
            log.warning("worker %s: Redis unreachable to note its stop (%s)", self.name, exc)

    def teardown(self) -> None:
        """Unregister the worker from Redis, if Redis is there (its entry expires by itself otherwise)."""
        try:
            super().teardown()  # type: ignore[no-untyped-call]
        except REDIS_DOWN as exc:
            log.warning("worker %s: Redis unreachable to unregister it (%s)", self.name, exc)


class RunWorker(SteadyWorker, Worker):
    """Forks a work-horse per job; fails-and-retries the run of a killed work-horse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_run: int | None = None

    def execute_job(self, job: Job, queue: Queue) -> None:
        self.current_run = run_of(job)
        try:
            super().execute_job(job, queue)
        finally:
            self.current_run = None

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)  # type: ignore[no-untyped-call]
        run_id = run_of(job)
        cause = exit_cause(None if ret_val is None else os.waitstatus_to_exitcode(ret_val))
        if run_id is not None and fail_dead_run(run_id, cause):
            log.warning("run %s: its work-horse died (%s); failed and retried", run_id, cause)

    def request_force_stop(self, signum: int, frame: FrameType | None) -> None:
        """Cold shutdown (a second SIGTERM): RQ kills the work-horse; its run is failed and retried."""
        run_id = self.current_run
        try:
            super().request_force_stop(signum, frame)
        except SystemExit:
            if run_id is not None:
                fail_dead_run(run_id, SHUT_DOWN)
            raise


class NoForkRunWorker(SteadyWorker, SimpleWorker):
    """Runs each job in its own process; keeps the job under way in `held` for its supervisor; stops its
    loop after a job when `retirement` says the process should retire (`retiring` says why)."""

    def __init__(self, *args: Any, held: HeldRun, retirement: Retirement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held, self.retirement = held, retirement
        self.retiring: str | None = None

    def execute_job(self, job: Job, queue: Queue) -> None:
        self.held.hold(run_of(job), time_limit(job))
        try:
            super().execute_job(job, queue)
        finally:
            self.held.release()
        self.retiring = self.retirement.after_job()
        if self.retiring is not None:
            raise StopRequested()  # RQ's loop ends as on a stop request, before taking another job

    def request_force_stop(self, signum: int, frame: FrameType | None) -> None:
        """Cold shutdown (a second SIGTERM) mid-job: end the process at once, as a forking worker kills
        its horse; the supervisor fails and retries the run it held (unwinding the job instead would let
        it record a failure of its own, without the retry)."""
        try:
            super().request_force_stop(signum, frame)
        except SystemExit:
            if self.held.holding() is not None:
                log.warning("worker %s: cold shutdown mid-job; its supervisor fails the run", self.name)
                os._exit(1)
            raise


def work_until_stopped(
    burst: bool = False, stop: threading.Event | None = None, held: HeldRun | None = None
) -> None:
    """Run a worker on the runs' queues until asked to stop (SIGTERM/SIGINT); if its loop quits for any
    other reason (Redis away, an unexpected error) start it again after a backoff. `burst` stops when the
    queues are empty. With `held` (from the supervisor) jobs run in this process (NoForkRunWorker), which
    exits with RETIRED_EXIT_CODE when it retires; else each job runs in a forked work-horse (RunWorker)."""
    settings = get_settings()
    backoff = Backoff()
    retirement = Retirement.from_settings(settings)  # counts this process's jobs across loops
    drop_inherited_connections()  # the supervisor's, if it had any
    while stop is None or not stop.is_set():
        redis = patient_redis(settings.redis_url)
        # Run now first (workers.queue). No RQ scheduler: deferred runs and retries live in the database
        # (workers.fair_share, exporters.retries) and the tick submits them.
        queues = [Queue(name, connection=redis) for name in queue_names()]
        worker: RunWorker | NoForkRunWorker = (
            RunWorker(queues, connection=redis)
            if held is None
            else NoForkRunWorker(queues, connection=redis, held=held, retirement=retirement)
        )
        try:
            worker.work(burst=burst, logging_level="INFO")
            quit_cleanly = True
        except REDIS_DOWN as exc:  # RQ's own teardown needs Redis too
            log.warning("worker %s: Redis unreachable (%s)", worker.name, exc)
            quit_cleanly = False
        if worker.stop_asked or (burst and quit_cleanly):
            return
        if isinstance(worker, NoForkRunWorker) and worker.retiring is not None:
            log.info(
                "worker %s: retiring, %s; its supervisor starts a fresh process", worker.name, worker.retiring
            )
            raise SystemExit(RETIRED_EXIT_CODE)
        delay = backoff.next()
        log.warning("worker %s: its loop quit; starting a new one in %.1f s", worker.name, delay)
        if stop is not None:
            stop.wait(delay)
        else:
            threading.Event().wait(delay)
