"""Mail about failed runs, as each owner chose on /account: at once (immediate), daily (digest), or off.

Both are the same thing at different paces: the failed runs of the workspaces a user owns that ended
in a window (their `failures_mailed_at`, `until`]. The tick's mail pass (workers.mail) calls
`mail_failures` every minute: an immediate user with failures in the window gets them now; a digest
user gets the day's at DIGEST_HOUR (settings.mail_digest_hour) in their own time zone, once a day. The
window moves with a conditional UPDATE in the transaction that queues the email, so two ticks never
mail one failure twice and a crash between the two loses none. `until` trails the clock by SETTLE so a
run whose end is still being committed falls in the next window, not between two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, CursorResult, and_, exists, func, or_, update
from sqlmodel import Session, col, select

from mail import links
from store.models import Exporter, FailureMail, Membership, OutboxEmail, Role, Run, RunStatus, User, Workspace
from store.outbox import queue_email
from store.settings import get_settings

SETTLE = timedelta(minutes=1)
FIRST_WINDOW = timedelta(days=1)  # a user never mailed before hears of the last day's failures
LONGEST_WINDOW = timedelta(days=7)  # back from "off": at most a week of old failures
MOST_LISTED = 50


@dataclass(frozen=True)
class Failure:
    """One failed run as the email lists it."""

    run_id: int
    exporter: str
    workspace: str
    finished_at: datetime
    error: str


def zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def window_start(user: User, until: datetime) -> datetime:
    start = user.failures_mailed_at or until - FIRST_WINDOW
    return max(start, until - LONGEST_WINDOW)


def _failed_runs_of(user_id: Any, since: Any, until: datetime) -> ColumnElement[bool]:
    """The WHERE of "failed runs in a workspace the user owns, ended in (since, until]"."""
    return and_(
        col(Membership.workspace_id) == col(Run.workspace_id),
        col(Membership.user_id) == user_id,
        col(Membership.role) == Role.OWNER,
        col(Run.status) == RunStatus.FAILED,
        col(Run.finished_at) > since,
        col(Run.finished_at) <= until,
    )


def failures(session: Session, user: User, since: datetime, until: datetime) -> list[Failure]:
    statement = (
        select(Run, Exporter.name, Workspace.name)
        .join(Exporter, col(Exporter.id) == col(Run.exporter_id))
        .join(Workspace, col(Workspace.id) == col(Run.workspace_id))
        .join(Membership, col(Membership.workspace_id) == col(Run.workspace_id))
        .where(_failed_runs_of(user.id, since, until))
        .order_by(col(Run.finished_at), col(Run.id))
    )
    return [
        Failure(run.id or 0, exporter, workspace, run.finished_at or until, run.error)
        for run, exporter, workspace in session.exec(statement).all()
    ]


def digest_due(user: User, until: datetime, hour: int) -> bool:
    """Whether today's digest (at `hour`, the user's local time) is due and not yet mailed."""
    local = until.astimezone(zone(user))
    today_at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return local >= today_at and (user.failures_mailed_at is None or user.failures_mailed_at < today_at)


def candidates(session: Session, until: datetime) -> list[User]:
    """Immediate users with a failure in their window, and digest users not mailed for most of a day."""
    since = func.coalesce(User.failures_mailed_at, until - FIRST_WINDOW)
    has_failure = exists(select(Run.id).where(_failed_runs_of(User.id, since, until)))
    statement = select(User).where(
        or_(
            and_(col(User.failure_mail) == FailureMail.IMMEDIATE, has_failure),
            and_(
                col(User.failure_mail) == FailureMail.DIGEST,
                or_(
                    col(User.failures_mailed_at).is_(None),
                    col(User.failures_mailed_at) <= until - timedelta(hours=12),
                ),
            ),
        )
    )
    return list(session.exec(statement).all())


def claim_window(session: Session, user: User, until: datetime) -> bool:
    """Move the user's window end from what we saw to `until`; only one pass wins."""
    seen = user.failures_mailed_at
    same = col(User.failures_mailed_at).is_(None) if seen is None else col(User.failures_mailed_at) == seen
    result = session.execute(
        update(User).where(col(User.id) == user.id, same).values(failures_mailed_at=until)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


def _line(failure: Failure, where: ZoneInfo) -> str:
    when = failure.finished_at.astimezone(where).strftime("%Y-%m-%d %H:%M %Z")
    error = (failure.error.strip().splitlines() or ["(no error recorded)"])[0][:300]
    return f"- {failure.exporter} ({failure.workspace}), {when}: {error}\n  {links.run(failure.run_id)}"


def compose(user: User, found: list[Failure], digest: bool) -> tuple[str, str]:
    """The subject and body of a failure email."""
    count = f"{len(found)} failed run{'' if len(found) == 1 else 's'}"
    subject = (
        f"Sheetbooks daily digest: {count}"
        if digest
        else (
            f"Sheetbooks: the exporter {found[0].exporter} failed"
            if len(found) == 1
            else f"Sheetbooks: {count}"
        )
    )
    where = zone(user)
    lines = "\n".join(_line(f, where) for f in found[:MOST_LISTED])
    more = (
        f"\n… and {len(found) - MOST_LISTED} more: {links.page('/runs/')}" if len(found) > MOST_LISTED else ""
    )
    pace = "once a day" if digest else "as runs fail"
    body = (
        f"{count.capitalize()} since the last email, in the workspaces you own:\n\n{lines}{more}\n\n"
        f"Each link opens the run with its error. You get these emails {pace}; choose immediate, a daily "
        f"digest or none on your account page: {links.page(links.ACCOUNT)}"
    )
    return subject, body


def mail_failures(session: Session, now: datetime) -> list[OutboxEmail]:
    """Queue the failure emails due now (not committed); the emails queued."""
    settings = get_settings()
    if not settings.mail_delivered:
        return []
    until = now - SETTLE
    queued = []
    for user in candidates(session, until):
        digest = user.failure_mail == FailureMail.DIGEST
        if digest and not digest_due(user, until, settings.mail_digest_hour):
            continue
        since = window_start(user, until)
        if not claim_window(session, user, until):
            continue
        found = failures(session, user, since, until)
        if found:
            queued.append(queue_email(session, user.email, *compose(user, found, digest)))
    return queued
