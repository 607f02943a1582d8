"""QuickBooks companies: list with token health, connect/reconnect (OAuth), disconnect, remove."""

from __future__ import annotations

import logging

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlmodel import col, func, select
from werkzeug.wrappers import Response

from connections.companies import disconnect, remove_company
from connections.health import token_health
from connections.oauth import RealmNotGranted, finish_quickbooks, quickbooks_consent_url
from connections.rows import saved_id
from qbo.errors import QboError
from store.listing import exporter_counts_by_company
from store.models import Company, Exporter, ExporterCompany, Run, User
from store.settings import get_settings
from web import oauth_state
from web.companies import bp
from web.companies.forms import RemoveForm
from web.current import get_scoped, login_required, scoped
from web.database import get_session
from web.forms import ConfirmForm, flash_errors
from web.links import external_url
from workers.queue import get_redis

log = logging.getLogger(__name__)
FLOW = "qbo"


def _exporters_of(company: Company) -> list[Exporter]:
    statement = (
        scoped(Exporter)
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id))
        .where(ExporterCompany.company_id == company.id)
    )
    return list(get_session().exec(statement).all())


def _only_reading(company: Company, exporters: list[Exporter]) -> list[Exporter]:
    """The exporters that read no other company (removing the company deletes them), in one query."""
    others = select(ExporterCompany.exporter_id).where(ExporterCompany.company_id != company.id)
    reading_others = set(
        get_session()
        .exec(others.where(col(ExporterCompany.exporter_id).in_([e.id for e in exporters])))
        .all()
    )
    return [exporter for exporter in exporters if exporter.id not in reading_others]


@bp.get("/")
@login_required
def index() -> str:
    session = get_session()
    companies = session.exec(scoped(Company).order_by(Company.name)).all()
    user_ids = {c.connected_by_id for c in companies if c.connected_by_id}
    users = {u.id: u.email for u in session.exec(select(User).where(col(User.id).in_(user_ids))).all()}
    exporters = exporter_counts_by_company(session, g.workspace.id)
    return render_template(
        "companies/index.html",
        rows=[(c, token_health(c), exporters.get(saved_id(c), 0)) for c in companies],
        users=users,
        scopes=get_settings().qbo_scopes.split(),
        form=ConfirmForm(),
    )


@bp.post("/connect")
@login_required
def connect() -> Response:
    """Send the analyst to Intuit to pick a company and consent (also used to reconnect)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    state = oauth_state.begin(FLOW, workspace_id=str(g.workspace.id))
    try:
        url = quickbooks_consent_url(external_url("companies.callback"), state)
    except QboError as exc:
        flash(f"Can't reach QuickBooks to connect: {exc}", "error")
        return redirect(url_for("companies.index"))
    return redirect(url)


@bp.get("/callback")
@login_required
def callback() -> Response:
    """Intuit sends the analyst back here with code, state and realmId (or an error)."""
    back = redirect(url_for("companies.index"))
    cancelled = "You cancelled the connection in QuickBooks; nothing changed."
    pending = oauth_state.returned(FLOW, "QuickBooks connection", "Connect QuickBooks", cancelled)
    if pending is None:
        return back
    error = request.args.get("error")
    code, realm_id = request.args.get("code", ""), request.args.get("realmId", "")
    if error or not code or not realm_id:
        flash(f"QuickBooks did not connect ({error or 'no company was chosen'}). Nothing changed.", "error")
        return back
    return _finish_connection(code, realm_id, back)


def _finish_connection(code: str, realm_id: str, back: Response) -> Response:
    """Store the company the analyst consented to, and say what happened."""
    try:
        company, created = finish_quickbooks(
            get_session(),
            g.workspace.id,
            g.user.id,
            code,
            realm_id,
            external_url("companies.callback"),
            get_redis(),
        )
    except QboError as exc:
        flash(f"QuickBooks did not accept the connection: {exc}. Nothing changed; try again.", "error")
        return back
    except RealmNotGranted:
        flash(
            f"QuickBooks did not let this sign-in read company {realm_id}, so it was not connected. "
            "Click “Connect QuickBooks” and pick the company again.",
            "error",
        )
        return back
    label = company.name or f"realm {realm_id}"
    if created:
        flash(f"Connected {label} (realm {realm_id}).", "success")
    else:
        flash(f"{label} (realm {realm_id}) was already connected: its connection was updated.", "success")
    return back


@bp.route("/<int:company_id>/disconnect", methods=["GET", "POST"])
@login_required
def disconnect_company(company_id: int) -> str | Response:
    company = get_scoped(Company, company_id)
    exporters = _exporters_of(company)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        warning = disconnect(get_session(), company)
        get_session().commit()
        flash(
            f"Disconnected {company.name}: tokens deleted and {len(exporters)} exporter"
            f"{'' if len(exporters) == 1 else 's'} paused. Reconnect it to resume them.",
            "success",
        )
        if warning:
            flash(warning, "warning")
        return redirect(url_for("companies.index"))
    return render_template("companies/disconnect.html", company=company, exporters=exporters, form=form)


@bp.route("/<int:company_id>/remove", methods=["GET", "POST"])
@login_required
def remove(company_id: int) -> str | Response:
    company = get_scoped(Company, company_id)
    doomed = _only_reading(company, _exporters_of(company))
    runs = (
        get_session()
        .exec(select(func.count()).select_from(Run).where(col(Run.exporter_id).in_([e.id for e in doomed])))
        .one()
    )
    form = RemoveForm()
    expected = company.name or company.realm_id
    if request.method == "POST":
        if form.validate_on_submit() and form.confirm_name.data.strip() == expected:
            warning = remove_company(get_session(), company)
            get_session().commit()
            flash(f"Removed {expected}, {len(doomed)} exporter(s) and their run history.", "success")
            if warning:
                flash(warning, "warning")
            return redirect(url_for("companies.index"))
        if form.errors:
            flash_errors(form)
        else:
            form.confirm_name.errors = [f"Type {expected} exactly to confirm."]
    return render_template(
        "companies/remove.html", company=company, doomed=doomed, runs=runs, form=form, expected=expected
    )
