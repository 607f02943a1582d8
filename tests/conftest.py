"""Fixtures on real parts: Redis, SQLite and PostgreSQL, and both emulators over loopback."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from emulators.serving import RunningServer, serve_in_thread
from store import db
from store.settings import Settings, configure
from tests import infra
from tests.templates import PostgresTemplate, SqliteTemplate


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with infra.redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_base_url() -> str | None:
    return infra.postgres_url()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template(postgres_base_url) -> PostgresTemplate | None:
    return PostgresTemplate(postgres_base_url) if postgres_base_url else None


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    """A SQLite database of the test's own at the newest migration (a copy of the session's template)."""
    return sqlite_template.copy(tmp_path / "sheetbooks.db")


@pytest.fixture
def postgres_reachable(postgres_base_url) -> str:
    """The test database's URL; the test is skipped without one (and fails on CI, which has one)."""
    if postgres_base_url is None:
        if os.environ.get("CI"):
            pytest.fail("no PostgreSQL reachable: on CI the PostgreSQL tests must run (scripts/services.sh)")
        pytest.skip("no PostgreSQL reachable (TEST_DATABASE_URL or 127.0.0.1:5432; CI always has one)")
    return postgres_base_url


@pytest.fixture
def postgres_url(postgres_reachable, postgres_template) -> Iterator[str]:
    """A PostgreSQL schema of the test's own at the newest migration (the session's template replayed)."""
    with postgres_template.schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("postgres_url" if request.param == "postgresql" else "sqlite_url")


def running_qbo_emulator() -> Iterator[RunningServer]:
    """A QBO emulator of its own, for a fixture to yield from."""
    from emulators.qbo import create_app

    server = serve_in_thread(create_app({}))
    server.server.app.config["BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture(scope="session")
def qbo_emulator() -> Iterator[RunningServer]:
    """The QBO emulator shared by the session. A test module that moves its clock brings its own."""
    yield from running_qbo_emulator()


@pytest.fixture(scope="session")
def google_emulator() -> Iterator[RunningServer]:
    from emulators.google import create_app

    # The session's emulator stands for the many Google projects of every test a worker runs: the
    # project-wide quotas (300 a minute) would make tests throttle each other. The per-user quotas stay
    # Google's; tests of quota behaviour bring their own emulator (tests/emulators/google/test_quota.py).
    server = serve_in_thread(create_app({"QUOTA_READ_PER_MINUTE": 10**6, "QUOTA_WRITE_PER_MINUTE": 10**6}))
    server.server.app.config["BASE_URL"] = server.url
    yield server
    server.stop()


def make_settings(database_url: str, redis_url: str, qbo_url: str, google_url: str) -> Settings:
    """Settings for a test: its own database and queue, the emulators' endpoints."""
    return Settings(
        secret_key="test-secret",
        database_url=database_url,
        redis_url=redis_url,
        public_url="http://localhost",
        queue_name=f"test-{uuid.uuid4().hex[:8]}",
    ).pointed_at_emulators(qbo_url, google_url)


def _database_url(request) -> str:
    if "database_url" in request.fixturenames:
        return request.getfixturevalue("database_url")
    return request.getfixturevalue("sqlite_url")


@contextmanager
def installed(settings: Settings) -> Iterator[Settings]:
    """Make `settings` the process-wide settings for the duration of a test."""
    configure(settings)
    db.dispose_engines()
    try:
        yield settings
    finally:
        db.dispose_engines()
        configure(None)


@pytest.fixture
def settings(request, redis_url, qbo_emulator, google_emulator) -> Iterator[Settings]:
    """Process-wide settings on SQLite (or on `database_url` when the test asks for both stores)."""
    with installed(
        make_settings(_database_url(request), redis_url, qbo_emulator.url, google_emulator.url)
    ) as s:
        yield s


@pytest.fixture
def store_settings(request, redis_url) -> Iterator[Settings]:
    """Like `settings` but without the emulators, for tests of the store, queue and tick alone."""
    unreachable = "http://127.0.0.1:9"
    with installed(make_settings(_database_url(request), redis_url, unreachable, unreachable)) as s:
        yield s
