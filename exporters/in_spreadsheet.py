"""The exporters writing into one spreadsheet, with what an analyst looking at it wants to know: their
companies, source, last run and the run in progress. Scoped to the caller's workspaces, so a spreadsheet
that several workspaces write to shows each only its own (the Sheets add-on and /api/v1 both read it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from exporters.catalog import UnknownSource, get_source
from sheets.client import spreadsheet_key
from store.listing import companies_read_by, exporters_writing_into, latest_runs
from store.models import ACTIVE_RUN_STATUSES, Exporter, Run, RunStatus


@dataclass(frozen=True)
class ExporterInSpreadsheet:
    """One exporter writing into the spreadsheet, ready to show."""

    exporter: Exporter
    source_label: str
    company_names: list[str]
    last_run: Run | None  # the newest run that ended
    active_run: Run | None  # queued or running


def source_label(key: str) -> str:
    try:
        return get_source(key).label
    except UnknownSource:
        return key


def last_runs(session: Session, exporter_ids: Sequence[int]) -> tuple[dict[int, Run], dict[int, Run]]:
    """Per exporter: its newest ended run, and its queued or running run (two bounded statements)."""
    ended = [status for status in RunStatus if status not in ACTIVE_RUN_STATUSES]
    return latest_runs(session, exporter_ids, ended), latest_runs(session, exporter_ids, ACTIVE_RUN_STATUSES)


def writing_into(
    session: Session, spreadsheet_id: str, workspace_ids: Sequence[int]
) -> list[ExporterInSpreadsheet]:
    """The exporters of these workspaces that write into the spreadsheet, by tab, with their companies and
    runs: a fixed number of statements however many there are."""
    exporters = exporters_writing_into(session, workspace_ids, spreadsheet_key(spreadsheet_id))
    ids = [e.id for e in exporters if e.id is not None]
    ended, active = last_runs(session, ids)
    companies = companies_read_by(session, ids)
    return [
        ExporterInSpreadsheet(
            exporter,
            source_label(exporter.source),
            [company.name for company in companies.get(exporter.id, [])],
            ended.get(exporter.id),
            active.get(exporter.id),
        )
        for exporter in exporters
        if exporter.id is not None
    ]
