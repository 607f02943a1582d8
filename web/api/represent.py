"""Rows of the store as /api/v1's answer models (web.api.schemas); no rules here, only shapes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from connections.health import token_health
from connections.rows import aware
from exporters.catalog import Source, option_names
from exporters.definition import company_ids
from exporters.failures import what_to_do
from exporters.listing import qbo_calls_this_month
from exporters.schedules import ScheduleSpec, label_of, upcoming_runs
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


def company_out(session: Session, company: Company, now: datetime) -> CompanyOut:
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
        api_calls_this_month=qbo_calls_this_month(session, company, now),
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


def exporter_out(session: Session, exporter: Exporter) -> ExporterOut:
    cron = exporter.schedule_cron
    return ExporterOut(
        id=saved_id(exporter),
        name=exporter.name,
        source=exporter.source,
        company_ids=company_ids(session, exporter),
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
