"""Create a run for an exporter and put it on the queue; the run id is the RQ job id."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.queue import EnqueueData
from sqlmodel import Session, col, select

from exporters.schedules import next_slot
from store import redis_keys, states
from store.db import lock_for_writing, session_scope
from store.models import (
    ACTIVE_RUN_STATUSES,
    Exporter,
    ExporterCompany,
    ExporterState,
    Run,
    RunTrigger,
    utcnow,
)
from store.rows import saved_id
from store.settings import get_settings
from workers.queue import get_queue, get_redis


def active_run(session: Session, exporter_id: int) -> Run | None:
    """The exporter's queued or running run, if any."""
    statement = select(Run).where(Run.exporter_id == exporter_id, col(Run.status).in_(ACTIVE_RUN_STATUSES))
    return session.exec(statement).first()


def busy_exporters(session: Session, exporter_ids: Collection[int]) -> set[int]:
    """Those of the exporters that have a queued or running run (one query for a batch of the tick)."""
    if not exporter_ids:
        return set()
    statement = select(Run.exporter_id).where(
        col(Run.exporter_id).in_(exporter_ids), col(Run.status).in_(ACTIVE_RUN_STATUSES)
    )
    return set(session.exec(statement.distinct()).all())


def enqueue_run(
    exporter_id: int,
    workspace_id: int,
    trigger: str = RunTrigger.MANUAL,
    *,
    follow_up: bool = False,
    due_at: datetime | None = None,
) -> Run | None:
    """Queue a run of the workspace's exporter; None when one is already queued or running (then, with
    `follow_up`, one more run is wanted after it: `queue_follow_up`).

    A short per-exporter Redis lock makes "check for an active run, insert a run" one step, so two
    clicks never queue the same exporter twice; against the tick (which claims a batch of exporters without
    it) the exporter's row is locked (FOR UPDATE; SQLite: its write lock), so a click and a tick do not
    either: the tick skips a row a click holds, a click waits for the tick's batch and finds its run.
    "Run now" on a scheduled exporter restarts its clock: the next scheduled run is one interval after the
    click, not a minute later with the same data.

    "Run now" (trigger MANUAL, from the dashboard, the API or the add-on) goes to the priority queue that
    workers take before scheduled work (workers.queue). `due_at` is when the run should start (the tick's
    slot; default now): the run page shows how long it waited past it.
    """
    with get_redis().lock(redis_keys.exporter_enqueue_lock(exporter_id), timeout=30, blocking_timeout=30):
        with session_scope() as session:
            lock_for_writing(session)
            exporter = session.get(Exporter, exporter_id, with_for_update=True)
            if exporter is None or exporter.workspace_id != workspace_id:
                raise LookupError(f"exporter {exporter_id} is not in workspace {workspace_id}")
            if active_run(session, exporter_id) is not None:
                if follow_up:
                    states.want_follow_up(exporter)
                    session.add(exporter)
                return None
            now = utcnow()
            run = Run(
                exporter_id=exporter_id, workspace_id=workspace_id, trigger=trigger, due_at=due_at or now
            )
            session.add(run)
            states.take_follow_up(exporter)  # this run reads after the change: it is the follow-up
            if trigger == RunTrigger.MANUAL:
                states.restart_clock(
                    exporter, next_slot(exporter.schedule_cron, exporter.schedule_time_zone, now)
                )
            session.add(exporter)
        submit(saved_id(run), priority=trigger == RunTrigger.MANUAL)
    return run


class CannotRun(RuntimeError):
    """ "Run now" refused: the message says why and what to do; `active_run_id` is the run already queued
    or running, when that is the reason."""

    def __init__(self, message: str, active_run_id: int | None = None) -> None:
        super().__init__(message)
        self.active_run_id = active_run_id


def run_now(exporter_id: int, workspace_id: int) -> Run:
    """ "Run now" from any front door: the new queued run, or CannotRun saying why not."""
    with session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        if exporter is None or exporter.workspace_id != workspace_id:
            raise LookupError(f"exporter {exporter_id} is not in workspace {workspace_id}")
        if exporter.state in (ExporterState.PAUSED_COMPANY, ExporterState.PAUSED_GOOGLE):
            raise CannotRun(f"{exporter.name} can't run: {exporter.paused_reason}")
        reads = session.exec(
            select(ExporterCompany).where(ExporterCompany.exporter_id == exporter_id)
        ).first()
        if reads is None:
            raise CannotRun(f"{exporter.name} reads no company: edit it and choose one.")
        name = exporter.name
    run = enqueue_run(exporter_id, workspace_id, RunTrigger.MANUAL)
    if run is None:
        with session_scope() as session:
            active = active_run(session, exporter_id)
        raise CannotRun(
            f"{name} is already queued or running; follow that run.",
            active.id if active is not None else None,
        )
    return run


def queue_follow_up(exporter_id: int) -> Run | None:
    """The run a QuickBooks change asked for while the exporter was running, once that run has ended
    (by the job that ran it, else by the next tick); None when none is wanted or the exporter is paused."""
    with session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        if exporter is None or exporter.follow_up_at is None or not exporter.enabled:
            return None
        workspace_id = exporter.workspace_id
    return enqueue_run(exporter_id, workspace_id, RunTrigger.WEBHOOK, follow_up=True)


def job_id(run_id: int, deferrals: int = 0) -> str:
    """The RQ job id of a run: its id, namespaced by queue so deployments sharing a Redis never collide,
    and a fresh one after each deferral (`Run.deferrals`)."""
    return redis_keys.run_job_id(run_id, deferrals)


def run_job(run_id: int, deferrals: int = 0) -> EnqueueData:
    """A run's RQ job, the one description of it that `submit` and `submit_all` put on a queue."""
    return Queue.prepare_data(
        "workers.jobs.run_export",
        (run_id,),
        job_id=job_id(run_id, deferrals),
        timeout=get_settings().run_timeout_seconds,
        result_ttl=24 * 60 * 60,
        failure_ttl=7 * 24 * 60 * 60,
        description=f"run {run_id}",
    )


def submit_all(run_ids: Sequence[int], priority: bool = False) -> list[Job]:
    """Put existing runs' jobs on their queue in one Redis pipeline (the tick's batches)."""
    return get_queue(priority).enqueue_many([run_job(run_id) for run_id in run_ids]) if run_ids else []


def submit(run_id: int, priority: bool = False, deferrals: int = 0) -> Job:
    """Put an existing run's job on its queue ("Run now" on the priority queue, ahead of the clock)."""
    (job,) = get_queue(priority).enqueue_many([run_job(run_id, deferrals)])
    return job


# A job in one of these is on its way to a worker or running: a queued run needs no other.
ON_ITS_WAY = {JobStatus.CREATED, JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def resubmit(
    run_id: int, priority: bool = False, deferrals: int = 0, waiting: Collection[str] | None = None
) -> bool:
    """Submit a queued run's job again unless it is already on its way: the job ended without starting the
    run, or died before it, or Redis forgot it; or the run was deferred for fair sharing (workers.fair_share:
    its `deferrals`, the run's count, name a job never submitted yet, whether or not the deferred job has
    ended). False when it was on its way. With `waiting` (the job ids on the queues,
    workers.queue.waiting_job_ids), a job still marked queued but on no queue is not on its way either: a
    worker took it off its queue and died before starting it (RQ's own clean-up notices that 10 minutes
    later)."""
    try:
        job: Job | None = Job.fetch(job_id(run_id, deferrals), connection=get_redis())
    except NoSuchJobError:
        job = None
    if job is not None:
        status = job.get_status(refresh=False)
        dropped = status == JobStatus.QUEUED and waiting is not None and job.id not in waiting
        if status in ON_ITS_WAY and not dropped:
            return False
        job.delete()  # a fresh job: the ended one's fields (result, ended_at) must not linger
    submit(run_id, priority, deferrals)
    return True
