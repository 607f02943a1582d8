"""Google accounts in the store: saved encrypted, refreshed tokens persisted, reconnect and disconnect."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlmodel import select

from connections.clients import gspread_client_for
from connections.google_accounts import (
    disconnect_google_account,
    ensure_service_account,
    mark_needs_reconnect,
    save_google_account,
)
from sheets.errors import GoogleReconnectRequired
from store import db
from store.crypto import decrypt_json
from store.models import Exporter, ExporterState, GoogleAccount, GoogleAccountStatus
from tests import factories
from tests.sheets import conftest as sheet_fixtures

google_settings = sheet_fixtures.google_settings  # the fixture, shared with tests/sheets


def _issue(google_settings, email: str) -> dict:
    tokens = requests.post(
        f"{google_settings.google_api_base}/_emulator/tokens", json={"email": email}, timeout=30
    ).json()
    return {
        "token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "expiry": "2000-01-01T00:00:00+00:00",  # already expired: the first call refreshes
        "scopes": tokens["scope"].split(),
        "token_uri": google_settings.google_token_url,
        "email": email,
    }


def test_a_connected_account_writes_and_keeps_its_refreshed_token(google_settings):
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        account, created = save_google_account(session, workspace.id, None, _issue(google_settings, email))
        again, created_again = save_google_account(
            session, workspace.id, None, _issue(google_settings, email)
        )
        assert created and not created_again and again.id == account.id
        assert email not in account.credentials_enc and "refresh" not in account.credentials_enc
        account_id = account.id
    with db.session_scope() as session:
        account = session.get(GoogleAccount, account_id)
        gspread_client_for(account).create("Refreshed")
    with db.session_scope() as session:
        stored = decrypt_json(session.get(GoogleAccount, account_id).credentials_enc)
        assert not stored["expiry"].startswith("2000") and "client_secret" not in stored


def test_a_revoked_grant_marks_the_account_for_reconnect(google_settings):
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        account, _ = save_google_account(session, workspace.id, None, _issue(google_settings, email))
        account_id = account.id
    requests.post(
        f"{google_settings.google_api_base}/_emulator/tokens/revoke", json={"email": email}, timeout=30
    )
    with db.session_scope() as session, pytest.raises(GoogleReconnectRequired, match=f"Reconnect {email}"):
        gspread_client_for(session.get(GoogleAccount, account_id)).create("Nope")
    with db.session_scope() as session:
        account = session.get(GoogleAccount, account_id)
        assert account.status == GoogleAccountStatus.NEEDS_RECONNECT and account.status_reason
        with pytest.raises(GoogleReconnectRequired):
            gspread_client_for(account)


def test_disconnect_revokes_and_keeps_the_exporters(google_settings):
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    info = _issue(google_settings, email)
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        account, _ = save_google_account(session, workspace.id, None, info)
        exporter = factories.exporter(session, workspace.id, google_account_id=account.id)
        disconnect_google_account(session, account)
        exporter_id = exporter.id
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert exporter.google_account_id is None and email in exporter.paused_reason
        assert not exporter.enabled and exporter.state == ExporterState.PAUSED_GOOGLE
        assert session.exec(select(GoogleAccount).where(GoogleAccount.email == email)).first() is None
    refused = requests.post(
        google_settings.google_token_url,
        timeout=30,
        data={
            "grant_type": "refresh_token",
            "refresh_token": info["refresh_token"],
            "client_id": google_settings.google_client_id,
            "client_secret": google_settings.google_client_secret,
        },
    )
    assert refused.status_code == 400


def test_the_service_account_becomes_a_google_account_of_the_workspace(google_settings, tmp_path):
    from store.settings import configure

    key = requests.post(
        f"{google_settings.google_api_base}/_emulator/service-accounts", json={}, timeout=30
    ).json()
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    configure(google_settings.with_overrides(google_service_account_file=str(path)))
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        account = ensure_service_account(session, workspace.id)
        assert account.kind == "service_account" and account.email == key["client_email"]
        assert ensure_service_account(session, workspace.id).id == account.id
        assert gspread_client_for(account).http_client.calls == 0


def test_a_disconnected_account_pauses_its_exporters_and_reconnecting_it_reattaches_them(google_settings):
    """On main the exporters stayed enabled with no account (Run now then failed) and stayed detached after
    the same account was connected again, each to be re-saved."""
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        account, _ = save_google_account(session, workspace.id, None, _issue(google_settings, email))
        exporter_id = factories.exporter(session, workspace.id, google_account_id=account.id).id
        disconnect_google_account(session, account)
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert not exporter.enabled and "was disconnected" in exporter.paused_reason
    with db.session_scope() as session:
        again, created = save_google_account(session, workspace.id, None, _issue(google_settings, email))
        assert created
        again_id = again.id
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert exporter.google_account_id == again_id
        assert exporter.enabled and exporter.state == ExporterState.ACTIVE and exporter.paused_reason == ""


def test_a_refused_account_pauses_its_exporters_until_reconnected(google_settings):
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        account, _ = save_google_account(session, workspace.id, None, _issue(google_settings, email))
        exporter_id = factories.exporter(session, workspace.id, google_account_id=account.id).id
        mark_needs_reconnect(session, account, "invalid_grant")
    with db.session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        assert (
            exporter.state == ExporterState.PAUSED_GOOGLE and "needs reconnecting" in exporter.paused_reason
        )
        save_google_account(session, workspace.id, None, _issue(google_settings, email))
    with db.session_scope() as session:
        assert session.get(Exporter, exporter_id).enabled
