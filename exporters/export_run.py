"""One run of an exporter as an object: its companies' clients, the sheet writer, progress and statistics,
with the write modes as its methods. `run_export(run_id)` is what the RQ job calls."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis import Redis

from connections.clients import gspread_client_for, qbo_client_for
from exporters import incremental
from exporters.catalog import Source, get_source, row_keys, written_columns
from exporters.columns import Column, Row
from exporters.failures import SetupError, describe
from exporters.prefetch import read_ahead
from exporters.progress import Heartbeat, Progress, last_run_rows, set_progress
from exporters.refresh import (
    INCREMENTAL,
    ChangeCounts,
    Refresh,
    cdc_capped,
    not_incremental,
    start_or_full,
)
from exporters.run_inputs import RunInputs, claim_run
from exporters.run_record import Outcome, record_failure, record_success
from exporters.sources.base import (
    CompanyContext,
    CompanyFailed,
    IncrementalSource,
    RunContext,
    StatementSource,
)
from exporters.tab_owners import header_rewritten_by
from qbo.client import QboClient
from qbo.errors import QboError
from sheets.contract import HeaderState
from sheets.errors import ColumnContractBroken, UpsertNotPossible
from sheets.result import WriteResult
from sheets.rows import key_of
from sheets.stamp import RunStamp
from sheets.writer import SheetWriter
from store import db
from store.documents import RunStats
from store.models import Company, GoogleAccount, WriteMode, utcnow
from store.redis_client import patient_redis
from store.settings import get_settings

log = logging.getLogger(__name__)

REALM_KEY = "realm_id"  # the column that says which company a row is from (with company columns)
MISSING_NOTE = "Not refreshed"  # the note on a kept row of a disconnected company (mark mode)


@dataclass
class ReadCompany:
    """One company the run reads: as the sources see it, its client, and its row id (for watermarks)."""

    context: CompanyContext
    client: QboClient
    company_id: int


@dataclass
class PulledChanges:
    """Every company's changes since its watermark, as the writer's upsert takes them."""

    rows: list[list[Any]] = field(default_factory=list)
    deleted_keys: list[list[str]] = field(default_factory=list)  # deleted in QuickBooks
    left_keys: list[list[str]] = field(default_factory=list)  # changed so they left the filters
    highs: list[datetime | None] = field(default_factory=list)

    def gone(self, removed: Sequence[Sequence[str]]) -> tuple[int, int]:
        """Of the rows the writer removed (or marked), how many were deleted and how many left the filters."""
        deleted = {key_of(k) for k in self.deleted_keys}
        gone = [key_of(k) for k in removed]
        return sum(k in deleted for k in gone), sum(k not in deleted for k in gone)


def run_export(run_id: int, claimed: bool = False) -> None:
    """Execute one run; every failure ends on the run as a message, never as a run left running.
    `claimed`: the caller already moved it to running (workers.fair_share)."""
    inputs: RunInputs | None = None
    run: ExportRun | None = None
    try:
        inputs = claim_run(run_id, claimed)
        if inputs is None:
            log.warning("run %s not found or no longer queued: nothing to do", run_id)
            return
        with Heartbeat(run_id):
            run = ExportRun.start(inputs)
            result = run.execute()
        record_success(run_id, run.outcome(result))
    except BaseException as exc:
        email = inputs.account.email if inputs and inputs.account else ""
        failed = exc
        if isinstance(exc, ColumnContractBroken) and inputs is not None:  # another exporter's header?
            failed = header_rewritten_by(inputs.exporter, exc)
        record_failure(run_id, describe(failed, email), run.outcome() if run else None)
        if not isinstance(exc, Exception):
            raise


class ExportRun:
    """Reads the exporter's companies and writes its tab in its write mode; made by `start`."""

    def __init__(
        self,
        inputs: RunInputs,
        source: Source,
        context: RunContext,
        progress: Progress,
        companies: list[ReadCompany],
        writer: SheetWriter,
    ) -> None:
        self.inputs = inputs
        self.exporter = inputs.exporter
        self.source = source
        self.options = inputs.source_options
        if len(companies) > 1 and not self.options.company_columns:
            # an exporter saved with several companies before company columns were part of its definition
            self.options = self.options.model_copy(update={"company_columns": True})
        self.write_options = inputs.write_options
        self.context = context
        self.progress = progress
        self.companies = companies
        self.writer = writer
        self.refresh: Refresh | None = None  # upsert mode: incremental or full, and why
        self.counts: ChangeCounts | None = None  # upsert mode: what the pull found

    @classmethod
    def start(cls, inputs: RunInputs) -> ExportRun:
        """Check the exporter can run, then connect its companies and its Google account."""
        exporter = inputs.exporter
        source = get_source(exporter.source)
        if not inputs.companies:
            raise SetupError("The exporter reads no QuickBooks company: choose at least one")
        if inputs.account is None:
            raise SetupError("The exporter has no Google account: choose one to write with")
        if not exporter.spreadsheet_id:
            raise SetupError("The exporter has no destination spreadsheet: pick one")
        last_rows = last_run_rows(inputs.exporter_id) if len(inputs.companies) == 1 else None
        progress = Progress(inputs.run_id, source.label.lower(), last_rows)
        zone = exporter.time_zone or "UTC"
        context = RunContext(now=utcnow(), time_zone=zone, on_fetched=progress.fetched, last_rows=last_rows)
        redis = patient_redis(get_settings().redis_url)  # a Redis restart mid-run is waited out
        companies = connect(inputs, redis)
        writer = make_writer(inputs, inputs.account, context, progress, redis)
        return cls(inputs, source, context, progress, companies, writer)

    # -- what the run records ---------------------------------------------------------------------------

    @property
    def qbo_calls(self) -> int:
        return sum(c.client.calls for c in self.companies)

    def outcome(self, result: WriteResult | None = None) -> Outcome:
        """Calls and statistics for the run's row (the one place Run.stats is built)."""
        stats: dict[str, Any] = {}
        if self.counts is not None:
            stats |= self.counts.stats()
        if self.refresh is not None:
            stats |= self.refresh.stats()
        if result is not None:
            stats |= write_stats(result)
        if self.inputs.missing:
            stats["continued_without"] = self.went_without()
        return Outcome(qbo_calls=self.qbo_calls, stats=RunStats.model_validate(stats), result=result)

    # -- the write modes -----------------------------------------------------------------------------

    def execute(self) -> WriteResult:
        """Read the companies and write the tab in the exporter's write mode."""
        if self.exporter.write_mode == WriteMode.UPSERT:
            source = self.source.as_incremental()
            changes = self.decide_refresh(source)
            if source is not None:
                return self.upsert(source, changes)
        statement = self.source.as_statement(self.options)
        if statement is not None:
            return self.write_statement(statement)
        if self.exporter.write_mode == WriteMode.APPEND:
            return self.append()
        return self.replace()

    def write_statement(self, source: StatementSource) -> WriteResult:
        """A report's statement: read whole, then replace the tab."""
        table = source.statement(self.sources_companies, self.options, self.context)
        set_progress(self.inputs.run_id, "Writing the statement")
        return self.writer.replace(
            table.columns, [[row.get(c.key) for c in table.columns] for row in table.rows]
        )

    def replace(self) -> WriteResult:
        """Every company's rows, replacing the tab's (a company the run goes on without keeps its rows)."""
        columns = self.table_columns()
        kept = self.kept_rows(columns)
        result = self.writer.replace(columns, self.values(columns, read_ahead(self.stream(columns, kept))))
        return self.mark_kept(columns, result)

    def append(self) -> WriteResult:
        """Every company's rows under the tab's existing ones (with a snapshot time unless turned off)."""
        columns = self.table_columns()
        snapshot_at = self.context.now if self.write_options.snapshot_column else None
        rows = self.values(columns, read_ahead(self.stream(columns, {})))
        return self.writer.append(columns, rows, snapshot_at)

    def upsert(self, source: IncrementalSource, changes: PulledChanges | None) -> WriteResult:
        """The changes since each company's watermark written in place, or (`changes` None) the whole tab."""
        if changes is None:
            return self.full_refresh(source)
        return self.write_changes(source, changes)

    # -- upsert: the decision, the changes, the full pull ------------------------------------------------

    def decide_refresh(self, source: IncrementalSource | None) -> PulledChanges | None:
        """Decide, once, whether this upsert reads only the changes, and record the decision and its reason
        (`self.refresh`): the changes when it does; None when the run has to read everything."""
        if source is None:
            self.refresh = not_incremental(self.source.label)
            return None
        columns = self.upsert_columns(source)
        keys = [c.key for c in columns]
        daily = source.date_dependent(self.options, keys)
        with db.session_scope() as session:
            marks = [
                incremental.load(session, self.inputs.exporter_id, c.company_id, source.entity)
                for c in self.companies
            ]
        starts: list[datetime] = []
        for company, mark in zip(self.companies, marks, strict=True):
            start = start_or_full(mark, company.context.name, self.context, daily)
            if isinstance(start, Refresh):
                self.refresh = start
                return None
            starts.append(start)
        pulled, counts = PulledChanges(), ChangeCounts()
        several = self.options.company_columns
        for company, start in zip(self.companies, starts, strict=True):
            with self.reading(company):
                source.prepare(company.context, company.client, keys)
                changes = incremental.pull(company.client, source, self.options, self.context, start, keys)
            if not changes.complete:
                self.refresh = cdc_capped(company.context.name)
                return None
            rows = source.rows_from(changes.records, company.context, self.context, keys)
            pulled.rows += self.values(columns, rows)
            realm = [company.context.realm_id] if several else []
            pulled.deleted_keys += [[*realm, i] for i in changes.deleted_ids]
            pulled.left_keys += [[*realm, i] for i in changes.left_filter_ids]
            pulled.highs.append(changes.high)
            counts.add(changes)
        self.refresh, self.counts = INCREMENTAL, counts
        return pulled

    def write_changes(self, source: IncrementalSource, changes: PulledChanges) -> WriteResult:
        """The changes written in place; the one place an upsert falls back to replacing the tab, recorded
        on the run with the reason."""
        columns = self.upsert_columns(source)
        try:
            result = self.writer.upsert(
                columns,
                self.upsert_keys(source),
                changes.rows,
                [*changes.deleted_keys, *changes.left_keys],
                self.write_options.on_deleted,
            )
        except UpsertNotPossible as refused:  # nothing was written: rewrite the whole tab, and say why
            self.refresh = (self.refresh or INCREMENTAL).fell_back(refused.reason)
            pulled = self.counts
            result = self.full_refresh(source)
            self.counts = (
                pulled  # the run reports the changes it pulled; the Write line says the tab was rewritten
            )
            return result
        self.save_watermarks(source, changes.highs, full=False)
        self.mark_kept(columns, result)
        if self.counts is not None:  # what the tab lost: a deletion seen again in the overlap is not counted
            self.counts.deleted, self.counts.left_filter = changes.gone(result.removed_keys)
        return result

    def full_refresh(self, source: IncrementalSource) -> WriteResult:
        """Rewrite the whole tab, remembering each company's newest LastUpdatedTime as its watermark."""
        columns = self.upsert_columns(source)
        keys = [c.key for c in columns]
        waters = {c.company_id: incremental.HighWater() for c in self.companies}
        kept = self.kept_rows(columns)

        def rows() -> Iterator[Row]:
            for company in self.in_order(kept):
                if not isinstance(company, ReadCompany):
                    yield from company
                    continue
                with self.reading(company):
                    source.prepare(company.context, company.client, keys)
                    records = source.records(company.client, self.options, self.context, keys=keys)
                    track = waters[company.company_id].track(records)
                    yield from source.rows_from(track, company.context, self.context, keys)

        result = self.writer.replace(columns, self.values(columns, read_ahead(rows())))
        self.counts = ChangeCounts(added=result.rows_written)
        self.save_watermarks(source, [w.high for w in waters.values()], full=True)
        return self.mark_kept(columns, result)

    def save_watermarks(
        self, source: IncrementalSource, highs: Sequence[datetime | None], full: bool
    ) -> None:
        """Each company's watermark: the newest change seen, or when this pull started if that is later."""
        started, exporter_id = self.context.now, self.inputs.exporter_id
        with db.session_scope() as session:
            for company, high in zip(self.companies, highs, strict=True):
                mark = max(high, started) if high is not None else started
                incremental.save(session, exporter_id, company.company_id, source.entity, mark, full)

    # -- columns and rows -------------------------------------------------------------------------------

    @property
    def sources_companies(self) -> list[tuple[CompanyContext, QboClient]]:
        """The companies as the sources take them."""
        return [(c.context, c.client) for c in self.companies]

    def upsert_keys(self, source: IncrementalSource) -> list[str]:
        """The columns that identify a row: with company columns the realm id too."""
        return row_keys(source, self.options)

    def upsert_columns(self, source: IncrementalSource) -> list[Column]:
        return written_columns(self.source, self.exporter.columns, self.options, WriteMode.UPSERT)

    def table_columns(self) -> list[Column]:
        """The tab's columns as the exporter's definition decides them (catalog.written_columns)."""
        return written_columns(self.source, self.exporter.columns, self.options)

    def stream(self, columns: Sequence[Column], kept: dict[str, list[Row]]) -> Iterator[Row]:
        """Every company's rows, one company after the other, QBO errors named by company; the kept rows of
        a company the run goes on without in its place."""
        keys = [c.key for c in columns]
        for company in self.in_order(kept):
            if not isinstance(company, ReadCompany):
                yield from company
                continue
            with self.reading(company):
                yield from self.source.rows(company.client, company.context, self.options, self.context, keys)

    # -- the companies the run goes on without (options.missing_company keep or mark) ----------------

    @property
    def keeping(self) -> str | None:
        """ "keep" or "mark" when the run goes on without some of its companies and keeps their rows (the
        tab has a Realm ID column to find them by); None otherwise."""
        how = self.options.missing_company
        return how if self.inputs.missing and how != "pause" and self.options.company_columns else None

    def kept_rows(self, columns: Sequence[Column]) -> dict[str, list[Row]]:
        """The rows the tab holds of each company the run goes on without, by realm id (read before the
        write starts)."""
        if self.keeping is None:
            return {}
        keys = [c.key for c in columns]
        realms = [c.realm_id for c in self.inputs.missing]
        found = self.writer.read_rows(columns, REALM_KEY, realms)
        return {realm: [dict(zip(keys, v, strict=True)) for v in rows] for realm, rows in found.items()}

    def in_order(self, kept: dict[str, list[Row]]) -> Iterator[ReadCompany | list[Row]]:
        """The companies to read and, in place of each one the run goes on without, its kept rows: in the
        exporter's order, so the tab's rows stay where they were."""
        reading = {c.company_id: c for c in self.companies}
        missing = {c.id: c.realm_id for c in self.inputs.missing}
        for company_id in self.inputs.order or list(reading):
            if company_id in reading:
                yield reading[company_id]
            elif company_id in missing:
                yield kept.get(missing[company_id], [])

    def mark_kept(self, columns: Sequence[Column], result: WriteResult) -> WriteResult:
        """In mark mode, mark the kept rows as a disconnected company's; an upsert then forgets that
        company's watermark, so its return is a full pull that rewrites its rows unmarked."""
        if self.keeping != "mark":
            return result
        when = f"{self.context.now:%Y-%m-%d %H:%M} UTC"
        notes = {
            c.realm_id: f"{MISSING_NOTE}: {name_of(c)} was disconnected; not refreshed since (run of {when})"
            for c in self.inputs.missing
        }
        self.writer.mark_rows(columns, REALM_KEY, notes, result.sheet_id)
        if self.exporter.write_mode == WriteMode.UPSERT:
            with db.session_scope() as session:
                for company in self.inputs.missing:
                    if company.id is not None:
                        incremental.forget(session, self.inputs.exporter_id, company.id)
        return result

    def went_without(self) -> list[str]:
        """What the run did without each company it went on without, in the analyst's words."""
        why = {h.company_id: h.why for h in self.exporter.pauses.companies}
        out = []
        for company in self.inputs.missing:
            lost = "needs reconnecting" if why.get(company.id or 0) == "needs_reconnect" else "disconnected"
            if self.source.as_statement(self.options) is not None:
                did = "the statement is written without it"
            elif self.exporter.write_mode == WriteMode.APPEND:
                did = "not in this snapshot; its earlier rows stay"
            elif self.keeping == "keep":
                did = "its rows kept as they were"
            elif self.keeping == "mark":
                did = "its rows kept, marked in grey italics"
            else:
                did = "not in this run's rows"
            out.append(f"{name_of(company)} ({lost}): {did}")
        return out

    @contextmanager
    def reading(self, company: ReadCompany) -> Iterator[None]:
        """Around reading one company: progress says which, and a QBO error names it (CompanyFailed)."""
        self.progress.at_company(company.context.name)
        try:
            yield
        except QboError as exc:
            raise CompanyFailed(company.context.name, exc) from exc

    @staticmethod
    def values(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[list[Any]]:
        """Rows as sequences in column order (what the sheet writer takes)."""
        keys = [c.key for c in columns]
        for row in rows:
            yield list(map(row.get, keys))


def write_stats(result: WriteResult) -> dict[str, Any]:
    """What the run records about the write besides rows and calls."""
    out: dict[str, Any] = {"truncated_cells": result.truncated_cells}
    if result.runs_left is not None:
        out["runs_left"] = result.runs_left
    return out


# -- connecting ------------------------------------------------------------------------------------------


def name_of(company: Company) -> str:
    return company.name or company.realm_id


def connect(inputs: RunInputs, redis: Redis) -> list[ReadCompany]:
    """A QBO client per company (counted for qbo_calls); a company needing reconnect fails the run by name."""
    out = []
    for company in inputs.companies:
        name = name_of(company)
        if company.id is None:
            raise SetupError(f"The company {name} was never saved")
        try:
            client = qbo_client_for(company, redis)
        except QboError as exc:
            raise CompanyFailed(name, exc) from exc
        out.append(ReadCompany(CompanyContext(name, company.realm_id, company.id), client, company.id))
    return out


def make_writer(
    inputs: RunInputs, account: GoogleAccount, run: RunContext, progress: Progress, redis: Redis
) -> SheetWriter:
    """The sheet writer of the exporter's tab, writing as its Google account."""
    exporter, options = inputs.exporter, inputs.write_options
    return SheetWriter(
        gspread_client_for(account, redis),
        exporter.spreadsheet_id,
        exporter.tab or "Sheet1",
        oversize=options.oversize,
        header_state=HeaderState.from_json(inputs.sheet_state),
        reset_tab=options.reset_tab,
        stamp=RunStamp(
            exporter=exporter.name,
            companies=tuple(name_of(c) for c in inputs.companies),
            data_as_of=run.now.astimezone(ZoneInfo(run.time_zone)).strftime("%Y-%m-%d %H:%M %Z"),
            run_id=inputs.run_id,
        ),
        on_progress=progress.written,
        tz=ZoneInfo(run.time_zone),
    )
