"""Failure mail per user preference, queued by the tick: immediate (next tick), a daily digest at the
user's local hour listing the failed runs since the last one with links, or nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from store.db import session_scope
from store.models import FailureMail, RunStatus, User
from tests import factories
from tests.mail.conftest import sending_to, work
from tests.mail.mailbox import text_of
from tests.mail.people import finished_run, person
from tests.web.browser import Browser
from web import create_app
from workers.tick import tick

NEW_YORK_7AM = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 07:00 EDT, two days after DST began


def test_the_daily_digest_lists_the_failed_runs_since_the_last_one_at_the_users_hour(
    database_url, mail_settings, mailbox
) -> None:
    with session_scope() as session:
        mine = factories.workspace(session, "Acme books")
        theirs = factories.workspace(session, "Other books")
        ada = person(session, "ada@example.com", mine.id, time_zone="America/New_York")
        person(session, "ada-elsewhere@example.com", theirs.id)
        session.add(_membership_as_member(ada.id, theirs.id))
        ar = factories.exporter(session, mine.id, name="AR aging")
        pl = factories.exporter(session, mine.id, name="P&L monthly")
        other = factories.exporter(session, theirs.id, name="Not Ada's")
        yesterday = finished_run(
            session, ar.id, mine.id, NEW_YORK_7AM - timedelta(hours=20), error="QuickBooks is down\nmore"
        )
        overnight = finished_run(
            session, pl.id, mine.id, NEW_YORK_7AM - timedelta(hours=9), error="Sheet full"
        )
        finished_run(session, ar.id, mine.id, NEW_YORK_7AM - timedelta(hours=8), status=RunStatus.SUCCEEDED)
        finished_run(session, other.id, theirs.id, NEW_YORK_7AM - timedelta(hours=7), error="not Ada's")
        too_old = finished_run(session, ar.id, mine.id, NEW_YORK_7AM - timedelta(days=2), error="old news")

    tick(NEW_YORK_7AM - timedelta(minutes=2))  # 06:58 in New York: not yet
    work()
    assert mailbox.to("ada@example.com") == []

    tick(NEW_YORK_7AM + timedelta(minutes=2))
    work()
    [digest] = mailbox.to("ada@example.com")
    assert digest["Subject"] == "Sheetbooks daily digest: 2 failed runs"
    body = text_of(digest)
    assert "- AR aging (Acme books), 2026-03-09 11:00 EDT: QuickBooks is down\n" in body
    assert f"  http://localhost/runs/{yesterday}\n" in body
    assert "- P&L monthly (Acme books), 2026-03-09 22:00 EDT: Sheet full" in body
    assert f"http://localhost/runs/{overnight}" in body
    assert "not Ada's" not in body and "more" not in body and f"/runs/{too_old}" not in body
    assert body.index("AR aging") < body.index("P&L monthly")  # in the order they failed

    with session_scope() as session:
        later = finished_run(session, ar.id, mine.id, NEW_YORK_7AM + timedelta(hours=3), error="Again")
    tick(NEW_YORK_7AM + timedelta(minutes=30))  # the same day: no second digest
    tick(NEW_YORK_7AM + timedelta(hours=12))
    work()
    assert len(mailbox.to("ada@example.com")) == 1

    tick(NEW_YORK_7AM + timedelta(days=1, minutes=2))
    work()
    second = text_of(mailbox.to("ada@example.com")[1])
    assert f"/runs/{later}" in second and f"/runs/{yesterday}" not in second
    assert "1 failed run since the last email" in second


def _membership_as_member(user_id: int, workspace_id: int):
    from store.models import Membership, Role

    return Membership(user_id=user_id, workspace_id=workspace_id, role=Role.MEMBER)


def test_immediate_mail_comes_at_the_next_tick_digest_waits_and_off_gets_nothing(
    mail_settings, mailbox
) -> None:
    now = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    with session_scope() as session:
        workspace = factories.workspace(session, "Acme books")
        person(session, "now@example.com", workspace.id, failure_mail=FailureMail.IMMEDIATE)
        person(session, "off@example.com", workspace.id, failure_mail=FailureMail.OFF)
        person(
            session,
            "daily@example.com",
            workspace.id,
            failure_mail=FailureMail.DIGEST,
            failures_mailed_at=now.replace(hour=7),  # today's digest went out this morning
        )
        exporter = factories.exporter(session, workspace.id, name="AR aging")
        run_id = finished_run(session, exporter.id, workspace.id, now - timedelta(minutes=3), error="Boom")

    tick(now)
    work()
    [message] = mailbox.messages
    assert message["To"] == "now@example.com"
    assert message["Subject"] == "Sheetbooks: the exporter AR aging failed"
    assert f"http://localhost/runs/{run_id}" in text_of(message) and "Boom" in text_of(message)
    tick(now + timedelta(minutes=1))
    work()
    assert len(mailbox.messages) == 1  # each failure once

    tick(now.replace(hour=11) + timedelta(days=1))  # 07:00 the next day in UTC: the digest
    work()
    assert [m["To"] for m in mailbox.messages] == ["now@example.com", "daily@example.com"]
    assert mailbox.to("off@example.com") == []


def test_the_account_page_saves_the_failure_mail_preference(store_settings, mailbox) -> None:
    person_ = Browser(
        create_app({"SETTINGS": sending_to(store_settings, mailbox), "TESTING": True}).test_client()
    )
    email = f"ada-{uuid.uuid4().hex[:6]}@example.com"
    person_.sign_up("Ada", email)
    page = person_.get("/account")
    assert page.has("A daily digest goes out at 07:00 in your time zone")
    assert person_.form("Save settings").fields["failure_mail"] == "digest"
    person_.fill("/account", "Save settings", failure_mail="immediate", time_zone="")
    with session_scope() as session:
        assert session.exec(select(User).where(User.email == email)).one().failure_mail == "immediate"
    assert person_.form("Save settings").fields["failure_mail"] == "immediate"
