"""Listing: the lists of exporters and runs every front door shows (the dashboard, /api/v1, the add-on),
one page at a time, and the counts beside them.

Every function takes the workspace id (or ids) and never returns another workspace's row; the lists take
typed filters and a cursor, so each page costs a fixed number of SQL statements whatever the workspace
holds: one for the page, one for the latest run of every exporter on it, one for their companies. Pages are
keyset pages by id (which only grows): the cursor is the id of the last row shown, and the next page is
what lies past it, so rows added meanwhile never shift or repeat a page. Lists go newest first, except
/api/v1's exporters, which have always gone oldest first (`Order`). The indexes behind each filter and
order are in migration 0012.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, or_
from sqlalchemy import select as sql_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from store.models import Company, Exporter, ExporterCompany, ExporterState, GoogleAccount, Run, RunStatus

PAGE_SIZE = 50
T = TypeVar("T")
S = TypeVar("S", bound=Select[*tuple[Any, ...]])  # any select: of models or of columns


class ListingArgsError(ValueError):
    """A filter or cursor in the query string that names nothing we can list by; the message says which."""


@dataclass(frozen=True)
class ExporterFilters:
    """Which exporters a list shows; None: any."""

    company_id: int | None = None
    source: str | None = None
    state: ExporterState | None = None  # what it does on its own: active, paused (and why), disabled
    last_run_status: RunStatus | None = None  # how its latest run ended (or that it is queued or running)
    google_account_id: int | None = None
    spreadsheet_id: str | None = None  # the id itself (sheets.client.spreadsheet_key reads a pasted link)

    @classmethod
    def from_query(cls, args: Mapping[str, str]) -> ExporterFilters:
        """From a query string: `company`, `source`, `state`, `status` (latest run's), `google_account`."""
        return cls(
            company_id=_id_arg(args, "company"),
            source=args.get("source") or None,
            state=_choice_arg(args, "state", ExporterState),
            last_run_status=_choice_arg(args, "status", RunStatus),
            google_account_id=_id_arg(args, "google_account"),
        )


@dataclass(frozen=True)
class RunFilters:
    """Which runs a list shows; None: any."""

    exporter_id: int | None = None
    company_id: int | None = None  # runs of the exporters that read this company
    source: str | None = None  # runs of the exporters of this source
    status: RunStatus | None = None

    @classmethod
    def from_query(cls, args: Mapping[str, str]) -> RunFilters:
        """From a query string: `exporter`, `company`, `source`, `status`."""
        return cls(
            exporter_id=_id_arg(args, "exporter"),
            company_id=_id_arg(args, "company"),
            source=args.get("source") or None,
            status=_choice_arg(args, "status", RunStatus),
        )


class Order(Enum):
    """Which end of a list its first page shows."""

    NEWEST_FIRST = "newest first"
    OLDEST_FIRST = "oldest first"


@dataclass(frozen=True)
class CompanyName:
    """A company as a list names it."""

    id: int
    name: str


@dataclass(frozen=True)
class ExporterRow:
    """One exporter of a list, with its companies (the analyst's order) and its latest run."""

    exporter: Exporter
    companies: list[CompanyName]
    last_run: Run | None


@dataclass(frozen=True)
class RunRow:
    """One run of a list, with its exporter's name."""

    run: Run
    exporter_name: str


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; `next_cursor` (None on the last page) asks for the page after it."""

    rows: list[T]
    next_cursor: int | None


@dataclass(frozen=True)
class Attention:
    """The exporters that need the analyst (paused, destination error, latest run failed): the newest few."""

    exporters: list[Exporter]
    total: int


@dataclass(frozen=True)
class AccountExporters:
    """The exporters writing through one Google account: the first few by name, and how many in all."""

    first: list[tuple[int, str]]
    total: int


def cursor_from(args: Mapping[str, str]) -> int | None:
    """The `cursor` of a query string (the id of the last row of the page before)."""
    return _id_arg(args, "cursor")


def _id_arg(args: Mapping[str, str], name: str) -> int | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise ListingArgsError(f"`{name}` must be a positive whole number (an id from a link), not {text!r}.")
    return int(text)


C = TypeVar("C", ExporterState, RunStatus)


def _choice_arg(args: Mapping[str, str], name: str, choices: type[C]) -> C | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return choices(text)
    except ValueError:
        known = ", ".join(choice.value for choice in choices)
        raise ListingArgsError(f"`{name}` must be one of {known}, not {text!r}.") from None


def _latest_run_status() -> Any:
    """The status of the exporter's newest run, correlated to the outer `exporter` (one index probe)."""
    return (
        select(Run.status)
        .where(col(Run.exporter_id) == col(Exporter.id))
        .order_by(col(Run.id).desc())
        .limit(1)
        .correlate(Exporter)
        .scalar_subquery()
    )


def _keyset(statement: S, row_id: Any, cursor: int | None, limit: int, order: Order) -> S:
    """The rows of `statement` past the one with id `cursor` in `order`: `limit` of them and one more, to
    know whether a next page exists (`_page`)."""
    newest_first = order is Order.NEWEST_FIRST
    if cursor is not None:
        statement = statement.where(row_id < cursor if newest_first else row_id > cursor)
    return statement.order_by(row_id.desc() if newest_first else row_id).limit(limit + 1)


def _page(rows: Sequence[T], limit: int, last_id: Any) -> Page[T]:
    """The first `limit` rows of what `_keyset` read; the cursor of the next page when there is one."""
    shown = list(rows[:limit])
    return Page(shown, last_id(shown[-1]) if len(rows) > limit and shown else None)


def list_exporters(
    session: Session,
    workspace_id: int,
    filters: ExporterFilters = ExporterFilters(),
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
    order: Order = Order.NEWEST_FIRST,
) -> Page[ExporterRow]:
    """A page of the workspace's exporters (newest first unless `order` says otherwise), with their
    companies and latest runs."""
    statement = select(Exporter).where(col(Exporter.workspace_id) == workspace_id)
    if filters.company_id is not None:
        reading = select(ExporterCompany.exporter_id).where(ExporterCompany.company_id == filters.company_id)
        statement = statement.where(col(Exporter.id).in_(reading))
    if filters.source is not None:
        statement = statement.where(col(Exporter.source) == filters.source)
    if filters.state is not None:
        statement = statement.where(col(Exporter.state) == filters.state)
    if filters.google_account_id is not None:
        statement = statement.where(col(Exporter.google_account_id) == filters.google_account_id)
    if filters.spreadsheet_id is not None:
        statement = statement.where(col(Exporter.spreadsheet_id) == filters.spreadsheet_id)
    if filters.last_run_status is not None:
        statement = statement.where(_latest_run_status() == filters.last_run_status)
    exporters = session.exec(_keyset(statement, col(Exporter.id), cursor, limit, order)).all()
    page = _page(exporters, limit, lambda e: e.id)
    ids = [e.id for e in page.rows if e.id is not None]
    last_runs = latest_runs(session, ids)
    companies = companies_read_by(session, ids)
    rows = [ExporterRow(e, companies.get(e.id or 0, []), last_runs.get(e.id or 0)) for e in page.rows]
    return Page(rows, page.next_cursor)


def list_runs(
    session: Session,
    workspace_id: int,
    filters: RunFilters = RunFilters(),
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
) -> Page[RunRow]:
    """A page of the workspace's runs, newest first, each with its exporter's name (one statement)."""
    statement = (
        select(Run, Exporter.name)
        .join(Exporter, col(Exporter.id) == col(Run.exporter_id))
        .where(col(Run.workspace_id) == workspace_id)
    )
    if filters.exporter_id is not None:
        statement = statement.where(col(Run.exporter_id) == filters.exporter_id)
    if filters.company_id is not None:
        reading = select(ExporterCompany.exporter_id).where(ExporterCompany.company_id == filters.company_id)
        statement = statement.where(col(Run.exporter_id).in_(reading))
    if filters.source is not None:
        statement = statement.where(col(Exporter.source) == filters.source)
    if filters.status is not None:
        statement = statement.where(col(Run.status) == filters.status)
    found = session.exec(_keyset(statement, col(Run.id), cursor, limit, Order.NEWEST_FIRST)).all()
    page = _page(found, limit, lambda row: row[0].id)
    return Page([RunRow(run, name) for run, name in page.rows], page.next_cursor)


def exporters_writing_into(
    session: Session, workspace_ids: Sequence[int], spreadsheet_id: str
) -> list[Exporter]:
    """These workspaces' exporters that write into one spreadsheet (by its id), by tab then id: what the
    add-on's homepage (exporters.in_spreadsheet) and GET /api/v1/spreadsheets/{id}/exporters show."""
    if not workspace_ids or not spreadsheet_id:
        return []
    statement = (
        select(Exporter)
        .where(
            col(Exporter.workspace_id).in_(list(workspace_ids)),
            col(Exporter.spreadsheet_id) == spreadsheet_id,
        )
        .order_by(col(Exporter.tab), col(Exporter.id))
    )
    return list(session.exec(statement).all())


def exporters_by_id(session: Session, workspace_id: int, exporter_ids: Sequence[int]) -> dict[int, Exporter]:
    """The workspace's exporters with these ids, in one statement (the exporters of a page of runs)."""
    if not exporter_ids:
        return {}
    statement = select(Exporter).where(
        col(Exporter.workspace_id) == workspace_id, col(Exporter.id).in_(list(exporter_ids))
    )
    return {exporter.id: exporter for exporter in session.exec(statement) if exporter.id is not None}


def latest_runs(
    session: Session, exporter_ids: Sequence[int], statuses: Sequence[str] | None = None
) -> dict[int, Run]:
    """Each exporter's newest run (of these `statuses`, else any), in one statement: one index probe
    (exporter_id, id) per exporter."""
    if not exporter_ids:
        return {}
    of_exporter = select(func.max(Run.id)).where(col(Run.exporter_id) == col(Exporter.id))
    if statuses is not None:
        of_exporter = of_exporter.where(col(Run.status).in_(list(statuses)))
    newest = of_exporter.correlate(Exporter).scalar_subquery()
    ids = select(newest).where(col(Exporter.id).in_(exporter_ids))
    runs = session.exec(select(Run).where(col(Run.id).in_(ids))).all()
    return {run.exporter_id: run for run in runs}


def companies_read_by(session: Session, exporter_ids: Sequence[int]) -> dict[int, list[CompanyName]]:
    """The companies each exporter reads, in the analyst's order, in one statement."""
    if not exporter_ids:
        return {}
    statement = (
        select(ExporterCompany.exporter_id, Company.id, Company.name, Company.realm_id)
        .join(Company, col(Company.id) == col(ExporterCompany.company_id))
        .where(col(ExporterCompany.exporter_id).in_(exporter_ids))
        .order_by(col(ExporterCompany.exporter_id), col(ExporterCompany.position))
    )
    grouped: dict[int, list[CompanyName]] = {}
    for exporter_id, company_id, name, realm_id in session.exec(statement):
        if company_id is not None:
            grouped.setdefault(exporter_id, []).append(CompanyName(company_id, name or realm_id))
    return grouped


def workspace_companies(session: Session, workspace_id: int) -> list[Company]:
    """The workspace's companies, oldest first (as /api/v1 lists them)."""
    statement = select(Company).where(col(Company.workspace_id) == workspace_id).order_by(col(Company.id))
    return list(session.exec(statement).all())


def workspace_google_accounts(session: Session, workspace_id: int) -> list[GoogleAccount]:
    """The workspace's Google accounts, oldest first (as /api/v1 lists them)."""
    statement = (
        select(GoogleAccount)
        .where(col(GoogleAccount.workspace_id) == workspace_id)
        .order_by(col(GoogleAccount.id))
    )
    return list(session.exec(statement).all())


def exporter_counts(session: Session, workspace_id: int) -> dict[str, int]:
    """How many exporters of the workspace are in each state."""
    statement = (
        select(Exporter.state, func.count())
        .where(col(Exporter.workspace_id) == workspace_id)
        .group_by(col(Exporter.state))
    )
    return {state: count for state, count in session.exec(statement)}


def run_counts(session: Session, workspace_id: int, since: datetime) -> dict[str, int]:
    """How many runs of the workspace queued since `since` are in each status."""
    statement = (
        select(Run.status, func.count())
        .where(col(Run.workspace_id) == workspace_id, col(Run.queued_at) >= since)
        .group_by(col(Run.status))
    )
    return {status: count for status, count in session.exec(statement)}


def qbo_calls_by_company(
    session: Session, workspace_id: int, company_ids: Sequence[int], since: datetime
) -> dict[int, int]:
    """QuickBooks API calls made since `since` by the runs of exporters reading each company, in one
    statement (a run that read several companies counts for each: runs record their calls, not per
    company). A company without such runs is left out."""
    if not company_ids:
        return {}
    statement = (
        select(ExporterCompany.company_id, func.coalesce(func.sum(Run.qbo_calls), 0))
        .join(Run, col(Run.exporter_id) == col(ExporterCompany.exporter_id))
        .where(
            col(ExporterCompany.company_id).in_(list(company_ids)),
            col(Run.workspace_id) == workspace_id,
            col(Run.queued_at) >= since,
        )
        .group_by(col(ExporterCompany.company_id))
    )
    return {company_id: int(calls) for company_id, calls in session.exec(statement)}


def needing_attention(session: Session, workspace_id: int, limit: int = 10) -> Attention:
    """The exporters paused, with a destination error, or whose latest run failed: the newest `limit`."""
    troubled = and_(
        col(Exporter.workspace_id) == workspace_id,
        or_(
            col(Exporter.paused_reason) != "",
            col(Exporter.destination_error) != "",
            _latest_run_status() == RunStatus.FAILED,
        ),
    )
    found = session.exec(
        select(Exporter, func.count().over()).where(troubled).order_by(col(Exporter.id).desc()).limit(limit)
    ).all()
    return Attention([exporter for exporter, _ in found], found[0][1] if found else 0)


def exporter_counts_by_company(session: Session, workspace_id: int) -> dict[int, int]:
    """How many of the workspace's exporters read each company."""
    statement = (
        select(ExporterCompany.company_id, func.count())
        .join(Exporter, col(Exporter.id) == col(ExporterCompany.exporter_id))
        .where(col(Exporter.workspace_id) == workspace_id)
        .group_by(col(ExporterCompany.company_id))
    )
    return {company_id: count for company_id, count in session.exec(statement)}


def exporters_by_account(session: Session, workspace_id: int, first: int = 5) -> dict[int, AccountExporters]:
    """For each Google account, the first `first` exporters writing through it by name, and their number."""
    account = col(Exporter.google_account_id)
    ranked = (
        sql_select(  # five columns: more than sqlmodel's typed select() takes
            col(Exporter.id).label("id"),
            col(Exporter.name).label("name"),
            account.label("account_id"),
            func.row_number()
            .over(partition_by=account, order_by=(col(Exporter.name), col(Exporter.id)))
            .label("place"),
            func.count().over(partition_by=account).label("total"),
        )
        .where(col(Exporter.workspace_id) == workspace_id, col(Exporter.google_account_id).is_not(None))
        .subquery()
    )
    shown = aliased(ranked)
    statement = select(shown.c.account_id, shown.c.id, shown.c.name, shown.c.total).where(
        shown.c.place <= first
    )
    grouped: dict[int, AccountExporters] = {}
    for account_id, exporter_id, name, total in session.exec(
        statement.order_by(shown.c.account_id, shown.c.place)
    ):
        grouped.setdefault(account_id, AccountExporters([], total)).first.append((exporter_id, name))
    return grouped
