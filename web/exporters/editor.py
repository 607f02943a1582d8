"""The editor's logic: choices for the workspace and source, options out of the form, saving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g
from pydantic import ValidationError
from sqlmodel import Session, col, delete, select
from wtforms import Field

from connections.pausing import paused_by_companies
from exporters.catalog import UnknownSource, get_source, list_sources, resolve_columns
from exporters.columns import CUSTOM_PREFIX, custom_field
from exporters.filters import WhereError, validate_where
from store.documents import PARTIES, ExporterOptions, FixedRange, RelativeRange
from store.models import (
    Company,
    Exporter,
    ExporterCompany,
    GoogleAccount,
    GoogleAccountStatus,
    Run,
    Watermark,
    utcnow,
)
from store.rows import saved_id
from web.current import scoped
from web.database import get_session
from web.exporters.destination import DestinationProblem, create_spreadsheet, open_spreadsheet
from web.exporters.forms import ExporterForm
from web.exporters.schedules import choice_of, minutes_of, next_run
from web.exporters.writing import WRITE_OPTIONS, load_write_options, write_options_from

FORM_OPTIONS = (
    "date_range",
    "layout",
    "accounting_method",
    "include_inactive",
    "status",
    "where",
    "summarize_column_by",
    "companies_layout",
    "budget",
    *(f"{party}_ids" for party in PARTIES),
    *WRITE_OPTIONS,
)
# What the editor leaves as it was: fields others keep (connections' paused_by_companies, ...).
KEPT_OPTIONS = tuple(name for name in ExporterOptions.model_fields if name not in (*FORM_OPTIONS, "version"))


def source_or_none(key: str | None) -> Any:
    try:
        return get_source(key or "")
    except UnknownSource:
        return None


@dataclass(frozen=True)
class Features:
    """Which option fields make sense for a source (none without one); the editor's page reads them too."""

    date_range: bool = False
    report: bool = False
    layouts: bool = False  # statement or tidy, companies side by side or in blocks
    budget: bool = False  # budget vs actuals: which budget
    periods: bool = False
    filters: tuple[str, ...] = ()  # the parties it filters by id
    include_inactive: bool = False
    status: bool = False
    where: bool = False
    custom_fields: bool = False


def features(source: Any) -> Features:
    """Which option fields make sense for the source."""
    if source is None:
        return Features()
    report = source.kind == "report"
    spec = None if report else getattr(source, "filters", None)
    filters = (
        tuple(source.filter_params) if report else tuple(name for name, _ref in (spec.party if spec else ()))
    )
    budget = bool(getattr(source, "takes_budget", False))
    return Features(
        date_range=report or bool(spec and spec.date_field),
        report=report,
        layouts=report and not budget,  # a statement or tidy rows, companies side by side or in blocks
        budget=budget,
        periods=report and bool(getattr(source, "periods", False)),
        filters=filters,
        include_inactive=bool(spec and spec.name_list),
        status=bool(spec and spec.has_status),
        where=not report and hasattr(source, "query_fields"),
        custom_fields=not report,
    )


def custom_keys(text: str | None) -> list[str]:
    """Column keys of the custom fields named in the editor's box (names separated by commas)."""
    return [f"{CUSTOM_PREFIX}{name.strip()}" for name in (text or "").split(",") if name.strip()]


def reorder(keys: list[str], action: str) -> list[str]:
    """The chosen columns after an "up:<key>" or "down:<key>" button: that column swapped with a neighbour."""
    verb, _, key = action.partition(":")
    if verb not in ("up", "down") or key not in keys:
        return keys
    keys = list(keys)
    here = keys.index(key)
    there = here - 1 if verb == "up" else here + 1
    if 0 <= there < len(keys):
        keys[here], keys[there] = keys[there], keys[here]
    return keys


def company_ids(session: Session, exporter: Exporter) -> list[int]:
    rows = session.exec(
        select(ExporterCompany)
        .where(ExporterCompany.exporter_id == exporter.id)
        .order_by(col(ExporterCompany.position))
    ).all()
    return [row.company_id for row in rows]


def prepare(form: ExporterForm, session: Session, saved_columns: list[str] | None, action: str = "") -> Any:
    """Fill the form's choices (columns in the chosen order, then the others); returns the chosen source
    (None when none or unknown). `action` may move a chosen column up or down."""
    sources = list_sources()
    form.source.choices = [(s["key"], f"{s['group']} · {s['label']}") for s in sources]
    companies = session.exec(scoped(Company).order_by(Company.name)).all()
    form.companies.choices = [(c.id, f"{c.name or c.realm_id} ({c.realm_id})") for c in companies]
    accounts = session.exec(scoped(GoogleAccount).order_by(GoogleAccount.email)).all()
    form.google_account_id.choices = [
        (a.id, a.email + ("" if a.status == GoogleAccountStatus.CONNECTED else " (needs reconnect)"))
        for a in accounts
    ]
    source = source_or_none(form.source.data or (sources[0]["key"] if sources else None))
    if source is None:
        form.columns.choices = []
        return None
    options = ExporterOptions(layout="tidy" if form.layout.data == "tidy" else "statement")
    available = source.columns(options)
    keys = [c.key for c in available]
    custom = features(source).custom_fields
    context = columns_context(source, options)
    same = form.columns_for.data in (context, None, "")  # a new source or layout starts from its defaults
    wanted = (form.columns.data or saved_columns or []) if same else []
    form.columns_for.data = context
    chosen = [k for k in wanted if k in keys or (custom and k.startswith(CUSTOM_PREFIX))]
    if not chosen:
        chosen = [c.key for c in resolve_columns(source, None, options)]
    if custom:
        chosen += [k for k in custom_keys(form.custom_fields.data) if k not in chosen]
        form.custom_fields.data = ""
    chosen = reorder(chosen, action)
    form.columns.data = chosen
    by_key = {c.key: c for c in available}
    by_key.update({k: custom_field(k).column for k in chosen if k.startswith(CUSTOM_PREFIX)})
    ordered = chosen + [k for k in keys if k not in chosen]
    form.columns.choices = [(k, f"{by_key[k].label} ({_kind(by_key[k])})") for k in ordered]
    if not form.tab.data:
        form.tab.data = source.label
    return source


def columns_context(source: Any, options: ExporterOptions) -> str:
    """What a list of column keys belongs to: the source, and for reports the layout."""
    return f"{source.key}:{source.layout(options)}" if source.kind == "report" else source.key


def _kind(column: Any) -> str:
    return "custom field" if column.key.startswith(CUSTOM_PREFIX) else column.type


def load(form: ExporterForm, exporter: Exporter, session: Session) -> None:
    """Put a saved exporter into the form (GET of the edit page)."""
    form.name.data, form.source.data = exporter.name, exporter.source
    form.companies.data = company_ids(session, exporter)
    form.columns.data = list(exporter.columns)
    source = source_or_none(exporter.source)
    options = exporter.options
    form.columns_for.data = columns_context(source, options) if source else ""
    if isinstance(options.date_range, FixedRange):
        form.date_range.data = "fixed"
        form.start_date.data, form.end_date.data = options.date_range.start, options.date_range.end
    elif isinstance(options.date_range, RelativeRange):
        form.date_range.data = options.date_range.relative
        form.n_days.data = options.date_range.n
    for name in ("layout", "accounting_method", "where", "summarize_column_by", "companies_layout", "budget"):
        getattr(form, name).data = getattr(options, name)
    form.status.data = options.status or ""
    for party in PARTIES:
        getattr(form, f"filter_{party}").data = ", ".join(options.ids(party))
    form.include_inactive.data = options.include_inactive
    form.time_zone.data = exporter.time_zone or "UTC"
    form.google_account_id.data = exporter.google_account_id
    form.destination.data = "existing" if exporter.spreadsheet_id else "new"
    form.spreadsheet.data = exporter.spreadsheet_id
    form.spreadsheet_title.data = exporter.spreadsheet_title
    form.tab.data, form.write_mode.data = exporter.tab, exporter.write_mode
    load_write_options(form, options)
    form.schedule.data = choice_of(exporter.schedule_minutes)
    form.enabled.data = exporter.enabled


def options_from(form: ExporterForm, source: Any) -> ExporterOptions | None:
    """The ExporterOptions the form asks for; None after adding field errors."""
    wanted = features(source)
    options: dict[str, Any] = write_options_from(form)
    ok = True
    if wanted.date_range and form.date_range.data == "fixed":
        start, end = form.start_date.data, form.end_date.data
        if start is None or end is None:
            form.start_date.errors = [*form.start_date.errors, "Fixed dates need both a start and an end."]
            ok = False
        else:
            options["date_range"] = {"start": start, "end": end}
    elif wanted.date_range and form.date_range.data == "last_n_days":
        options["date_range"] = {"relative": "last_n_days", "n": form.n_days.data or 0}
    elif wanted.date_range and form.date_range.data:
        options["date_range"] = {"relative": form.date_range.data}
    if wanted.report:
        options["accounting_method"] = form.accounting_method.data
    if wanted.layouts:
        options["layout"] = form.layout.data
        options["companies_layout"] = form.companies_layout.data
    if wanted.budget:
        options["budget"] = (form.budget.data or "").strip()
        if not options["budget"]:
            form.budget.errors = [*form.budget.errors, "Name the budget to compare, as QuickBooks shows it."]
            ok = False
    if wanted.periods:
        options["summarize_column_by"] = form.summarize_column_by.data
        if form.summarize_column_by.data not in source.summarize_choices:
            form.summarize_column_by.errors = [
                *form.summarize_column_by.errors,
                f"{source.label} columns can be by {', '.join(source.summarize_choices)}.",
            ]
            ok = False
    for name in wanted.filters:
        field = getattr(form, f"filter_{name}")
        ids = [part.strip() for part in (field.data or "").split(",") if part.strip()]
        if not all(i.isalnum() for i in ids):
            field.errors = [*field.errors, "Use QuickBooks ids (like 58) separated by commas."]
            ok = False
        elif ids:
            options[f"{name}_ids"] = ids
    if wanted.include_inactive:
        options["include_inactive"] = bool(form.include_inactive.data)
    if wanted.status and form.status.data:
        options["status"] = form.status.data
    if wanted.where and (form.where.data or "").strip():
        try:
            options["where"] = validate_where(source.query_fields(), form.where.data)
        except WhereError as exc:
            form.where.errors = [*form.where.errors, str(exc)]
            ok = False
    try:  # the model checks what is left (and the rest again): all the form's errors are shown at once
        checked = ExporterOptions.model_validate(options)
    except ValidationError as exc:
        for error in exc.errors():
            field = _field_of(form, str(error["loc"][0]) if error["loc"] else "")
            reason = error.get("ctx", {}).get("error", error["msg"])
            field.errors = [*field.errors, str(reason)]
        return None
    return checked if ok else None


def _field_of(form: ExporterForm, option: str) -> Field:
    """The form field that shows an option's error."""
    if option == "date_range":
        return form.n_days if form.date_range.data == "last_n_days" else form.start_date
    if option.endswith("_ids"):
        return getattr(form, f"filter_{option.removesuffix('_ids')}")
    field = getattr(form, option, None)
    return field if isinstance(field, Field) else form.date_range


def time_zone_from(form: ExporterForm) -> str | None:
    """The exporter's time zone (an IANA name); None after adding a field error."""
    name = (form.time_zone.data or "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        form.time_zone.errors = [
            *form.time_zone.errors,
            f"Unknown time zone '{name}': use a name like America/New_York, Europe/London or UTC.",
        ]
        return None
    return name


def destination_from(form: ExporterForm, account: GoogleAccount) -> tuple[str, str]:
    """(spreadsheet id, title): unchanged, a new spreadsheet, or the pasted one checked."""
    if form.destination.data == "new":
        title = (form.spreadsheet_title.data or "").strip() or f"Sheetbooks · {form.name.data}"
        return create_spreadsheet(account, title, (form.tab.data or "").strip())
    if not (form.spreadsheet.data or "").strip():
        raise DestinationProblem("Paste the spreadsheet's link or id, or choose to create a new spreadsheet.")
    spreadsheet_id, title = open_spreadsheet(account, form.spreadsheet.data)
    if account.kind == "service_account" and _used_elsewhere(spreadsheet_id, account.workspace_id):
        # Every workspace shares the deployment's service account: being able to edit the spreadsheet
        # proves nothing about whose it is.
        raise DestinationProblem(
            "Another workspace's exporter writes to this spreadsheet through the shared service account. "
            "Create a new spreadsheet here, or share yours with a Google account of this workspace."
        )
    return spreadsheet_id, title


def _used_elsewhere(spreadsheet_id: str, workspace_id: int) -> bool:
    statement = select(Exporter.id).where(
        Exporter.spreadsheet_id == spreadsheet_id, Exporter.workspace_id != workspace_id
    )
    return get_session().exec(statement).first() is not None


def save(
    session: Session,
    form: ExporterForm,
    exporter: Exporter | None,
    source: Any,
    options: ExporterOptions,
    destination: tuple[str, str],
) -> Exporter:
    """Write the form into a new or existing exporter (keeping options the editor doesn't manage)."""
    now = utcnow()
    if exporter is None:
        exporter = Exporter(workspace_id=g.workspace.id, name="", source=source.key)
    previous_minutes = exporter.schedule_minutes if exporter.id else -1
    before = _what_it_pulls(session, exporter) if exporter.id else None
    kept = {name: getattr(exporter.options, name) for name in KEPT_OPTIONS}
    exporter.name = form.name.data.strip()
    exporter.source = source.key
    exporter.columns = list(form.columns.data)
    exporter.options = options.model_copy(update=kept)
    exporter.google_account_id = form.google_account_id.data
    exporter.spreadsheet_id, exporter.spreadsheet_title = destination
    exporter.tab = (form.tab.data or source.label).strip()
    exporter.write_mode = form.write_mode.data
    exporter.time_zone = (form.time_zone.data or "").strip() or "UTC"
    minutes = minutes_of(form.schedule.data)
    exporter.schedule_minutes = minutes
    exporter.next_run_at = next_run(minutes, now, exporter.next_run_at, minutes != previous_minutes)
    exporter.enabled = bool(form.enabled.data) and not paused_by_companies(exporter)
    exporter.destination_error = ""
    session.add(exporter)
    session.flush()
    exporter_id = saved_id(exporter)
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.exporter_id) == exporter_id))
    for position, company_id in enumerate(form.companies.data):
        session.add(ExporterCompany(exporter_id=exporter_id, company_id=company_id, position=position))
    if before is not None and before != _what_it_pulls(session, exporter):
        # Watermarks describe what the tab holds; a new filter, company, column or destination makes
        # them wrong (rows that now match would never come), so the next run is a full one.
        session.exec(delete(Watermark).where(col(Watermark.exporter_id) == exporter_id))
    return exporter


class PullDefinition(NamedTuple):
    """Everything that decides which rows an incremental pull adds to the tab."""

    source: str
    options: str  # the options but the write options, as text
    columns: tuple[str, ...]
    company_ids: tuple[int, ...]
    spreadsheet_id: str
    tab: str
    time_zone: str
    write_mode: str


def _what_it_pulls(session: Session, exporter: Exporter) -> PullDefinition:
    """Everything that decides which rows an incremental pull adds to the tab."""
    session.flush()
    return PullDefinition(
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
    session.exec(delete(Run).where(col(Run.exporter_id) == exporter.id))
    session.exec(delete(Watermark).where(col(Watermark.exporter_id) == exporter.id))
    session.exec(delete(ExporterCompany).where(col(ExporterCompany.exporter_id) == exporter.id))
    session.delete(exporter)
