"""The tick claims and queues due exporters in batches: a fixed number of SQL statements per batch, one Redis
pipeline per batch, two ticks at once never claim the same exporter, and a batch whose jobs Redis lost is
queued by the reaper later."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from exporters.schedules import Schedule
from store.db import session_scope
from store.models import Exporter, Run, RunStatus, RunTrigger, utcnow
from store.settings import Settings, configure, get_settings
from tests import factories, infra
from tests.infra import free_port
from tests.statements import counted
from tests.workers.fleet import eventually
from tests.workers.refusal import allow_runs, refuse_runs_of
from tests.workers.ticker import ticks_at_once
from workers.enqueue import enqueue_run, job_id
from workers.queue import get_queue, get_redis
from workers.reaper import grace
from workers.tick import tick


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A Redis of this module's own: the jobs counted here must not meet another test's FLUSHDB."""
    yield from infra.own_redis_url()


def due_exporters(count: int, due: datetime, cron: str = "0 * * * *", zone: str = "UTC") -> list[int]:
    with session_scope() as session:
        ws = factories.workspace(session)
        return [
            factories.exporter(
                session, ws.id, next_run_at=due, schedule_cron=cron, schedule_time_zone=zone, name=f"E{i}"
            ).id
            for i in range(count)
        ]


def runs_by_exporter() -> Counter[int]:
    with session_scope() as session:
        return Counter(session.exec(select(Run.exporter_id)).all())


def test_a_batch_costs_the_same_statements_at_10_and_100_due(database_url, store_settings):
    now = utcnow()
    measured = {}
    for due in (10, 100):
        exporter_ids = due_exporters(due, now - timedelta(minutes=1))
        with counted() as statements:
            result = tick(now)
        assert len(result.queued) == due and result.failed == [] and result.busy == []
        assert set(runs_by_exporter()) >= set(exporter_ids)
        measured[due] = len(statements)

    assert measured[10] == measured[100], measured
    assert measured[100] <= 12, measured  # reap, one batch (read, claim, busy, insert, follow-ups), mail
    assert len(get_queue().job_ids) == 110


def test_each_batch_is_one_transaction_and_every_due_exporter_is_queued_once(database_url, store_settings):
    now = utcnow()
    exporter_ids = due_exporters(25, now - timedelta(minutes=3))

    result = tick(now, batch_size=10)  # batches of 10, 10, 5

    assert len(result.queued) == 25 and runs_by_exporter() == Counter(exporter_ids)
    with session_scope() as session:
        runs = session.exec(select(Run).where(col(Run.id).in_(result.queued))).all()
        assert {(r.trigger, r.status, r.due_at) for r in runs} == {
            (RunTrigger.SCHEDULE, RunStatus.QUEUED, now - timedelta(minutes=3))  # the wait is measured
        }
        assert {e.next_run_at for e in session.exec(select(Exporter)).all()} == {
            Schedule("0 * * * *").next_after(now)
        }
    jobs = [get_queue().fetch_job(job_id(run_id)) for run_id in result.queued]
    assert {(j.func_name, j.timeout, j.result_ttl, j.failure_ttl) for j in jobs} == {
        ("workers.jobs.run_export", get_settings().run_timeout_seconds, 24 * 60 * 60, 7 * 24 * 60 * 60)
    }
    assert sorted(j.args[0] for j in jobs) == sorted(result.queued)


def test_busy_exporters_are_claimed_without_a_second_run_and_a_follow_up_is_taken(store_settings):
    now = utcnow()
    busy, wanted, plain = due_exporters(3, now - timedelta(minutes=1))
    with session_scope() as session:
        session.add(Run(exporter_id=busy, workspace_id=session.get(Exporter, busy).workspace_id))
        session.get(Exporter, wanted).follow_up_at = now - timedelta(minutes=5)

    result = tick(now)

    assert result.busy == [busy] and len(result.queued) == 2
    assert runs_by_exporter() == Counter({busy: 1, wanted: 1, plain: 1})
    with session_scope() as session:
        # the scheduled run reads after the change: it is the follow-up, no second run after it
        assert session.get(Exporter, wanted).follow_up_at is None
        assert session.get(Exporter, busy).next_run_at > now  # its slot is spent, as before batching


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_two_ticks_in_two_processes_claim_disjoint_exporters(database_url, store_settings):
    now = utcnow()
    exporter_ids = due_exporters(300, now - timedelta(minutes=1))

    results = ticks_at_once(store_settings, now, processes=2, batch_size=10)

    first, second = ({run for run in r.queued} for r in results)
    assert not first & second and len(first | second) == 300
    assert runs_by_exporter() == Counter(exporter_ids)  # each exporter queued once
    assert sorted(get_queue().job_ids) == sorted(job_id(run) for run in first | second)
    assert all(r.failed == [] and r.busy == [] for r in results)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_tick_skips_an_exporter_another_transaction_holds_instead_of_waiting(database_url, store_settings):
    now = utcnow()
    held, free = due_exporters(2, now - timedelta(minutes=1))
    with session_scope() as other:  # another tick's batch, or a Run now, holding the row
        other.get(Exporter, held, with_for_update=True)
        result = tick(now)

    assert runs_by_exporter() == Counter({free: 1}) and result.failed == []
    with session_scope() as session:
        assert session.get(Exporter, held).next_run_at == now - timedelta(minutes=1)  # due for the next tick


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_run_now_during_a_batch_waits_for_it_and_finds_its_run(database_url, store_settings):
    now = utcnow()
    (exporter_id,) = due_exporters(1, now - timedelta(minutes=1))
    with ThreadPoolExecutor(1) as clicks, session_scope() as batch:  # what a tick's batch holds meanwhile
        exporter = batch.get(Exporter, exporter_id, with_for_update=True)
        batch.add(
            Run(exporter_id=exporter_id, workspace_id=exporter.workspace_id, trigger=RunTrigger.SCHEDULE)
        )
        batch.flush()
        holder = batch.execute(text("SELECT pg_backend_pid()")).scalar_one()
        click = clicks.submit(enqueue_run, exporter_id, exporter.workspace_id, RunTrigger.MANUAL)
        eventually(lambda: waits_for(holder), 30, "Run now to wait for the batch's row")

    assert click.result(timeout=30) is None  # "already queued": the batch's run
    assert runs_by_exporter() == Counter({exporter_id: 1})


def waits_for(backend_pid: int) -> bool:
    """Whether another PostgreSQL backend is waiting for a lock `backend_pid` holds."""
    with session_scope() as session:
        statement = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
        return bool(session.execute(statement, {"pid": backend_pid}).scalar_one())


@contextmanager
def redis_down(settings: Settings) -> Iterator[None]:
    configure(settings.with_overrides(redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    try:
        yield
    finally:
        configure(settings)


def test_runs_redis_did_not_take_stay_queued_and_the_reaper_submits_them(database_url, store_settings):
    now = utcnow()
    exporter_ids = due_exporters(3, now - timedelta(minutes=1))
    with redis_down(store_settings):
        result = tick(now)

    assert len(result.queued) == 3 and result.failed == []
    assert get_queue().job_ids == []
    with session_scope() as session:
        runs = session.exec(select(Run)).all()
        assert {r.status for r in runs} == {RunStatus.QUEUED} and {r.exporter_id for r in runs} == set(
            exporter_ids
        )
        assert all(e.next_run_at > now for e in session.exec(select(Exporter)).all())  # claimed: not due

    assert tick(now + timedelta(seconds=30)).reaped == []  # still within the grace: its job may be coming
    later = tick(utcnow() + grace() + timedelta(minutes=1))

    assert sorted(later.reaped) == sorted(result.queued)
    assert sorted(get_queue().job_ids) == sorted(job_id(run) for run in result.queued)
    assert runs_by_exporter() == Counter(exporter_ids)
    assert get_redis().ping()


def test_missed_slots_run_once_and_each_zone_gets_its_own_next_slot_across_dst(database_url, store_settings):
    now = datetime(2027, 3, 14, 6, 0, tzinfo=UTC)  # 01:00 in New York, an hour before spring-forward
    days_ago = now - timedelta(days=3)  # three daily slots missed
    new_york = due_exporters(3, days_ago, "30 2 * * *", "America/New_York")
    utc = due_exporters(2, days_ago, "30 2 * * *", "UTC")
    hourly = due_exporters(1, days_ago, "0 * * * *", "America/New_York")

    tick(now, batch_size=4)
    tick(now + timedelta(seconds=30), batch_size=4)

    assert runs_by_exporter() == Counter(new_york + utc + hourly)
    with session_scope() as session:
        next_at = {e.id: e.next_run_at for e in session.exec(select(Exporter)).all()}
    # 02:30 does not exist that night in New York: cron runs it at the first minute after the gap
    assert {next_at[i] for i in new_york} == {datetime(2027, 3, 14, 7, 0, tzinfo=UTC)}
    assert {next_at[i] for i in utc} == {datetime(2027, 3, 15, 2, 30, tzinfo=UTC)}
    assert {next_at[i] for i in hourly} == {datetime(2027, 3, 14, 7, 0, tzinfo=UTC)}


def test_the_database_refusing_a_batch_leaves_it_due_and_claims_nothing(database_url, store_settings):
    now = utcnow()
    exporter_ids = due_exporters(3, now - timedelta(minutes=1))
    refuse_runs_of(exporter_ids[1])  # the insert of the batch's runs fails, after its claim

    result = tick(now)

    assert result.failed == exporter_ids and result.queued == []
    assert get_queue().job_ids == [] and runs_by_exporter() == Counter()
    with session_scope() as session:
        assert {e.next_run_at for e in session.exec(select(Exporter)).all()} == {now - timedelta(minutes=1)}
    allow_runs()
    assert len(tick(now).queued) == 3
