"""Exporters: list, create/edit, show with run history, enable/disable, delete, run now."""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from sqlmodel import func, select
from werkzeug.wrappers import Response

from exporters.catalog import features
from exporters.definition import (
    DefinitionRefused,
    definition_of,
    delete_exporter,
    save,
    tab_labels,
    validate,
)
from exporters.schedules import label_of, upcoming_runs
from exporters.switch import pause, resume
from store import states
from store.documents import ExporterOptions
from store.listing import ExporterFilters, RunFilters, companies_read_by, list_exporters, list_runs
from store.models import Exporter, ExporterState, GoogleAccount, Run, RunStatus
from store.rows import saved_id
from store.settings import get_settings
from web.current import get_scoped, login_required, scoped
from web.database import get_session
from web.exporters import bp
from web.exporters.editor import (
    default_zone,
    definition_from,
    load,
    options_from,
    prepare,
    schedule_errors,
    show_errors,
    shown_options,
)
from web.exporters.forms import ID_HELP, ExporterForm
from web.exporters.run_chart import run_chart
from web.exporters.schedule_form import FIELDS_OF, ScheduleFields, preview
from web.forms import ConfirmForm
from web.paging import Choices, company_and_source_choices, cursor_or_none, listing_args, pager
from web.sheets_links import sheet_link
from workers import enqueue

# The editor's answer: the page (with 400 when a POST did not save), or a redirect once the exporter saved.
EditorPage = str | tuple[str, int] | Response


def _filter_choices() -> list[Choices]:
    """The exporters list's filters."""
    return [
        *company_and_source_choices(),
        ("state", "State", [(state.value, state.value.replace("_", " ")) for state in ExporterState]),
        ("status", "Last run", [(status.value, status.value) for status in RunStatus]),
    ]


@bp.get("/")
@login_required
def index() -> str:
    """A page of exporters, newest first, filtered by company, source, state or the latest run's status."""
    session = get_session()
    filters, cursor = listing_args(ExporterFilters.from_query, ExporterFilters())
    page = list_exporters(session, g.workspace.id, filters, cursor)
    accounts = {a.id: a.email for a in session.exec(scoped(GoogleAccount)).all()}
    return render_template(
        "exporters/index.html",
        rows=page.rows,
        pages=pager(page),
        filters=_filter_choices(),
        filtered=filters != ExporterFilters() or cursor is not None,
        accounts=accounts,
        links={row.exporter.id: sheet_link(row.exporter) for row in page.rows},
        schedule_label=label_of,
    )


def _editor(exporter: Exporter | None) -> EditorPage:
    """The create/edit page: re-rendered with every value kept until the exporter saves."""
    session = get_session()
    form = ExporterForm()
    if exporter is not None and request.method == "GET":
        load(form, exporter, session)
    elif request.method == "GET":
        form.schedule_time_zone.data = form.time_zone.data = default_zone()
    action = request.form.get("action", "")
    source = prepare(form, session, list(exporter.columns) if exporter else None, action)
    refreshing = action == "refresh" or action.startswith(("up:", "down:"))
    if request.method == "POST" and not refreshing and form.validate_on_submit():
        saved = _try_save(form, exporter, source)
        if saved is not None:
            return redirect(url_for("exporters.show", exporter_id=saved.id))
    elif request.method == "POST" and not refreshing:
        flash("The exporter was not saved: fix the fields marked below.", "error")
    status = 400 if request.method == "POST" and not refreshing else 200
    page = render_template(
        "exporters/edit.html",
        form=form,
        exporter=exporter,
        source=source,
        written=tab_labels(definition_from(form, exporter, shown_options(form))) if source else [],
        features=features(source),
        id_help=ID_HELP,
        schedule_preview=preview(form, default_zone()),
        fields_of=FIELDS_OF,
    )
    return page if status == 200 else (page, status)


def _try_save(form: ExporterForm, exporter: Exporter | None, source: object) -> Exporter | None:
    """Save through exporters.definition (the rules every front door shares); errors go on the fields."""
    session = get_session()
    options = options_from(form, source) if source is not None else None
    # with options the form could not make, the definition's rules still check the WHERE box
    fallback = ExporterOptions(where=(form.where.data or "").strip() if features(source).get("where") else "")
    definition = definition_from(form, exporter, options or fallback)
    errors = validate(session, g.workspace.id, definition, exporter.id if exporter else None)
    errors += schedule_errors(form)
    if errors or options is None:
        show_errors(form, errors)
        flash("The exporter was not saved: fix the fields marked below.", "error")
        return None
    created = exporter is None
    try:
        saved = save(session, g.workspace.id, definition, exporter, by=g.user.email)
    except DefinitionRefused as refused:
        show_errors(form, refused.errors)
        flash(f"The exporter was not saved: {refused}", "error")
        return None
    session.commit()
    flash(f"{'Created' if created else 'Saved'} the exporter {saved.name}.", "success")
    return saved


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> EditorPage:
    return _editor(None)


@bp.route("/<int:exporter_id>/edit", methods=["GET", "POST"])
@login_required
def edit(exporter_id: int) -> EditorPage:
    return _editor(get_scoped(Exporter, exporter_id))


@bp.get("/schedule-preview")
@login_required
def schedule_preview() -> Response:
    """The schedule the editor's fields describe, in words with its next five runs (the editor's script
    asks as the analyst changes them; nothing is saved)."""
    form = ScheduleFields(request.args, meta={"csrf": False})
    return jsonify(preview(form, default_zone()).as_json())


@bp.get("/<int:exporter_id>")
@login_required
def show(exporter_id: int) -> str:
    exporter = get_scoped(Exporter, exporter_id)
    session = get_session()
    account = session.get(GoogleAccount, exporter.google_account_id) if exporter.google_account_id else None
    runs = list_runs(session, g.workspace.id, RunFilters(exporter_id=exporter.id), cursor_or_none())
    return render_template(
        "exporters/show.html",
        exporter=exporter,
        companies=[c.name for c in companies_read_by(session, [exporter_id]).get(exporter_id, [])],
        account=account,
        runs=runs.rows,
        pages=pager(runs),
        written=tab_labels(definition_of(session, exporter)),
        sheet_url=sheet_link(exporter),
        schedule=label_of(exporter),
        upcoming=upcoming_runs(exporter),
        chart=run_chart([row.run for row in runs.rows]),
        pause_after=get_settings().pause_after_failures,
        form=ConfirmForm(),
    )


def _checked_post() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.post("/<int:exporter_id>/toggle")
@login_required
def toggle(exporter_id: int) -> Response:
    """Enable or disable (store.states); an exporter paused for a company or a Google account waits for
    that reconnect, whatever the user's switch."""
    exporter = get_scoped(Exporter, exporter_id)
    _checked_post()
    session = get_session()
    if states.can_apply(exporter, states.Event.USER_ENABLED):
        if resume(session, exporter) == ExporterState.ACTIVE:
            flash(f"Enabled {exporter.name}.", "success")
        else:
            flash(f"{exporter.name} stays paused: {exporter.paused_reason}", "error")
    else:
        pause(session, exporter, by=g.user.email)
        flash(f"Disabled {exporter.name}: it won't run on its schedule or on webhooks.", "success")
    session.commit()
    return redirect(url_for("exporters.show", exporter_id=exporter.id))


@bp.route("/<int:exporter_id>/delete", methods=["GET", "POST"])
@login_required
def delete(exporter_id: int) -> str | Response:
    exporter = get_scoped(Exporter, exporter_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        delete_exporter(get_session(), exporter)
        get_session().commit()
        flash(f"Deleted {exporter.name} and its run history; the spreadsheet stays in Drive.", "success")
        return redirect(url_for("exporters.index"))
    runs = get_session().exec(select(func.count()).where(Run.exporter_id == exporter.id)).one()
    return render_template("exporters/delete.html", exporter=exporter, runs=runs, form=form)


@bp.post("/<int:exporter_id>/run")
@login_required
def run_now(exporter_id: int) -> Response:
    exporter = get_scoped(Exporter, exporter_id)
    _checked_post()
    try:
        run = enqueue.run_now(saved_id(exporter), g.workspace.id)
    except enqueue.CannotRun as refused:
        flash(str(refused), "info" if refused.active_run_id is not None else "error")
        return redirect(url_for("exporters.show", exporter_id=exporter.id))
    flash(f"Queued run #{run.id} of {exporter.name}.", "success")
    return redirect(url_for("runs.show", run_id=run.id))
