"""The states of runs and exporters (store.states): the transition table, heartbeats, follow-up runs, and
exporters refreshing on QuickBooks changes only when asked to."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from store import states
from store.db import session_scope
from store.models import Company, Exporter, ExporterCompany, ExporterState, Run, RunStatus, RunTrigger, utcnow
from tests import factories
from workers.enqueue import enqueue_run, job_id, submit
from workers.queue import get_redis
from workers.reaper import WENT_SILENT, reap
from workers.tick import tick
from workers.webhooks import process_delivery


def test_every_run_status_is_in_the_table_and_a_finished_run_never_moves():
    assert set(states.RUN_TRANSITIONS) == set(RunStatus)
    assert {
        RunStatus.SUCCEEDED,
        RunStatus.FAILED,
        RunStatus.CANCELLED,
        RunStatus.SKIPPED,
    } == states.FINISHED
    run = Run(exporter_id=1, workspace_id=1, status=RunStatus.SUCCEEDED)
    with pytest.raises(states.IllegalTransition, match="succeeded -> running"):
        states.move_run(run, RunStatus.RUNNING)
    queued = Run(exporter_id=1, workspace_id=1)
    with pytest.raises(states.IllegalTransition):
        states.move_run(queued, RunStatus.SUCCEEDED)  # never ran


def test_every_exporter_state_says_why_and_what_to_do():
    exporter = Exporter(workspace_id=1, name="e", source="invoices")
    for event, args, state in [
        (states.Event.FAILED_REPEATEDLY, {"failures": 5, "error": "boom"}, ExporterState.PAUSED_FAILURES),
        (
            states.Event.COMPANY_LOST,
            {"hold": {"company_id": 3, "name": "Acme"}},
            ExporterState.PAUSED_COMPANY,
        ),
        (states.Event.GOOGLE_DISCONNECTED, {"email": "a@b.c"}, ExporterState.PAUSED_GOOGLE),
        (states.Event.USER_DISABLED, {"by": "x@y.z"}, ExporterState.DISABLED),
    ]:
        exporter.pauses = states.EXPORTER_EVENTS[event].holds(exporter.pauses, args)
        assert states.state_of(exporter, [3]) == state
        assert states.reason(exporter, state)  # never paused without a reason shown
    assert "Acme" in states.reason(exporter, ExporterState.PAUSED_COMPANY)
    assert "Enable it" in states.reason(exporter, ExporterState.DISABLED)


@pytest.fixture
def exporter_id(store_settings) -> int:
    with session_scope() as session:
        ws = factories.workspace(session)
        return factories.exporter(session, ws.id).id


def _running_since_long_ago(exporter_id: int) -> int:
    """A run a worker took 20 minutes ago, its job still on the queue in Redis."""
    long_ago = utcnow() - timedelta(minutes=20)
    with session_scope() as session:
        exporter = session.get(Exporter, exporter_id)
        run = Run(exporter_id=exporter_id, workspace_id=exporter.workspace_id, queued_at=long_ago)
        session.add(run)
    submit(run.id)
    with session_scope() as session:
        assert states.claim_run(session, run.id, long_ago)
    return run.id


def test_a_running_run_whose_heartbeat_stopped_is_failed_whatever_redis_knows(exporter_id):
    """On main the reaper left it running until the 3-hour job timeout while its job looked alive."""
    silent = _running_since_long_ago(exporter_id)
    assert reap(utcnow()) == [silent]
    with session_scope() as session:
        run = session.get(Run, silent)
        assert run.status == RunStatus.FAILED and WENT_SILENT in run.error
        retry = session.exec(select(Run).where(Run.retry_of_id == silent)).one()
    assert run.error.endswith(f"Retried automatically as run #{retry.id}.")
    assert retry.status == RunStatus.QUEUED and retry.exporter_id == exporter_id  # the exporter goes on
    assert get_redis().exists(f"rq:job:{job_id(silent)}")  # Redis still had its job


def test_a_beating_run_is_left_alone(exporter_id):
    alive = _running_since_long_ago(exporter_id)
    with session_scope() as session:
        states.beat(session, alive)
    assert reap(utcnow()) == []


def _delivery(realm: str, entity: str = "Invoice") -> bytes:
    return json.dumps(
        {
            "eventNotifications": [
                {
                    "realmId": realm,
                    "dataChangeEvent": {
                        "entities": [
                            {
                                "name": entity,
                                "id": utcnow().isoformat(),
                                "operation": "Update",
                                "lastUpdated": "x",
                            }
                        ]
                    },
                }
            ]
        }
    ).encode()


def _reading(session, workspace_id: int, realm: str, **fields) -> int:
    company = Company(workspace_id=workspace_id, realm_id=realm, name=realm)
    session.add(company)
    session.flush()
    exporter = factories.exporter(session, workspace_id, **fields)
    session.add(ExporterCompany(exporter_id=exporter.id, company_id=company.id))
    return exporter.id


def _runs(exporter_id: int) -> list[Run]:
    with session_scope() as session:
        return list(session.exec(select(Run).where(Run.exporter_id == exporter_id).order_by(Run.id)).all())


def test_a_change_during_a_run_queues_one_follow_up_after_it(store_settings):
    """On main a webhook arriving while the exporter ran was dropped: the tab missed that change."""
    with session_scope() as session:
        ws = factories.workspace(session)
        watched = _reading(session, ws.id, "4620", options={"refresh_on_changes": True})
    first = enqueue_run(watched, ws.id, RunTrigger.MANUAL)
    with session_scope() as session:
        states.claim_run(session, first.id)
    process_delivery(_delivery("4620"))
    process_delivery(_delivery("4620"))  # a second change during the same run: still one follow-up
    assert [r.id for r in _runs(watched)] == [first.id]
    with session_scope() as session:
        run = session.get(Run, first.id)
        states.move_run(run, RunStatus.SUCCEEDED)
        session.add(run)
    result = tick(utcnow())
    (_, follow_up) = _runs(watched)
    assert result.queued == [follow_up.id] and follow_up.trigger == RunTrigger.WEBHOOK
    assert tick(utcnow()).queued == []  # taken once


def test_only_exporters_asked_to_refresh_on_changes_run_on_webhooks(store_settings):
    """On main every exporter reading the company ran on a webhook, manual-only ones included."""
    with session_scope() as session:
        ws = factories.workspace(session)
        manual = _reading(session, ws.id, "4621", schedule_cron="")
        other = factories.workspace(session, "Other books")
        watched = _reading(session, other.id, "4621", options={"refresh_on_changes": True})
    assert process_delivery(_delivery("4621")) == {"received": 1, "queued": 1}
    assert _runs(manual) == [] and len(_runs(watched)) == 1
