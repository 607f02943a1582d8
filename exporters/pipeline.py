"""Run one exporter: load it, read its companies from QBO, write the sheet, record the outcome on the run."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis import Redis
from sqlalchemy import update
from sqlmodel import col, select

from exporters import incremental
from exporters.catalog import Source, get_source, resolve_columns
from exporters.columns import Column
from exporters.failures import CompanyFailed, Failure, SetupError, describe
from exporters.progress import Progress, set_progress
from exporters.sources.base import COMPANY_FIELDS, CompanyContext, RunContext
from exporters.sources.entities import EntitySource
from exporters.sources.reports import ReportSource
from qbo.errors import QboError
from sheets.writer import SheetWriter, WriteResult
from store import db
from store.documents import ExporterOptions, RunStats, SheetState
from store.models import Company, Exporter, ExporterCompany, GoogleAccount, Run, RunStatus, WriteMode
from store.settings import get_settings

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Job:
    """Everything one run needs, loaded from the store (scoped to the run's workspace)."""

    run_id: int
    exporter: Exporter
    companies: list[Company]
    account: GoogleAccount | None
    clients: list[Any] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def qbo_calls(self) -> int:
        return sum(getattr(c, "calls", 0) for c in self.clients)


# -- loading and recording -------------------------------------------------------------------------


def load_job(run_id: int) -> Job | None:
    """The run's exporter, companies (in order) and Google account, marked running; None when the run
    is gone or no longer queued (a job pushed twice, e.g. by two reapers, runs once)."""
    with db.session_scope() as session:
        claimed = session.execute(
            update(Run)
            .where(col(Run.id) == run_id, col(Run.status) == RunStatus.QUEUED)
            .values(status=RunStatus.RUNNING, started_at=utcnow(), finished_at=None, progress="Starting")
        )
        run = session.get(Run, run_id) if claimed.rowcount == 1 else None
        if run is None:
            return None
        exporter = session.get(Exporter, run.exporter_id)
        if exporter is None or exporter.workspace_id != run.workspace_id:
            raise SetupError("The run's exporter no longer exists")
        companies = session.exec(
            select(Company)
            .join(ExporterCompany, col(ExporterCompany.company_id) == col(Company.id))
            .where(ExporterCompany.exporter_id == exporter.id, Company.workspace_id == run.workspace_id)
            .order_by(col(ExporterCompany.position), col(Company.id))
        ).all()
        account = (
            session.get(GoogleAccount, exporter.google_account_id) if exporter.google_account_id else None
        )
        if account is not None and account.workspace_id != run.workspace_id:
            account = None
        return Job(run_id, exporter, list(companies), account)


def _finish(job: Job, status: str, error: str = "", result: WriteResult | None = None, **extra: Any) -> None:
    with db.session_scope() as session:
        run = session.get(Run, job.run_id)
        exporter = session.get(Exporter, job.exporter.id)
        run.status, run.finished_at, run.error = status, utcnow(), error[:2000]
        run.qbo_calls = job.qbo_calls
        run.stats = RunStats.model_validate({**job.stats, **(result.stats() if result else {})})
        if result is not None:
            run.rows, run.sheets_calls = result.rows_written, result.calls
            if result.header_state:
                exporter.sheet_state = SheetState.model_validate(result.header_state)
            exporter.destination_error = ""
            if exporter.options.reset_tab:
                exporter.options = exporter.options.model_copy(update={"reset_tab": False})
        if extra.get("destination_error"):
            exporter.destination_error = extra["destination_error"][:1000]
        run.progress = extra.get("progress", run.progress)
        session.add_all([run, exporter])


def _fail(job: Job | None, run_id: int, failure: Failure, calls: int = 0) -> None:
    if job is None:
        with db.session_scope() as session:
            run = session.get(Run, run_id)
            if run is not None:
                run.status, run.finished_at, run.error = RunStatus.FAILED, utcnow(), failure.message
                run.started_at = run.started_at or run.finished_at
                session.add(run)
        return
    _finish(
        job, RunStatus.FAILED, failure.message, destination_error=failure.destination_error, progress="Failed"
    )


# -- the run ---------------------------------------------------------------------------------------


def run_export(run_id: int) -> None:
    """Execute one run; every failure ends on the run as a message, never as a run left running."""
    job = None
    try:
        job = load_job(run_id)
        if job is None:
            log.warning("run %s not found or no longer queued: nothing to do", run_id)
            return
        result = execute(job)
        _finish(job, RunStatus.SUCCEEDED, result=result, progress=f"Done: {result.rows_written:,} rows")
    except BaseException as exc:
        email = job.account.email if job and job.account else ""
        _fail(job, run_id, describe(exc, email))
        if not isinstance(exc, Exception):
            raise


def execute(job: Job) -> WriteResult:
    """Read the companies and write the sheet in the exporter's write mode."""
    exporter = job.exporter
    source = get_source(exporter.source)
    if not job.companies:
        raise SetupError("The exporter reads no QuickBooks company: choose at least one")
    if job.account is None:
        raise SetupError("The exporter has no Google account: choose one to write with")
    if not exporter.spreadsheet_id:
        raise SetupError("The exporter has no destination spreadsheet: pick one")
    progress = Progress(job.run_id, source.label.lower())
    run = RunContext(now=utcnow(), time_zone=exporter.time_zone or "UTC", on_fetched=progress.fetched)
    companies = connect(job)
    writer = make_writer(job, run, progress)
    options = exporter.options
    if isinstance(source, ReportSource) and source.layout(options) == "statement":
        table = source.statement(companies, options, run)
        set_progress(job.run_id, "Writing the statement")
        return writer.replace(table.columns, [[row.get(c.key) for c in table.columns] for row in table.rows])
    columns = table_columns(source, exporter, len(companies) > 1)
    mode = exporter.write_mode
    if mode == WriteMode.UPSERT and isinstance(source, EntitySource) and source.incremental:
        return upsert(job, source, columns, companies, options, run, progress, writer)
    rows = values(columns, stream(source, columns, companies, options, run, progress))
    if mode == WriteMode.APPEND:
        return writer.append(columns, rows, run.now if options.snapshot_column else None)
    return writer.replace(columns, rows)


def connect(job: Job) -> list[tuple[CompanyContext, Any]]:
    """A QBO client per company (counted for qbo_calls); a company needing reconnect fails the run by name."""
    from exporters.companies import qbo_client_for

    redis = Redis.from_url(get_settings().redis_url)
    out = []
    for company in job.companies:
        name = company.name or company.realm_id
        try:
            client = qbo_client_for(company, redis)
        except QboError as exc:
            raise CompanyFailed(name, exc) from exc
        job.clients.append(client)
        out.append((CompanyContext(name, company.realm_id, company.id), client))
    return out


def make_writer(job: Job, run: RunContext, progress: Progress) -> SheetWriter:
    from exporters.google_accounts import gspread_client_for

    exporter = job.exporter
    return SheetWriter(
        gspread_client_for(job.account),
        exporter.spreadsheet_id,
        exporter.tab or "Sheet1",
        oversize=exporter.options.oversize,
        header_state=exporter.sheet_state.header_state(),
        reset_tab=exporter.options.reset_tab,
        stamp={
            "exporter": exporter.name,
            "companies": [c.name or c.realm_id for c in job.companies],
            "data_as_of": run.now.astimezone(ZoneInfo(run.time_zone)).strftime("%Y-%m-%d %H:%M %Z"),
            "run_id": job.run_id,
        },
        on_progress=progress.written,
        tz=ZoneInfo(run.time_zone),
    )


def table_columns(
    source: Source, exporter: Exporter, several: bool, keys: Sequence[str] = ()
) -> list[Column]:
    """The saved columns; with several companies Company and Realm ID lead; `keys` are forced in."""
    columns = resolve_columns(source, exporter.columns, exporter.options)
    have = {c.key for c in columns}
    needed = [f.column for f in COMPANY_FIELDS if several and f.column.key not in have]
    known = {c.key: c for c in source.columns(exporter.options)}
    needed += [known[k] for k in keys if k not in have and k in known and known[k] not in needed]
    return needed + columns


def stream(
    source: Source,
    columns: list[Column],
    companies: Sequence[tuple[CompanyContext, Any]],
    options: ExporterOptions,
    run: RunContext,
    progress: Progress,
) -> Iterator[dict[str, Any]]:
    """Every company's rows, one company after the other, QBO errors named by company."""
    keys = [c.key for c in columns]
    for company, client in companies:
        progress.at_company(company.name)
        try:
            yield from source.rows(client, company, options, run, keys)
        except QboError as exc:
            raise CompanyFailed(company.name, exc) from exc


def values(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Rows as sequences in column order (what the sheet writer takes)."""
    keys = [c.key for c in columns]
    for row in rows:
        yield [row.get(k) for k in keys]


# -- upsert: incremental pulls -----------------------------------------------------------------------


def upsert(
    job: Job,
    source: EntitySource,
    columns: list[Column],
    companies: Sequence[tuple[CompanyContext, Any]],
    options: ExporterOptions,
    run: RunContext,
    progress: Progress,
    writer: SheetWriter,
) -> WriteResult:
    """Changed rows and deleted keys since each company's watermark; a full pull where there is none."""
    several = len(companies) > 1
    key_columns = ["realm_id", "id"] if several else ["id"]
    columns = table_columns(source, job.exporter, several, key_columns)
    daily = source.date_dependent(options, [c.key for c in columns])
    starts = watermarks(job, source, companies, run, daily)
    if any(start is None for start in starts):
        return full_refresh(job, source, columns, companies, options, run, progress, writer)
    changed_rows: list[list[Any]] = []
    deleted_keys: list[list[str]] = []
    stats = {"added": 0, "changed": 0, "deleted": 0, "left_filter": 0, "rechecked": 0}
    highs = []
    for (company, client), start in zip(companies, starts, strict=True):
        progress.at_company(company.name)
        keys = [c.key for c in columns]
        try:
            source.prepare(company, client, keys)
            changes = incremental.pull(client, source, options, run, start, keys)
        except QboError as exc:
            raise CompanyFailed(company.name, exc) from exc
        if not changes.complete:
            return full_refresh(job, source, columns, companies, options, run, progress, writer)
        changed_rows += values(columns, source.rows_from(changes.records, company, run, keys))
        gone = [*changes.deleted_ids, *changes.left_filter_ids]
        deleted_keys += [[company.realm_id, i] if several else [i] for i in gone]
        stats["added"] += changes.added
        stats["changed"] += changes.changed
        stats["rechecked"] += changes.rechecked
        stats["deleted"] += len(changes.deleted_ids)
        stats["left_filter"] += len(changes.left_filter_ids)
        highs.append(changes.high)
    job.stats = {**stats, "incremental": True}

    def all_rows() -> Iterator[list[Any]]:
        return values(columns, stream(source, columns, companies, options, run, progress))

    on_deleted = options.on_deleted  # or "mark": strike through, keep the row
    result = writer.upsert(columns, key_columns, changed_rows, deleted_keys, on_deleted, all_rows=all_rows)
    save_watermarks(job, source, companies, highs, run.now, full=False)
    return result


def watermarks(
    job: Job,
    source: EntitySource,
    companies: Sequence[tuple[CompanyContext, Any]],
    run: RunContext,
    daily: bool,
) -> list[datetime | None]:
    """Where each company's pull starts (None: it needs a full pull)."""
    with db.session_scope() as session:
        return [
            incremental.since(
                incremental.load(session, job.exporter.id, c.company_id, source.entity),
                run.now,
                daily,
                run.zone,
            )
            for c, _client in companies
        ]


def save_watermarks(
    job: Job,
    source: EntitySource,
    companies: Sequence[tuple[CompanyContext, Any]],
    highs: Sequence[datetime | None],
    started: datetime,
    full: bool,
) -> None:
    """Each company's watermark: the newest change seen, or when this pull started if that is later."""
    with db.session_scope() as session:
        for (company, _client), high in zip(companies, highs, strict=True):
            mark = max(high, started) if high is not None else started
            incremental.save(session, job.exporter.id, company.company_id, source.entity, mark, full)


def full_refresh(
    job: Job,
    source: EntitySource,
    columns: list[Column],
    companies: Sequence[tuple[CompanyContext, Any]],
    options: ExporterOptions,
    run: RunContext,
    progress: Progress,
    writer: SheetWriter,
) -> WriteResult:
    """Rewrite the whole tab, remembering each company's newest LastUpdatedTime as its watermark."""
    waters = [incremental.HighWater() for _ in companies]
    keys = [c.key for c in columns]

    def rows() -> Iterator[dict[str, Any]]:
        for (company, client), water in zip(companies, waters, strict=True):
            progress.at_company(company.name)
            try:
                source.prepare(company, client, keys)
                records = source.records(client, options, run, keys=keys)
                yield from source.rows_from(water.track(records), company, run, keys)
            except QboError as exc:
                raise CompanyFailed(company.name, exc) from exc

    result = writer.replace(columns, values(columns, rows()))
    job.stats = {
        "added": result.rows_written,
        "changed": 0,
        "deleted": 0,
        "left_filter": 0,
        "rechecked": 0,
        "incremental": False,
    }
    save_watermarks(job, source, companies, [w.high for w in waters], run.now, full=True)
    return result
