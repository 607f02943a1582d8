"""Fixture bodies shared by the qbo and company-connection tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulators.qbo import create_app
from emulators.serving import RunningServer, serve_in_thread
from tests.conftest import running_qbo_emulator
from tests.qbo.intuit import Admin


def admin_api(url: str) -> Iterator[Admin]:
    """The emulator's admin API; injected faults are global there, so none outlive a test."""
    admin = Admin(url)
    admin.clear_faults()
    yield admin
    admin.clear_faults()


def qbo_emulator_with(config: dict) -> Iterator[RunningServer]:
    """A QBO emulator of its own configured with `config` (LIMITS, ROTATE_EVERY_REFRESH, ...)."""
    server = serve_in_thread(create_app(config))
    server.server.app.config["BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture(scope="module", name="qbo_emulator")
def own_qbo_emulator() -> Iterator[RunningServer]:
    """The importing module's own QBO emulator: it moves Intuit's clock, which no other module may see."""
    yield from running_qbo_emulator()


@pytest.fixture(name="admin")
def emulator_admin(qbo_emulator: RunningServer) -> Iterator[Admin]:
    """The admin API of the module's QBO emulator."""
    yield from admin_api(qbo_emulator.url)
