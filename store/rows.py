"""Small helpers on rows of the store's tables."""

from __future__ import annotations

from typing import Protocol


class Row(Protocol):
    """A table row with an integer primary key, None until the row is saved."""

    @property
    def id(self) -> int | None: ...


def saved_id(row: Row) -> int:
    """The id of a row already in the store (the tables type it optional for rows not yet saved)."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} is not saved yet")
    return row.id
