"""Signing in with email and password under the login limits: the login page and the add-on's link page
(web.addon.link_pages) both sign in through here."""

from __future__ import annotations

from flask import request

from web.auth import ratelimit
from web.auth.accounts import find_user
from web.auth.forms import LoginForm
from web.auth.passwords import verify_password
from web.current import sign_in
from web.database import get_session


def log_in_with(form: LoginForm) -> tuple[str | None, int]:
    """Sign in with a validated login form, under the login limits: (None, 200) when signed in, else
    (why not, its HTTP status)."""
    email, address = form.email.data.strip().lower(), request.remote_addr or "-"
    refusal = ratelimit.blocked(email, address)
    if refusal is not None:
        return refusal, 429
    user = find_user(get_session(), email)
    if verify_password(user.password_hash if user else None, form.password.data) and user:
        ratelimit.clear(email, address)
        sign_in(user)
        return None, 200
    ratelimit.record_failure(email, address)
    return "That email and password don't match an account.", 200
