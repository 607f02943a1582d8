"""Fair sharing: one QuickBooks company with many exporters does not take every worker.

A run starts only while each company it reads has fewer than `COMPANY_CONCURRENCY` runs running; otherwise
it is deferred: it stays queued (nothing failed), its `deferred_at` set and its page saying why, and its
job ends so the worker moves on to other companies' runs. It is submitted again when a run of one of its
companies ends (`wake`), or by the tick once `defer_seconds` have passed (workers.reaper), whichever comes
first. Counting and starting are one step per company (a Redis lock), so two workers never both take the
last place. The deferred job may not have ended when the run is submitted again (a run of its company can
end in the milliseconds before RQ marks it finished): the run's next job has a fresh id, one per deferral
(`Run.deferrals`), so it is submitted whatever state the deferred one is in, and still never twice.
Everything a deferred run needs is in the database: it survives a Redis flush and needs no scheduler in
the workers.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta

from rq import get_current_job
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from store import redis_keys, states
from store.db import session_scope
from store.models import Company, ExporterCompany, Run, RunStatus, RunTrigger, utcnow
from store.settings import get_settings
from workers.enqueue import resubmit
from workers.queue import get_redis


def running_of(session: Session, company_id: int) -> int:
    """How many runs reading the company are running now."""
    statement = (
        select(func.count(col(Run.id)))
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Run.exporter_id))
        .where(ExporterCompany.company_id == company_id, Run.status == RunStatus.RUNNING)
    )
    return int(session.exec(statement).one())


def _companies(session: Session, exporter_id: int) -> list[int]:
    return sorted(
        session.exec(select(ExporterCompany.company_id).where(ExporterCompany.exporter_id == exporter_id))
    )


def _defer(run_id: int, waiting: str) -> None:
    """Leave the run queued, saying why on its page, for `wake` or the tick to submit again under a fresh
    job id (one more deferral): this job may not have ended when they do. The job leaves nothing in Redis
    (a run deferred every `defer_seconds` of a long wait would leave a job a time, each kept a day)."""
    with session_scope() as session:
        session.execute(
            update(Run)
            .where(col(Run.id) == run_id, col(Run.status) == RunStatus.QUEUED)
            .values(progress=waiting, deferred_at=utcnow(), deferrals=col(Run.deferrals) + 1)
        )
    job = get_current_job()
    if job is not None:
        job.result_ttl = 0  # RQ deletes it as it ends


def admit(run_id: int) -> bool:
    """Start the run (queued -> running) if its companies have room. False when it did not start: it is no
    longer queued (nothing to do), or a company is at its cap (the run is deferred)."""
    cap = get_settings().company_concurrency
    with session_scope() as session:
        run = session.get(Run, run_id)
        if run is None or run.status != RunStatus.QUEUED:
            return False
        companies = _companies(session, run.exporter_id) if cap > 0 else []
    with ExitStack() as held:
        for company_id in companies:  # in id order: two runs sharing companies never wait on each other
            lock = get_redis().lock(
                redis_keys.company_admission_lock(company_id), timeout=30, blocking_timeout=30
            )
            held.enter_context(lock)
        with session_scope() as session:
            full = next((c for c in companies if running_of(session, c) >= cap), None)
            if full is None:
                return states.claim_run(session, run_id)
            company = session.get(Company, full)
            name = (company.name or company.realm_id) if company is not None else f"company {full}"
    _defer(run_id, f"Waiting: {cap} runs of {name} are already running (fair sharing)")
    return False


def wake(run_id: int) -> list[int]:
    """A run ended: its companies have room again, so submit the longest-waiting deferred run of each;
    the runs submitted."""
    with session_scope() as session:
        run = session.get(Run, run_id)
        companies = _companies(session, run.exporter_id) if run is not None else []
        waiting: dict[int, tuple[bool, int]] = {}  # run -> (on the Run-now queue, its deferrals)
        for company_id in companies:
            statement = (
                select(Run.id, Run.trigger, Run.deferrals)
                .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Run.exporter_id))
                .where(
                    ExporterCompany.company_id == company_id,
                    Run.status == RunStatus.QUEUED,
                    col(Run.deferred_at).is_not(None),
                )
                .order_by(col(Run.due_at), col(Run.id))
                .limit(1)
            )
            for waiting_id, trigger, deferrals in session.exec(statement):
                if waiting_id is not None:
                    waiting[waiting_id] = (trigger == RunTrigger.MANUAL, deferrals)
    return [run for run, (priority, deferrals) in waiting.items() if resubmit(run, priority, deferrals)]


def wait_over(run: Run, now: datetime) -> bool:
    """A deferred run the tick should submit again: no run of its company has woken it for `defer_seconds`."""
    return run.deferred_at is not None and run.deferred_at <= now - timedelta(
        seconds=get_settings().defer_seconds
    )
