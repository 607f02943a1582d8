"""The dashboard (Flask test client) on the emulators, with Intuit's webhook verifier set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.lifecycle.analyst import VERIFIER
from web import create_app


@pytest.fixture
def app(settings) -> Iterator[Flask]:
    yield create_app({"SETTINGS": settings.with_overrides(qbo_webhook_verifier=VERIFIER), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """No request context pushed around the whole test (see tests/web/conftest.py)."""
