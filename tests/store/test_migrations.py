"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL; so do the
per-test copies of the session's migrated template (tests/templates.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import Session, SQLModel, select

from store import db
from store.documents import CompanyHold, ExporterOptions, RelativeRange, RunStats, SheetState
from store.models import Company, Exporter, ExporterCompany, ExporterState, Run
from tests import factories, infra


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


def test_rows_stored_in_the_old_shape_read_back_typed_after_upgrade(database_url):
    """0002 rewrites version-0 dicts (keys missing, one id, "last_month", lower case) as typed documents;
    going down to 0001 gives the old code dicts it reads."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        exporter = factories.exporter(session, factories.workspace(session).id)
        session.add(Run(exporter_id=exporter.id, workspace_id=exporter.workspace_id))
        session.commit()
    command.downgrade(db.alembic_config(database_url), "0001")
    old_options = {
        "date_range": "last_month",
        "customer": 58,
        "class": ["3", "4"],
        "layout": "TIDY",
        "summarize_column_by": "",
        "paused_by_companies": [7],
        "reset_tab": True,
    }
    old_state = {"labels": ["Number"], "keys": ["number"], "sheet_id": 0, "rows": 12}
    old_stats = {"incremental": True, "added": 1, "changed": 2, "deleted": 3, "truncated_cells": 0}
    json_rows = sa.table("exporter", sa.column("options", sa.JSON), sa.column("sheet_state", sa.JSON))
    with engine.begin() as connection:
        connection.execute(sa.update(json_rows).values(options=old_options, sheet_state=old_state))
        connection.execute(sa.update(sa.table("run", sa.column("stats", sa.JSON))).values(stats=old_stats))
        assert connection.execute(sa.select(json_rows.c.options)).scalar_one() == old_options

    db.upgrade(database_url)

    with engine.connect() as connection:  # the rows themselves were rewritten, version and all
        stored = connection.execute(sa.select(json_rows.c.options)).scalar_one()
    assert stored["version"] == ExporterOptions.current_version() and stored["customer_ids"] == ["58"]
    with Session(engine) as session:
        exporter = session.exec(select(Exporter)).one()
        run = session.exec(select(Run)).one()
        assert exporter.options == ExporterOptions(
            date_range=RelativeRange(relative="last_month"),
            customer_ids=["58"],
            class_ids=["3", "4"],
            layout="tidy",
            reset_tab=True,
        )
        # 0005 moved the pausing companies out of the options into the typed pauses
        assert exporter.pauses.companies == [CompanyHold(company_id=7, name="company 7")]
        assert exporter.state == ExporterState.PAUSED_COMPANY
        assert exporter.sheet_state == SheetState(labels=["Number"], keys=["number"], sheet_id=0, rows=12)
        assert run.stats == RunStats(incremental=True, added=1, changed=2, deleted=3)
    engine.dispose()


def test_a_row_no_version_can_read_stops_the_upgrade_naming_it(database_url):
    engine = create_engine(database_url)
    with Session(engine) as session:
        factories.exporter(session, factories.workspace(session).id)
        session.commit()
    command.downgrade(db.alembic_config(database_url), "0001")
    with engine.begin() as connection:
        table = sa.table("exporter", sa.column("options", sa.JSON))
        connection.execute(sa.update(table).values(options={"oversize": "shorten"}))
    with pytest.raises(RuntimeError, match=r"(?s)exporter \d+: its stored options cannot be read.*oversize"):
        db.upgrade(database_url)
    engine.dispose()


def test_exporters_that_read_or_wrote_several_companies_keep_their_company_columns(database_url):
    """0004: company columns become part of the definition, for exporters reading several companies now
    and for those whose tab already has them (one company gone); the others stay without."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        workspace_id = factories.workspace(session).id
        companies = [Company(workspace_id=workspace_id, realm_id=f"9{i}") for i in range(2)]
        session.add_all(companies)
        session.flush()
        both = factories.exporter(session, workspace_id, name="Both")
        had_two = factories.exporter(session, workspace_id, name="Had two")
        had_two.sheet_state = SheetState(labels=["Company", "Realm ID"], keys=["company", "realm_id"])
        one = factories.exporter(session, workspace_id, name="One")
        for exporter, company in [(both, companies[0]), (both, companies[1]), (had_two, companies[0])]:
            session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
        session.add(ExporterCompany(exporter_id=one.id, company_id=companies[1].id))
        session.commit()
    command.downgrade(db.alembic_config(database_url), "0003")
    options = sa.table("exporter", sa.column("name", sa.String), sa.column("options", sa.JSON))
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.select(options.c.name, options.c.options)).all())
    assert {o["version"] for o in stored.values()} == {1} and "company_columns" not in stored["Both"]

    db.upgrade(database_url)

    with Session(engine) as session:
        rows = {e.name: e.options.company_columns for e in session.exec(select(Exporter)).all()}
    assert rows == {"Both": True, "Had two": True, "One": False}
    engine.dispose()
