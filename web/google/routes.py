"""Google accounts: connect (code + PKCE), list with status and exporters, disconnect, service account."""

from __future__ import annotations

import logging

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from connections.google_accounts import disconnect_google_account, ensure_service_account
from connections.oauth import finish_google, google_code_verifier, google_consent_url
from sheets.errors import SheetsError
from store.listing import exporters_by_account
from store.models import Exporter, GoogleAccount
from web import oauth_state
from web.current import get_scoped, login_required, scoped
from web.database import get_session
from web.forms import ConfirmForm
from web.google import bp
from web.links import external_url

log = logging.getLogger(__name__)
FLOW = "google"


def _exporters_of(account: GoogleAccount) -> list[Exporter]:
    statement = scoped(Exporter).where(Exporter.google_account_id == account.id).order_by(Exporter.name)
    return list(get_session().exec(statement).all())


@bp.get("/")
@login_required
def index() -> str:
    session = get_session()
    try:
        service_account = ensure_service_account(session, g.workspace.id)
        session.commit()
    except SheetsError as exc:
        log.warning("service account configured but unusable: %s", exc)
        service_account = None
    accounts = session.exec(scoped(GoogleAccount).order_by(GoogleAccount.email)).all()
    return render_template(
        "google/index.html",
        accounts=accounts,
        service_account=service_account,
        exporters=exporters_by_account(session, g.workspace.id),
        form=ConfirmForm(),
    )


@bp.post("/connect")
@login_required
def connect() -> Response:
    """Send the analyst to Google's consent screen; the PKCE verifier stays in our session."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    verifier = google_code_verifier()
    state = oauth_state.begin(FLOW, workspace_id=str(g.workspace.id), code_verifier=verifier)
    return redirect(google_consent_url(external_url("google.callback"), state, verifier))


@bp.get("/callback")
@login_required
def callback() -> Response:
    back = redirect(url_for("google.index"))
    cancelled = "You cancelled at Google; nothing changed."
    pending = oauth_state.returned(FLOW, "Google sign-in", "Connect Google", cancelled)
    if pending is None:
        return back
    error = request.args.get("error")
    if error or not request.args.get("code"):
        flash(f"Google did not connect the account ({error or 'no code'}). Nothing changed.", "error")
        return back
    session = get_session()
    try:
        account, created = finish_google(
            session,
            g.workspace.id,
            g.user.id,
            request.args["code"],
            external_url("google.callback"),
            pending["code_verifier"],
        )
    except SheetsError as exc:
        flash(f"Google did not connect the account: {exc}", "error")
        return back
    except OSError:  # the network (its text names hosts and ports: the log has it, the analyst gets words)
        log.warning("finishing a Google connection failed", exc_info=True)
        flash(
            "Google could not be reached to finish connecting the account. Nothing changed; click "
            "“Connect Google” to try again.",
            "error",
        )
        return back
    session.commit()
    verb = "Connected" if created else "Reconnected"
    flash(f"{verb} the Google account {account.email}.", "success")
    return back


@bp.route("/<int:account_id>/disconnect", methods=["GET", "POST"])
@login_required
def disconnect(account_id: int) -> str | Response:
    account = get_scoped(GoogleAccount, account_id)
    exporters = _exporters_of(account)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        warning = disconnect_google_account(get_session(), account)
        get_session().commit()
        flash(
            f"Disconnected {account.email}. {len(exporters)} exporter(s) need another Google account.",
            "success",
        )
        if warning:
            flash(warning, "warning")
        return redirect(url_for("google.index"))
    return render_template("google/disconnect.html", account=account, exporters=exporters, form=form)
