"""Account linking in the browser: the sign-in page the add-on opens (openLink, onClose RELOAD) and the
account page's unlink button."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.addon import pages
from web.addon.links import identity_of, link, unlink
from web.auth.forms import LoginForm
from web.auth.routes import log_in_with
from web.current import login_required
from web.database import get_session
from web.forms import ConfirmForm
from web.security_headers import OPEN_LINK, relax_headers


@pages.route("/link", methods=["GET", "POST"])
@relax_headers(OPEN_LINK)
def link_account() -> str | Response | tuple[str, int]:
    """Confirm linking the add-on's Google identity (from the signed `state`) to the signed-in user."""
    state = request.values.get("state", "")
    identity = identity_of(state)
    if identity is None:
        return render_template("addon/link.html", expired=True), 400
    if g.user is None:
        return _sign_in(state)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        session = get_session()
        link(session, identity, g.user.id)
        session.commit()
        return render_template("addon/linked.html", identity=identity)
    return render_template("addon/link.html", expired=False, identity=identity, form=form, state=state)


def _sign_in(state: str) -> str | Response | tuple[str, int]:
    """The sign-in form in this window itself: the dashboard's login page sends COOP, which would hide the
    window's closing from the add-on. The same login limits and messages (web.auth.routes.log_in_with)."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        refusal, status = log_in_with(form)
        if refusal is None:
            return redirect(url_for("addon_pages.link_account", state=state), 303)
        flash(refusal, "error")
    page = render_template("addon/sign_in.html", form=form, state=state)
    return (page, status) if status != 200 else page


@pages.post("/links/<int:link_id>/unlink")
@login_required
def unlink_account(link_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    if not unlink(session, g.user.id, link_id):
        abort(404)
    session.commit()
    flash("Unlinked: the Sheets add-on asks that Google account to sign in again.", "success")
    return redirect(url_for("auth.account"))
