"""Sending the outbox: which emails are due, who may send one, and a bounded retry with backoff.

The database is the source of truth (Decision 1): an email is due while it is undelivered, has tried
fewer than MAX_ATTEMPTS times and its `next_attempt_at` has come (or is empty). Whoever queues its send
job first moves `next_attempt_at` forward by a LEASE with a conditional UPDATE (`claim`) and hands the
job that value; the job sends only if the lease is still its own (`take`), so two ticks, or a tick and a
request, never send one email twice, and a job lost with Redis is queued again once its lease ends.
A failed attempt waits 2^attempts minutes (capped at an hour) for the next: about a day of trying.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, or_, update
from sqlmodel import Session, col, select

from mail import smtp
from store.db import session_scope
from store.models import OutboxEmail, utcnow
from store.outbox import deliver
from store.settings import get_settings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 30
LONGEST_WAIT = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """How long after its `attempts`-th failure an email is tried again."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), LONGEST_WAIT)


def due(session: Session, now: datetime, limit: int = 100) -> list[tuple[int, datetime | None]]:
    """Undelivered emails whose next attempt has come: (id, next_attempt_at as seen), oldest first."""
    statement = (
        select(OutboxEmail.id, OutboxEmail.next_attempt_at)
        .where(
            col(OutboxEmail.delivered_at).is_(None),
            col(OutboxEmail.attempts) < MAX_ATTEMPTS,
            or_(col(OutboxEmail.next_attempt_at).is_(None), col(OutboxEmail.next_attempt_at) <= now),
        )
        .order_by(col(OutboxEmail.id))
        .limit(limit)
    )
    return [(i, seen) for i, seen in session.exec(statement).all() if i is not None]


def _moved(session: Session, email_id: int, seen: datetime | None, to: datetime) -> bool:
    same = (
        col(OutboxEmail.next_attempt_at).is_(None)
        if seen is None
        else col(OutboxEmail.next_attempt_at) == seen
    )
    result = session.execute(
        update(OutboxEmail)
        .where(col(OutboxEmail.id) == email_id, col(OutboxEmail.delivered_at).is_(None), same)
        .values(next_attempt_at=to)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


def claim(email_id: int, seen: datetime | None, now: datetime) -> datetime | None:
    """Lease the email to one send job: the lease to hand the job, or None if someone else has it."""
    lease = now + LEASE
    with session_scope() as session:
        return lease if _moved(session, email_id, seen, lease) else None


def send_one(email_id: int, lease: datetime, now: datetime | None = None) -> bool:
    """The send job: deliver the email if its lease is still this job's; whether it went out.

    The link is put in (store.outbox.deliver) and forgotten only when the SMTP server accepted the email;
    a refusal keeps it encrypted for the next attempt, which `backoff` schedules.
    """
    settings = get_settings()
    now = now or utcnow()
    if not settings.smtp_configured:
        return False  # nothing to send through (the demo's outbox page delivers instead)
    with session_scope() as session:
        if not _moved(session, email_id, lease, now + LEASE):  # renewed: the attempt below has its time
            return False
        lease = now + LEASE
    with session_scope() as session:
        email = session.get(OutboxEmail, email_id)
        if email is None or email.delivered_at is not None:
            return False
        to, subject, text = email.to, email.subject, deliver(session, email)
        try:
            smtp.send(settings, to, subject, text)
        except smtp.MailNotSent as exc:
            session.rollback()  # keep the link for the next attempt
            _failed(email_id, lease, str(exc), now)
            return False
    return True


def _failed(email_id: int, lease: datetime, error: str, now: datetime) -> None:
    with session_scope() as session:
        email = session.get(OutboxEmail, email_id)
        if email is None or email.next_attempt_at is None or email.delivered_at is not None:
            return
        email.attempts += 1
        email.last_error = error[:500]
        email.next_attempt_at = now + backoff(email.attempts)
        session.add(email)
        gives_up = email.attempts >= MAX_ATTEMPTS
    log.warning(
        "email %s not sent (attempt %s%s): %s",
        email_id,
        email.attempts,
        ", giving up" if gives_up else "",
        error,
    )
