"""Account linking in the browser: the sign-in page the add-on opens (openLink, onClose RELOAD) and the
account page's unlink button."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.addon import pages
from web.addon.links import identity_of, link, unlink
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
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        session = get_session()
        link(session, identity, g.user.id)
        session.commit()
        return render_template("addon/linked.html", identity=identity)
    return render_template("addon/link.html", expired=False, identity=identity, form=form, state=state)


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
