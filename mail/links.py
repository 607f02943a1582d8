"""Absolute links to dashboard pages for emails, built under settings.public_url (no request to ask)."""

from __future__ import annotations

from store.settings import get_settings


def page(path: str) -> str:
    """The absolute URL of a dashboard path ("/exporters/3")."""
    return get_settings().public_url.rstrip("/") + path


def exporter(exporter_id: int | None) -> str:
    return page(f"/exporters/{exporter_id}")


def run(run_id: int | None) -> str:
    return page(f"/runs/{run_id}")


ACCOUNT = "/account"
COMPANIES = "/companies/"
GOOGLE_ACCOUNTS = "/google/"
