"""The dashboard under test: the app built on the `settings` fixture, and a browser-like client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from store.settings import Settings
from tests.infra import free_port
from tests.web.browser import Browser
from web import create_app

EMULATORS = {"qbo_emulator", "google_emulator", "emulators"}


@pytest.fixture
def app(request) -> Iterator[Flask]:
    """pytest-flask's app on real Redis and a fresh SQLite database; pointed at both emulators
    (the `settings` fixture) when the test asks for one of them."""
    needs_emulators = EMULATORS & set(request.fixturenames)
    settings = request.getfixturevalue("settings" if needs_emulators else "store_settings")
    yield create_app({"SETTINGS": with_mail(settings), "TESTING": True})


def with_mail(settings: Settings) -> Settings:
    """Mail configured (the reset page offers its form), towards a port where no SMTP server listens: the
    web tests read the outbox as the send job would (store.outbox.deliver); tests/mail sends for real."""
    return settings.with_overrides(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none")


@pytest.fixture
def demo_client(store_settings) -> FlaskClient:
    """A client of the dashboard in demo mode (the outbox page delivers the emails)."""
    return create_app(
        {"SETTINGS": store_settings.with_overrides(demo_mode=True), "TESTING": True}
    ).test_client()


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def user(browser) -> Browser:
    """A signed-up user (owner of their own workspace), logged in."""
    browser.sign_up("Ada", f"ada-{uuid.uuid4().hex[:6]}@example.com")
    return browser


@pytest.fixture
def other(app) -> Browser:
    """A second person with their own workspace, in their own cookie jar."""
    person = Browser(app.test_client())
    person.sign_up("Bob", f"bob-{uuid.uuid4().hex[:6]}@example.com")
    return person


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Replace pytest-flask's: a context pushed around the whole test would share `g` between requests."""


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Replace pytest-flask's: its client keeps each request's context pushed (`with client`), so a
    second client's request would run in the first one's app context and share its `g`."""
    return app.test_client()
