"""API tokens on the workspace page: create (the token is shown once, in the answer to the POST, never
stored in a cookie), list by prefix with created / last used / expiry, revoke."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, url_for
from werkzeug.wrappers import Response

from store import api_tokens
from store.models import ApiToken, utcnow
from web.current import login_required
from web.database import get_session
from web.forms import ConfirmForm, flash_errors
from web.workspaces import bp
from web.workspaces.forms import ApiTokenForm


def token_list() -> list[ApiToken]:
    return api_tokens.tokens_of(get_session(), g.workspace.id, g.user.id)


@bp.post("/api-tokens")
@login_required
def create_api_token() -> str | Response:
    from web.workspaces.routes import members

    form = ApiTokenForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("workspaces.members"))
    days = int(form.expires.data) if form.expires.data else None
    session = get_session()
    _row, token = api_tokens.issue(
        session,
        g.workspace.id,
        g.user.id,
        form.name.data or "",
        utcnow() + timedelta(days=days) if days else None,
    )
    session.commit()
    flash("API token created. Copy it now: it is shown only this once.", "success")
    return members(new_token=token)


@bp.post("/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    row = api_tokens.revoke(session, g.workspace.id, g.user.id, token_id)
    if row is None:
        abort(404)
    session.commit()
    flash(f"Revoked the API token {row.prefix}…: requests with it are refused from now on.", "success")
    return redirect(url_for("workspaces.members"))
