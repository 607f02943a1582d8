"""The user's switch on an exporter: pause (disable) and resume (enable), for every front door.

The state change itself is store.states' (USER_DISABLED / USER_ENABLED); pausing also cancels the
exporter's queued run, which would otherwise start after the user said stop.
"""

from __future__ import annotations

from sqlmodel import Session, select

from store import states
from store.models import Exporter, ExporterState, Run, RunStatus


def pause(session: Session, exporter: Exporter, by: str) -> ExporterState:
    """Disable the exporter (a no-op when it already is); its queued runs are cancelled. The caller
    commits."""
    if states.can_apply(exporter, states.Event.USER_DISABLED):
        states.apply(session, exporter, states.Event.USER_DISABLED, by=by)
    queued = session.exec(select(Run).where(Run.exporter_id == exporter.id, Run.status == RunStatus.QUEUED))
    for run in queued.all():
        states.move_run(run, RunStatus.CANCELLED, error=f"Cancelled: {exporter.name} was disabled.")
        session.add(run)
    return ExporterState(exporter.state)


def resume(session: Session, exporter: Exporter) -> ExporterState:
    """Lift the user's hold (and a failures hold); an exporter also held by a company or its Google
    account stays paused until that reconnects (its `paused_reason` says which). The caller commits."""
    if states.can_apply(exporter, states.Event.USER_ENABLED):
        states.apply(session, exporter, states.Event.USER_ENABLED)
    return ExporterState(exporter.state)
