"""Connecting Google accounts through the emulator (code + PKCE), listing, disconnecting."""

from __future__ import annotations

import json

import pytest
import requests
from flask import Flask
from sqlmodel import Session, select

from connections.clients import gspread_client_for
from sheets.errors import GoogleReconnectRequired
from store import crypto
from store.db import get_engine
from store.models import Exporter, GoogleAccount, GoogleAccountStatus
from tests.sheets.conftest import new_user
from tests.web.browser import Browser, form_with_button
from tests.web.oauth import connect_google, connect_quickbooks, consent_redirect
from web import create_app


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


def _writing_exporter(account: GoogleAccount, name: str) -> int:
    with Session(get_engine()) as session:
        exporter = Exporter(
            workspace_id=account.workspace_id, name=name, source="invoices", google_account_id=account.id
        )
        session.add(exporter)
        session.commit()
        return exporter.id


def _expire_access_token(account_id: int) -> None:
    """Make the stored access token look expired, so the next write refreshes it at Google."""
    with Session(get_engine()) as session:
        account = session.get(GoogleAccount, account_id)
        info = crypto.decrypt_json(account.credentials_enc)
        account.credentials_enc = crypto.encrypt_json(info | {"expiry": "2000-01-01T00:00:00+00:00"})
        session.add(account)
        session.commit()


def test_a_revoked_google_grant_shows_on_the_account_and_every_exporter_until_reconnected(
    user: Browser, google_emulator
) -> None:
    connect_google(user, "revoked@example.com", "Allow")
    [account] = accounts()
    first, second = _writing_exporter(account, "P&L sheet"), _writing_exporter(account, "AR sheet")
    requests.post(
        f"{google_emulator.url}/_emulator/tokens/revoke", json={"email": "revoked@example.com"}, timeout=30
    ).raise_for_status()
    _expire_access_token(account.id)

    with pytest.raises(GoogleReconnectRequired):
        gspread_client_for(accounts()[0]).create("Never written")

    page = user.get("/google/")
    assert page.has("needs reconnect") and page.has("invalid_grant")
    assert form_with_button(page, "Reconnect")
    for exporter_id in (first, second):
        assert user.get(f"/exporters/{exporter_id}").has(
            "The Google account revoked@example.com needs reconnecting"
        )
    home = user.get("/")
    assert home.has("P&L sheet") and home.has("AR sheet") and home.has("needs reconnecting")

    page = connect_google(user, "revoked@example.com", "Allow")
    assert page.has("Reconnected the Google account revoked@example.com")
    [account] = accounts()
    assert account.status == GoogleAccountStatus.CONNECTED and account.status_reason == ""
    for exporter_id in (first, second):
        assert not user.get(f"/exporters/{exporter_id}").has("needs reconnecting")
    assert gspread_client_for(account).create("Written again").id


def service_account_deployment(settings, google_emulator, tmp_path) -> tuple[Flask, dict]:
    """The dashboard of a self-hosted deployment whose settings point at a service-account key file."""
    key = requests.post(f"{google_emulator.url}/_emulator/service-accounts", json={}, timeout=30).json()
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(key))
    app = create_app(
        {"SETTINGS": settings.with_overrides(google_service_account_file=str(path)), "TESTING": True}
    )
    return app, key


def test_service_account_mode_shows_the_email_to_share_spreadsheets_with(
    settings, google_emulator, tmp_path
) -> None:
    app, key = service_account_deployment(settings, google_emulator, tmp_path)
    person = Browser(app.test_client())
    person.sign_up("Sam", "sam@example.com")

    page = person.get("/google/")
    assert page.has("Share each spreadsheet (as Editor) with") and page.has(key["client_email"])
    assert page.has(f"{key['client_email']} (service account)")
    assert "Disconnect" not in [label for label, _ in page.links]  # the deployment's account stays
    [account] = accounts()
    assert account.kind == "service_account" and account.credentials_enc == ""


def test_disconnect_when_google_cannot_be_reached_still_forgets_the_account_and_says_so(
    settings, google_emulator
) -> None:
    app = create_app(
        {"SETTINGS": settings.with_overrides(google_revoke_url="http://127.0.0.1:9/revoke"), "TESTING": True}
    )
    person = Browser(app.test_client())
    person.sign_up("Gil", "gil@example.com")
    connect_google(person, "offline@example.com", "Allow")
    person.get(person.get("/google/").link("Disconnect"))
    page = person.submit(person.form("Disconnect"))
    assert page.has("Disconnected offline@example.com")
    assert page.has("Google could not be reached to revoke") and page.has("deleted the tokens anyway")
    assert accounts() == []


def test_the_shared_service_account_cannot_reach_another_workspaces_spreadsheet(
    settings, qbo_emulator, google_emulator, tmp_path
) -> None:
    app, key = service_account_deployment(settings, google_emulator, tmp_path)
    victim, attacker = Browser(app.test_client()), Browser(app.test_client())
    victim.sign_up("Vic", "vic@example.com")
    victim.get("/google/")
    [victim_account] = accounts()
    owner = new_user(google_emulator.url, settings, "vic")  # a Google user of Vic's, sharing with the robot
    books = owner.client().create("Vic's books")
    books.share(key["client_email"], perm_type="user", role="writer", notify=False)
    with Session(get_engine()) as session:
        session.add(
            Exporter(
                workspace_id=victim_account.workspace_id,
                name="Vic's invoices",
                source="invoices",
                google_account_id=victim_account.id,
                spreadsheet_id=books.id,
                tab="Invoices",
            )
        )
        session.commit()

    attacker.sign_up("Mal", "mal@example.com")
    realm = requests.post(f"{qbo_emulator.url}/_emulator/companies", json={"name": "Mal Co"}, timeout=30)
    connect_quickbooks(attacker, str(realm.json()["realmId"]))
    attacker.get("/google/")  # the deployment's service account joins the workspace's accounts
    attacker.get("/exporters/new")
    form = attacker.form("Save exporter")
    page = attacker.submit(
        form,
        "Save exporter",
        name="Overwrite",
        companies=form.choices["companies"],
        google_account_id=form.choices["google_account_id"][-1],
        destination="existing",
        spreadsheet=books.id,
    )
    assert page.has("Another workspace's exporter writes to this spreadsheet")
    with Session(get_engine()) as session:
        assert [e.name for e in session.exec(select(Exporter)).all()] == ["Vic's invoices"]
