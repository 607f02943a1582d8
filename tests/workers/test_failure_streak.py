"""An exporter that keeps failing (real Redis, forked RQ workers): each failure pushes its next scheduled
run past a growing backoff, the Nth in a row pauses it with the reason on its page, a successful run or the
user enabling it again starts the count over."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from rq import Worker
from sqlmodel import select

from exporters.failure_streak import backoff
from exporters.failures import Failure
from exporters.run_record import Outcome, record_failure, record_success
from exporters.schedules import Schedule
from store import states
from store.db import session_scope
from store.models import Exporter, ExporterState, Run, RunStatus, RunTrigger, utcnow
from tests import factories
from tests.conftest import installed
from workers.enqueue import enqueue_run
from workers.queue import get_queues, get_redis
from workers.tick import tick

EVERY_15 = "*/15 * * * *"


@pytest.fixture
def three_strikes(store_settings) -> Iterator[None]:
    with installed(store_settings.with_overrides(pause_after_failures=3, failure_backoff_cap_minutes=60)):
        yield


def failing_exporter() -> tuple[int, int]:
    """An exporter every run of which fails (it reads no company), due every 15 minutes."""
    with session_scope() as session:
        ws = factories.workspace(session)
        exporter = factories.exporter(session, ws.id, next_run_at=utcnow(), schedule_cron=EVERY_15)
        return exporter.id, ws.id


def fail_once(exporter_id: int, workspace_id: int) -> Run:
    run = enqueue_run(exporter_id, workspace_id, RunTrigger.SCHEDULE)
    assert run is not None
    Worker(get_queues(), connection=get_redis()).work(burst=True)
    with session_scope() as session:
        finished = session.get(Run, run.id)
        assert finished.status == RunStatus.FAILED and "reads no QuickBooks company" in finished.error
        return finished


def exporter(exporter_id: int) -> Exporter:
    with session_scope() as session:
        return session.get(Exporter, exporter_id)


def test_backoff_doubles_and_is_capped():
    assert [backoff(n, 60).total_seconds() / 60 for n in (1, 2, 3, 5, 6, 40)] == [2, 4, 8, 32, 60, 60]


def test_failures_back_off_then_pause_the_exporter_and_a_success_resets_the_count(three_strikes):
    exporter_id, workspace_id = failing_exporter()
    first = fail_once(exporter_id, workspace_id)
    after_one = exporter(exporter_id)
    assert after_one.failure_streak == 1 and after_one.state == ExporterState.ACTIVE
    # 2 minutes of backoff, then the schedule's next slot
    assert after_one.next_run_at == Schedule(EVERY_15).next_after(first.finished_at + timedelta(minutes=2))

    second = fail_once(exporter_id, workspace_id)
    slot = Schedule(EVERY_15).next_after(second.finished_at + timedelta(minutes=4))
    assert exporter(exporter_id).next_run_at == slot and exporter(exporter_id).failure_streak == 2

    fail_once(exporter_id, workspace_id)
    paused = exporter(exporter_id)
    assert paused.state == ExporterState.PAUSED_FAILURES and not paused.enabled
    assert paused.paused_reason.startswith("Paused after 3 failed runs in a row")
    assert "reads no QuickBooks company" in paused.paused_reason
    assert tick(utcnow() + timedelta(days=1)).queued == []  # the clock leaves it alone

    run = enqueue_run(exporter_id, workspace_id, RunTrigger.MANUAL)  # the analyst fixed it and tries once
    with session_scope() as session:
        assert states.claim_run(session, run.id)
    record_success(run.id, Outcome())
    fixed = exporter(exporter_id)
    assert fixed.state == ExporterState.ACTIVE and fixed.failure_streak == 0 and fixed.paused_reason == ""


def test_enabling_a_paused_exporter_starts_the_count_over(three_strikes):
    exporter_id, workspace_id = failing_exporter()
    for _ in range(3):
        fail_once(exporter_id, workspace_id)
    with session_scope() as session:
        row = session.get(Exporter, exporter_id)
        assert states.apply(session, row, states.Event.USER_ENABLED) == ExporterState.ACTIVE
    assert exporter(exporter_id).failure_streak == 0
    fail_once(exporter_id, workspace_id)
    assert exporter(exporter_id).state == ExporterState.ACTIVE  # one failure, not the fourth in a row


def test_the_pause_is_told_once_through_the_hook(three_strikes, caplog):
    exporter_id, workspace_id = failing_exporter()
    caplog.set_level(logging.WARNING, logger="exporters.failure_streak")
    for _ in range(4):  # the fourth failure of a paused exporter tells nobody again
        run = enqueue_run(exporter_id, workspace_id, RunTrigger.MANUAL)
        with session_scope() as session:
            states.claim_run(session, run.id)
        record_failure(run.id, Failure("QuickBooks said no"))
    told = [r for r in caplog.records if "paused itself" in r.getMessage()]
    assert len(told) == 1 and str(exporter_id) in told[0].getMessage()
    with session_scope() as session:
        assert len(session.exec(select(Run).where(Run.exporter_id == exporter_id)).all()) == 4
