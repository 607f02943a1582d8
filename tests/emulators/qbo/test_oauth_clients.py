"""Unmodified third-party OAuth clients complete the code flow, refresh and revoke against the emulator."""

from __future__ import annotations

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet
from requests_oauthlib import OAuth2Session as OAuthlibSession

from tests import pages
from tests.emulators.qbo.emulator_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SCOPE,
    Api,
    authorize_url,
    consent,
    running,
    token_request,
)


@pytest.fixture(scope="module")
def emulator():
    with running() as emulator:
        yield emulator


def _discovery(emulator) -> dict:
    return requests.get(f"{emulator.url}/.well-known/openid_sandbox_configuration/", timeout=10).json()


def test_discovery_points_at_the_emulator_with_and_without_slash(emulator):
    for path in ("openid_sandbox_configuration", "openid_configuration"):
        for suffix in ("", "/"):
            doc = requests.get(f"{emulator.url}/.well-known/{path}{suffix}", timeout=10).json()
            assert doc["token_endpoint"] == f"{emulator.url}/oauth2/v1/tokens/bearer"
            assert doc["authorization_endpoint"] == f"{emulator.url}/connect/oauth2"
            assert set(doc["token_endpoint_auth_methods_supported"]) == {
                "client_secret_post",
                "client_secret_basic",
            }


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_authlib_code_flow_refresh_and_revoke(emulator, auth_method):
    doc = _discovery(emulator)
    session = OAuth2Session(
        CLIENT_ID,
        CLIENT_SECRET,
        scope=SCOPE,
        redirect_uri=REDIRECT_URI,
        token_endpoint_auth_method=auth_method,
    )
    url, state = session.create_authorization_url(doc["authorization_endpoint"])
    callback = consent(url)
    assert callback["state"] == [state]
    realm = callback["realmId"][0]
    token = session.fetch_token(doc["token_endpoint"], code=callback["code"][0])
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600
    assert token["x_refresh_token_expires_in"] == 8726400

    info = Api(emulator, token["access_token"], realm).get(f"companyinfo/{realm}")
    assert (
        info.status_code == 200
        and info.json()["CompanyInfo"]["CompanyName"] == "Craig's Design and Landscaping"
    )

    refreshed = session.refresh_token(doc["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] == token["refresh_token"]  # within 24 h the same string comes back

    session.revoke_token(doc["revocation_endpoint"], refreshed["refresh_token"])
    assert Api(emulator, refreshed["access_token"], realm).get(f"companyinfo/{realm}").status_code == 401
    again = token_request(emulator.url, grant_type="refresh_token", refresh_token=refreshed["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_requests_oauthlib_code_flow_and_refresh(emulator, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # loopback http, as in any local dev setup
    doc = _discovery(emulator)
    session = OAuthlibSession(CLIENT_ID, redirect_uri=REDIRECT_URI, scope=SCOPE.split())
    url, state = session.authorization_url(doc["authorization_endpoint"])
    callback = consent(url)
    assert callback["state"] == [state]
    token = session.fetch_token(doc["token_endpoint"], code=callback["code"][0], client_secret=CLIENT_SECRET)
    assert token["token_type"].lower() == "bearer"
    refreshed = session.refresh_token(doc["token_endpoint"], auth=(CLIENT_ID, CLIENT_SECRET))
    assert refreshed["access_token"] != token["access_token"]


def test_id_token_verifies_against_jwks_and_userinfo_answers(emulator):
    callback = consent(authorize_url(emulator.url))
    token = token_request(
        emulator.url, grant_type="authorization_code", code=callback["code"][0], redirect_uri=REDIRECT_URI
    ).json()
    keys = KeySet.import_key_set(requests.get(f"{emulator.url}/op/v1/jwks", timeout=10).json())
    claims = jwt.decode(token["id_token"], keys).claims
    assert claims["aud"] == [CLIENT_ID] and claims["realmid"] == callback["realmId"][0]
    assert claims["iss"] == _discovery(emulator)["issuer"]
    info = requests.get(
        f"{emulator.url}/v1/openid_connect/userinfo",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert info.json()["email"] == "analyst@example.com" and info.json()["sub"] == claims["sub"]


def test_no_id_token_without_openid(emulator):
    callback = consent(authorize_url(emulator.url, scope="com.intuit.quickbooks.accounting"))
    token = token_request(
        emulator.url, grant_type="authorization_code", code=callback["code"][0], redirect_uri=REDIRECT_URI
    ).json()
    assert "id_token" not in token and "x_refresh_token_hard_expires_in" not in token


def test_deny_redirects_with_access_denied(emulator):
    assert consent(authorize_url(emulator.url, state="abc"), decision="Cancel") == {
        "error": ["access_denied"],
        "state": ["abc"],
    }


@pytest.mark.parametrize("override", [{"client_id": "nobody"}, {"redirect_uri": ""}])
def test_wrong_client_or_redirect_shows_an_error_page_without_redirecting(override):
    config = {"CLIENTS": {CLIENT_ID: {"secret": CLIENT_SECRET, "redirect_uris": [REDIRECT_URI]}}}
    with running(config) as emulator:
        url = authorize_url(emulator.url, **override)
        if "redirect_uri" in override:
            url = url.replace("redirect_uri=&", "redirect_uri=http%3A%2F%2Fevil.example%2F&")
        response = requests.get(url, allow_redirects=False, timeout=10)
        assert response.status_code == 400 and "Location" not in response.headers
        assert "intuit_tid" in response.headers


def test_codes_are_single_use_and_expire_after_five_minutes(emulator):
    callback = consent(authorize_url(emulator.url))
    first = token_request(
        emulator.url, grant_type="authorization_code", code=callback["code"][0], redirect_uri=REDIRECT_URI
    )
    second = token_request(
        emulator.url, grant_type="authorization_code", code=callback["code"][0], redirect_uri=REDIRECT_URI
    )
    assert (
        first.status_code == 200 and second.status_code == 400 and second.json()["error"] == "invalid_grant"
    )

    callback = consent(authorize_url(emulator.url))
    mismatch = token_request(
        emulator.url,
        grant_type="authorization_code",
        code=callback["code"][0],
        redirect_uri="http://127.0.0.1:9/other",
    )
    assert mismatch.json()["error"] == "invalid_grant"

    callback = consent(authorize_url(emulator.url))
    emulator.advance(301)
    late = token_request(
        emulator.url, grant_type="authorization_code", code=callback["code"][0], redirect_uri=REDIRECT_URI
    )
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_bad_client_secret_is_invalid_client(emulator):
    response = requests.post(
        f"{emulator.url}/oauth2/v1/tokens/bearer",
        auth=(CLIENT_ID, "wrong"),
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        timeout=10,
    )
    assert response.status_code == 401 and response.json() == {"error": "invalid_client"}
    assert response.headers["intuit_tid"].startswith("1-")


def test_a_user_with_several_companies_picks_one_of_their_own(emulator):
    bob = "bob@example.com"
    mine = [
        emulator.admin("POST", "/companies", json={"name": name, "invoices": 5, "user": bob})["realmId"]
        for name in ("Bob's Bakery", "Bob's Bikes")
    ]
    url = authorize_url(emulator.url, login_hint=bob)
    form = pages.parse(url, requests.get(url, timeout=10).text).form("Connect")
    assert form.choices["realmId"] == mine  # only Bob's companies are offered, the first one picked
    callback = consent(url, realm=mine[1])
    assert callback["realmId"] == [mine[1]]
    token = token_request(
        emulator.url, grant_type="authorization_code", code=callback["code"][0], redirect_uri=REDIRECT_URI
    ).json()
    me = requests.get(
        f"{emulator.url}/v1/openid_connect/userinfo",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    ).json()
    assert me["email"] == bob
    assert Api(emulator, token["access_token"], mine[1]).get("preferences").status_code == 200

    someone_elses = emulator.realms()[0]
    forced = requests.post(form.action, data=form.data("Connect", realmId=someone_elses), timeout=10)
    assert forced.status_code == 400 and "Choose a company" in forced.text
    unknown = requests.get(authorize_url(emulator.url, login_hint="nobody@example.com"), timeout=10)
    assert unknown.status_code == 400 and "No Intuit account" in unknown.text
