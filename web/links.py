"""Absolute links under the deployment's public URL (emails, OAuth redirect URIs)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from store.settings import get_settings


def external_url(endpoint: str, **values: Any) -> str:
    """`endpoint`'s URL under settings.public_url (not the Host header, which a client controls)."""
    return get_settings().public_url.rstrip("/") + url_for(endpoint, **values)
