"""Connecting Google accounts through the emulator (code + PKCE), listing, disconnecting."""

from __future__ import annotations

from sqlmodel import Session, select

from store.db import get_engine
from store.models import GoogleAccount
from tests.web.browser import Browser, form_with_button
from tests.web.oauth import connect_google, consent_redirect


def accounts() -> list[GoogleAccount]:
    with Session(get_engine()) as session:
        return list(session.exec(select(GoogleAccount)).all())


def test_connect_google_lists_the_account(user: Browser, google_emulator) -> None:
    page = connect_google(user, "writer@example.com", "Allow")
    assert page.has("Connected the Google account writer@example.com")
    assert page.has("writer@example.com") and page.has("connected")
    [account] = accounts()
    assert account.credentials_enc and "writer@example.com" not in account.credentials_enc
    page = connect_google(user, "writer@example.com", "Allow")
    assert page.has("Reconnected the Google account writer@example.com")
    assert len(accounts()) == 1


def test_cancel_and_forged_state(user: Browser, google_emulator) -> None:
    assert connect_google(user, "x@example.com", "Cancel").has("You cancelled at Google; nothing changed.")
    authorize = user.redirect_of(form_with_button(user.get("/google/"), "Connect Google"))
    back = consent_redirect(authorize, "Allow", email="x@example.com")
    assert user.get(back.replace("state=", "state=forged")).has("could not be verified")
    assert accounts() == []


def test_disconnect_google(user: Browser, google_emulator) -> None:
    connect_google(user, "writer@example.com", "Allow")
    page = user.get(user.get("/google/").link("Disconnect"))
    assert page.has("revokes its access at Google") and page.has("0 exporters writing through it")
    page = user.submit(user.form("Disconnect"))
    assert page.has("Disconnected writer@example.com")
    assert accounts() == []
