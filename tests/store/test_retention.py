"""Run retention: old finished runs go, in batches; each exporter keeps its newest K; an active run stays."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from store import db
from store.models import Run, RunStatus, utcnow
from store.retention import Retention, prune_runs
from tests import factories
from tests.conftest import installed
from workers import maintenance


def add_runs(
    exporter_id: int, workspace_id: int, ages_in_days: list[float], status: str = RunStatus.SUCCEEDED
):
    """Runs queued that many days ago, oldest first (ids grow with time, as they do live)."""
    now = utcnow()
    with db.session_scope() as session:
        for age in sorted(ages_in_days, reverse=True):
            session.add(
                Run(
                    exporter_id=exporter_id,
                    workspace_id=workspace_id,
                    status=status,
                    queued_at=now - timedelta(days=age),
                )
            )


def ages_of(exporter_id: int) -> list[int]:
    """The exporter's remaining runs' ages in whole days, newest first."""
    now = utcnow()
    with db.session_scope() as session:
        runs = session.exec(
            select(Run).where(Run.exporter_id == exporter_id).order_by(col(Run.id).desc())
        ).all()
        return [round((now - run.queued_at).total_seconds() / 86400) for run in runs]


def test_old_runs_go_but_each_exporter_keeps_its_newest_and_active_runs_stay(database_url, store_settings):
    with db.session_scope() as session:
        ws = factories.workspace(session)
        busy, quiet, stuck = (
            factories.exporter(session, ws.id, name=n).id for n in ("Busy", "Quiet", "Stuck")
        )
    add_runs(busy, ws.id, [float(d) for d in range(1, 201)])  # a run a day for 200 days
    add_runs(quiet, ws.id, [300.0, 200.0, 100.0])  # three old runs, fewer than it keeps
    add_runs(stuck, ws.id, [400.0], status=RunStatus.RUNNING)  # a run some worker never finished
    add_runs(stuck, ws.id, [float(d) for d in range(95, 105)])

    deleted = prune_runs(db.session_scope, utcnow(), Retention(days=90, keep=5), batch=7)

    assert ages_of(busy) == list(range(1, 90))  # the last 90 days (day 90 itself is just past the cutoff)
    assert ages_of(quiet) == [100, 200, 300]  # its newest 5 would be more than it has: all kept
    assert ages_of(stuck) == [95, 96, 97, 98, 99, 400]  # its newest 5 finished ones, and the running one
    assert deleted == (200 - 89) + 0 + (10 - 5)
    assert prune_runs(db.session_scope, utcnow(), Retention(days=90, keep=5), batch=7) == 0


def test_the_maintenance_job_prunes_by_the_settings_and_zero_days_keeps_everything(
    database_url, store_settings
):
    with db.session_scope() as session:
        ws = factories.workspace(session)
        exporter_id = factories.exporter(session, ws.id).id
    add_runs(exporter_id, ws.id, [1.0, 10.0, 50.0, 120.0, 150.0])

    with installed(store_settings.with_overrides(run_retention_days=0)):
        assert maintenance.prune_runs() == 0
        assert ages_of(exporter_id) == [1, 10, 50, 120, 150]
    with installed(store_settings):  # the defaults: older than 90 days, but it keeps its newest 100
        assert maintenance.prune_runs() == 0
    with installed(store_settings.with_overrides(run_retention_days=30, run_retention_keep=2)):
        assert maintenance.prune_runs() == 3
        assert ages_of(exporter_id) == [1, 10]
