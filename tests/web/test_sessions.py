"""Sessions end on the server: logout kills every copy of the cookie; an OAuth state finishes once."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.browser import Browser, form_with_button
from tests.web.oauth import consent_redirect


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
