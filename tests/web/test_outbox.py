"""The outbox keeps no live link in clear: encrypted until delivered, forgotten after (store.outbox)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import Session, select

from store.db import get_engine
from store.models import OutboxEmail
from store.outbox import deliver
from tests.web.browser import Browser


def _table_dump() -> str:
    with Session(get_engine()) as session:
        return repr(session.exec(text("SELECT * FROM outboxemail")).all())  # type: ignore[call-overload]


def _ask_for_reset(browser: Browser, email: str) -> None:
    browser.sign_up("Ada", email)
    browser.log_out()
    browser.fill("/password/forgot", "Send the reset link", email=email)


def test_a_reset_email_is_stored_without_its_link_and_delivered_once(browser: Browser, database_url) -> None:
    _ask_for_reset(browser, "ada@example.com")
    dump = _table_dump()
    assert "Reset your Sheetbooks password" in dump
    assert "/password/reset/" not in dump  # the link is only in the encrypted column
    with Session(get_engine()) as session:
        mail = session.exec(select(OutboxEmail)).one()
        sent = deliver(session, mail)
        session.commit()
        again = deliver(session, mail)
    link = re.search(r"http\S+/password/reset/\S+", sent)
    assert link is not None
    token = link.group(0).rsplit("/", 1)[1]
    assert token not in again and "already delivered" in again
    assert token not in _table_dump()  # after delivery, not even the ciphertext is kept
    page = browser.fill(
        link.group(0), "Change password", password="brand new secret", confirm="brand new secret"
    )
    assert page.has("Your password was changed")


def test_the_demo_outbox_shows_a_link_once(demo_client) -> None:
    person = Browser(demo_client)
    _ask_for_reset(person, "dee@example.com")
    first = person.get("/outbox")
    assert first.link("/password/reset/")
    second = person.get("/outbox")
    assert second.has("Reset your Sheetbooks password") and second.has("already delivered")
    assert "/password/reset/" not in demo_client.get("/outbox").get_data(as_text=True)
