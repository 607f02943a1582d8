"""Pacing with real Redis and forked RQ workers: Run now overtakes queued scheduled runs, every run records
how long it waited past its due time, slots missed while workers were down run once, and one QuickBooks
company's runs wait their turn (deferred, not failed) so the others' runs go ahead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from rq import Callback, Worker
from rq.job import Job
from sqlmodel import col, select

from store.db import session_scope
from store.models import Company, ExporterCompany, Run, RunStatus, RunTrigger, utcnow
from tests import factories
from tests.conftest import installed
from workers.enqueue import enqueue_run, job_id
from workers.fair_share import wake
from workers.queue import get_queue, get_queues, get_redis
from workers.tick import tick


def work() -> None:
    """A real RQ worker on every queue, forking a work horse per job, until the queues are empty."""
    Worker(get_queues(), connection=get_redis()).work(burst=True)


def all_runs() -> list[Run]:
    with session_scope() as session:
        return list(session.exec(select(Run).order_by(col(Run.id))).all())


def test_run_now_overtakes_twenty_queued_scheduled_runs(store_settings):
    with session_scope() as session:
        ws = factories.workspace(session)
        scheduled = [factories.exporter(session, ws.id, name=f"Nightly {i}").id for i in range(20)]
        clicked = factories.exporter(session, ws.id, name="Board pack").id
        workspace_id = ws.id
    for exporter_id in scheduled:
        enqueue_run(exporter_id, workspace_id, RunTrigger.SCHEDULE)
    [now_run] = [enqueue_run(clicked, workspace_id, RunTrigger.MANUAL)]
    assert len(get_queue().jobs) == 20 and get_queue(priority=True).job_ids == [job_id(now_run.id)]

    work()

    runs = all_runs()
    assert all(r.status in (RunStatus.SUCCEEDED, RunStatus.FAILED) and r.started_at for r in runs)
    order = [r.exporter_id for r in sorted(runs, key=lambda r: r.started_at)]
    assert order[0] == clicked and order[1:] == scheduled  # then the clock's, in the order they were due


def test_workers_down_for_three_slots_run_the_exporter_once_and_its_wait_is_measured(store_settings):
    slot = utcnow().replace(second=0, microsecond=0) - timedelta(hours=3)
    with session_scope() as session:
        ws = factories.workspace(session)
        exporter_id = factories.exporter(session, ws.id, next_run_at=slot, schedule_cron="0 * * * *").id

    queued = tick(slot + timedelta(seconds=5)).queued  # the first slot: queued, but no worker is up
    for hours in (1, 2, 3):  # three more slots pass with the run still waiting
        assert tick(slot + timedelta(hours=hours, seconds=5)).busy == [exporter_id]

    work()  # the workers are back

    [run] = all_runs()
    assert [run.id] == queued and run.trigger == RunTrigger.SCHEDULE and run.due_at == slot
    assert run.wait_seconds is not None and run.wait_seconds >= 3 * 3600  # due 3 h before a worker took it


@pytest.fixture
def one_at_a_time(store_settings) -> Iterator[None]:
    with installed(store_settings.with_overrides(company_concurrency=1, defer_seconds=1)):
        yield


def busy_company(*names: str) -> tuple[int, dict[str, int]]:
    """Busy Co (with a run already going on another worker, alive: it beats) and Other Co; an exporter per
    name reading Busy Co, and "other" reading Other Co. The workspace and the exporters by name."""
    with session_scope() as session:
        ws = factories.workspace(session)
        busy = Company(workspace_id=ws.id, realm_id="111", name="Busy Co")
        other = Company(workspace_id=ws.id, realm_id="222", name="Other Co")
        session.add_all([busy, other])
        session.flush()
        exporters = {}
        for name in ("running", *names, "other"):
            exporters[name] = factories.exporter(session, ws.id, name=name).id
            company = other if name == "other" else busy
            session.add(ExporterCompany(exporter_id=exporters[name], company_id=company.id))
        session.add(
            Run(exporter_id=exporters["running"], workspace_id=ws.id, status=RunStatus.RUNNING,
                started_at=utcnow(), heartbeat_at=utcnow())
        )  # fmt: skip
        return ws.id, exporters


def end_the_other_workers_run() -> int:
    with session_scope() as session:
        blocker = session.exec(select(Run).where(Run.status == RunStatus.RUNNING)).one()
        blocker.status, blocker.finished_at = RunStatus.SUCCEEDED, utcnow()
        session.add(blocker)
        return blocker.id


def run_of(run_id: int) -> Run:
    with session_scope() as session:
        run = session.get(Run, run_id)
        session.expunge(run)
        return run


def test_a_company_at_its_cap_waits_its_turn_and_another_company_goes_ahead(one_at_a_time):
    workspace_id, exporters = busy_company("busy next", "busy later")
    waiting = enqueue_run(exporters["busy next"], workspace_id, RunTrigger.SCHEDULE)
    ahead = enqueue_run(exporters["other"], workspace_id, RunTrigger.SCHEDULE)

    work()

    went, deferred = run_of(ahead.id), run_of(waiting.id)
    assert went.status == RunStatus.FAILED and went.started_at  # it ran (no sheet to write: failed)
    assert deferred.status == RunStatus.QUEUED and deferred.started_at is None and not deferred.error
    assert deferred.deferred_at is not None
    assert "Waiting: 1 runs of Busy Co are already running" in deferred.progress
    assert get_queue().job_ids == [] and get_queue(priority=True).job_ids == []  # the worker moved on

    # The other worker's run ends; a new run of Busy Co takes the free place, and when it ends it wakes
    # the deferred run, which the same worker takes: no tick in between.
    end_the_other_workers_run()
    later = enqueue_run(exporters["busy later"], workspace_id, RunTrigger.SCHEDULE)
    work()

    ended, woken = run_of(later.id), run_of(waiting.id)
    assert ended.finished_at is not None and woken.started_at is not None
    assert woken.started_at >= ended.finished_at and woken.deferred_at is None


def test_a_deferred_run_nobody_wakes_is_submitted_by_the_tick_even_after_redis_lost_its_job(one_at_a_time):
    workspace_id, exporters = busy_company("busy next")
    waiting = enqueue_run(exporters["busy next"], workspace_id, RunTrigger.SCHEDULE)
    work()
    assert run_of(waiting.id).deferred_at is not None
    end_the_other_workers_run()  # ended without waking anyone (its worker died with it, say)
    assert not get_redis().exists(Job.key_for(job_id(waiting.id)))  # the deferred job left nothing behind

    deferred_at = run_of(waiting.id).deferred_at
    assert waiting.id not in tick(deferred_at).reaped  # within defer_seconds: left alone
    assert waiting.id in tick(deferred_at + timedelta(seconds=2)).reaped
    assert tick(deferred_at + timedelta(seconds=3)).reaped == []  # its job is on its way: not twice
    work()

    assert run_of(waiting.id).started_at is not None


def the_other_workers_run_ends_and_wakes(job, connection, result) -> None:
    """RQ's success callback, in the work-horse: the deferred run's job has returned (its deferral is
    committed) but RQ has not yet marked the job finished. The other worker's run ends now, and wakes."""
    wake(end_the_other_workers_run())


def test_a_wake_between_the_deferral_and_the_end_of_its_job_is_not_lost(one_at_a_time):
    workspace_id, exporters = busy_company("busy next")
    with session_scope() as session:
        run = Run(exporter_id=exporters["busy next"], workspace_id=workspace_id, trigger=RunTrigger.SCHEDULE)
        session.add(run)
    get_queue().enqueue(  # the run's job, as `submit` puts it, with the wake in the race's window
        "workers.jobs.run_export",
        run.id,
        job_id=job_id(run.id),
        on_success=Callback(the_other_workers_run_ends_and_wakes),
    )

    work()  # the job defers the run; the wake comes before RQ marks that job finished

    [blocker] = [r for r in all_runs() if r.id != run.id]
    woken = run_of(run.id)
    assert blocker.status == RunStatus.SUCCEEDED  # it ended inside the window
    assert woken.started_at is not None, woken.progress  # the same worker took it: no tick, no reaper
    assert woken.started_at >= blocker.finished_at and woken.deferrals == 1
    assert woken.status == RunStatus.FAILED and woken.deferred_at is None  # it ran (no sheet to write)
