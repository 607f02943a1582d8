"""The tick: once a minute, claim due exporters in batches and queue their runs.

One batch (`BATCH_SIZE` due exporters, in id order) is one transaction: read the candidates (only the
columns the tick needs), locked so that a second tick takes other ones (PostgreSQL: FOR UPDATE SKIP LOCKED;
SQLite: its write lock, store.db.lock_for_writing); move each one's next_run_at to its schedule's first
slot after now in one conditional UPDATE (store.states.claim_slots: missed slots run once); leave those
with a queued or running run (busy: the slot is spent, no second run); insert a scheduled run for each of
the others. After the commit the batch's jobs go to Redis in one pipeline. If Redis fails there, the runs
stay queued in the database and the reaper submits them after its grace; if the database fails, nothing
of the batch is claimed and its exporters stay due for the next tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from exporters.schedules import next_slot
from store import states
from store.db import lock_for_writing, session_scope
from store.models import Exporter, Run, RunTrigger, utcnow
from store.rows import column_values, saved_id
from workers.enqueue import busy_exporters, queue_follow_up, submit_all
from workers.mail import mail_pass
from workers.reaper import grace, reap

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # due exporters claimed and queued per transaction and Redis pipeline


def ids_in_brief(ids: list[int], shown: int = 20) -> str:
    """Ids for the log line: all of a few, the count and the first of many (1,000 due a minute)."""
    if len(ids) <= shown:
        return str(ids)
    return f"{len(ids)} ({', '.join(map(str, ids[:shown]))}, …)"


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


def due_batch(session: Session, now: datetime, after_id: int, size: int) -> list[DueExporter]:
    """The next `size` enabled exporters (by id, after `after_id`) whose time has come, locked for this
    tick; each schedule's next slot is computed once for the batch."""
    statement = (
        sa.select(
            col(Exporter.id),
            col(Exporter.workspace_id),
            col(Exporter.next_run_at),
            col(Exporter.schedule_cron),
            col(Exporter.schedule_time_zone),
        )
        .where(
            col(Exporter.enabled).is_(True),
            col(Exporter.next_run_at).is_not(None),
            col(Exporter.next_run_at) <= now,
            col(Exporter.id) > after_id,
        )
        .order_by(col(Exporter.id))
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    rows = session.execute(statement).all()
    schedules = {(cron, zone) for *_, cron, zone in rows}
    slots = {(cron, zone): next_slot(cron, zone, now) for cron, zone in schedules}
    return [
        DueExporter(exporter_id, workspace_id, due_at, slots[cron, zone])
        for exporter_id, workspace_id, due_at, cron, zone in rows
        if exporter_id is not None and due_at is not None
    ]


def insert_runs(session: Session, due: list[DueExporter]) -> list[int]:
    """Insert a scheduled run of each exporter in one statement; their ids, in the same order.

    The runs of a batch differ only in their exporter and their slot (`due_at`, so the run page shows how
    long each waited past it): one `Run` gives the other values (building a model per run cost more than
    the INSERT). Not the ORM's flush: on SQLite it inserts one row at a time, a multi-row RETURNING having
    no order there; here each id comes back with its exporter."""
    if not due:
        return []
    run = column_values(Run(exporter_id=0, workspace_id=0, trigger=RunTrigger.SCHEDULE))
    rows = [
        run | {"exporter_id": d.exporter_id, "workspace_id": d.workspace_id, "due_at": d.due_at} for d in due
    ]
    statement = sa.insert(Run.__table__).returning(col(Run.id), col(Run.exporter_id))
    id_of = {exporter_id: run_id for run_id, exporter_id in session.execute(statement, rows)}
    return [id_of[d.exporter_id] for d in due]


def claim_and_insert(session: Session, due: list[DueExporter]) -> tuple[list[int], list[int]]:
    """Claim the batch's slots and insert a scheduled run for each claimed exporter without an active
    run; the runs' ids and the busy exporters."""
    claimed = states.claim_slots(session, [states.SlotClaim(d.exporter_id, d.due_at, d.next_at) for d in due])
    busy = busy_exporters(session, claimed)
    free = [d for d in due if d.exporter_id in claimed and d.exporter_id not in busy]
    run_ids = insert_runs(session, free)
    states.take_follow_ups(session, [d.exporter_id for d in free])  # these runs read after the change
    return run_ids, sorted(busy)


def submit_batch(run_ids: list[int]) -> None:
    """The batch's jobs in one Redis pipeline; if Redis fails, the runs wait in the store for the reaper."""
    try:
        submit_all(run_ids)
    except Exception:
        log.exception(
            "tick: could not put runs %s on the queue; they stay queued and the reaper submits them in %s",
            run_ids,
            grace(),
        )


def queue_due(now: datetime, result: TickResult, batch_size: int) -> None:
    """Claim and queue every due exporter, a batch at a time (see the module's docstring)."""
    after_id, full = 0, True
    while full:
        due: list[DueExporter] = []
        try:
            with session_scope() as session:
                lock_for_writing(session)
                due = due_batch(session, now, after_id, batch_size)
                run_ids, busy = claim_and_insert(session, due) if due else ([], [])
        except Exception:
            if not due:  # the database could not even say what is due: the tick fails as a whole
                raise
            log.exception(
                "tick: could not queue exporters %s; they stay due for the next tick",
                [d.exporter_id for d in due],
            )
            result.failed += [d.exporter_id for d in due]
        else:
            submit_batch(run_ids)
            result.queued += run_ids
            result.busy += busy
        after_id, full = (due[-1].exporter_id if due else after_id), len(due) == batch_size


def follow_ups() -> list[int]:
    """Enabled exporters a QuickBooks change asked to run again (normally queued by the job that ended)."""
    with session_scope() as session:
        statement = select(col(Exporter.id)).where(
            col(Exporter.enabled).is_(True), col(Exporter.follow_up_at).is_not(None)
        )
        return [i for i in session.exec(statement).all() if i is not None]


def tick(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> TickResult:
    """Reap dead runs, then queue one run for every due exporter this tick manages to claim."""
    now = now or utcnow()
    result = TickResult(reaped=reap(now))
    queue_due(now, result, batch_size)
    result.queued += [saved_id(run) for run in map(queue_follow_up, follow_ups()) if run is not None]
    result.emails = mail_pass(now)
    if result.queued or result.busy or result.reaped or result.failed:
        log.info(
            "tick: queued runs %s, still busy %s, reaped %s, failed to queue %s",
            *map(ids_in_brief, (result.queued, result.busy, result.reaped, result.failed)),
        )
    return result
