"""Small builders of store rows for tests (the web flows build them the way a user does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from store.documents import ExporterOptions, ExporterPauses, RunStats, SheetState
from store.models import (
    Company,
    Exporter,
    ExporterCompany,
    ExporterState,
    GoogleAccount,
    Run,
    RunStatus,
    RunTrigger,
    Workspace,
    utcnow,
)


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


@dataclass(frozen=True)
class Seeded:
    """What `dashboard` stored: ids in insertion order (so the last is the newest)."""

    company_ids: list[int]
    account_ids: list[int]
    exporter_ids: list[int]


def dashboard(
    session: Session, workspace_id: int, companies: int, exporters: int, runs: int, days: float = 120.0
) -> Seeded:
    """A workspace as the dashboard sees it after a while, by bulk inserts (fast enough for 100,000 runs).

    Exporters read one or two companies and write through one of two Google accounts; one in 7 is
    disabled, one in 11 paused for a company. Runs go round-robin over the exporters, evenly over the last
    `days` days (ids grow with time); one in 9 failed, and the newest run of every 10th exporter is running.
    Deterministic: the same arguments give the same shape.
    """
    connection = session.connection()
    now = utcnow()
    connection.execute(
        insert(Company),
        [
            {
                "workspace_id": workspace_id,
                "realm_id": f"realm-{i}",
                "name": f"Company {i:03}",
                "connected_at": now,
                "refresh_token_issued_at": now,  # a healthy connection: its grant has months left
                "refresh_expires_at": now + timedelta(days=100),
                "refresh_hard_expires_at": now + timedelta(days=1000),
            }
            for i in range(companies)
        ],
    )
    company_ids = _ids(session, Company, workspace_id)[-companies:]
    connection.execute(
        insert(GoogleAccount),
        [
            {"workspace_id": workspace_id, "email": f"writer{i}@example.com", "connected_at": now}
            for i in range(2)
        ],
    )
    account_ids = _ids(session, GoogleAccount, workspace_id)[-2:]
    connection.execute(
        insert(Exporter), [_exporter_row(workspace_id, i, account_ids, now) for i in range(exporters)]
    )
    exporter_ids = _ids(session, Exporter, workspace_id)[-exporters:]
    connection.execute(
        insert(ExporterCompany),
        [
            {"exporter_id": exporter_id, "company_id": company_ids[(i + k) % companies], "position": k}
            for i, exporter_id in enumerate(exporter_ids)
            for k in range(1 + i % 2 if companies > 1 else 1)
        ],
    )
    step = timedelta(days=days) / max(runs, 1)
    for start in range(0, runs, 10_000):
        batch = []
        for i in range(start, min(start + 10_000, runs)):
            queued = now - timedelta(days=days) + step * i
            running = i >= runs - exporters and (i % exporters) % 10 == 0
            status = RunStatus.RUNNING if running else RunStatus.FAILED if i % 9 == 4 else RunStatus.SUCCEEDED
            batch.append(
                {
                    "exporter_id": exporter_ids[i % exporters],
                    "workspace_id": workspace_id,
                    "trigger": RunTrigger.SCHEDULE,
                    "status": status,
                    "queued_at": queued,
                    "started_at": queued + timedelta(seconds=2),
                    "heartbeat_at": queued + timedelta(seconds=5) if running else None,
                    "finished_at": None if running else queued + timedelta(seconds=30),
                    "rows": 100 + i % 50,
                    "qbo_calls": 1,
                    "sheets_calls": 3,
                    "progress": "",
                    "error": "QuickBooks answered 500 three times." if status == RunStatus.FAILED else "",
                    "stats": RunStats(),
                }
            )
        connection.execute(insert(Run), batch)
    return Seeded(company_ids, account_ids, exporter_ids)


def _exporter_row(workspace_id: int, i: int, account_ids: list[int], now: datetime) -> dict[str, Any]:
    state = ExporterState.DISABLED if i % 7 == 3 else ExporterState.PAUSED_COMPANY if i % 11 == 5 else None
    return {
        "workspace_id": workspace_id,
        "name": f"Exporter {i:04}",
        "source": ("invoices", "customers", "vendors", "bills")[i % 4],
        "columns": [],
        "options": ExporterOptions(),
        "pauses": ExporterPauses(disabled_by="analyst@example.com")
        if state == ExporterState.DISABLED
        else ExporterPauses(),
        "sheet_state": SheetState(),
        "google_account_id": account_ids[i % len(account_ids)],
        "spreadsheet_id": f"sheet-{i}",
        "tab": "Sheet1",
        "write_mode": "replace",
        "schedule_cron": "0 * * * *",
        "schedule_time_zone": "UTC",
        "time_zone": "UTC",
        "next_run_at": None if state else now + timedelta(minutes=i % 60),
        "enabled": state is None,
        "state": state or ExporterState.ACTIVE,
        "paused_reason": ""
        if state is None
        else "Paused: reconnect the company."
        if i % 11 == 5
        else "Disabled by analyst@example.com.",
        "destination_error": "",
        "created_at": now,
    }


def _ids(
    session: Session, table: type[Company] | type[GoogleAccount] | type[Exporter], workspace_id: int
) -> list[int]:
    statement = select(table.id).where(table.workspace_id == workspace_id).order_by(table.id)
    return [i for i in session.exec(statement).all() if i is not None]
