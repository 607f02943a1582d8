"""The mail pass of the tick and the send jobs: mail leaves from a worker, never inside a request.

`mail_pass` (once a tick) queues the failure emails now due (mail.failures), then a send job for every
email whose attempt has come (mail.sending). `send_soon` does the latter for emails a request just
queued (password reset, invite), so they leave at once instead of at the next tick. Neither raises: a
broken SMTP server or Redis fails no page and no tick; the outbox keeps the email for the next try.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from mail import sending
from mail.failures import mail_failures
from store.db import session_scope
from store.models import OutboxEmail, utcnow
from store.settings import get_settings
from workers.queue import get_queue

log = logging.getLogger(__name__)

JOB_TIMEOUT_SECONDS = 5 * 60


def _enqueue(email_id: int, seen: datetime | None, now: datetime) -> bool:
    lease = sending.claim(email_id, seen, now)
    if lease is None:
        return False
    get_queue().enqueue(
        "workers.jobs.send_email",
        email_id,
        lease,
        job_timeout=JOB_TIMEOUT_SECONDS,
        result_ttl=60 * 60,
        failure_ttl=7 * 24 * 60 * 60,
        at_front=True,  # a second of SMTP does not wait behind hour-long exports
        description=f"email {email_id}",
    )
    return True


def send_due(now: datetime | None = None) -> list[int]:
    """Queue a send job for every email whose attempt has come; the ids queued."""
    if not get_settings().smtp_configured:
        return []
    now = now or utcnow()
    with session_scope() as session:
        due = sending.due(session, now)
    return [email_id for email_id, seen in due if _enqueue(email_id, seen, now)]


def send_soon(emails: Iterable[OutboxEmail]) -> None:
    """Queue the send jobs of emails just committed (a request's), without ever failing the request."""
    if not get_settings().smtp_configured:
        return
    now = utcnow()
    for email in emails:
        try:
            if email.id is not None:
                _enqueue(email.id, email.next_attempt_at, now)
        except Exception:
            log.exception("could not queue email %s now; the tick's mail pass will", email.id)


def mail_pass(now: datetime | None = None) -> list[int]:
    """The tick's mail work: queue the failure emails due, then send what is due; the email ids queued
    for sending. Never raises (logged): mail must not stop the tick."""
    now = now or utcnow()
    try:
        with session_scope() as session:
            mail_failures(session, now)
        return send_due(now)
    except Exception:
        log.exception("the mail pass failed; the next tick tries again")
        return []
