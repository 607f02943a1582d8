"""A run that failed for a reason outside the export (its worker died, Redis or the database went away)
is retried once, automatically, a little later: the failed run says so and names its retry; the retry
points back at it (`Run.retry_of_id`), so the run history shows both attempts.

The retry is a queued run in the database with no job yet: the tick's reaper submits it once
`Settings.run_retry_delay_seconds` have passed (workers.reaper), so a retry survives a Redis flush and
needs nothing but the tick that schedules every other run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from store.models import ACTIVE_RUN_STATUSES, Exporter, Run
from store.settings import get_settings

NOT_RETRIED = "It was already a retry, so it was not retried again: run it again, or wait for its next run."
PAUSED = "Its exporter is paused, so it was not retried: run it again once the exporter is enabled."
BUSY = (
    "Another run of the exporter is already queued, so it was not retried: that run will bring the tab up "
    "to date."
)


def retry_delay() -> timedelta:
    return timedelta(seconds=get_settings().run_retry_delay_seconds)


def retry_once(session: Session, run: Run, now: datetime) -> tuple[Run | None, str]:
    """Queue the retry of `run`, which is failing now (the caller commits both): the retry, and the words
    that end the failed run's message."""
    if run.retry_of_id is not None:
        return None, NOT_RETRIED
    exporter = session.get(Exporter, run.exporter_id)
    if exporter is None or not exporter.enabled:
        return None, PAUSED
    other = select(Run.id).where(
        Run.exporter_id == run.exporter_id, col(Run.status).in_(ACTIVE_RUN_STATUSES), Run.id != run.id
    )
    if session.exec(other).first() is not None:
        return None, BUSY
    retry = Run(
        exporter_id=run.exporter_id,
        workspace_id=run.workspace_id,
        trigger=run.trigger,
        retry_of_id=run.id,
        queued_at=now,
        progress=f"Retry of run #{run.id}: starts in about {int(retry_delay().total_seconds())} s",
    )
    session.add(retry)
    session.flush()
    return retry, f"Retried automatically as run #{retry.id}."


def due_for_submission(run: Run, now: datetime) -> bool:
    """A queued retry whose wait is over (its job is then put on the queue)."""
    return run.retry_of_id is not None and run.queued_at <= now - retry_delay()
