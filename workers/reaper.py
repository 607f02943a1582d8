"""Finds runs whose job is gone: re-queues the queued ones (Redis was flushed), fails the running ones
whose job died or whose heartbeat stopped (store.states.silent), whatever Redis remembers; the
exporter is free again for its next run."""

from __future__ import annotations

from datetime import datetime, timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlmodel import col, select

from store import states
from store.db import session_scope
from store.models import ACTIVE_RUN_STATUSES, Run, RunStatus, RunTrigger
from store.rows import saved_id
from workers.enqueue import job_id, submit
from workers.queue import get_redis

# A run younger than this is left alone: its job may still be on its way to Redis.
GRACE = timedelta(minutes=2)
DEAD_JOB_STATUSES = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
WORKER_DIED = (
    "The worker running this export stopped before it finished (it was restarted or killed). "
    "Nothing was swapped into the sheet; run it again or wait for the next scheduled run."
)


def _job_status(run_id: int) -> JobStatus | None:
    try:
        return Job.fetch(job_id(run_id), connection=get_redis()).get_status(refresh=True)
    except NoSuchJobError:
        return None


def reap(now: datetime) -> list[int]:
    """Repair active runs older than the grace period whose RQ job is missing or dead; return their ids."""
    repaired: list[int] = []
    with session_scope() as session:
        stale = session.exec(
            select(Run).where(col(Run.status).in_(ACTIVE_RUN_STATUSES), col(Run.queued_at) < now - GRACE)
        ).all()
        for run in stale:
            run_id = saved_id(run)
            status = _job_status(run_id)
            if run.status == RunStatus.QUEUED and status is None:
                submit(run_id, priority=run.trigger == RunTrigger.MANUAL)
                repaired.append(run_id)
            elif status in DEAD_JOB_STATUSES or states.silent(run, now):
                states.move_run(run, RunStatus.FAILED, now, error=WORKER_DIED)
                run.progress = "Failed"
                session.add(run)
                repaired.append(run_id)
    return repaired
