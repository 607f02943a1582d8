"""The add-on's HTTP endpoints, one per trigger or action; each verifies the request first (web.addon.verify),
answers in the documented envelope, and stays short: a refresh queues a run and answers at once."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, jsonify
from pydantic import ValidationError
from sqlmodel import col, select

from exporters.catalog import UnknownSource, get_source, resolve_columns
from exporters.definition import DefinitionRefused, ExporterDefinition, FieldError, company_ids, save
from exporters.in_spreadsheet import writing_into
from store.models import Company, Exporter, ExporterState, GoogleAccount, RunTrigger, User, Workspace
from store.rows import saved_id
from web.addon import bp, cards, screens
from web.addon.cards import Json
from web.addon.links import GoogleIdentity, link_state, linked_user, workspace_ids
from web.addon.schedule import schedule_fields
from web.addon.verify import AddonEvent, verified_event
from web.database import get_session
from web.extensions import csrf
from workers.enqueue import enqueue_run

csrf.exempt(bp)

REQUIRED_SCOPES = (
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/drive.file",
)


@dataclass(frozen=True)
class Caller:
    """A verified request of a linked user, on a spreadsheet the add-on may see."""

    event: AddonEvent
    user: User
    workspace_ids: list[int]
    spreadsheet_id: str


def _gate(event: AddonEvent, as_action: bool) -> Caller | Json:
    """The linked caller, or the answer that comes first: missing scopes, the link prompt, file access."""
    if event.authorized_scopes is not None:
        missing = [s for s in REQUIRED_SCOPES if s not in event.authorized_scopes]
        if missing:
            return cards.scopes_request(missing)
    session = get_session()
    user = linked_user(session, event.google_sub)
    if user is None or user.id is None:
        state = link_state(GoogleIdentity(event.google_sub, event.google_email))
        return cards.authorization_prompt(screens.link_prompt(screens.url(f"/addon/link?state={state}")))
    if event.host_app and event.host_app != "SHEETS":
        return _answer(screens.not_in_sheets(), as_action)
    spreadsheet_id = event.spreadsheet_id or (event.parameters.get("spreadsheet_id", "") if as_action else "")
    if not spreadsheet_id:
        return _answer(screens.file_access(), as_action)
    return Caller(event, user, workspace_ids(session, user.id), spreadsheet_id)


def _answer(card: Json, as_action: bool, notification: str = "") -> Json:
    if as_action:
        return cards.render(card, notification=notification, pop_to_root=True)
    return cards.trigger(card)


def _homepage(caller: Caller) -> Json:
    session = get_session()
    session.expire_all()  # a run queued in another session just now
    items = writing_into(session, caller.spreadsheet_id, caller.workspace_ids)
    workspaces = {
        saved_id(w): w
        for w in session.exec(select(Workspace).where(col(Workspace.id).in_(caller.workspace_ids))).all()
    }
    title = caller.event.spreadsheet_title or "This spreadsheet"
    return screens.homepage(title, caller.spreadsheet_id, items, workspaces, caller.event.time_zone)


def _trigger() -> Response:
    gate = _gate(verified_event(), as_action=False)
    return jsonify(gate if not isinstance(gate, Caller) else cards.trigger(_homepage(gate)))


@bp.post("/homepage")
def common_homepage() -> Response:
    """The common homepage trigger (hosts other than Sheets fall back to it)."""
    return _trigger()


@bp.post("/sheets/homepage")
def sheets_homepage() -> Response:
    return _trigger()


@bp.post("/sheets/granted")
def file_scope_granted() -> Response:
    """onFileScopeGrantedTrigger: the spreadsheet's id is in the event now; show its homepage."""
    return _trigger()


@bp.post("/actions/file-access")
def request_file_access() -> Response:
    """Ask Sheets for access to the open spreadsheet only (drive.file, requestFileScopeForActiveDocument)."""
    verified_event()
    return jsonify(cards.file_scope_request())


@bp.post("/actions/home")
def home() -> Response:
    gate = _gate(verified_event(), as_action=True)
    return jsonify(gate if not isinstance(gate, Caller) else cards.render(_homepage(gate), pop_to_root=True))


def _refresh_refusal(caller: Caller, exporter: Exporter | None) -> str:
    if exporter is None or exporter.workspace_id not in caller.workspace_ids:
        return "That exporter is not one of your workspace's."
    if exporter.spreadsheet_id != caller.spreadsheet_id:
        return f"{exporter.name} writes into another spreadsheet."
    if exporter.state in (ExporterState.PAUSED_COMPANY, ExporterState.PAUSED_GOOGLE):
        return f"{exporter.name} can't run: {exporter.paused_reason}"
    if not company_ids(get_session(), exporter):
        return f"{exporter.name} reads no company: edit it in Sheetbooks and choose one."
    return ""


@bp.post("/actions/refresh")
def refresh() -> Response:
    """Refresh now: queue a run and answer at once with a notification and the updated homepage."""
    gate = _gate(verified_event(), as_action=True)
    if not isinstance(gate, Caller):
        return jsonify(gate)
    raw_id = gate.event.parameters.get("exporter_id", "")
    exporter = get_session().get(Exporter, int(raw_id)) if raw_id.isdigit() else None
    refusal = _refresh_refusal(gate, exporter)
    if refusal or exporter is None:
        return jsonify(cards.render(notification=refusal))
    run = enqueue_run(saved_id(exporter), exporter.workspace_id, RunTrigger.MANUAL)
    text = (
        f"{exporter.name}: refresh queued (run #{run.id})."
        if run is not None
        else f"{exporter.name} is already queued or running."
    )
    return jsonify(cards.render(_homepage(gate), notification=text))


def _form_workspace(caller: Caller) -> Workspace | None:
    """The workspace the form is for: its Workspace dropdown (what the user sees), else the button's
    parameter, else the user's first; None when it is not one of theirs."""
    raw = caller.event.value("workspace_id") or caller.event.parameters.get("workspace_id", "")
    wanted = int(raw) if raw.isdigit() else (caller.workspace_ids[0] if caller.workspace_ids else 0)
    return get_session().get(Workspace, wanted) if wanted in caller.workspace_ids else None


# Inputs that name rows of one workspace: dropped when the form moves to another.
WORKSPACE_ROWS = ("company_ids", "google_account_id")


def _form(
    caller: Caller, workspace: Workspace, errors: list[FieldError], values: dict[str, list[str]] | None = None
) -> Json:
    """The new-exporter card; refilled from the event's inputs after errors, or from `values`."""
    session = get_session()
    workspaces = session.exec(
        select(Workspace).where(col(Workspace.id).in_(caller.workspace_ids)).order_by(col(Workspace.name))
    ).all()
    companies = session.exec(
        select(Company).where(Company.workspace_id == workspace.id).order_by(col(Company.name))
    ).all()
    accounts = session.exec(
        select(GoogleAccount)
        .where(GoogleAccount.workspace_id == workspace.id)
        .order_by(col(GoogleAccount.email))
    ).all()
    refill = caller.event.inputs if errors else (values or {})
    return screens.new_exporter(
        workspace,
        list(workspaces),
        list(companies),
        list(accounts),
        caller.spreadsheet_id,
        refill,
        errors,
        caller.event.google_email,
    )


@bp.post("/actions/new-exporter")
def new_exporter() -> Response:
    gate = _gate(verified_event(), as_action=True)
    if not isinstance(gate, Caller):
        return jsonify(gate)
    workspace = _form_workspace(gate)
    if workspace is None:
        return jsonify(cards.render(notification="That workspace is not one of yours."))
    return jsonify(cards.render(_form(gate, workspace, []), push=True))


@bp.post("/actions/exporter-workspace")
def exporter_workspace() -> Response:
    """The Workspace dropdown changed (onChangeAction): the same form in place, with the chosen workspace's
    companies and Google accounts; what was typed stays."""
    gate = _gate(verified_event(), as_action=True)
    if not isinstance(gate, Caller):
        return jsonify(gate)
    workspace = _form_workspace(gate)
    if workspace is None:
        return jsonify(cards.render(notification="That workspace is not one of yours."))
    kept = {k: v for k, v in gate.event.inputs.items() if k not in WORKSPACE_ROWS}
    return jsonify(cards.render(_form(gate, workspace, [], kept)))


def definition_from(event: AddonEvent, spreadsheet_id: str) -> ExporterDefinition | FieldError:
    """The card's inputs as an exporter definition (its default columns), or the field that can't be one."""
    source_key = event.value("source")
    try:
        columns = [c.key for c in resolve_columns(get_source(source_key), None)]
    except UnknownSource:
        columns = []
    try:
        chosen = [int(v) for v in event.inputs.get("company_ids", [])]
        account = event.value("google_account_id")
        return ExporterDefinition(
            name=event.value("name"),
            source=source_key,
            company_ids=chosen,
            google_account_id=int(account) if account.isdigit() else None,
            spreadsheet_id=spreadsheet_id,
            tab=event.value("tab"),
            columns=columns,
            write_mode=event.value("write_mode", "replace"),
            time_zone=event.time_zone,
            **schedule_fields(event.value("schedule"), event.time_zone),
        )
    except ValueError as exc:  # pydantic's ValidationError too
        field = str(exc.errors()[0]["loc"][0]) if isinstance(exc, ValidationError) else "company_ids"
        return FieldError(field, "Choose one of the values offered.")


@bp.post("/actions/create-exporter")
def create_exporter() -> Response:
    """Save the new exporter through the dashboard's rules (exporters.definition) and queue its first run."""
    gate = _gate(verified_event(), as_action=True)
    if not isinstance(gate, Caller):
        return jsonify(gate)
    workspace = _form_workspace(gate)
    if workspace is None or workspace.id is None:
        return jsonify(cards.render(notification="That workspace is not one of yours."))
    definition = definition_from(gate.event, gate.spreadsheet_id)
    if isinstance(definition, FieldError):
        return jsonify(cards.render(_form(gate, workspace, [definition])))
    session = get_session()
    try:
        exporter = save(session, workspace.id, definition, by=gate.user.email)
    except DefinitionRefused as refused:
        session.rollback()
        return jsonify(cards.render(_form(gate, workspace, refused.errors)))
    session.commit()
    run = enqueue_run(saved_id(exporter), workspace.id, RunTrigger.MANUAL)
    text = f"Created {exporter.name}" + (f"; its first run is queued (run #{run.id})." if run else ".")
    return jsonify(cards.render(_homepage(gate), notification=text, pop_to_root=True))
