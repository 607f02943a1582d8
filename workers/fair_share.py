"""Fair sharing: one QuickBooks company with many exporters does not take every worker.

A run starts only while each company it reads has fewer than `COMPANY_CONCURRENCY` runs running; otherwise
it is deferred: it stays queued (nothing failed) and RQ's retry puts its job back on its queue after
`DEFER_SECONDS` (workers.enqueue.submit), while the worker moves on to other companies' runs. Counting and
starting are one step per company (a Redis lock), so two workers never both take the last place.
"""

from __future__ import annotations

from contextlib import ExitStack

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from store import redis_keys, states
from store.db import session_scope
from store.models import Company, ExporterCompany, Run, RunStatus
from store.settings import get_settings
from workers.queue import get_redis


class RunDeferred(Exception):
    """The run's company already has its share of runs running; the run waits on its queue."""


def running_of(session: Session, company_id: int) -> int:
    """How many runs reading the company are running now."""
    statement = (
        select(func.count(col(Run.id)))
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Run.exporter_id))
        .where(ExporterCompany.company_id == company_id, Run.status == RunStatus.RUNNING)
    )
    return int(session.exec(statement).one())


def _companies(session: Session, run: Run) -> list[int]:
    return sorted(
        session.exec(select(ExporterCompany.company_id).where(ExporterCompany.exporter_id == run.exporter_id))
    )


def admit(run_id: int) -> bool:
    """Start the run (queued -> running) if its companies have room; False when it is no longer queued
    (nothing to do); `RunDeferred` when a company is at its cap."""
    cap = get_settings().company_concurrency
    with session_scope() as session:
        run = session.get(Run, run_id)
        if run is None or run.status != RunStatus.QUEUED:
            return False
        companies = _companies(session, run) if cap > 0 else []
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
    waiting = f"Waiting: {cap} runs of {name} are already running (fair sharing)"
    with session_scope() as session:  # the run page says why it has not started
        session.execute(
            update(Run)
            .where(col(Run.id) == run_id, col(Run.status) == RunStatus.QUEUED)
            .values(progress=waiting)
        )
    raise RunDeferred(waiting)
