"""Small builders of store rows for tests (the web flows build them the way a user does)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.documents import ExporterPauses
from store.models import Exporter, ExporterState, Workspace


def workspace(session: Session, name: str = "Acme books") -> Workspace:
    row = Workspace(name=name)
    session.add(row)
    session.flush()
    return row


def exporter(session: Session, workspace_id: int, next_run_at: datetime | None = None, **fields) -> Exporter:
    """An exporter; `enabled=False`: one its user disabled (`disabled_by`, default analyst@example.com)."""
    by = fields.pop("disabled_by", "analyst@example.com")
    if fields.get("enabled") is False:
        fields |= {"pauses": ExporterPauses(disabled_by=by), "state": ExporterState.DISABLED}
        fields.setdefault("paused_reason", f"Disabled by {by}.")
    row = Exporter(
        workspace_id=workspace_id,
        name=fields.pop("name", "Invoices"),
        source="invoices",
        next_run_at=next_run_at,
        **fields,
    )
    session.add(row)
    session.flush()
    return row
