"""The exporters writing into one spreadsheet, with what an analyst looking at it wants to know: their
companies, source, last run and the run in progress. Scoped to the caller's workspaces, so a spreadsheet
that several workspaces write to shows each only its own (the Sheets add-on and /api/v1 both read it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from exporters.catalog import UnknownSource, get_source
from exporters.definition import company_ids
from store.models import ACTIVE_RUN_STATUSES, Company, Exporter, Run


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
    """Per exporter: its newest ended run, and its queued or running run."""
    runs = session.exec(
        select(Run).where(col(Run.exporter_id).in_(list(exporter_ids))).order_by(col(Run.id).desc())
    ).all()
    ended: dict[int, Run] = {}
    active: dict[int, Run] = {}
    for run in runs:
        (active if run.status in ACTIVE_RUN_STATUSES else ended).setdefault(run.exporter_id, run)
    return ended, active


def writing_into(
    session: Session, spreadsheet_id: str, workspace_ids: Sequence[int]
) -> list[ExporterInSpreadsheet]:
    """The exporters of these workspaces that write into the spreadsheet, by tab."""
    if not spreadsheet_id or not workspace_ids:
        return []
    exporters = session.exec(
        select(Exporter)
        .where(Exporter.spreadsheet_id == spreadsheet_id, col(Exporter.workspace_id).in_(list(workspace_ids)))
        .order_by(col(Exporter.tab), col(Exporter.id))
    ).all()
    ids = [e.id for e in exporters if e.id is not None]
    ended, active = last_runs(session, ids)
    out = []
    for exporter in exporters:
        assert exporter.id is not None  # loaded from the store
        names = []
        for company_id in company_ids(session, exporter):
            company = session.get(Company, company_id)
            if company is not None:
                names.append(company.name or company.realm_id)
        out.append(
            ExporterInSpreadsheet(
                exporter,
                source_label(exporter.source),
                names,
                ended.get(exporter.id),
                active.get(exporter.id),
            )
        )
    return out
