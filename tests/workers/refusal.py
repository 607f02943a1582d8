"""A database that refuses to store a run: a real failure inside the tick's transaction, on SQLite and
PostgreSQL alike (a trigger), for the tests of what the tick does when its database part fails."""

from __future__ import annotations

from sqlalchemy import text

from store.db import session_scope


def refuse_runs_of(exporter_id: int) -> None:
    """Make the database refuse a run of the exporter (a trigger: a real failure of the tick's insert)."""
    with session_scope() as session:
        if session.connection().dialect.name == "sqlite":
            session.execute(
                text(
                    "CREATE TRIGGER refuse_run BEFORE INSERT ON run "
                    f"WHEN NEW.exporter_id = {exporter_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
            return
        session.execute(
            text(
                "CREATE FUNCTION refuse_run() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.exporter_id = {exporter_id} THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        session.execute(
            text("CREATE TRIGGER refuse_run BEFORE INSERT ON run FOR EACH ROW EXECUTE FUNCTION refuse_run()")
        )


def allow_runs() -> None:
    with session_scope() as session:
        session.execute(
            text(
                "DROP TRIGGER refuse_run"
                + (" ON run" if session.connection().dialect.name != "sqlite" else "")
            )
        )
