"""Fixtures for the qbo package against the QBO emulator over loopback and a real Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from redis import Redis

from qbo.client import QboClient
from qbo.oauth import IntuitOAuth, TokenSet
from qbo.tokens import TokenManager
from tests.qbo.fixtures import admin_api
from tests.qbo.intuit import Admin, EmulatorClock, connect


class MemoryTokenStore:
    """A TokenStore in memory, for the qbo package alone (the DB one is connections.company_tokens)."""

    def __init__(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        self.saved: list[TokenSet] = []
        self.reconnect_reason: str | None = None
        self.failing_reason: str | None = None

    def load(self) -> TokenSet:
        return self.tokens

    def save(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        self.saved.append(tokens)

    def mark_reconnect_required(self, reason: str) -> None:
        self.reconnect_reason = reason

    def mark_refresh_failing(self, reason: str) -> None:
        self.failing_reason = reason


@pytest.fixture
def admin(qbo_emulator) -> Iterator[Admin]:
    yield from admin_api(qbo_emulator.url)


@pytest.fixture
def redis(redis_url) -> Redis:
    return Redis.from_url(redis_url)


@pytest.fixture
def clock() -> EmulatorClock:
    """Our clock, moved together with the emulator's by tests that advance it."""
    return EmulatorClock()


@pytest.fixture
def make_client(settings, admin, redis, clock) -> Callable[[str], QboClient]:
    """A client of a realm, connected through the consent page, that never waits out a backoff."""

    def make(realm: str) -> QboClient:
        store = MemoryTokenStore(connect(settings, realm, clock))
        oauth = IntuitOAuth(settings, clock=clock)
        manager = TokenManager(store, oauth, redis, f"test-tokens:{settings.queue_name}:{realm}", clock=clock)
        return QboClient(realm, manager, settings, max_wait_seconds=0)

    return make
