"""What every view of /api/v1 shares: the answer as JSON from its model, a workspace row or 404, cursors."""

from __future__ import annotations

from typing import TypeVar

from flask import g
from pydantic import BaseModel

from store.rows import WorkspaceRow, row_in
from web.api.problems import ApiError
from web.database import get_session

M = TypeVar("M", bound=WorkspaceRow)
Answer = tuple[dict[str, object], int]


def ok(model: BaseModel, status: int = 200) -> Answer:
    return model.model_dump(mode="json"), status


def found(model: type[M], row_id: int) -> M:
    """The workspace's row, or 404 for an unknown id and for another workspace's (not told apart)."""
    row = row_in(get_session(), model, g.workspace.id, row_id)
    if row is None:
        raise ApiError(404, f"There is no {model.__name__.lower()} {row_id} in this workspace.")
    return row


def cursor_of(value: int | None) -> str | None:
    """A page's `next_cursor` as the API sends it (store.listing's cursor is the id of a row)."""
    return None if value is None else str(value)


def cursor_id(cursor: str | None) -> int | None:
    """The row id in a `cursor` the query model already checked to be digits."""
    return None if cursor is None else int(cursor)
