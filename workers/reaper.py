"""Finds runs whose job is gone: submits the queued ones (Redis was flushed; a retry whose wait is over; a
run deferred for fair sharing that no ended run has woken; a job a worker took off its queue and died
before starting),
fails the running ones whose job died or whose heartbeat stopped (store.states.silent), whatever Redis
remembers, and retries those once (exporters.retries); the exporter is free again for its next run.

The worker calls `fail_dead_run` itself the moment it sees its work-horse killed, the supervisor when a
worker process that runs jobs without forking dies mid-run; the reaper is the safety net for a worker that
died with its horse (a SIGKILL of the whole machine, a deploy)."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlmodel import Session, col, or_, select

from exporters.retries import due_for_submission, retry_delay, retry_once
from store import states
from store.db import session_scope
from store.models import ACTIVE_RUN_STATUSES, Run, RunStatus, RunTrigger, utcnow
from store.rows import saved_id
from store.settings import get_settings
from workers.enqueue import job_id, resubmit
from workers.fair_share import wait_over
from workers.queue import get_redis, waiting_job_ids

DEAD_JOB_STATUSES = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
WORKER_STOPPED = "The worker running this export stopped before it finished ({cause})."
JOB_DIED = "its process was killed or crashed"
WENT_SILENT = "it stopped sending signs of life: its machine or process was stopped"
SHUT_DOWN = "the worker was shut down before it finished"
OVERRAN = "it was still running {seconds:.0f} s past its time limit, so its process was stopped"


def exit_cause(exitcode: int | None) -> str:
    """How the process running a run ended, in words (an exit code as multiprocessing gives it: -N for
    signal N; `os.waitstatus_to_exitcode` of a wait status)."""
    if exitcode is None:
        return "its process disappeared"
    if exitcode >= 0:
        return f"its process exited with code {exitcode}"
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = str(-exitcode)
    if -exitcode == signal.SIGKILL:
        return f"its process was killed ({name}: out of memory, a deploy, or an operator)"
    return f"its process was ended by signal {name}"


def grace() -> timedelta:
    """A run younger than this is left alone: its job may still be on its way to Redis (2 minutes)."""
    return timedelta(seconds=get_settings().run_grace_seconds)


def _job_status(run: Run) -> JobStatus | None:
    try:
        job = Job.fetch(job_id(saved_id(run), run.deferrals), connection=get_redis())
        return job.get_status(refresh=True)
    except NoSuchJobError:
        return None


def worker_stopped(session: Session, run: Run, now: datetime, cause: str) -> None:
    """Fail a running run whose worker stopped, saying why and what happens next, and retry it once."""
    _retry, said = retry_once(session, run, now)
    states.move_run(run, RunStatus.FAILED, now, error=f"{WORKER_STOPPED.format(cause=cause)} {said}")
    run.progress = "Failed"
    session.add(run)


def fail_dead_run(run_id: int, cause: str) -> bool:
    """The run's work-horse died (the worker saw it): fail and retry the run now; False when it had ended."""
    with session_scope() as session:
        run = session.get(Run, run_id, with_for_update=True)
        if run is None or run.status != RunStatus.RUNNING:
            return False
        worker_stopped(session, run, utcnow(), cause)
    return True


def _submittable(run: Run, now: datetime) -> bool:
    """A queued run whose job should be on the queue by now: a deferred run whose wait is over, a retry
    whose wait is over, any other after the grace period (its job may still be on its way to Redis)."""
    if run.deferred_at is not None:
        return wait_over(run, now)
    return due_for_submission(run, now) if run.retry_of_id is not None else run.queued_at < now - grace()


def reap(now: datetime) -> list[int]:
    """Repair active runs whose RQ job is missing or dead, or whose retry is due; return their ids."""
    repaired: list[int] = []
    to_submit: list[tuple[int, bool, int]] = []  # (run, on the Run-now queue, its deferrals)
    with session_scope() as session:
        oldest = now - min(grace(), retry_delay())
        stale = session.exec(
            select(Run)
            .where(
                col(Run.status).in_(ACTIVE_RUN_STATUSES),
                or_(col(Run.queued_at) < oldest, col(Run.deferred_at).is_not(None)),
            )
            .with_for_update()
        ).all()
        for run in stale:
            run_id = saved_id(run)
            if run.status == RunStatus.QUEUED:
                if _submittable(run, now):
                    to_submit.append((run_id, run.trigger == RunTrigger.MANUAL, run.deferrals))
                continue
            if run.queued_at >= now - grace():
                continue
            if _job_status(run) in DEAD_JOB_STATUSES:
                worker_stopped(session, run, now, JOB_DIED)
                repaired.append(run_id)
            elif states.silent(run, now):
                worker_stopped(session, run, now, WENT_SILENT)
                repaired.append(run_id)
    # after the commit, so a worker taking the job finds the run as saved; a job already on its way is left
    waiting = waiting_job_ids() if to_submit else set()
    submitted = [run for run, priority, deferrals in to_submit if resubmit(run, priority, deferrals, waiting)]
    return repaired + submitted
