"""Small helpers on rows of the store's tables."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlmodel import Session, SQLModel


class Row(Protocol):
    """A table row with an integer primary key, None until the row is saved."""

    @property
    def id(self) -> int | None: ...


class WorkspaceRow(Protocol):
    """A row of a table whose rows belong to one workspace."""

    id: int | None
    workspace_id: int


W = TypeVar("W", bound=WorkspaceRow)


def saved_id(row: Row) -> int:
    """The id of a row already in the store (the tables type it optional for rows not yet saved)."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} is not saved yet")
    return row.id


def row_in(session: Session, model: type[W], workspace_id: int, row_id: int) -> W | None:
    """The row with this id if it belongs to the workspace; None for another workspace's (not told apart
    from one that does not exist)."""
    row = session.get(model, row_id)
    return row if row is not None and row.workspace_id == workspace_id else None


def column_values(row: SQLModel) -> dict[str, Any]:
    """A row built as a model (its defaults applied) as the values of its columns but the primary key: for
    an INSERT of many rows in one statement."""
    table = row.__table__  # type: ignore[attr-defined]  # every table model has one
    return {column.key: getattr(row, column.key) for column in table.columns if not column.primary_key}
