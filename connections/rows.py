"""Small helpers on the store's rows shared by the connection modules."""

from __future__ import annotations

from datetime import UTC, datetime

from store.rows import saved_id

__all__ = ["aware", "saved_id"]


def aware(value: datetime | None) -> datetime | None:
    """A stored timestamp as UTC (SQLite gives them back naive)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
