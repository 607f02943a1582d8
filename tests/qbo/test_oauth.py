"""Intuit OAuth through the emulator's consent page: code flow, exchange, refresh, revoke, errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from qbo.errors import QboConfigError, ReconnectRequired
from qbo.oauth import IntuitOAuth
from tests.qbo.intuit import REDIRECT_URI, Admin, EmulatorClock, connect, consent


@pytest.fixture
def realm(admin: Admin) -> str:
    return admin.company("Consent Co")


def test_authorization_url_asks_for_the_configured_scopes_and_carries_state(settings):
    url = IntuitOAuth(settings).authorization_url(REDIRECT_URI, "csrf-42")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(settings.qbo_auth_url)
    assert query["scope"] == [settings.qbo_scopes] and query["state"] == ["csrf-42"]
    assert query["client_id"] == [settings.qbo_client_id] and query["response_type"] == ["code"]


def test_allowing_consent_brings_code_state_and_realm_and_the_code_buys_tokens(settings, realm):
    clock = EmulatorClock()
    callback = consent(settings, realm, state="csrf-7")
    assert callback["state"] == "csrf-7" and callback["realmId"] == realm

    tokens = IntuitOAuth(settings, clock=clock).exchange_code(callback["code"], REDIRECT_URI)

    now = clock()
    assert tokens.access_token and tokens.refresh_token
    assert timedelta(minutes=59) < tokens.expires_at - now <= timedelta(hours=1)
    assert timedelta(days=100) < tokens.refresh_expires_at - now <= timedelta(days=101)
    assert tokens.refresh_hard_expires_at is not None
    assert tokens.refresh_hard_expires_at - now > timedelta(days=4 * 365)
    assert tokens.access_token not in repr(tokens) and tokens.refresh_token not in repr(tokens)


def test_a_code_works_once(settings, realm):
    callback = consent(settings, realm)
    oauth = IntuitOAuth(settings)
    oauth.exchange_code(callback["code"], REDIRECT_URI)
    with pytest.raises(ReconnectRequired):
        oauth.exchange_code(callback["code"], REDIRECT_URI)


def test_denying_consent_comes_back_as_access_denied(settings, realm):
    callback = consent(settings, realm, decision="deny", state="csrf-9")
    assert callback["error"] == "access_denied" and callback["state"] == "csrf-9"
    assert "code" not in callback


def test_refresh_asks_for_the_hard_expiry_and_keeps_the_token_within_a_day(settings, realm):
    tokens = connect(settings, realm)
    fresh = IntuitOAuth(settings).refresh(tokens.refresh_token)
    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token == tokens.refresh_token
    assert fresh.refresh_hard_expires_at is not None


def test_a_revoked_grant_needs_reconnecting_and_the_message_holds_no_token(settings, realm):
    oauth = IntuitOAuth(settings)
    tokens = connect(settings, realm)
    oauth.revoke(tokens.refresh_token)

    with pytest.raises(ReconnectRequired) as caught:
        oauth.refresh(tokens.refresh_token)

    assert "invalid_grant" in str(caught.value) and "Reconnect" in str(caught.value)
    assert tokens.refresh_token not in str(caught.value)


def test_a_wrong_client_secret_is_a_configuration_error_not_a_reconnect(settings, realm):
    tokens = connect(settings, realm)
    wrong = IntuitOAuth(replace(settings, qbo_client_secret="not-the-secret"))
    with pytest.raises(QboConfigError) as caught:
        wrong.refresh(tokens.refresh_token)
    assert "QBO_CLIENT_SECRET" in str(caught.value)
