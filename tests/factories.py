"""Small builders of store rows for tests (the web flows build them the way a user does)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.models import Exporter, Workspace


def workspace(session: Session, name: str = "Acme books") -> Workspace:
    row = Workspace(name=name)
    session.add(row)
    session.flush()
    return row


def exporter(session: Session, workspace_id: int, next_run_at: datetime | None = None, **fields) -> Exporter:
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
