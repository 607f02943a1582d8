"""Counting the SQL statements a piece of work costs: the pages and lists assert that the count does not
grow with the data (an SQLAlchemy event hook: the count is deterministic, unlike a time)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from store import db


@contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements the store executes meanwhile (SQLAlchemy's before_cursor_execute)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
