"""Start the QBO emulator over loopback and act as the analyst on its consent page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

from emulators.qbo import create_app
from emulators.serving import RunningServer, serve_in_thread
from tests import pages

CLIENT_ID = "sheetbooks-dev"
CLIENT_SECRET = "sheetbooks-dev-secret"
REDIRECT_URI = "http://127.0.0.1:9/callback"
SCOPE = "com.intuit.quickbooks.accounting openid email profile"
DAY = 86400


@dataclass
class Emulator:
    """A running emulator with helpers for the admin API."""

    server: RunningServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def app(self):
        return self.server.server.app

    def admin(self, method: str, path: str, **kwargs) -> dict:
        response = requests.request(method, f"{self.url}/_emulator{path}", timeout=30, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    def advance(self, seconds: float) -> None:
        self.admin("POST", "/clock/advance", json={"seconds": seconds})

    def realms(self) -> list[str]:
        return [company["realmId"] for company in self.admin("GET", "/companies")["companies"]]

    def grants(self) -> list[dict]:
        return self.admin("GET", "/grants")["grants"]


@contextmanager
def running(config: dict | None = None) -> Iterator[Emulator]:
    """An emulator on a free port; BASE_URL set to where it listens."""
    config = {
        "SEED": [{"name": "Craig's Design and Landscaping", "invoices": 120, "seed": 1}],
        **(config or {}),
    }
    server = serve_in_thread(create_app(config))
    server.server.app.config["BASE_URL"] = server.url
    try:
        yield Emulator(server)
    finally:
        server.stop()


def consent(
    authorization_url: str, decision: str = "Connect", realm: str | None = None
) -> dict[str, list[str]]:
    """Open the consent page like a browser, pick a company, press a button; the callback's query."""
    page_response = requests.get(authorization_url, timeout=10)
    assert page_response.status_code == 200, page_response.text
    page = pages.parse(authorization_url, page_response.text)
    form = page.form("Connect")
    values = {"realmId": realm} if realm else {}
    response = requests.post(
        form.action, data=form.data(decision, **values), allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    return parse_qs(urlsplit(location).query)


def authorize_url(base: str, state: str = "s1", scope: str = SCOPE, **extra: str) -> str:
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": scope,
        "redirect_uri": REDIRECT_URI,
        "state": state,
        **extra,
    }
    return requests.Request("GET", f"{base}/connect/oauth2", params=params).prepare().url


def token_request(base: str, headers: dict | None = None, **form: str) -> requests.Response:
    return requests.post(
        f"{base}/oauth2/v1/tokens/bearer",
        data=form,
        auth=(CLIENT_ID, CLIENT_SECRET),
        headers={"Accept": "application/json", **(headers or {})},
        timeout=10,
    )


def connect(
    emulator: Emulator, scope: str = SCOPE, headers: dict | None = None, realm: str | None = None
) -> tuple[dict, str]:
    """A finished code flow with plain requests (the analyst picks `realm`, else the first company):
    (token response, realmId)."""
    callback = consent(authorize_url(emulator.url, scope=scope), realm=realm)
    response = token_request(
        emulator.url,
        headers,
        grant_type="authorization_code",
        code=callback["code"][0],
        redirect_uri=REDIRECT_URI,
    )
    assert response.status_code == 200, response.text
    return response.json(), callback["realmId"][0]


def refresh(emulator: Emulator, refresh_token: str) -> requests.Response:
    return token_request(emulator.url, grant_type="refresh_token", refresh_token=refresh_token)


class Api:
    """Bearer-authenticated calls to /v3/company/<realm>."""

    def __init__(self, emulator: Emulator, access_token: str, realm: str) -> None:
        self.base = f"{emulator.url}/v3/company/{realm}"
        self.headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}

    def get(self, path: str, **params: str) -> requests.Response:
        return requests.get(
            f"{self.base}/{path}", params={"minorversion": "75", **params}, headers=self.headers, timeout=30
        )

    def query(self, statement: str) -> requests.Response:
        return self.get("query", query=statement)

    def post_query(self, statement: str) -> requests.Response:
        headers = {**self.headers, "Content-Type": "application/text"}
        return requests.post(f"{self.base}/query", data=statement.encode(), headers=headers, timeout=30)


def signed_in(emulator: Emulator) -> Api:
    """The API of the emulator's first company, as an app that went through the code flow."""
    token, realm = connect(emulator)
    return Api(emulator, token["access_token"], realm)
