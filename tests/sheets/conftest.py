"""Fixtures for the sheet writer: a Google user on the emulator, a gspread client, a fresh spreadsheet."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import gspread
import pytest
import requests
from google.oauth2.credentials import Credentials

from sheets.client import make_client
from sheets.retry import RetryPolicy
from store.settings import Settings
from tests.conftest import _database_url, installed, make_settings


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    type: str


@dataclass
class GoogleUser:
    """A Google identity on the emulator, with what the tests need to look at its traffic."""

    base: str
    settings: Settings
    email: str
    tokens: dict
    waits: list[float] = field(default_factory=list)

    def admin(self, path: str, body: dict | None = None) -> dict:
        reply = requests.post(f"{self.base}/_emulator/{path}", json=body or {}, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def requests_by_route(self) -> Counter:
        """What this user's calls were, by route kind (values.get, sheets.batchUpdate, ...)."""
        snapshot = requests.get(f"{self.base}/_emulator/requests", timeout=30).json()
        return Counter(snapshot.get("by_user", {}).get(self.email, {}))

    def credentials(self) -> Credentials:
        return Credentials(
            token=self.tokens["access_token"],
            refresh_token=self.tokens["refresh_token"],
            token_uri=self.settings.google_token_url,
            client_id=self.settings.google_client_id,
            client_secret=self.settings.google_client_secret,
        )

    def client(self) -> gspread.Client:
        """A client whose retry waits are recorded instead of slept."""
        return make_client(self.credentials(), self.settings, policy=RetryPolicy(sleep=self.waits.append))

    def patient_client(self) -> gspread.Client:
        """A client that really waits out a 429, as a person's tool would."""
        return make_client(self.credentials(), self.settings)


def writes(counts: Counter) -> int:
    return sum(
        n for route, n in counts.items() if route not in ("sheets.get", "values.get", "values.batchGet")
    )


@pytest.fixture
def google_settings(request, redis_url, google_emulator) -> Iterator[Settings]:
    """Process-wide settings pointed at the Google emulator only (the writer never talks to QuickBooks)."""
    unreachable = "http://127.0.0.1:9"
    with installed(make_settings(_database_url(request), redis_url, unreachable, google_emulator.url)) as s:
        yield s


def new_user(base: str, settings: Settings, who: str = "analyst") -> GoogleUser:
    """A fresh Google identity on the emulator (its own read and write quota)."""
    email = f"{who}-{uuid.uuid4().hex[:8]}@example.com"
    user = GoogleUser(base, settings, email, {})
    user.tokens = user.admin("tokens", {"email": email})
    return user


@pytest.fixture
def google_user(google_settings, google_emulator) -> Iterator[GoogleUser]:
    yield new_user(google_emulator.url, google_settings)
    requests.delete(f"{google_emulator.url}/_emulator/faults", timeout=30)


@pytest.fixture
def colleague(google_settings, google_emulator) -> GoogleUser:
    """Another analyst, who looks at the sheets the writer fills."""
    return new_user(google_emulator.url, google_settings, "colleague")


@pytest.fixture
def gc(google_user) -> gspread.Client:
    return google_user.client()


@pytest.fixture
def spreadsheet(gc) -> gspread.Spreadsheet:
    return gc.create(f"Books {uuid.uuid4().hex[:6]}")
