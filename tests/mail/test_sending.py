"""Password reset and invites go out through a real SMTP server, from a job; a broken server fails no page
and the mail leaves once it is back; TLS (ssl, starttls) with login; no secret in logs."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mail.sending import send_one
from store.db import get_engine, session_scope
from store.models import Membership, OutboxEmail, utcnow
from store.outbox import queue_email
from store.settings import configure, get_settings
from tests.mail.conftest import sending_to, work
from tests.mail.mailbox import PASSWORD, USER, Mailbox, self_signed, text_of
from tests.web.browser import Browser
from web import create_app
from workers.mail import mail_pass, send_soon


def _browser(settings) -> Browser:
    return Browser(create_app({"SETTINGS": settings, "TESTING": True}).test_client())


def _link(text: str) -> str:
    return re.search(r"http\S+", text).group(0).replace("http://localhost", "")


def _outbox() -> list[OutboxEmail]:
    with Session(get_engine()) as session:
        return list(session.exec(select(OutboxEmail)).all())


def test_the_reset_email_is_sent_by_a_job_and_its_link_works_once(store_settings, mailbox) -> None:
    person = _browser(sending_to(store_settings, mailbox))
    person.sign_up("Ada", "ada@example.com")
    person.log_out()
    page = person.fill("/password/forgot", "Send the reset link", email="ada@example.com")
    assert page.has("we sent it a link")
    assert mailbox.messages == []  # not sent inside the request
    work()
    [message] = mailbox.to("ada@example.com")
    assert message["Subject"] == "Reset your Sheetbooks password"
    assert message["From"] == "Sheetbooks <sb@example.com>"
    link = _link(text_of(message))
    assert link.startswith("/password/reset/")
    [email] = _outbox()
    assert email.delivered_at is not None and email.link_enc == ""  # the link is forgotten once sent
    page = person.fill(link, "Change password", password="a brand new secret", confirm="a brand new secret")
    assert page.has("Your password was changed")
    assert person.get(link).has("expired or was already used")


def test_with_smtp_down_the_reset_page_is_fine_and_the_mail_leaves_when_smtp_is_back(
    store_settings, mailbox
) -> None:
    person = _browser(sending_to(store_settings, mailbox))
    person.sign_up("Ada", "ada@example.com")
    person.log_out()
    mailbox.stop()
    page = person.fill("/password/forgot", "Send the reset link", email="ada@example.com")
    assert person.status == 200 and page.has("we sent it a link")
    work()  # the send job meets a closed port
    [email] = _outbox()
    assert email.delivered_at is None and email.attempts == 1 and "could not be reached" in email.last_error
    assert email.link_enc != ""  # the link waits, encrypted, for the next attempt
    assert mail_pass(utcnow()) == []  # not before its backoff

    mailbox.start()
    assert mail_pass(utcnow() + timedelta(minutes=2)) == [email.id]
    work()
    [message] = mailbox.to("ada@example.com")
    page = person.fill(
        _link(text_of(message)), "Change password", password="a new secret!", confirm="a new secret!"
    )
    assert page.has("Your password was changed")
    assert mail_pass(utcnow() + timedelta(hours=2)) == []  # delivered: never again


def test_two_passes_queue_one_send_and_a_stale_job_sends_nothing(
    database_url, mail_settings, mailbox
) -> None:
    with session_scope() as session:
        email = queue_email(session, "ada@example.com", "Hello", "Once.")
    now = utcnow()
    assert mail_pass(now) == [email.id]
    assert mail_pass(now) == []  # leased to the first pass's job
    assert not send_one(email.id, now)  # a job holding another lease does not send
    work()
    assert len(mailbox.messages) == 1


def test_without_smtp_outside_the_demo_the_reset_page_says_mail_is_not_configured(store_settings) -> None:
    person = _browser(store_settings)
    person.sign_up("Ada", "ada@example.com")
    person.log_out()
    page = person.get("/password/forgot")
    assert person.status == 503
    assert page.has("Email is not configured") and page.has("Ask your administrator")
    assert not page.has("Send the reset link")
    assert _outbox() == []


def test_an_invite_is_emailed_and_its_link_joins_the_workspace(store_settings, mailbox) -> None:
    app = create_app({"SETTINGS": sending_to(store_settings, mailbox), "TESTING": True})
    owner = Browser(app.test_client())
    owner.sign_up("Ada", "ada@example.com")
    page = owner.fill("/workspace/members", "Create an invite link", email="bob@example.com")
    assert page.has("Invite sent to bob@example.com")
    assert not page.has("/workspace/join/")  # the link went to Bob, not on the owner's screen
    work()
    [message] = mailbox.to("bob@example.com")
    assert "Ada's workspace" in message["Subject"]
    bob = Browser(app.test_client())
    bob.sign_up("Bob", "bob@example.com")
    bob.get(_link(text_of(message)))
    assert bob.submit(bob.form("Join the workspace")).has("You joined Ada's workspace")
    with Session(get_engine()) as session:
        assert len(session.exec(select(Membership)).all()) == 3  # Ada's, Bob's own, Bob in Ada's


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_with_login(store_settings, tmp_path, monkeypatch, caplog, security) -> None:
    cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # the client trusts the test's own certificate
    box = Mailbox(security=security, cert=cert).start()
    try:
        configure(sending_to(store_settings, box, smtp_user=USER, smtp_password=PASSWORD))
        with session_scope() as session:
            email = queue_email(session, "ada@example.com", "Over TLS", "Sealed.")
        send_soon([email])
        work()
        assert [m["Subject"] for m in box.messages] == ["Over TLS"] and box.logins == [(USER, True)]

        configure(sending_to(store_settings, box, smtp_user=USER, smtp_password="wrong " + PASSWORD))
        with session_scope() as session:
            email = queue_email(session, "ada@example.com", "Refused", "Not sent.")
        caplog.set_level(logging.WARNING)
        assert not send_one(email.id, _lease(email.id))
        [row] = [e for e in _outbox() if e.id == email.id]
        assert "refused SMTP_USER's login" in row.last_error and row.attempts == 1
        assert PASSWORD not in caplog.text and PASSWORD not in row.last_error
        assert PASSWORD not in repr(get_settings())
    finally:
        box.stop()
        configure(store_settings)


def _lease(email_id: int):
    from mail.sending import claim

    return claim(email_id, None, utcnow())
