"""Sessions end on the server: logout kills every copy of the cookie; an OAuth state finishes once; the
rows no cookie can use any more are purged."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlmodel import select

from store.db import session_scope
from store.models import SIGN_IN_LIFETIME, LoginSession, SpentOAuthState, User, utcnow
from tests.web.browser import Browser, form_with_button
from tests.web.oauth import consent_redirect
from workers.maintenance import purge_expired_sign_ins


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_copy_of_the_cookie_taken_before_logout_no_longer_works(user: Browser, app, database_url) -> None:
    stolen = _session_cookie(user.client)
    user.log_out()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    page = Browser(thief).get("/companies/")
    assert page.has("Log in") and not page.has("QuickBooks companies")


def test_logging_out_one_browser_keeps_the_others_signed_in(user: Browser, app) -> None:
    laptop = Browser(app.test_client())
    laptop.log_in(user.email)
    user.log_out()
    assert laptop.get("/companies/").has("QuickBooks companies")


def test_an_oauth_state_cannot_be_finished_twice_with_an_old_cookie(
    user: Browser, app, google_emulator, database_url
) -> None:
    authorize = user.redirect_of(form_with_button(user.get("/google/"), "Connect Google"))
    before = _session_cookie(user.client)  # holds the pending state
    first = consent_redirect(authorize, "Allow", email="first@example.com")
    assert user.get(first).has("Connected the Google account first@example.com")

    # Same state, a second code from Google, and the cookie as it was before the first return.
    second = consent_redirect(authorize, "Allow", email="second@example.com")
    user.client.set_cookie("session", before)
    page = user.get(second)
    assert page.has("could not be verified") and not page.has("second@example.com")


def test_the_purge_deletes_ended_and_expired_sign_ins_and_old_oauth_states_but_keeps_live_ones(
    user: Browser, app, database_url
) -> None:
    laptop = Browser(app.test_client())
    laptop.log_in(user.email)
    laptop.log_out()  # ended: its row is no use to anyone
    now = utcnow()
    long_ago = now - SIGN_IN_LIFETIME - timedelta(seconds=1)
    with session_scope() as session:
        user_id = session.exec(select(User.id).where(User.email == user.email)).one()
        session.add(LoginSession(token_hash="x" * 64, user_id=user_id, created_at=long_ago))
        session.add(SpentOAuthState(state_hash="old", spent_at=long_ago))
        session.add(SpentOAuthState(state_hash="recent", spent_at=now - timedelta(days=1)))

    assert purge_expired_sign_ins(now) == {"sign_ins": 2, "oauth_states": 1}

    with session_scope() as session:
        assert [s.ended_at for s in session.exec(select(LoginSession)).all()] == [None]  # the live one
        assert [s.state_hash for s in session.exec(select(SpentOAuthState)).all()] == ["recent"]
    assert user.get("/companies/").has("QuickBooks companies")  # still signed in
    assert purge_expired_sign_ins(now) == {"sign_ins": 0, "oauth_states": 0}
