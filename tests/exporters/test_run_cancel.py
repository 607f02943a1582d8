"""Cancelling a run: a queued one is never taken by a worker; a running one stops at its next progress write
and stays cancelled whatever the run then records."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from exporters.failures import Failure
from exporters.progress import RunCancelled, set_progress
from exporters.run_record import Outcome, record_failure, record_success
from store import states
from store.db import get_engine
from store.models import Run, RunStatus
from tests import factories


def a_run(status: RunStatus) -> int:
    with Session(get_engine()) as session:
        ws = factories.workspace(session)
        exporter = factories.exporter(session, ws.id)
        run = Run(exporter_id=exporter.id, workspace_id=ws.id)
        session.add(run)
        session.flush()
        if status == RunStatus.RUNNING:
            assert states.claim_run(session, run.id)
        session.commit()
        return run.id


def cancel(run_id: int) -> bool:
    with Session(get_engine()) as session:
        run = session.get(Run, run_id)
        done = states.cancel_run(run, by="ada@example.com")
        session.add(run)
        session.commit()
        return done


def status(run_id: int) -> Run:
    with Session(get_engine()) as session:
        return session.get(Run, run_id)


def test_a_queued_run_cancelled_is_never_claimed(store_settings) -> None:
    run_id = a_run(RunStatus.QUEUED)
    assert cancel(run_id)
    with Session(get_engine()) as session:
        assert not states.claim_run(session, run_id)
    assert (
        status(run_id).status == RunStatus.CANCELLED
        and status(run_id).error == "Cancelled by ada@example.com."
    )
    assert not cancel(run_id)  # already ended


@pytest.mark.parametrize("ending", ["success", "failure"])
def test_a_running_run_stops_at_its_next_progress_write(store_settings, ending: str) -> None:
    run_id = a_run(RunStatus.RUNNING)
    set_progress(run_id, "Fetched 100 invoices")
    assert cancel(run_id)
    with pytest.raises(RunCancelled):
        set_progress(run_id, "Fetched 200 invoices")
    if ending == "success":
        record_success(run_id, Outcome(qbo_calls=3))
    else:
        record_failure(run_id, Failure("stopped"), Outcome(qbo_calls=3))
    run = status(run_id)
    assert run.status == RunStatus.CANCELLED and run.qbo_calls == 3 and run.finished_at is not None
