"""Run retention: runs older than a setting are deleted, but never an exporter's last few nor an active run.

The maintenance job (workers.maintenance.prune_runs) calls `prune_runs` once an hour. It deletes in
batches, each in its own transaction, so it never holds long locks on the run table nor a long list of
ids in memory: one statement finds each exporter's K-th newest run (the floor it keeps from), then
batches of old, finished runs are read in id order and deleted when below their exporter's floor.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from store.models import ACTIVE_RUN_STATUSES, Run

BATCH = 1000


@dataclass(frozen=True)
class Retention:
    """Keep runs queued in the last `days` days, and each exporter's newest `keep` runs whatever their age."""

    days: int
    keep: int


def floors(session: Session, keep: int) -> dict[int, int]:
    """Per exporter with `keep` runs or more: the id of its `keep`-th newest (kept, with all newer)."""
    ranked = select(
        col(Run.exporter_id).label("exporter_id"),
        col(Run.id).label("id"),
        func.row_number().over(partition_by=col(Run.exporter_id), order_by=col(Run.id).desc()).label("place"),
    ).subquery()
    statement = select(ranked.c.exporter_id, ranked.c.id).where(ranked.c.place == keep)
    return {exporter_id: run_id for exporter_id, run_id in session.exec(statement)}


def prune_runs(
    sessions: Callable[[], AbstractContextManager[Session]],
    now: datetime,
    retention: Retention,
    batch: int = BATCH,
) -> int:
    """Delete runs queued before now - days that are finished and not among their exporter's newest `keep`;
    return how many. `sessions()` opens a committing session: one per batch."""
    if retention.days <= 0:
        return 0
    cutoff = now - timedelta(days=retention.days)
    kept_from: dict[int, int] = {}
    if retention.keep > 0:
        with sessions() as session:
            kept_from = floors(session, retention.keep)
    deleted, after = 0, 0
    while True:
        with sessions() as session:
            old = session.exec(
                select(Run.id, Run.exporter_id)
                .where(
                    col(Run.id) > after,
                    col(Run.queued_at) < cutoff,
                    col(Run.status).not_in(ACTIVE_RUN_STATUSES),
                )
                .order_by(col(Run.id))
                .limit(batch)
            ).all()
            doomed = [
                run_id
                for run_id, exporter_id in old
                if run_id is not None and (retention.keep <= 0 or run_id < kept_from.get(exporter_id, 0))
            ]
            if doomed:
                # The status is checked again: a run cannot go back to queued, but be sure.
                done = session.exec(
                    delete(Run).where(col(Run.id).in_(doomed), col(Run.status).not_in(ACTIVE_RUN_STATUSES))
                )
                deleted += done.rowcount
        if len(old) < batch:
            return deleted
        after = old[-1][0] or after
