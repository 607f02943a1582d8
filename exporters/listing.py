"""Workspace-scoped reads of exporters and runs, shared by every front door (dashboard, add-on, /api/v1).

Every function takes the workspace id and never returns another workspace's row. Long lists are read in
pages by keyset (the last id seen), not by offset: a page is the same whatever was added since the
previous one, so a client paging through runs while new runs arrive sees each run once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from sheets.client import parse_spreadsheet_id
from store.models import Company, Exporter, ExporterCompany, GoogleAccount, Run

MAX_PAGE = 200


class WorkspaceRow(Protocol):
    id: int | None
    workspace_id: int


M = TypeVar("M", bound=WorkspaceRow)
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; `next_after` is the id to continue after (None: this was the last page)."""

    items: list[T]
    next_after: int | None


@dataclass(frozen=True)
class ExporterFilter:
    """What the exporter list can be narrowed to; None means any."""

    company_id: int | None = None
    source: str | None = None
    state: str | None = None
    spreadsheet_id: str | None = None  # an id or a pasted link


def row_in(session: Session, model: type[M], workspace_id: int, row_id: int) -> M | None:
    """The row with this id if it belongs to the workspace; None for another workspace's (not told apart
    from one that does not exist)."""
    row = session.get(model, row_id)
    return row if row is not None and row.workspace_id == workspace_id else None


def _page(rows: Sequence[T], limit: int, last_id: object) -> Page[T]:
    items = list(rows[:limit])
    more = len(rows) > limit
    return Page(items, int(last_id(items[-1])) if more and items else None)  # type: ignore[operator]


def page_size(limit: int | None, default: int = 50) -> int:
    return max(1, min(limit or default, MAX_PAGE))


def exporters_page(
    session: Session,
    workspace_id: int,
    filters: ExporterFilter | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> Page[Exporter]:
    """The workspace's exporters matching `filters`, oldest first, `limit` after the id `after`."""
    filters = filters or ExporterFilter()
    size = page_size(limit)
    statement = select(Exporter).where(Exporter.workspace_id == workspace_id)
    if filters.company_id is not None:
        statement = statement.join(
            ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id)
        ).where(ExporterCompany.company_id == filters.company_id)
    if filters.source is not None:
        statement = statement.where(Exporter.source == filters.source)
    if filters.state is not None:
        statement = statement.where(Exporter.state == filters.state)
    if filters.spreadsheet_id is not None:
        statement = statement.where(Exporter.spreadsheet_id == spreadsheet_key(filters.spreadsheet_id))
    if after is not None:
        statement = statement.where(col(Exporter.id) > after)
    rows = session.exec(statement.order_by(col(Exporter.id)).limit(size + 1)).all()
    return _page(rows, size, lambda e: e.id)


def spreadsheet_key(text: str) -> str:
    """The spreadsheet id of an id or a pasted link (the text itself when it is neither: it matches none)."""
    try:
        return parse_spreadsheet_id(text)
    except ValueError:
        return text.strip()


def exporters_writing_into(
    session: Session, workspace_ids: Sequence[int], spreadsheet_id: str
) -> list[Exporter]:
    """These workspaces' exporters that write into one spreadsheet (an id or a link), by tab then id: what
    GET /api/v1/spreadsheets/{id}/exporters and the add-on's homepage (exporters.in_spreadsheet) show."""
    if not workspace_ids or not spreadsheet_id.strip():
        return []
    rows = session.exec(
        select(Exporter)
        .where(
            col(Exporter.workspace_id).in_(list(workspace_ids)),
            Exporter.spreadsheet_id == spreadsheet_key(spreadsheet_id),
        )
        .order_by(col(Exporter.tab), col(Exporter.id))
    ).all()
    return list(rows)


def runs_page(
    session: Session,
    workspace_id: int,
    exporter_id: int | None = None,
    before: int | None = None,
    limit: int | None = None,
) -> Page[Run]:
    """The workspace's runs (of one exporter, or all), newest first, `limit` older than the id `before`."""
    size = page_size(limit)
    statement = select(Run).where(Run.workspace_id == workspace_id)
    if exporter_id is not None:
        statement = statement.where(Run.exporter_id == exporter_id)
    if before is not None:
        statement = statement.where(col(Run.id) < before)
    rows = session.exec(statement.order_by(col(Run.id).desc()).limit(size + 1)).all()
    return _page(rows, size, lambda r: r.id)


def companies_of(session: Session, workspace_id: int) -> list[Company]:
    return list(
        session.exec(select(Company).where(Company.workspace_id == workspace_id).order_by(col(Company.id)))
    )


def google_accounts_of(session: Session, workspace_id: int) -> list[GoogleAccount]:
    return list(
        session.exec(
            select(GoogleAccount)
            .where(GoogleAccount.workspace_id == workspace_id)
            .order_by(col(GoogleAccount.id))
        )
    )


def month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def qbo_calls_this_month(session: Session, company: Company, now: datetime) -> int:
    """QuickBooks API calls made this calendar month (UTC) by the runs of exporters reading the company (a
    run that read several companies counts for each of them: runs record their calls, not per company)."""
    total = session.exec(
        select(func.coalesce(func.sum(Run.qbo_calls), 0))
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Run.exporter_id))
        .where(
            ExporterCompany.company_id == company.id,
            Run.workspace_id == company.workspace_id,
            col(Run.queued_at) >= month_start(now),
        )
    ).one()
    return int(total)
