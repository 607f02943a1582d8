"""The tick: once a minute, claim due exporters with a conditional UPDATE and queue their runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import col, select

from exporters.schedules import next_slot
from store import states
from store.db import session_scope
from store.models import Exporter, RunTrigger, utcnow
from store.rows import saved_id
from workers.enqueue import enqueue_run, queue_follow_up
from workers.mail import mail_pass
from workers.reaper import reap

log = logging.getLogger(__name__)


@dataclass
class TickResult:
    """What one tick did: runs queued, exporters skipped because a run was still active, runs reaped."""

    queued: list[int] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)
    reaped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # exporters left due for the next tick
    emails: list[int] = field(default_factory=list)  # outbox emails handed to a send job


class DueExporter(NamedTuple):
    """An enabled exporter whose time has come, as the tick saw it."""

    exporter_id: int
    workspace_id: int
    due_at: datetime
    next_at: datetime | None  # its schedule's first slot after this tick: missed slots run once


def claim(exporter_id: int, due_at: datetime, next_at: datetime | None) -> bool:
    """Move the exporter's next_run_at forward iff it is still the value we saw: only one tick wins."""
    with session_scope() as session:
        return states.claim_slot(session, exporter_id, due_at, next_at)


def unclaim(exporter_id: int, due_at: datetime, next_at: datetime | None) -> None:
    """Give a claimed slot back (nobody moved it since), so the next tick tries again."""
    with session_scope() as session:
        states.give_back_slot(session, exporter_id, due_at, next_at)


def due_exporters(now: datetime) -> list[DueExporter]:
    """The enabled exporters whose time has come (only the columns the tick needs, not the documents)."""
    with session_scope() as session:
        statement = sa.select(
            col(Exporter.id),
            col(Exporter.workspace_id),
            col(Exporter.next_run_at),
            col(Exporter.schedule_cron),
            col(Exporter.schedule_time_zone),
        ).where(
            col(Exporter.enabled).is_(True),
            col(Exporter.next_run_at).is_not(None),
            col(Exporter.next_run_at) <= now,
        )
        return [
            DueExporter(exporter_id, workspace_id, due_at, next_slot(cron, zone, now))
            for exporter_id, workspace_id, due_at, cron, zone in session.execute(statement)
        ]


def follow_ups() -> list[int]:
    """Enabled exporters a QuickBooks change asked to run again (normally queued by the job that ended)."""
    with session_scope() as session:
        statement = select(col(Exporter.id)).where(
            col(Exporter.enabled).is_(True), col(Exporter.follow_up_at).is_not(None)
        )
        return [i for i in session.exec(statement).all() if i is not None]


def tick(now: datetime | None = None) -> TickResult:
    """Reap dead runs, then queue one run for every due exporter this tick manages to claim."""
    now = now or utcnow()
    result = TickResult(reaped=reap(now))
    for exporter_id, workspace_id, due_at, next_at in due_exporters(now):
        if not claim(exporter_id, due_at, next_at):
            continue
        try:
            run = enqueue_run(exporter_id, workspace_id, trigger=RunTrigger.SCHEDULE, due_at=due_at)
        except Exception:
            log.exception("tick: could not queue exporter %s; it stays due for the next tick", exporter_id)
            unclaim(exporter_id, due_at, next_at)
            result.failed.append(exporter_id)
            continue
        if run is None:
            result.busy.append(exporter_id)
        else:
            result.queued.append(saved_id(run))
    result.queued += [saved_id(run) for run in map(queue_follow_up, follow_ups()) if run is not None]
    result.emails = mail_pass(now)
    if result.queued or result.busy or result.reaped or result.failed:
        log.info(
            "tick: queued runs %s, still busy %s, reaped %s, failed to queue %s",
            result.queued,
            result.busy,
            result.reaped,
            result.failed,
        )
    return result
