"""The exporter definition and its rules: one service layer for every front door (design.md, Decision 10).

The dashboard's editor, the JSON API (/api/v1) and the Sheets add-on create and change exporters through
`validate` and `save` with an `ExporterDefinition`, so they refuse the same input with the same message
(a `FieldError` naming the definition's field). `validate` reads only the store; `save` also asks the
outside world what only it knows: QuickBooks tries the WHERE filter, Google opens (or creates) the
spreadsheet and says whether the account may edit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, delete, select

from connections.pausing import account_chosen
from exporters.catalog import Source, UnknownSource, get_source, written_columns
from exporters.columns import CUSTOM_PREFIX, Column
from exporters.destination import DestinationProblem, create_spreadsheet, open_spreadsheet
from exporters.filters import WhereError, validate_where
from exporters.schedules import ScheduleError, ScheduleSpec, schedule_of
from exporters.tab_owners import writers_of
from exporters.where_check import qbo_refusal
from sheets.append import SnapshotColumn
from sheets.client import parse_spreadsheet_id
from store import crud, states
from store.documents import ExporterOptions
from store.models import Company, Exporter, ExporterCompany, GoogleAccount, Watermark, WriteMode, utcnow
from store.rows import saved_id

HOURLY = ScheduleSpec(cron="0 * * * *", timezone="UTC")
# Write options do not change which rows the tab should hold.
WRITE_OPTIONS = ("oversize", "snapshot_column", "on_deleted", "reset_tab")


class ExporterDefinition(BaseModel):
    """What an exporter is, as a front door hands it in: source + companies + columns + filters
    (`options`) + destination + write mode + schedule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    source: str  # a key of exporters.catalog
    company_ids: list[int] = Field(default_factory=list)  # in the analyst's order
    google_account_id: int | None = None
    spreadsheet_id: str = ""  # a spreadsheet's id or link; "" creates a new spreadsheet
    spreadsheet_title: str = ""  # the new spreadsheet's title ("" for "Sheetbooks · <name>")
    tab: str = ""
    columns: list[str] = Field(default_factory=list)  # column keys in the order written
    options: ExporterOptions = Field(default_factory=ExporterOptions)
    write_mode: WriteMode = WriteMode.REPLACE
    schedule: ScheduleSpec | None = HOURLY  # None: only on demand (exporters.schedules)
    time_zone: str = "UTC"  # today's date for relative date ranges
    enabled: bool = True  # the user's own switch; other holds (companies, Google, failures) stay


@dataclass(frozen=True)
class FieldError:
    """Why a definition can't be saved: the field to fix (`options.where` for an option) and what to do.
    `exporter_id` is the other exporter the message names (the one that already writes the tab)."""

    field: str
    message: str
    exporter_id: int | None = None


class DefinitionRefused(ValueError):
    """`save` refused the definition; `errors` say which fields and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


# -- the rules ----------------------------------------------------------------------------------------


def validate(
    session: Session, workspace_id: int, definition: ExporterDefinition, exporter_id: int | None = None
) -> list[FieldError]:
    """Every rule a definition must meet that the store can answer; empty when it can be saved.
    `exporter_id` is the exporter being edited (None for a new one)."""
    errors: list[FieldError] = []
    if not definition.name.strip():
        errors.append(FieldError("name", "Name the exporter."))
    try:
        source = get_source(definition.source)
    except UnknownSource as exc:
        return [*errors, FieldError("source", f"Choose a source. {exc}")]
    errors += _companies_errors(session, workspace_id, definition.company_ids)
    errors += _columns_errors(source, definition)
    if getattr(source, "takes_budget", False) and not definition.options.budget:
        errors.append(FieldError("options.budget", "Name the budget to compare, as QuickBooks shows it."))
    if definition.options.where.strip():
        try:
            validate_where(getattr(source, "query_fields", dict)(), definition.options.where)
        except WhereError as exc:
            errors.append(FieldError("options.where", str(exc)))
    if (schedule := _schedule_error(definition.schedule)) is not None:
        errors.append(schedule)
    if (zone := _time_zone_error(definition.time_zone)) is not None:
        errors.append(zone)
    account = session.get(GoogleAccount, definition.google_account_id or 0)
    if account is None or account.workspace_id != workspace_id:
        errors.append(
            FieldError("google_account_id", "Choose the Google account that writes the spreadsheet.")
        )
    if not definition.tab.strip():
        errors.append(FieldError("tab", "Name the tab the exporter writes (e.g. the source's name)."))
    elif definition.spreadsheet_id.strip():
        errors += _destination_errors(session, workspace_id, definition, account, exporter_id)
    return errors


def _companies_errors(session: Session, workspace_id: int, company_ids: list[int]) -> list[FieldError]:
    if not company_ids:
        return [FieldError("company_ids", "Choose at least one company.")]
    if len(set(company_ids)) != len(company_ids):
        return [FieldError("company_ids", "Choose each company once.")]
    for company_id in company_ids:
        company = session.get(Company, company_id)
        if company is None or company.workspace_id != workspace_id:
            return [FieldError("company_ids", f"There is no company {company_id} in this workspace.")]
    return []


def _columns_errors(source: Source, definition: ExporterDefinition) -> list[FieldError]:
    if not definition.columns:
        return [FieldError("columns", "Choose at least one column.")]
    known = {c.key for c in source.columns(definition.options)}
    custom = source.kind != "report"
    unknown = [
        k for k in definition.columns if k not in known and not (custom and k.startswith(CUSTOM_PREFIX))
    ]
    if unknown:
        return [FieldError("columns", f"The source has no column {', '.join(unknown)}.")]
    return []


def _schedule_error(spec: ScheduleSpec | None) -> FieldError | None:
    if spec is None:
        return None
    try:
        schedule_of(spec.cron, spec.timezone)
    except ScheduleError as exc:
        return FieldError(f"schedule.{exc.part}", str(exc))
    return None


def _time_zone_error(name: str) -> FieldError | None:
    try:
        ZoneInfo(name.strip() or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return FieldError(
            "time_zone",
            f"Unknown time zone '{name}': use a name like America/New_York, Europe/London or UTC.",
        )
    return None


def _destination_errors(
    session: Session,
    workspace_id: int,
    definition: ExporterDefinition,
    account: GoogleAccount | None,
    exporter_id: int | None,
) -> list[FieldError]:
    """One owner per tab, in this workspace and across workspaces sharing the service account."""
    try:
        spreadsheet_id = parse_spreadsheet_id(definition.spreadsheet_id)
    except ValueError as exc:
        return [FieldError("spreadsheet_id", str(exc))]
    writers = writers_of(session, spreadsheet_id, definition.tab, except_id=exporter_id)
    ours = next((w for w in writers if w.workspace_id == workspace_id), None)
    if ours is not None:
        return [
            FieldError(
                "tab",
                f"The exporter “{ours.name}” already writes the tab “{ours.tab}” of this spreadsheet: choose "
                "another tab (two exporters in one tab replace each other's rows), or edit that exporter.",
                ours.id,
            )
        ]
    if (
        account is not None
        and account.kind == "service_account"
        and _used_elsewhere(session, spreadsheet_id, workspace_id)
    ):
        # Every workspace shares the deployment's service account: being able to edit the spreadsheet
        # proves nothing about whose it is.
        return [
            FieldError(
                "spreadsheet_id",
                "Another workspace's exporter writes to this spreadsheet through the shared service account. "
                "Create a new spreadsheet here, or share yours with a Google account of this workspace.",
            )
        ]
    if writers:
        return [
            FieldError("tab", "An exporter of another workspace already writes this tab: choose another.")
        ]
    return []


def _used_elsewhere(session: Session, spreadsheet_id: str, workspace_id: int) -> bool:
    statement = select(Exporter.id).where(
        Exporter.spreadsheet_id == spreadsheet_id, Exporter.workspace_id != workspace_id
    )
    return session.exec(statement).first() is not None


# -- what the tab gets ----------------------------------------------------------------------------------


def tab_columns(definition: ExporterDefinition) -> list[Column]:
    """Every column the tab gets, in the order written (what the editor and the exporter page list)."""
    try:
        source = get_source(definition.source)
    except UnknownSource:
        return []
    return written_columns(source, definition.columns, definitive_options(definition), definition.write_mode)


def tab_labels(definition: ExporterDefinition) -> list[str]:
    """The tab's header as it will be written: `tab_columns`, then append's "Snapshot at" when it has one."""
    labels = [c.label for c in tab_columns(definition)]
    if definition.write_mode == WriteMode.APPEND and definition.options.snapshot_column and labels:
        labels.append(SnapshotColumn().label)
    return labels


def definitive_options(definition: ExporterDefinition) -> ExporterOptions:
    """The options as saved: with several companies the Company and Realm ID columns are always on."""
    if len(definition.company_ids) > 1 and not definition.options.company_columns:
        return definition.options.model_copy(update={"company_columns": True})
    return definition.options


# -- reading and saving -----------------------------------------------------------------------------------


def company_ids(session: Session, exporter: Exporter) -> list[int]:
    """The exporter's companies in the analyst's order."""
    rows = session.exec(
        select(ExporterCompany)
        .where(ExporterCompany.exporter_id == exporter.id)
        .order_by(col(ExporterCompany.position))
    ).all()
    return [row.company_id for row in rows]


def definition_of(session: Session, exporter: Exporter) -> ExporterDefinition:
    """A saved exporter as its definition."""
    return ExporterDefinition(
        name=exporter.name,
        source=exporter.source,
        company_ids=company_ids(session, exporter),
        google_account_id=exporter.google_account_id,
        spreadsheet_id=exporter.spreadsheet_id,
        spreadsheet_title=exporter.spreadsheet_title,
        tab=exporter.tab,
        columns=list(exporter.columns),
        options=exporter.options,
        write_mode=WriteMode(exporter.write_mode),
        schedule=ScheduleSpec(cron=exporter.schedule_cron, timezone=exporter.schedule_time_zone)
        if exporter.schedule_cron
        else None,
        time_zone=exporter.time_zone or "UTC",
        enabled=exporter.pauses.disabled_by is None,
    )


def check_outside(session: Session, workspace_id: int, definition: ExporterDefinition) -> list[FieldError]:
    """QuickBooks' refusal of the WHERE filter, tried on the first company (none when it can't be asked)."""
    if not definition.options.where.strip() or not definition.company_ids:
        return []
    first = session.get(Company, definition.company_ids[0])
    if first is None or first.workspace_id != workspace_id:
        return []
    refusal = qbo_refusal(first, get_source(definition.source), definition.options, definition.time_zone)
    return (
        [] if refusal is None else [FieldError("options.where", f"QuickBooks refused this filter: {refusal}")]
    )


def destination(account: GoogleAccount, definition: ExporterDefinition) -> tuple[str, str]:
    """(spreadsheet id, title): a new spreadsheet made now, or the pasted one checked to be editable."""
    if not definition.spreadsheet_id.strip():
        title = definition.spreadsheet_title.strip() or f"Sheetbooks · {definition.name.strip()}"
        return create_spreadsheet(account, title, definition.tab.strip())
    return open_spreadsheet(account, definition.spreadsheet_id)


def save(
    session: Session,
    workspace_id: int,
    definition: ExporterDefinition,
    exporter: Exporter | None = None,
    by: str = "a user",
) -> Exporter:
    """Create (`exporter` None) or change an exporter from its definition, after every rule and QuickBooks
    and Google agreed; raises DefinitionRefused with the fields to fix. `by` names who saved it (the
    disabling user, when `enabled` is off). The caller commits."""
    existing = exporter.id if exporter is not None else None
    errors = validate(session, workspace_id, definition, existing) or check_outside(
        session, workspace_id, definition
    )
    if errors:
        raise DefinitionRefused(errors)
    account = session.get(GoogleAccount, definition.google_account_id or 0)
    assert account is not None  # validate() checked it
    try:
        spreadsheet_id, title = destination(account, definition)
    except DestinationProblem as exc:
        raise DefinitionRefused([FieldError("spreadsheet_id", str(exc))]) from None
    return _write(session, workspace_id, definition, exporter, spreadsheet_id, title, by)


def _write(
    session: Session,
    workspace_id: int,
    definition: ExporterDefinition,
    exporter: Exporter | None,
    spreadsheet_id: str,
    title: str,
    by: str = "a user",
) -> Exporter:
    now = utcnow()
    exporter = exporter or Exporter(workspace_id=workspace_id, name="", source=definition.source)
    previous_schedule = (exporter.schedule_cron, exporter.schedule_time_zone)
    before = _what_it_pulls(session, exporter) if exporter.id else None
    source = get_source(definition.source)
    where = definition.options.where.strip()
    if where:
        where = validate_where(getattr(source, "query_fields", dict)(), where)
    exporter.name = definition.name.strip()
    exporter.source = source.key
    exporter.columns = list(definition.columns)
    exporter.options = definitive_options(definition).model_copy(update={"where": where})
    exporter.google_account_id = definition.google_account_id
    exporter.spreadsheet_id, exporter.spreadsheet_title = spreadsheet_id, title
    exporter.tab = definition.tab.strip()
    exporter.write_mode = definition.write_mode
    exporter.time_zone = definition.time_zone.strip() or "UTC"
    spec = definition.schedule
    schedule = schedule_of(spec.cron, spec.timezone) if spec is not None else None
    exporter.schedule_cron = schedule.cron if schedule else ""
    exporter.schedule_time_zone = schedule.timezone if schedule else exporter.time_zone
    changed = (exporter.schedule_cron, exporter.schedule_time_zone) != previous_schedule
    states.set_schedule(exporter, schedule.next_after(now) if schedule else None, now, changed)
    exporter.destination_error = ""
    session.add(exporter)
    session.flush()
    assert exporter.id is not None  # flushed
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.exporter_id) == exporter.id))
    for position, company_id in enumerate(definition.company_ids):
        session.add(ExporterCompany(exporter_id=exporter.id, company_id=company_id, position=position))
    _settle_state(session, exporter, definition.enabled, by)
    if before is not None and before != _what_it_pulls(session, exporter):
        # Watermarks describe what the tab holds; a new filter, company, column or destination makes
        # them wrong (rows that now match would never come), so the next run is a full one.
        session.exec(delete(Watermark).where(col(Watermark.exporter_id) == exporter.id))
    return exporter


def _settle_state(session: Session, exporter: Exporter, wanted_enabled: bool, by: str) -> None:
    """The saved exporter's state (store.states): the user's switch, its Google account, the companies it
    now reads."""
    session.flush()
    if wanted_enabled and exporter.pauses.disabled_by is not None:
        states.apply(session, exporter, states.Event.USER_ENABLED)
    elif not wanted_enabled and states.can_apply(exporter, states.Event.USER_DISABLED):
        states.apply(session, exporter, states.Event.USER_DISABLED, by=by)
    account = session.get(GoogleAccount, exporter.google_account_id) if exporter.google_account_id else None
    account_chosen(session, exporter, account)


def _what_it_pulls(session: Session, exporter: Exporter) -> tuple[object, ...]:
    """Everything that decides which rows an incremental pull adds to the tab."""
    session.flush()
    return (
        exporter.source,
        repr(exporter.options.model_dump(exclude=set(WRITE_OPTIONS))),
        tuple(exporter.columns),
        tuple(company_ids(session, exporter)),
        exporter.spreadsheet_id,
        exporter.tab,
        exporter.time_zone,
        exporter.write_mode,
    )


def delete_exporter(session: Session, exporter: Exporter) -> None:
    """The exporter with its companies, watermarks and run history (the spreadsheet stays in Drive)."""
    crud.delete_exporter(session, saved_id(exporter))
