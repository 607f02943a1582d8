"""Notices to the workspace's owners: an exporter paused itself, a company or Google account needs
reconnecting. Written in the caller's transaction, sent by a job; SMTP down fails nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import requests
from redis import Redis
from sqlmodel import select

from connections.clients import qbo_client_for
from connections.companies import save_connection
from connections.google_accounts import mark_needs_reconnect, save_google_account
from mail import notices
from qbo.errors import ReconnectRequired
from store.db import session_scope
from store.models import Company, CompanyStatus, ExporterCompany, FailureMail, OutboxEmail, Role, utcnow
from store.settings import configure
from tests import factories
from tests.mail.conftest import sending_to, work
from tests.mail.mailbox import text_of
from tests.mail.people import person
from tests.qbo.fixtures import emulator_admin, own_qbo_emulator  # noqa: F401 - fixtures of this module
from tests.qbo.intuit import EmulatorClock, connect
from workers.mail import mail_pass


def test_an_exporter_that_paused_itself_mails_the_owners_who_want_mail(mail_settings, mailbox) -> None:
    with session_scope() as session:
        workspace = factories.workspace(session, "Acme books")
        person(session, "daily@example.com", workspace.id, failure_mail=FailureMail.DIGEST)
        person(session, "quiet@example.com", workspace.id, failure_mail=FailureMail.OFF)
        person(session, "member@example.com", workspace.id, role=Role.MEMBER)
        exporter = factories.exporter(session, workspace.id, name="AR aging")
        queued = notices.exporter_paused_itself(
            session, exporter, "Paused after 5 failed runs in a row (last: QuickBooks is down)."
        )
    assert [e.to for e in queued] == ["daily@example.com"]
    mail_pass()
    work()
    [message] = mailbox.messages
    assert message["To"] == "daily@example.com"
    assert message["Subject"] == "Sheetbooks paused the exporter AR aging"
    body = text_of(message)
    assert "Paused after 5 failed runs in a row (last: QuickBooks is down)." in body
    assert f"http://localhost/exporters/{exporter.id}" in body
    assert "own the workspace Acme books" in body and "http://localhost/account" in body


def _google_grant(settings, email: str) -> dict:
    """A grant the Google emulator issued for `email`, as the OAuth callback stores it."""
    tokens = requests.post(
        f"{settings.google_api_base}/_emulator/tokens", json={"email": email}, timeout=30
    ).json()
    return {
        "token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "expiry": "2000-01-01T00:00:00+00:00",
        "scopes": tokens["scope"].split(),
        "token_uri": settings.google_token_url,
        "email": email,
    }


def test_a_google_account_google_refused_mails_the_owners_once(settings, mailbox) -> None:
    configure(sending_to(settings, mailbox))
    email = f"sheets-{uuid.uuid4().hex[:6]}@example.com"
    with session_scope() as session:
        workspace = factories.workspace(session)
        person(session, "owner@example.com", workspace.id, failure_mail=FailureMail.IMMEDIATE)
        account, _ = save_google_account(session, workspace.id, None, _google_grant(settings, email))
        factories.exporter(session, workspace.id, name="Invoices to Sheets", google_account_id=account.id)
        mark_needs_reconnect(session, account, "invalid_grant")
        mark_needs_reconnect(session, account, "invalid_grant")  # still refused: no second email
    mail_pass()
    work()
    [message] = mailbox.messages
    assert message["Subject"] == f"Reconnect the Google account {email}"
    body = text_of(message)
    assert "http://localhost/google/" in body and "- Invoices to Sheets: http://localhost/exporters/" in body


@pytest.fixture
def refused_company(settings, admin, mailbox):
    """A company connected through Intuit's consent page, read by one exporter, with an immediate owner."""
    configure(sending_to(settings, mailbox))
    realm = admin.company("Tokens & Sons", invoices=3)
    clock = EmulatorClock()
    tokens = connect(settings, realm, clock)
    with session_scope() as session:
        workspace = factories.workspace(session, "Acme books")
        person(session, "owner@example.com", workspace.id, failure_mail=FailureMail.IMMEDIATE)
        row, _ = save_connection(session, workspace.id, None, realm, tokens, "Tokens & Sons", clock())
        exporter = factories.exporter(session, workspace.id, name="Open invoices")
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=row.id))
    admin.revoke_grant(realm)
    return row


def test_with_smtp_down_a_company_intuit_refuses_is_marked_and_its_notice_waits_for_smtp(
    refused_company, mailbox, redis_url
) -> None:
    mailbox.stop()
    client = qbo_client_for(refused_company, Redis.from_url(redis_url), max_wait_seconds=0)
    with pytest.raises(ReconnectRequired):  # what a run meets: the refusal, not a mail error
        client.company_info()
    with session_scope() as session:
        company = session.get(Company, refused_company.id)
        assert company.status == CompanyStatus.NEEDS_RECONNECT
        [email] = session.exec(select(OutboxEmail)).all()
    mail_pass()
    work()  # the send job meets a closed port: the email stays queued
    with session_scope() as session:
        assert session.get(OutboxEmail, email.id).attempts == 1

    mailbox.start()
    mail_pass(utcnow() + timedelta(minutes=2))
    work()
    [message] = mailbox.messages
    assert message["Subject"] == "Reconnect the QuickBooks company Tokens & Sons"
    body = text_of(message)
    assert "invalid_grant" in body and "http://localhost/companies/" in body
    assert "- Open invoices: http://localhost/exporters/" in body


def test_an_exporter_failing_until_it_pauses_itself_queues_the_owners_notice_once(
    mail_settings, mailbox
) -> None:
    """The run recorder's self-pause (exporters.failure_streak) writes the notice in the pausing
    transaction: the Nth failure in a row mails the owners once; later failures of the paused exporter
    mail nobody again."""
    from exporters.failures import Failure
    from exporters.run_record import record_failure
    from store import states
    from store.models import Run, RunTrigger
    from tests.conftest import installed

    subject = "Sheetbooks paused the exporter AP aging"
    with installed(mail_settings.with_overrides(pause_after_failures=2)):
        with session_scope() as session:
            workspace = factories.workspace(session, "Acme books")
            person(session, "owner@example.com", workspace.id, failure_mail=FailureMail.DIGEST)
            exporter_id, workspace_id = (
                factories.exporter(session, workspace.id, name="AP aging").id,
                workspace.id,
            )
        for _ in range(3):
            with session_scope() as session:
                run = Run(exporter_id=exporter_id, workspace_id=workspace_id, trigger=RunTrigger.MANUAL)
                session.add(run)
                session.flush()
                states.claim_run(session, run.id)
                run_id = run.id
            record_failure(run_id, Failure("QuickBooks is down for maintenance."))
        with session_scope() as session:
            queued = session.exec(select(OutboxEmail).where(OutboxEmail.subject == subject)).all()
            assert [e.to for e in queued] == ["owner@example.com"]
        mail_pass()
        work()
    [message] = mailbox.messages
    assert message["Subject"] == subject and "QuickBooks is down for maintenance." in text_of(message)
