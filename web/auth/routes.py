"""Sign up, log in, log out, password reset by link, and the demo outbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from werkzeug.wrappers import Response

from store.models import OutboxEmail, PasswordReset, User, utcnow
from store.outbox import LINK, deliver, queue_email, stored_text
from store.settings import get_settings
from web.addon.links import links_of
from web.auth import bp, ratelimit
from web.auth.accounts import create_account, find_user
from web.auth.forms import AccountForm, ForgotForm, LoginForm, ResetForm, SignupForm
from web.auth.log_in import log_in_with
from web.auth.passwords import hash_password
from web.current import login_required, sign_in, sign_out
from web.database import get_session
from web.forms import ConfirmForm
from web.links import external_url
from web.tokens import hash_token, new_token
from web.viewer_time import BROWSER_COOKIE, zone_or_none
from workers.mail import send_soon

RESET_VALID_FOR = timedelta(hours=1)


def _next_url() -> str:
    """Where to go after signing in: a local path only (no open redirect)."""
    target = request.args.get("next", "")
    # Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"): refuse any control
    # character or backslash, then accept only a path on this site.
    clean = not any(ord(ch) < 0x21 or ord(ch) == 0x7F or ch == "\\" for ch in target)
    local = target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
    if clean and local:
        return target
    return url_for("home.index")


def _user_by_email(email: str) -> User | None:
    return find_user(get_session(), email)


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response:
    """Create a user and their own workspace, in which they are the owner."""
    form = SignupForm()
    if form.validate_on_submit():
        session = get_session()
        if _user_by_email(form.email.data) is None:
            user, workspace = create_account(session, form.email.data, form.password.data, form.name.data)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
            else:
                sign_in(user, workspace.id)
                flash(f"Welcome! {workspace.name} is ready.", "success")
                return redirect(_next_url())
        form.email.errors.append("An account with this email already exists. Log in instead.")
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        refusal, status = log_in_with(form)
        if refusal is None:
            flash("You are logged in.", "success")
            return redirect(_next_url())
        flash(refusal, "error")
        if status == 429:
            return render_template("auth/login.html", form=form), 429
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    sign_out()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot() -> str | Response | tuple[str, int]:
    """Email a single-use reset link valid for an hour (at most 3 an hour); the answer is always the same."""
    form = ForgotForm()
    if not get_settings().mail_delivered:
        return render_template("auth/forgot.html", form=form, mail_off=True), 503
    if form.validate_on_submit():
        user = _user_by_email(form.email.data)
        if user is not None and user.id is not None and ratelimit.may_send_reset(user.email):
            token = new_token()
            session = get_session()
            session.add(
                PasswordReset(
                    user_id=user.id, token_hash=hash_token(token), expires_at=utcnow() + RESET_VALID_FOR
                )
            )
            email = queue_email(
                session,
                user.email,
                "Reset your Sheetbooks password",
                f"Someone asked to reset the password of {user.email} on Sheetbooks.\n\n"
                f"Choose a new password here (the link works once, for one hour):\n{LINK}\n\n"
                "If it wasn't you, ignore this email; your password stays the same.",
                link=external_url("auth.reset", token=token),
            )
            session.commit()
            send_soon([email])
        flash("If an account uses that email, we sent it a link to reset the password.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _usable_reset(token: str) -> PasswordReset | None:
    reset = (
        get_session().exec(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))).first()
    )
    if reset is None or reset.used_at is not None:
        return None
    expires = (
        reset.expires_at if reset.expires_at.tzinfo else reset.expires_at.replace(tzinfo=utcnow().tzinfo)
    )
    return reset if expires > utcnow() else None


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | Response:
    reset = _usable_reset(token)
    if reset is None:
        flash("This reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("auth.forgot"))
    form = ResetForm()
    if form.validate_on_submit():
        session = get_session()
        user = session.get(User, reset.user_id)
        if user is None:
            abort(404)
        user.password_hash = hash_password(form.password.data)
        reset.used_at = utcnow()
        session.add_all([user, reset])
        session.commit()
        flash("Your password was changed. Log in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.get("/outbox")
def outbox() -> str:
    """Demo mode only: the emails Sheetbooks sent, newest first. This page is the demo's mail delivery:
    an email's link shows here once, then is forgotten like a sent email's (store.outbox)."""
    if not get_settings().demo_mode:
        abort(404)
    session = get_session()
    emails = session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id).desc()).limit(50)).all()
    shown = [
        (email, deliver(session, email) if email.delivered_at is None else stored_text(email))
        for email in emails
    ]
    session.commit()
    return render_template("auth/outbox.html", emails=shown, user=g.user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response | tuple[str, int]:
    """Your settings: the time zone the dashboard shows times in (empty: the browser's), and the mail you
    get about failed runs (mail.failures)."""
    form = AccountForm()
    if request.method == "GET":
        form.time_zone.data = g.user.time_zone
        form.failure_mail.data = g.user.failure_mail
    elif form.validate_on_submit():
        name = (form.time_zone.data or "").strip()
        if name and zone_or_none(name) is None:
            form.time_zone.errors = [
                f"Unknown time zone '{name}': use a name like America/New_York, Europe/London or UTC."
            ]
        else:
            g.user.time_zone = name
            g.user.failure_mail = form.failure_mail.data
            get_session().add(g.user)
            get_session().commit()
            flash(f"Saved. Times are shown in {name or 'your browser’s time zone'}.", "success")
            return redirect(url_for("auth.account"))
    page = render_template(
        "auth/account.html",
        form=form,
        browser_zone=request.cookies.get(BROWSER_COOKIE),
        now=utcnow(),
        addon_links=addon_links_of(g.user.id),
        unlink_form=ConfirmForm(),
        mail_delivered=get_settings().mail_delivered,
        digest_hour=get_settings().mail_digest_hour,
    )
    return page if not form.errors else (page, 400)


def addon_links_of(user_id: int) -> list[Any]:
    """The add-on links shown on the account page."""
    return list(links_of(get_session(), user_id))
