"""Test helpers for the QBO emulator: its admin API, and the consent page driven like an analyst would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import requests

from qbo.oauth import IntuitOAuth, TokenSet
from store.settings import Settings
from tests import pages

REDIRECT_URI = "http://localhost/companies/callback"


@dataclass
class Admin:
    """The emulator's /_emulator/ admin API."""

    url: str
    timeout: float = 30  # seconds; generating a company of 100,000 invoices takes longer on a busy machine

    def call(self, method: str, path: str, **kwargs) -> dict | list:
        response = requests.request(method, f"{self.url}/_emulator/{path}", timeout=self.timeout, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else {}

    def company(self, name: str = "Acme Landscaping", invoices: int = 0) -> str:
        """A new emulated company; its realm id."""
        return str(self.call("POST", "companies", json={"name": name, "invoices": invoices})["realmId"])

    def slow(self, latency_ms: int, kind: str = "read", realm: str | None = None) -> None:
        """Every request of an endpoint kind (about `realm` when given) takes `latency_ms` until cleared."""
        rule = {"kind": kind, "latency_ms": latency_ms} | ({"realmId": realm} if realm else {})
        self.call("POST", "faults", json=rule)

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    def advance(self, seconds: float) -> None:
        self.call("POST", "clock/advance", json={"seconds": seconds})

    def fault(self, status: int, count: int = 1, kind: str = "read", realm: str | None = None) -> None:
        """The next `count` requests of an endpoint kind (query, read, report, cdc, token) answer `status`
        (only those about `realm` when given)."""
        rule = {"kind": kind, "status": status, "count": count} | ({"realmId": realm} if realm else {})
        self.call("POST", "faults", json=rule)

    def token_requests(self) -> int:
        """How many token-endpoint requests (exchanges and refreshes) the emulator has received."""
        return self.requests("_oauth").get(("POST", "token"), 0)

    def requests(self, realm: str) -> dict[tuple[str, str], int]:
        """How many requests the emulator received for `realm`, per (method, endpoint kind)."""
        counts = self.call("GET", "requests", params={"realm": realm})["counts"].get(realm, {})
        return {(method, kind): n for kind, methods in counts.items() for method, n in methods.items()}

    def grants(self, realm: str) -> list[dict]:
        """The realm's grants as the emulator summarises them (hashes and counters, no tokens)."""
        body = self.call("GET", "grants", params={"realmId": realm})
        rows = body.get("grants", body) if isinstance(body, dict) else body
        return [g for g in rows if str(g.get("realm_id", g.get("realmId"))) == realm]

    def bad_refresh_attempts(self, realm: str) -> int:
        """Refreshes the emulator saw with a superseded, expired or revoked refresh token."""
        return sum(g["bad_refresh_attempts"] for g in self.grants(realm))

    def revoke_grant(self, realm: str) -> None:
        self.call("POST", f"grants/{realm}/revoke")


class EmulatorClock:
    """Our clock shifted like the emulator's, so expiry decisions match what the emulator will say."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


def consent(settings: Settings, realm: str, decision: str = "allow", state: str = "csrf-1") -> dict[str, str]:
    """Open the authorize URL, pick the company, press the button; the callback's query, not followed."""
    url = IntuitOAuth(settings).authorization_url(REDIRECT_URI, state)
    page_response = requests.get(url, timeout=30)
    page_response.raise_for_status()
    form = pages.parse(page_response.url, page_response.text).form()
    response = requests.post(
        form.action, data=form.data(button=decision, realmId=realm), allow_redirects=False, timeout=30
    )
    assert response.status_code in (302, 303), response.text[:300]
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI), location
    return dict(parse_qsl(urlsplit(location).query))


def connect(settings: Settings, realm: str, clock: EmulatorClock | None = None) -> TokenSet:
    """Consent for `realm` and trade the code for tokens."""
    callback = consent(settings, realm)
    assert callback["realmId"] == realm
    return IntuitOAuth(settings, clock=clock or EmulatorClock()).exchange_code(callback["code"], REDIRECT_URI)
