"""The editor's logic: choices for the workspace and source, the form as an exporter definition and back,
the definition's errors on the form's fields (the rules themselves are exporters.definition's)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from markupsafe import Markup
from pydantic import ValidationError
from sqlmodel import Session
from wtforms import Field

from exporters.catalog import UnknownSource, features, get_source, list_sources, resolve_columns
from exporters.columns import CUSTOM_PREFIX, custom_field
from exporters.definition import WRITE_OPTIONS, ExporterDefinition, FieldError, company_ids
from exporters.schedule_kinds import KindError
from exporters.schedules import ScheduleSpec
from store.documents import PARTIES, ExporterOptions, FixedRange, RelativeRange
from store.models import Company, Exporter, GoogleAccount, GoogleAccountStatus, WriteMode
from web.current import scoped
from web.exporters.forms import ExporterForm
from web.exporters.schedule_form import field_of, load_exporter_schedule, schedule_from
from web.exporters.writing import load_write_options, write_options_from

FORM_OPTIONS = (
    "date_range",
    "layout",
    "accounting_method",
    "include_inactive",
    "status",
    "where",
    "summarize_column_by",
    "companies_layout",
    "company_columns",
    "budget",
    *(f"{party}_ids" for party in PARTIES),
    *WRITE_OPTIONS,
)
# What the editor leaves as it was: options it has no field for.
KEPT_OPTIONS = tuple(name for name in ExporterOptions.model_fields if name not in (*FORM_OPTIONS, "version"))


def source_or_none(key: str | None) -> Any:
    try:
        return get_source(key or "")
    except UnknownSource:
        return None


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
    form.source.data = source.key  # the one shown selected
    options = ExporterOptions(layout="tidy" if form.layout.data == "tidy" else "statement")
    available = source.columns(options)
    keys = [c.key for c in available]
    custom = features(source)["custom_fields"]
    context = columns_context(source, options)
    shown = form.columns_for.data or ""  # what the ticked columns were shown for ("" on a fresh form)
    defaults = [c.key for c in resolve_columns(source, None, options)]
    if shown == context:  # the analyst's ticks, even none: saving none is an error, not the defaults
        wanted = list(form.columns.data or [])
    elif not shown:
        wanted = list(form.columns.data or saved_columns or defaults)
    else:  # a new source or layout starts from its defaults
        wanted = defaults
    form.columns_for.data = context
    chosen = [k for k in wanted if k in keys or (custom and k.startswith(CUSTOM_PREFIX))]
    if custom:
        chosen += [k for k in custom_keys(form.custom_fields.data) if k not in chosen]
        form.custom_fields.data = ""
    chosen = reorder(chosen, action)
    form.columns.data = chosen
    by_key = {c.key: c for c in available}
    by_key.update({k: custom_field(k).column for k in chosen if k.startswith(CUSTOM_PREFIX)})
    ordered = chosen + [k for k in keys if k not in chosen]
    form.columns.choices = [(k, f"{by_key[k].label} ({_kind(by_key[k])})") for k in ordered]
    fill_tab(form, source, shown)
    return source


def fill_tab(form: ExporterForm, source: Any, shown: str) -> None:
    """Put the source's name in the Tab field, visibly, when a source is chosen (a fresh form, or another
    source while the field is empty or still holds the previous source's name). An emptied field stays
    empty: saving it is an error, never a silent default."""
    previous = source_or_none(shown.partition(":")[0]) if shown else None
    if previous is not None and previous.key == source.key:
        return
    tab = (form.tab.data or "").strip()
    if not tab or (previous is not None and tab == previous.label):
        form.tab.data = source.label


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
    form.company_columns.data = options.company_columns
    form.time_zone.data = exporter.time_zone or "UTC"
    form.google_account_id.data = exporter.google_account_id
    form.destination.data = "existing" if exporter.spreadsheet_id else "new"
    form.spreadsheet.data = exporter.spreadsheet_id
    form.spreadsheet_title.data = exporter.spreadsheet_title
    form.tab.data, form.write_mode.data = exporter.tab, exporter.write_mode
    load_write_options(form, options)
    load_exporter_schedule(form, exporter)
    form.enabled.data = exporter.pauses.disabled_by is None  # the user's own switch, not the other holds


def options_from(form: ExporterForm, source: Any) -> ExporterOptions | None:
    """The ExporterOptions the form asks for; None after adding field errors."""
    wanted = features(source)
    options: dict[str, Any] = write_options_from(form)
    ok = True
    if wanted.get("date_range") and form.date_range.data == "fixed":
        start, end = form.start_date.data, form.end_date.data
        if start is None or end is None:
            form.start_date.errors = [*form.start_date.errors, "Fixed dates need both a start and an end."]
            ok = False
        else:
            options["date_range"] = {"start": start, "end": end}
    elif wanted.get("date_range") and form.date_range.data == "last_n_days":
        options["date_range"] = {"relative": "last_n_days", "n": form.n_days.data or 0}
    elif wanted.get("date_range") and form.date_range.data:
        options["date_range"] = {"relative": form.date_range.data}
    if wanted.get("report"):
        options["accounting_method"] = form.accounting_method.data
    if wanted.get("layouts"):
        options["layout"] = form.layout.data
        options["companies_layout"] = form.companies_layout.data
    if wanted.get("budget"):
        options["budget"] = (form.budget.data or "").strip()  # exporters.definition requires it
    if wanted.get("periods"):
        options["summarize_column_by"] = form.summarize_column_by.data
        if form.summarize_column_by.data not in source.summarize_choices:
            form.summarize_column_by.errors = [
                *form.summarize_column_by.errors,
                f"{source.label} columns can be by {', '.join(source.summarize_choices)}.",
            ]
            ok = False
    for name in wanted.get("filters", []):
        field = getattr(form, f"filter_{name}")
        ids = [part.strip() for part in (field.data or "").split(",") if part.strip()]
        if not all(i.isalnum() for i in ids):
            field.errors = [*field.errors, "Use QuickBooks ids (like 58) separated by commas."]
            ok = False
        elif ids:
            options[f"{name}_ids"] = ids
    if wanted.get("include_inactive"):
        options["include_inactive"] = bool(form.include_inactive.data)
    if wanted.get("status") and form.status.data:
        options["status"] = form.status.data
    if wanted.get("where") and (form.where.data or "").strip():
        options["where"] = form.where.data.strip()  # exporters.definition checks it
    options["company_columns"] = bool(form.company_columns.data) or len(form.companies.data or []) > 1
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


def definition_from(
    form: ExporterForm, exporter: Exporter | None, options: ExporterOptions
) -> ExporterDefinition:
    """The form as an exporter definition, for exporters.definition to validate and save."""
    pasted = form.destination.data == "existing"
    return ExporterDefinition(
        name=form.name.data or "",
        source=form.source.data or "",
        company_ids=list(form.companies.data or []),
        google_account_id=form.google_account_id.data or None,
        spreadsheet_id=(form.spreadsheet.data or "").strip() if pasted else "",
        spreadsheet_title="" if pasted else (form.spreadsheet_title.data or "").strip(),
        tab=form.tab.data or "",
        columns=list(form.columns.data or []),
        options=options.model_copy(update={k: getattr(exporter.options, k) for k in KEPT_OPTIONS})
        if exporter is not None
        else options,
        write_mode=form.write_mode.data if form.write_mode.data in set(WriteMode) else WriteMode.REPLACE,
        schedule=_schedule(form),
        time_zone=form.time_zone.data or "UTC",
        enabled=bool(form.enabled.data),
    )


def default_zone() -> str:
    """The zone a schedule follows unless the analyst names one: the workspace's."""
    return g.workspace.time_zone or "UTC"


def schedule_errors(form: ExporterForm) -> list[FieldError]:
    """Schedule fields that make no schedule (the definition's rules check the schedule they make)."""
    try:
        schedule_from(form, default_zone())
    except KindError as error:
        return [FieldError(field_of(error, form), str(error))]
    return []


def _schedule(form: ExporterForm) -> ScheduleSpec | None:
    try:
        return schedule_from(form, default_zone())
    except KindError:  # reported by schedule_errors; meanwhile the page treats it as manual only
        return None


def shown_options(form: ExporterForm) -> ExporterOptions:
    """The options that decide which columns the tab gets, as the form stands (for the editor's list of
    columns written, before the form is checked)."""
    return ExporterOptions(
        layout="tidy" if form.layout.data == "tidy" else "statement",
        company_columns=bool(form.company_columns.data) or len(form.companies.data or []) > 1,
        snapshot_column=bool(form.snapshot_column.data),
    )


# The form field showing the error of each definition field (options show on their own fields).
FIELD_OF = {
    "company_ids": "companies",
    "spreadsheet_id": "spreadsheet",
    "schedule.timezone": "schedule_time_zone",
    "options.where": "where",
}


def show_errors(form: ExporterForm, errors: list[FieldError]) -> None:
    """Each error on its form field; one about another exporter links to it."""
    for error in errors:
        if error.field == "spreadsheet_id" and form.destination.data != "existing":
            field = form.spreadsheet_title
        elif error.field == "schedule.cron":  # a cron the kind made (too frequent): on the kind's fields
            field = form.schedule_cron if form.schedule.data == "cron" else form.schedule
        else:
            name = FIELD_OF.get(error.field, error.field.removeprefix("options."))
            field = getattr(form, name, None)
            field = field if isinstance(field, Field) else form.name
        message: str | Markup = error.message
        if error.exporter_id is not None:
            link = url_for("exporters.show", exporter_id=error.exporter_id)
            message = Markup('{} <a href="{}">Open that exporter</a>.').format(error.message, link)
        field.errors = [*field.errors, message]
