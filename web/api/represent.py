"""Rows of the store as /api/v1's answer models (web.api.schemas); no rules here, only shapes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session

from connections.health import token_health
from connections.rows import aware
from exporters.catalog import Source, option_names
from exporters.failures import what_to_do
from exporters.schedules import ScheduleSpec, label_of, upcoming_runs
from store.listing import CompanyName, ExporterRow, companies_read_by, qbo_calls_by_company
from store.models import (
    ACTIVE_RUN_STATUSES,
    Company,
    Exporter,
    ExporterState,
    GoogleAccount,
    Run,
    RunStatus,
    WriteMode,
)
from store.rows import saved_id
from web.api.schemas import (
    CallsOut,
    ColumnOut,
    CompanyOut,
    ExporterOut,
    GoogleAccountOut,
    RunOut,
    SourceOut,
    TokenHealthOut,
)
from web.sheets_links import sheet_link


def utc(value: datetime | None) -> datetime | None:
    return aware(value)


def must(value: datetime | None) -> datetime:
    return aware(value) or datetime.now(UTC)


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s calendar month in UTC (what `api_calls_this_month` counts from)."""
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def companies_out(
    session: Session, workspace_id: int, companies: Sequence[Company], now: datetime
) -> list[CompanyOut]:
    """The workspace's companies with their QuickBooks calls this month (one statement for them all)."""
    ids = [saved_id(company) for company in companies]
    calls = qbo_calls_by_company(session, workspace_id, ids, month_start(now))
    return [_company(company, now, calls.get(saved_id(company), 0)) for company in companies]


def company_out(session: Session, company: Company, now: datetime) -> CompanyOut:
    return companies_out(session, company.workspace_id, [company], now)[0]


def _company(company: Company, now: datetime, calls_this_month: int) -> CompanyOut:
    health = token_health(company, now)
    return CompanyOut(
        id=saved_id(company),
        name=company.name,
        realm_id=company.realm_id,
        environment=company.environment,
        status=company.status,
        status_reason=company.status_reason,
        connected_at=must(company.connected_at),
        token_health=TokenHealthOut(
            level=health["level"],
            message=health["message"],
            days_left=health["days_left"],
            refresh_expires_at=utc(health["refresh_expires_at"]),
            refresh_hard_expires_at=utc(health["refresh_hard_expires_at"]),
        ),
        api_calls_this_month=calls_this_month,
    )


def account_out(account: GoogleAccount) -> GoogleAccountOut:
    return GoogleAccountOut(
        id=saved_id(account),
        email=account.email,
        kind=account.kind,
        status=account.status,
        status_reason=account.status_reason,
        connected_at=must(account.connected_at),
    )


def source_out(source: Source) -> SourceOut:
    return SourceOut(
        key=source.key,
        label=source.label,
        kind=source.kind,
        group=source.group,
        description=source.description or f"{source.label} from QuickBooks",
        options=option_names(source),
        columns=[
            ColumnOut(key=c.key, label=c.label, type=c.type, description=c.description, default=c.default)
            for c in source.columns()
        ],
    )


def exporters_out(session: Session, exporters: Sequence[Exporter]) -> list[ExporterOut]:
    """The exporters with the ids of their companies (one statement for them all)."""
    companies = companies_read_by(session, [saved_id(exporter) for exporter in exporters])
    return [_exporter(exporter, companies.get(saved_id(exporter), [])) for exporter in exporters]


def exporter_out(session: Session, exporter: Exporter) -> ExporterOut:
    return exporters_out(session, [exporter])[0]


def listed_exporter_out(row: ExporterRow) -> ExporterOut:
    """An exporter of a page of store.listing, which read its companies with the page."""
    return _exporter(row.exporter, row.companies)


def _exporter(exporter: Exporter, companies: list[CompanyName]) -> ExporterOut:
    cron = exporter.schedule_cron
    return ExporterOut(
        id=saved_id(exporter),
        name=exporter.name,
        source=exporter.source,
        company_ids=[company.id for company in companies],
        google_account_id=exporter.google_account_id,
        spreadsheet_id=exporter.spreadsheet_id,
        spreadsheet_title=exporter.spreadsheet_title,
        spreadsheet_url=sheet_link(exporter),
        tab=exporter.tab,
        columns=list(exporter.columns),
        options=exporter.options,
        write_mode=WriteMode(exporter.write_mode),
        schedule=ScheduleSpec(cron=cron, timezone=exporter.schedule_time_zone) if cron else None,
        schedule_text=label_of(exporter),
        next_runs=upcoming_runs(exporter, 5),
        time_zone=exporter.time_zone,
        enabled=exporter.pauses.disabled_by is None,
        status=ExporterState(exporter.state),
        paused_reason=exporter.paused_reason,
        destination_error=exporter.destination_error,
        created_at=must(exporter.created_at),
    )


def run_out(run: Run, exporter: Exporter) -> RunOut:
    return RunOut(
        id=saved_id(run),
        exporter_id=run.exporter_id,
        trigger=run.trigger,
        status=RunStatus(run.status),
        active=run.status in ACTIVE_RUN_STATUSES,
        queued_at=must(run.queued_at),
        started_at=utc(run.started_at),
        finished_at=utc(run.finished_at),
        duration_seconds=run.duration_seconds,
        progress=run.progress,
        rows=run.rows,
        calls=CallsOut(quickbooks=run.qbo_calls, google_sheets=run.sheets_calls),
        error=run.error,
        what_to_do=what_to_do(run, exporter),
        stats=run.stats,
    )
