"""Connecting a Google account: consent on the emulator, code + PKCE exchange, then writing with the grant."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import requests

from sheets.client import make_client
from sheets.credentials import GoogleOAuth, user_credentials
from tests.sheets import conftest as sheet_fixtures

google_settings = sheet_fixtures.google_settings  # the fixture, shared with tests/sheets

REDIRECT = "http://localhost/google/callback"


def consent(url: str, email: str, decision: str = "allow") -> dict:
    """What the analyst's browser does on Google's consent page: pick the account, allow."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    reply = requests.post(
        url.split("?")[0],
        data=params | {"email": email, "decision": decision},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code in (302, 303), reply.text
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["Location"]).query).items()}


def test_connect_flow_asks_for_offline_drive_file_access_with_pkce(google_settings):
    oauth = GoogleOAuth(google_settings)
    verifier = secrets.token_urlsafe(48)
    url = oauth.authorization_url(REDIRECT, "state-1", verifier)
    query = parse_qs(urlsplit(url).query)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == [challenge] and query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert "https://www.googleapis.com/auth/drive.file" in query["scope"][0].split()
    assert "https://www.googleapis.com/auth/drive" not in query["scope"][0].split()

    back = consent(url, "owner@example.com")
    assert back["state"] == "state-1"
    info = oauth.exchange_code(back["code"], REDIRECT, verifier)
    assert info["email"] == "owner@example.com" and info["refresh_token"] and info["expiry"]
    assert "client_secret" not in info

    client = make_client(user_credentials(info, google_settings), google_settings)
    assert client.create("Connected").id
    assert oauth.revoke(info["refresh_token"])


def test_a_denied_consent_comes_back_as_access_denied(google_settings):
    url = GoogleOAuth(google_settings).authorization_url(REDIRECT, "s", secrets.token_urlsafe(48))
    assert consent(url, "owner@example.com", "deny")["error"] == "access_denied"
