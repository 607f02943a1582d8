"""Databases at the newest migration: migrated once per session, copied for each test.

Running Alembic for every test cost ~65 ms on SQLite and ~130 ms on PostgreSQL (loading the
migration scripts, a new engine, the DDL). A copy costs ~2 ms on SQLite (its backup API) and the bare
DDL on PostgreSQL (the statements the migration executed, replayed into the test's own schema).
Both follow whatever migrations exist: the template is made by `store.db.upgrade` itself.
`tests/store/test_migrations.py` still runs the migrations themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, event, pool

from store import db
from tests import infra


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class SqliteTemplate:
    """A SQLite file migrated to head once; each test gets a copy."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        db.upgrade(sqlite_url(self.path))

    def copy(self, target: Path) -> str:
        """A copy of the template at `target`; its URL."""
        with closing(sqlite3.connect(self.path)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return sqlite_url(target)


class PostgresTemplate:
    """The statements migrating an empty schema to head executed, recorded once, replayed per schema."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        with infra.postgres_schema(base_url) as url:
            self.statements = recorded_upgrade(url)

    @contextmanager
    def schema(self) -> Iterator[str]:
        """A private schema at the newest migration, dropped afterwards; its URL."""
        with infra.postgres_schema(self.base_url, self.statements) as url:
            yield url


def recorded_upgrade(url: str) -> list[infra.Statement]:
    """Migrate the empty database at `url` to head; every statement executed, with its parameters."""
    statements: list[infra.Statement] = []

    def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        plain = [_plain(p) for p in parameters] if executemany else _plain(parameters)
        statements.append((statement, plain, executemany))

    engine = create_engine(url, poolclass=pool.NullPool)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.begin() as connection:
            config = db.alembic_config(url)
            config.attributes["connection"] = connection  # store/migrations/env.py runs on it
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    return statements


def _plain(parameters: Any) -> Any:
    """Parameters as the driver got them, with SQLAlchemy's immutable mappings as plain dicts."""
    return dict(parameters) if isinstance(parameters, Mapping) else parameters
