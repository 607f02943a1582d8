"""Engine and sessions; the schema is created and moved by Alembic migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from store.settings import get_settings

if TYPE_CHECKING:  # alembic costs ~0.2 s to import: only the migration commands load it
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_pool_owner: dict[str, int] = {}  # an engine's URL -> the process whose connections its pool holds


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _pool_owner[url] = os.getpid()
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def get_engine() -> Engine:
    """The engine for the configured DATABASE_URL (one per URL per process)."""
    return _engine_for(get_settings().database_url)


def drop_inherited_connections() -> None:
    """In a process forked from the one whose connections the pool holds (an RQ work-horse, a worker
    process of the supervisor): forget them without closing them (their sockets are the parent's), once.
    In the process that made them, nothing: a worker that doesn't fork keeps its pool from job to job."""
    url = get_settings().database_url
    engine = _engine_for(url)
    if _pool_owner.get(url) != os.getpid():
        engine.dispose(close=False)
        _pool_owner[url] = os.getpid()


def dispose_engines() -> None:
    """Drop pooled connections and forget engines, e.g. in a forked worker child or after reconfiguring."""
    get_engine().dispose()
    _engine_for.cache_clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def lock_for_writing(session: Session) -> None:
    """Begin the session's transaction holding SQLite's write lock (BEGIN IMMEDIATE), so that what it reads
    stays true until it commits, as the rows it locks (FOR UPDATE) do on PostgreSQL, where this does
    nothing. Call it before the session's first statement."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(database_url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolates "%": escape it (URL-encoded options such as search_path use it).
    config.set_main_option("sqlalchemy.url", (database_url or get_settings().database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str | None = None) -> None:
    """Bring the schema to the newest migration."""
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")
