"""Every add-on request is verified: only Google's host, calling the URL the token names, as the add-on's
service account, for a user of the add-on's OAuth client, gets an answer. Nothing else gets a 5xx."""

from __future__ import annotations

import logging

import pytest
import requests

from tests.addon.host import AddonHost

HOMEPAGE = "/addon/sheets/homepage"


def _event(host: AddonHost, user_token: str | None = None) -> dict:
    """A Sheets homepage event with a valid user ID token (signed by the emulator's Google key)."""
    client_id = host.settings.addon_oauth_client_id
    token = user_token if user_token is not None else host.id_token(client_id, "ana@example.com")
    return {
        "commonEventObject": {"hostApp": "SHEETS", "platform": "WEB"},
        "authorizationEventObject": {"userIdToken": token},
        "sheets": {},
    }


def _post(
    host: AddonHost, token: str | None, body: object = None, path: str = HOMEPAGE, **kw
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers |= kw.pop("headers", {})
    if isinstance(body, (bytes, str)):
        return requests.post(host.backend + path, data=body, headers=headers, timeout=30, **kw)
    return requests.post(host.backend + path, json=body, headers=headers, timeout=30, **kw)


def test_googles_request_gets_the_link_prompt(addon):
    token = addon.id_token(addon.backend + HOMEPAGE)
    reply = _post(addon, token, _event(addon))
    assert reply.status_code == 200
    prompt = reply.json()["custom_authorization_prompt"]["action"]["navigations"][0]["pushCard"]
    link = prompt["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]["onClick"]["openLink"]
    assert link["onClose"] == "RELOAD" and link["url"].startswith(addon.backend + "/addon/link?state=")


def test_the_emulators_host_is_accepted_end_to_end(addon):
    addon.install("ana@example.com")
    answer = addon.invoke("ana@example.com", trigger="homepage")
    assert answer["status"] == 200 and "custom_authorization_prompt" in answer["body"]


@pytest.mark.parametrize(
    "case",
    [
        "no header",
        "not a bearer",
        "wrong audience",
        "audience of another path",
        "expired",
        "another project's service account",
        "user token for another client id",
        "user token as the system token",
        "no user token",
        "garbage token",
    ],
)
def test_refused_with_401_and_logged_without_the_token(addon, case, caplog):
    url = addon.backend + HOMEPAGE
    good = addon.id_token(url)
    body, token, headers = _event(addon), good, {}
    if case == "no header":
        token = None
    elif case == "not a bearer":
        token, headers = None, {"Authorization": f"Basic {good}"}
    elif case == "wrong audience":
        token = addon.id_token("https://sheetbooks.example.com" + HOMEPAGE)
    elif case == "audience of another path":
        token = addon.id_token(addon.backend + "/addon/actions/refresh")
    elif case == "expired":
        token = addon.id_token(url, lifetime_seconds=-600)
    elif case == "another project's service account":
        token = addon.id_token(url, email="service-999999999999@gcp-sa-gsuiteaddons.iam.gserviceaccount.com")
    elif case == "user token for another client id":
        body = _event(
            addon, addon.id_token("someone-elses-client.apps.googleusercontent.com", "ana@example.com")
        )
    elif case == "user token as the system token":
        token = addon.id_token(addon.settings.addon_oauth_client_id, "ana@example.com")
    elif case == "no user token":
        body["authorizationEventObject"] = {}
    elif case == "garbage token":
        token = "eyJhbGciOiJSUzI1NiJ9.bm9wZQ.c2ln"
    with caplog.at_level(logging.WARNING, logger="sheetbooks.addon"):
        reply = _post(addon, token, body, headers=headers)
    assert reply.status_code == 401, reply.text[:300]
    assert "custom_authorization_prompt" not in reply.text
    if token:
        assert token not in caplog.text
        assert good.split(".")[2] not in caplog.text


def test_the_audience_is_public_url_never_the_proxy_headers(addon):
    """A token minted for the address a proxy header claims is refused: the audience is PUBLIC_URL's."""
    spoofed = "https://evil.example.com" + HOMEPAGE
    headers = {
        "Host": "evil.example.com",
        "X-Forwarded-Host": "evil.example.com",
        "X-Forwarded-Proto": "https",
    }
    reply = _post(addon, addon.id_token(spoofed), _event(addon), headers=headers)
    assert reply.status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"", b'"text"'])
def test_a_body_that_is_no_json_object_is_400(addon, body):
    token = addon.id_token(addon.backend + HOMEPAGE)
    reply = _post(addon, token, body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400


@pytest.mark.parametrize(
    "path", ["/addon/actions/refresh", "/addon/actions/create-exporter", "/addon/sheets/granted"]
)
def test_odd_events_never_get_a_5xx(addon, path):
    """Events with wrong types where objects belong still get an answer, not a server error."""
    token = addon.id_token(addon.backend + path)
    body = _event(addon)
    body |= {"commonEventObject": {"parameters": ["x"], "formInputs": "nope", "timeZone": 3}, "sheets": []}
    reply = _post(addon, token, body, path=path)
    assert reply.status_code < 500 and reply.status_code in (200, 400, 401)
