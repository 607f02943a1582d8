"""OAuth 2.0 with unmodified clients: google-auth-oauthlib's Flow, authlib, google-auth refresh, revoke."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession, Request
from google_auth_oauthlib.flow import Flow

from tests import pages
from tests.emulators.google.harness import CLIENT_ID, CLIENT_SECRET, SCOPES, Emulator, running

REDIRECT = "http://localhost:5000/google/callback"


@pytest.fixture(scope="module")
def google():
    with running() as emulator:
        yield emulator


def consent(url: str, decision: str = "Allow", email: str = "analyst@example.com") -> str:
    """Open the consent page, pick the account, click the button; return where the browser is sent."""
    page = pages.parse(url, requests.get(url, timeout=10).text)
    form = page.form("Allow")
    answer = requests.post(
        form.action, data=form.data(decision, email=email), allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def flow(google: Emulator) -> Flow:
    config = {
        "web": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_uri": f"{google.url}/o/oauth2/v2/auth",
            "token_uri": f"{google.url}/token",
            "redirect_uris": [REDIRECT],
        }
    }
    return Flow.from_client_config(config, scopes=SCOPES, redirect_uri=REDIRECT)


def test_google_auth_oauthlib_flow_with_pkce_gets_tokens_that_open_the_apis(google, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    start = flow(google)
    url, state = start.authorization_url(
        access_type="offline", prompt="consent", include_granted_scopes="true"
    )
    assert "code_challenge=" in url
    callback = consent(url, email="pat@example.com")
    assert parse_qs(urlsplit(callback).query)["state"] == [state]

    finish = flow(google)
    finish.code_verifier = start.code_verifier  # the product keeps it server-side, keyed by state
    finish.fetch_token(authorization_response=callback)
    creds = finish.credentials
    assert creds.token and creds.refresh_token and creds.id_token

    me = AuthorizedSession(creds).get(f"{google.url}/v1/userinfo", timeout=10).json()
    assert me["email"] == "pat@example.com" and me["email_verified"] is True


def test_code_exchange_without_the_pkce_verifier_is_refused_like_google(google, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    start = flow(google)
    url, _ = start.authorization_url(access_type="offline")
    code = parse_qs(urlsplit(consent(url)).query)["code"][0]
    answer = requests.post(
        f"{google.url}/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant", "error_description": "Missing code verifier."}


def test_authlib_client_code_flow_and_refresh(google):
    client = OAuth2Session(
        CLIENT_ID, CLIENT_SECRET, scope=" ".join(SCOPES), redirect_uri=REDIRECT, code_challenge_method="S256"
    )
    verifier = "v" * 64
    url, state = client.create_authorization_url(
        f"{google.url}/o/oauth2/v2/auth", code_verifier=verifier, access_type="offline"
    )
    callback = consent(url)
    token = client.fetch_token(f"{google.url}/token", authorization_response=callback, code_verifier=verifier)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3599 and "refresh_token" in token

    refreshed = client.refresh_token(f"{google.url}/token", refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    assert "refresh_token" in refreshed  # authlib keeps the old one: Google does not rotate it


def test_no_refresh_token_without_offline_access(google):
    client = OAuth2Session(CLIENT_ID, CLIENT_SECRET, scope="email", redirect_uri=REDIRECT)
    url, _ = client.create_authorization_url(f"{google.url}/o/oauth2/v2/auth")
    token = client.fetch_token(f"{google.url}/token", authorization_response=consent(url))
    assert "refresh_token" not in token and "id_token" not in token


def test_denying_consent_sends_access_denied_back_with_the_state(google):
    client = OAuth2Session(CLIENT_ID, CLIENT_SECRET, scope="email", redirect_uri=REDIRECT)
    url, state = client.create_authorization_url(f"{google.url}/o/oauth2/v2/auth", state="s-123")
    query = parse_qs(urlsplit(consent(url, decision="Cancel")).query)
    assert query == {"error": ["access_denied"], "state": ["s-123"]}


def test_unknown_client_gets_an_error_page_not_a_redirect(google):
    url = (
        f"{google.url}/o/oauth2/v2/auth?client_id=nope&redirect_uri={REDIRECT}&response_type=code&scope=email"
    )
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 401 and "invalid_client" in answer.text


def test_expired_access_token_is_refreshed_by_google_auth_then_the_call_succeeds(google):
    creds = google.credentials("refresh-me@example.com")
    session = AuthorizedSession(creds)
    assert session.get(f"{google.url}/drive/v3/files", timeout=10).status_code == 200
    old = creds.token
    google.advance(3600)  # the server-side expiry passes; the client still thinks the token is fresh

    answer = session.get(f"{google.url}/drive/v3/files", timeout=10)
    assert answer.status_code == 200
    assert creds.token != old


def test_expired_token_without_refresh_is_401_unauthenticated(google):
    token = google.tokens("lapsed@example.com")["access_token"]
    google.advance(3600)
    answer = requests.get(
        f"{google.url}/drive/v3/files", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_revoked_grant_fails_refresh_with_invalid_grant_and_api_calls_with_401(google):
    creds = google.credentials("leaver@example.com")
    assert requests.post(f"{google.url}/revoke", params={"token": creds.refresh_token}, timeout=10).ok

    bearer = {"Authorization": f"Bearer {creds.token}"}
    assert requests.get(f"{google.url}/drive/v3/files", headers=bearer, timeout=10).status_code == 401
    sheets = requests.get(f"{google.url}/v4/spreadsheets/any-id", headers=bearer, timeout=10)
    assert sheets.status_code == 401 and sheets.json()["error"]["status"] == "UNAUTHENTICATED"
    with pytest.raises(RefreshError, match="invalid_grant: Token has been expired or revoked."):
        creds.refresh(Request())


def test_admin_revoke_of_a_user_makes_their_refresh_tokens_invalid(google):
    creds = google.credentials("reconnect@example.com")
    assert google.admin("POST", "/tokens/revoke", email="reconnect@example.com")["revoked"] == 1
    answer = requests.post(
        f"{google.url}/token",
        data={"grant_type": "refresh_token", "refresh_token": creds.refresh_token},
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }


def test_refresh_tokens_can_expire_like_apps_in_testing_status():
    with running({"REFRESH_TOKEN_LIFETIME_SECONDS": 7 * 86400}) as google:
        creds = google.credentials("tester@example.com")
        creds.refresh(Request())
        google.advance(7 * 86400 + 1)
        with pytest.raises(RefreshError, match="invalid_grant"):
            creds.refresh(Request())


def test_wrong_client_secret_is_invalid_client(google):
    creds = google.tokens("x@example.com")
    answer = requests.post(
        f"{google.url}/token",
        data={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]},
        auth=(CLIENT_ID, "wrong"),
        timeout=10,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
