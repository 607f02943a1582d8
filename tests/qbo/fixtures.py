"""Fixture bodies shared by the qbo and company-connection tests."""

from __future__ import annotations

from collections.abc import Iterator

from tests.qbo.intuit import Admin


def admin_api(url: str) -> Iterator[Admin]:
    """The emulator's admin API; injected faults are global there, so none outlive a test."""
    admin = Admin(url)
    admin.clear_faults()
    yield admin
    admin.clear_faults()
