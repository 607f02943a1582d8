"""Datetimes from the store (SQLite returns them naive, in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from store.models import utcnow


def aware(value: datetime) -> datetime:
    """The stored moment as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def has_passed(value: datetime | None) -> bool:
    """True when the moment is in the past (a missing moment has passed)."""
    return value is None or aware(value) <= utcnow()
