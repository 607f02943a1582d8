"""The tick claims due exporters exactly once, runs missed ones once, and repairs runs whose job is gone."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from rq import Queue
from rq.job import Job
from sqlmodel import select

from exporters.retries import BUSY
from exporters.schedules import Schedule
from store.db import session_scope
from store.models import Exporter, Run, RunStatus, RunTrigger, utcnow
from store.settings import get_settings
from tests import factories
from tests.workers.refusal import allow_runs, refuse_runs_of
from workers.enqueue import job_id, submit
from workers.queue import get_queue, get_queues, get_redis, waiting_job_ids
from workers.reaper import WENT_SILENT, grace
from workers.tick import tick


@pytest.fixture
def due_exporter(store_settings) -> int:
    with session_scope() as session:
        ws = factories.workspace(session)
        row = factories.exporter(
            session, ws.id, next_run_at=utcnow() - timedelta(minutes=1), schedule_cron="0 * * * *"
        )
        return row.id


def runs_of(exporter_id: int) -> list[Run]:
    with session_scope() as session:
        return list(session.exec(select(Run).where(Run.exporter_id == exporter_id)).all())


def test_due_exporter_gets_one_scheduled_run_on_the_queue(due_exporter):
    now = utcnow()
    result = tick(now)

    (run,) = runs_of(due_exporter)
    assert result.queued == [run.id]
    assert run.trigger == RunTrigger.SCHEDULE and run.status == RunStatus.QUEUED
    assert get_queue().job_ids == [job_id(run.id)]
    with session_scope() as session:
        assert session.get(Exporter, due_exporter).next_run_at == Schedule("0 * * * *").next_after(now)


def test_two_ticks_at_once_queue_the_exporter_once(database_url, due_exporter):
    now = utcnow()
    barrier = threading.Barrier(4)
    results = []

    def one_tick() -> None:
        barrier.wait()
        results.append(tick(now))

    threads = [threading.Thread(target=one_tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(runs_of(due_exporter)) == 1
    assert sum(len(r.queued) for r in results) == 1
    assert len(get_queue().job_ids) == 1


def test_a_scheduler_that_was_down_runs_a_missed_exporter_once(store_settings):
    now = utcnow()
    with session_scope() as session:
        ws = factories.workspace(session)
        exporter_id = factories.exporter(
            session, ws.id, next_run_at=now - timedelta(hours=7), schedule_cron="0 * * * *"
        ).id

    tick(now)
    tick(now + timedelta(seconds=30))

    assert len(runs_of(exporter_id)) == 1
    with session_scope() as session:
        # the first slot after the tick that served it, not the seven it missed
        assert session.get(Exporter, exporter_id).next_run_at == Schedule("0 * * * *").next_after(now)


def test_exporter_with_an_active_run_is_not_queued_again(due_exporter):
    with session_scope() as session:
        exporter = session.get(Exporter, due_exporter)
        session.add(
            Run(exporter_id=due_exporter, workspace_id=exporter.workspace_id, status=RunStatus.RUNNING)
        )

    result = tick(utcnow())

    assert result.queued == [] and result.busy == [due_exporter]
    assert len(runs_of(due_exporter)) == 1


def test_disabled_and_unscheduled_exporters_are_left_alone(store_settings):
    past = utcnow() - timedelta(hours=1)
    with session_scope() as session:
        ws = factories.workspace(session)
        factories.exporter(session, ws.id, next_run_at=past, enabled=False, name="paused")
        factories.exporter(session, ws.id, next_run_at=None, schedule_cron="", name="manual only")

    assert tick(utcnow()).queued == []
    assert get_queue().job_ids == []


def test_reaper_requeues_runs_lost_with_redis_and_fails_runs_whose_worker_died(store_settings):
    long_ago = utcnow() - grace() - timedelta(minutes=1)
    beyond_timeout = utcnow() - timedelta(seconds=get_settings().run_timeout_seconds, minutes=1)
    with session_scope() as session:
        ws = factories.workspace(session)
        exporter_id = factories.exporter(session, ws.id).id
        lost = Run(exporter_id=exporter_id, workspace_id=ws.id, status=RunStatus.QUEUED, queued_at=long_ago)
        dead = Run(
            exporter_id=exporter_id,
            workspace_id=ws.id,
            status=RunStatus.RUNNING,
            queued_at=beyond_timeout,
            started_at=beyond_timeout,
        )
        busy = Run(
            exporter_id=exporter_id,
            workspace_id=ws.id,
            status=RunStatus.RUNNING,
            queued_at=long_ago,
            started_at=long_ago,
        )
        session.add_all([lost, dead, busy])
    # Redis lost every job (flushed or restarted): the database still knows the runs.

    result = tick(utcnow())

    assert sorted(result.reaped) == sorted([lost.id, dead.id])
    with session_scope() as session:  # its worker may still be at it: left alone until its timeout
        assert session.get(Run, busy.id).status == RunStatus.RUNNING
    assert Job.fetch(job_id(lost.id), connection=get_redis()).get_status() == "queued"
    with session_scope() as session:
        assert session.get(Run, lost.id).status == RunStatus.QUEUED
        failed = session.get(Run, dead.id)
        assert failed.status == RunStatus.FAILED and WENT_SILENT in failed.error
        # the other run of the exporter is still going: no automatic retry on top of it
        assert failed.error.endswith(BUSY)


def test_a_job_a_worker_took_and_died_with_before_starting_it_is_submitted_again(store_settings):
    with session_scope() as session:
        ws = factories.workspace(session)
        exporter_id = factories.exporter(session, ws.id).id
        run = Run(exporter_id=exporter_id, workspace_id=ws.id, queued_at=utcnow() - grace() - timedelta(1))
        session.add(run)
    submit(run.id)
    # A worker takes the job off its queue as RQ does, and is killed before it starts it: the job stays
    # "queued" in Redis, on no queue.
    taken = Queue.dequeue_any(get_queues(), None, connection=get_redis())
    assert taken is not None and taken[0].id == job_id(run.id) and waiting_job_ids() == set()

    assert tick(utcnow()).reaped == [run.id]

    assert waiting_job_ids() == {job_id(run.id)}  # a worker that is alive takes it now
    assert tick(utcnow()).reaped == []  # and a job waiting on its queue is left alone


def test_an_exporter_that_cannot_be_queued_stays_due_and_the_others_still_run(database_url, store_settings):
    due = utcnow() - timedelta(minutes=1)
    with session_scope() as session:
        ws = factories.workspace(session)
        broken = factories.exporter(session, ws.id, next_run_at=due, schedule_cron="0 * * * *").id
        fine = factories.exporter(session, ws.id, next_run_at=due, schedule_cron="0 * * * *").id
    refuse_runs_of(broken)

    result = tick(utcnow(), batch_size=1)  # each exporter in a batch of its own

    assert result.failed == [broken] and len(result.queued) == 1 and runs_of(fine)
    with session_scope() as session:
        assert session.get(Exporter, broken).next_run_at == due  # the next tick tries it again
    allow_runs()
    assert len(tick(utcnow()).queued) == 1 and runs_of(broken)


def test_the_tick_log_line_names_a_few_runs_and_counts_many():
    from workers.tick import ids_in_brief

    assert ids_in_brief([3, 4]) == "[3, 4]"
    brief = ids_in_brief(list(range(1, 1001)))
    assert brief.startswith("1000 (1, 2, 3,") and "1000," not in brief and len(brief) < 120
