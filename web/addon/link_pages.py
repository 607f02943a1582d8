"""Account linking in the browser: the window the add-on opens (openLink, onClose RELOAD) — sign in to
Sheetbooks, confirm, sign in to Google as the account the add-on is open as, linked — and the account
page's unlink button. No page of the window sends COOP: the add-on would miss its closing."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web import oauth_state
from web.addon import pages
from web.addon.google_sign_in import SignInFailed, new_secret, sign_in_url, signed_in_identity
from web.addon.links import GoogleIdentity, identity_of, link, unlink
from web.auth.forms import LoginForm
from web.auth.log_in import log_in_with
from web.current import login_required
from web.database import get_session
from web.forms import ConfirmForm
from web.links import external_url
from web.security_headers import OPEN_LINK, relax_headers

SIGN_IN_FLOW = "addon-link"
AGAIN = "Close this window and press “Sign in to Sheetbooks” in the add-on again."


@pages.route("/link", methods=["GET", "POST"])
@relax_headers(OPEN_LINK)
def link_account() -> str | Response | tuple[str, int]:
    """Confirm linking the add-on's Google identity (from the signed `state`) to the signed-in user; the
    confirmation sends the window to Google's sign-in, and the link is stored on its way back."""
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
        return _to_google(state, identity)
    return render_template("addon/link.html", expired=False, identity=identity, form=form, state=state)


def _sign_in(state: str) -> str | Response | tuple[str, int]:
    """The sign-in form in this window itself: the dashboard's login page sends COOP, which would hide the
    window's closing from the add-on. The same login limits and messages (web.auth.log_in)."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        refusal, status = log_in_with(form)
        if refusal is None:
            return redirect(url_for("addon_pages.link_account", state=state), 303)
        flash(refusal, "error")
    page = render_template("addon/sign_in.html", form=form, state=state)
    return (page, status) if status != 200 else page


def _to_google(state: str, identity: GoogleIdentity) -> Response:
    """Google's sign-in for this window's user, the link state kept server-side with the OAuth state."""
    verifier, nonce = new_secret(), new_secret()
    round_trip = oauth_state.begin(
        SIGN_IN_FLOW, link_state=state, user_id=str(g.user.id), code_verifier=verifier, nonce=nonce
    )
    back = external_url("addon_pages.signed_in_to_google")
    return redirect(sign_in_url(back, round_trip, verifier, nonce, identity.email), 303)


def _problem(title: str, message: str, status: int, retry_state: str = "") -> tuple[str, int]:
    page = render_template("addon/link_problem.html", title=title, message=message, retry_state=retry_state)
    return page, status


@pages.get("/link/google")
@relax_headers(OPEN_LINK)
def signed_in_to_google() -> str | tuple[str, int]:
    """Google's redirect: store the link only when the Google account that signed in is the one the add-on
    is open as (the same `sub`); a link URL made for someone else's Google account links nothing."""
    if g.user is None:
        return _problem("Signed out", "You were signed out of Sheetbooks. " + AGAIN, 401)
    pending = oauth_state.finish(SIGN_IN_FLOW, request.args.get("state"))
    if pending is None or pending.get("user_id") != str(g.user.id):
        return _problem(
            "Not verified",
            "This Google sign-in could not be verified (it was started "
            "elsewhere or has expired). Nothing was linked. " + AGAIN,
            400,
        )
    state = pending["link_state"]
    identity = identity_of(state)
    if identity is None:
        return render_template("addon/link.html", expired=True), 400
    if request.args.get("error") or not request.args.get("code"):
        return _problem("Not linked", "You did not sign in to Google, so nothing was linked.", 200, state)
    try:
        google = signed_in_identity(
            request.args["code"],
            external_url("addon_pages.signed_in_to_google"),
            pending["code_verifier"],
            pending["nonce"],
        )
    except SignInFailed as failed:
        return _problem("Not linked", f"{failed} Nothing was linked.", 502, state)
    if google.sub != identity.sub:
        return _problem("Not linked", mismatch(google, identity), 403)
    session = get_session()
    link(session, identity, g.user.id)
    session.commit()
    return render_template("addon/linked.html", identity=identity)


def mismatch(google: GoogleIdentity, addon: GoogleIdentity) -> str:
    """Why a link is refused when another Google account signed in than the one the add-on is open as."""
    signed_in, open_as = google.email or "another account", addon.email or "another Google account"
    return (
        f"You signed in to Google as {signed_in}, but the add-on is open as {open_as}: only the Google "
        f"account using the add-on can link it, so nothing was linked. If {open_as} is yours, press "
        f"“Sign in to Sheetbooks” in the add-on again and sign in to Google as {open_as}. If it is not, "
        "close this window: someone may have sent you this link to see your workspaces."
    )


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
