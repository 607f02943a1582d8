"""store.listing: pages newest first that neither repeat nor skip a row while runs are added, the latest run
per exporter, filters; and on PostgreSQL, the plans of the main list queries use their indexes."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlmodel import col, select

from store import db
from store.listing import (
    ExporterFilters,
    RunFilters,
    latest_runs,
    list_exporters,
    list_runs,
    needing_attention,
)
from store.models import Exporter, ExporterCompany, ExporterState, Run, RunStatus
from tests import factories


def seeded(exporters: int, runs: int) -> tuple[int, factories.Seeded]:
    with db.session_scope() as session:
        workspace = factories.workspace(session)
        return workspace.id, factories.dashboard(
            session, workspace.id, companies=3, exporters=exporters, runs=runs
        )


def test_run_pages_neither_repeat_nor_skip_while_runs_are_added(database_url, store_settings):
    workspace_id, seed = seeded(exporters=4, runs=23)
    with db.session_scope() as session:
        before = list(session.exec(select(Run.id).order_by(col(Run.id).desc())).all())
    seen: list[int] = []
    cursor = None
    while True:
        with db.session_scope() as session:
            page = list_runs(session, workspace_id, cursor=cursor, limit=5)
            seen += [row.run.id or 0 for row in page.rows]
            # someone's exporter runs meanwhile: the new run is newer than every page, so it shifts none
            session.add(Run(exporter_id=seed.exporter_ids[0], workspace_id=workspace_id))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == before


def test_an_exporters_latest_run_is_its_newest_and_filters_choose_by_it(database_url, store_settings):
    workspace_id, seed = seeded(exporters=5, runs=40)
    with db.session_scope() as session:
        newest = {
            exporter_id: session.exec(
                select(Run).where(Run.exporter_id == exporter_id).order_by(col(Run.id).desc())
            ).first()
            for exporter_id in seed.exporter_ids
        }
        assert {i: r.id for i, r in latest_runs(session, seed.exporter_ids).items()} == {
            i: r.id for i, r in newest.items() if r is not None
        }
        failing = [i for i, r in newest.items() if r is not None and r.status == RunStatus.FAILED]
        page = list_exporters(session, workspace_id, ExporterFilters(last_run_status=RunStatus.FAILED))
        assert [row.exporter.id for row in page.rows] == sorted(failing, reverse=True)
        assert all(row.last_run is not None and row.last_run.status == RunStatus.FAILED for row in page.rows)


def test_filters_combine_and_stay_in_the_workspace(database_url, store_settings):
    workspace_id, seed = seeded(exporters=12, runs=36)
    other_id, _ = seeded(exporters=12, runs=36)
    with db.session_scope() as session:
        page = list_exporters(
            session, workspace_id, ExporterFilters(source="invoices", state=ExporterState.ACTIVE)
        )
        expected = session.exec(
            select(Exporter.id)
            .where(
                Exporter.workspace_id == workspace_id,
                Exporter.source == "invoices",
                Exporter.state == "active",
            )
            .order_by(col(Exporter.id).desc())
        ).all()
        assert [row.exporter.id for row in page.rows] == list(expected) and expected
        company = seed.company_ids[1]
        runs = list_runs(session, workspace_id, RunFilters(company_id=company, status=RunStatus.FAILED))
        reading = set(
            session.exec(select(ExporterCompany.exporter_id).where(ExporterCompany.company_id == company))
        )
        expected_runs = session.exec(
            select(Run.id)
            .where(
                Run.workspace_id == workspace_id, Run.status == "failed", col(Run.exporter_id).in_(reading)
            )
            .order_by(col(Run.id).desc())
        ).all()
        assert [row.run.id for row in runs.rows] == list(expected_runs) and expected_runs
        assert list_runs(session, other_id, RunFilters(exporter_id=seed.exporter_ids[0])).rows == []


def test_needing_attention_counts_every_troubled_exporter_and_shows_the_newest(database_url, store_settings):
    workspace_id, seed = seeded(exporters=30, runs=60)
    with db.session_scope() as session:
        attention = needing_attention(session, workspace_id, limit=4)
        latest = latest_runs(session, seed.exporter_ids)
        troubled = [
            e.id
            for e in session.exec(select(Exporter).where(Exporter.workspace_id == workspace_id)).all()
            if e.paused_reason or e.destination_error or latest[e.id or 0].status == RunStatus.FAILED
        ]
    assert attention.total == len(troubled) > 4
    assert [e.id for e in attention.exporters] == sorted(troubled, reverse=True)[:4]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_main_list_queries_use_their_indexes_on_postgresql(database_url, store_settings):
    """A workspace's 300 runs under another's 15,000 newer ones, analysed: each list query reads its index
    (not the primary key backwards through the other workspace's runs, nor the whole table)."""
    workspace_id, seed = seeded(exporters=60, runs=300)
    seeded(exporters=100, runs=15_000)
    executed: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args) -> None:
        executed.append((statement, parameters))

    with db.session_scope() as session:
        session.execute(text("ANALYZE"))
        event.listen(db.get_engine(), "before_cursor_execute", record)
        try:
            list_runs(session, workspace_id)
            list_runs(session, workspace_id, RunFilters(status=RunStatus.FAILED))
            list_runs(session, workspace_id, RunFilters(exporter_id=seed.exporter_ids[5]))
            list_exporters(session, workspace_id)
        finally:
            event.remove(db.get_engine(), "before_cursor_execute", record)
        connection = session.connection()
        plans = [
            "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            for statement, parameters in executed
        ]
    runs, failed, one_exporter, exporters, latest, _companies = plans
    assert "ix_run_workspace_id_id" in runs and "Seq Scan on run" not in runs, runs
    assert "ix_run_workspace_id_status_id" in failed and "Seq Scan on run" not in failed, failed
    assert "ix_run_exporter_id_id" in one_exporter and "Seq Scan on run" not in one_exporter, one_exporter
    assert "ix_run_exporter_id_id" in latest and "Seq Scan on run" not in latest, latest
    assert "Seq Scan on run" not in exporters, exporters
