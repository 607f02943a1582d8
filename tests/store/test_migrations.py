"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL; so do the
per-test copies of the session's migrated template (tests/templates.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import store.models  # noqa: F401 - registers the tables
from store import db
from tests import infra


@pytest.fixture(params=["sqlite", "postgresql"])
def freshly_migrated_url(request, tmp_path) -> Iterator[str]:
    """An empty database migrated to head by Alembic now, not copied from the template."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/fresh.db"
        db.upgrade(url)
        yield url
        return
    with infra.postgres_schema(request.getfixturevalue("postgres_reachable")) as url:
        db.upgrade(url)
        yield url


def differences(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        version = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return diff + ([] if version == head() else [f"at revision {version}, head is {head()}"])


def head() -> str | None:
    return ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()


def test_migrations_build_the_schema_the_models_describe(freshly_migrated_url):
    assert differences(freshly_migrated_url) == []


def test_each_tests_copy_of_the_migrated_template_is_the_same_schema(database_url):
    assert differences(database_url) == []
