"""Small helpers on the store's rows shared by the connection modules."""

from __future__ import annotations

from datetime import UTC, datetime

from store.models import Company, GoogleAccount


def saved_id(row: Company | GoogleAccount) -> int:
    """The id of a row already in the store (the tables type it optional for rows not yet saved)."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} is not saved yet")
    return row.id


def aware(value: datetime | None) -> datetime | None:
    """A stored timestamp as UTC (SQLite gives them back naive)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
