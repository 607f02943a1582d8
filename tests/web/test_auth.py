"""Sign up, log in, log out, password reset by emailed link, login throttling, CSRF."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from store.db import get_engine
from store.models import OutboxEmail, PasswordReset, User
from store.outbox import deliver
from tests.web.browser import PASSWORD, Browser
from web import create_app


def test_sign_up_creates_a_workspace_named_after_the_user(browser: Browser) -> None:
    page = browser.sign_up("Ada", "ada@example.com")
    assert page.has("Ada's workspace is ready")
    assert page.has("ada@example.com")
    assert browser.get("/workspace/members").has("owner")


def test_sign_up_errors_keep_what_was_typed(browser: Browser) -> None:
    page = browser.fill("/signup", "Sign up", name="Ada", email="not-an-email", password="short")
    assert page.has("Enter an email address like name@example.com")
    assert page.has("Use at least 10 characters")
    assert browser.form("Sign up").fields["name"] == "Ada"
    assert browser.form("Sign up").fields["email"] == "not-an-email"


def test_duplicate_email_is_refused(browser: Browser, app) -> None:
    browser.sign_up("Ada", "ada@example.com")
    browser.log_out()
    page = browser.sign_up("Other Ada", "ADA@example.com")
    assert page.has("An account with this email already exists")


def test_log_out_and_back_in(browser: Browser) -> None:
    browser.sign_up("Ada", "ada@example.com")
    page = browser.log_out()
    assert page.has("You are logged out")
    assert browser.get("/exporters/").has("Log in")
    page = browser.log_in("ada@example.com")
    assert page.has("You are logged in")


def test_wrong_password_and_rate_limit(browser: Browser) -> None:
    browser.sign_up("Ada", "ada@example.com")
    browser.log_out()
    for _ in range(5):
        page = browser.log_in("ada@example.com", "wrong password!")
        assert page.has("don't match an account")
    page = browser.log_in("ada@example.com")
    assert browser.status == 429
    assert page.has("Too many failed attempts for ada@example.com")
    assert not page.has("You are logged in")


def _reset_link(email: str) -> str:
    """The link in the newest email to `email`, as the mail sender gets it at delivery."""
    with Session(get_engine()) as session:
        mail = session.exec(select(OutboxEmail).where(OutboxEmail.to == email)).all()[-1]
        text = deliver(session, mail)
        session.commit()
    return re.search(r"http\S+", text).group(0)


def test_password_reset_by_emailed_link_works_once(browser: Browser) -> None:
    browser.sign_up("Ada", "ada@example.com")
    browser.log_out()
    page = browser.fill("/password/forgot", "Send the reset link", email="ada@example.com")
    assert page.has("we sent it a link")
    link = _reset_link("ada@example.com")
    with Session(get_engine()) as session:
        stored = session.exec(select(PasswordReset)).one()
    assert link.rsplit("/", 1)[1] not in stored.token_hash  # only the hash is kept
    page = browser.fill(link, "Change password", password="a brand new secret", confirm="a brand new secret")
    assert page.has("Your password was changed")
    assert browser.log_in("ada@example.com", PASSWORD).has("don't match")
    assert browser.log_in("ada@example.com", "a brand new secret").has("You are logged in")
    browser.log_out()
    assert browser.get(link).has("expired or was already used")


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(browser: Browser) -> None:
    page = browser.fill("/password/forgot", "Send the reset link", email="nobody@example.com")
    assert page.has("we sent it a link")
    with Session(get_engine()) as session:
        assert session.exec(select(OutboxEmail)).all() == []
        assert session.exec(select(User)).all() == []


def test_outbox_page_only_in_demo_mode(browser: Browser, app, settings) -> None:
    browser.get("/outbox")
    assert browser.status == 404


def test_form_without_csrf_token_is_refused(client) -> None:
    response = client.post("/signup", data={"name": "Ada", "email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert b"Reload the page" in response.data
    with Session(get_engine()) as session:
        assert session.exec(select(User)).all() == []


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_session_cookie_flags(browser: Browser) -> None:
    response = browser.client.get("/login")
    header = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # plain-http development: a Secure cookie would never come back


def test_behind_https_the_session_cookie_is_secure(store_settings) -> None:
    app = create_app(
        {"SETTINGS": store_settings.with_overrides(public_url="https://sheets.example.com"), "TESTING": True}
    )
    header = app.test_client().get("/login").headers.get("Set-Cookie", "")
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_the_rate_limit_counts_per_email_and_a_success_clears_it(browser: Browser) -> None:
    browser.sign_up("Ada", "ada@example.com")
    browser.log_out()
    for _ in range(4):
        browser.log_in("ada@example.com", "wrong password!")
    assert browser.log_in("ada@example.com").has("You are logged in")  # the 5th try: allowed, clears
    browser.log_out()
    for _ in range(4):
        browser.log_in("ada@example.com", "wrong password!")
    assert browser.log_in("ada@example.com").has("You are logged in")
    browser.log_out()
    for _ in range(5):
        browser.log_in("someone-else@example.com", "wrong password!")
    assert browser.log_in("ada@example.com").has("You are logged in")  # another email's failures


def test_a_password_reset_signs_out_every_other_session(browser: Browser, app) -> None:
    browser.sign_up("Ada", "ada@example.com")
    laptop = Browser(app.test_client())
    laptop.log_in("ada@example.com")
    assert laptop.get("/companies/").has("QuickBooks companies")

    stranger = Browser(app.test_client())
    stranger.fill("/password/forgot", "Send the reset link", email="ada@example.com")
    stranger.fill(
        _reset_link("ada@example.com"), "Change password", password="a new secret!", confirm="a new secret!"
    )

    for session in (browser, laptop):
        page = session.get("/companies/")
        assert page.has("Log in") and not page.has("QuickBooks companies")
    assert laptop.log_in("ada@example.com", "a new secret!").has("You are logged in")


def test_reset_emails_are_limited_to_three_an_hour_and_the_answer_never_changes(browser: Browser) -> None:
    browser.sign_up("Ada", "ada@example.com")
    browser.log_out()
    for _ in range(5):
        page = browser.fill("/password/forgot", "Send the reset link", email="ada@example.com")
        assert page.has("If an account uses that email, we sent it a link")
    with Session(get_engine()) as session:
        assert len(session.exec(select(OutboxEmail).where(OutboxEmail.to == "ada@example.com")).all()) == 3


def test_next_only_leads_to_a_page_of_this_site(browser: Browser) -> None:
    browser.sign_up("Eve", "eve@example.com")
    browser.log_out()
    for target, expected in [
        ("/runs/", "/runs/"),
        ("//evil.example", "/"),
        ("/%09/evil.example", "/"),  # a tab browsers drop: "/\t/evil" would become "//evil"
        ("/%0a/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
    ]:
        browser.get(f"/login?next={target}")
        form = browser.form("Log in")
        response = browser.client.post(
            f"/login?next={target}", data=form.data("Log in", email="eve@example.com", password=PASSWORD)
        )
        assert response.status_code == 302 and response.headers["Location"] == expected, target
        browser.log_out()


def test_demo_mode_refuses_a_public_address(store_settings) -> None:
    public = store_settings.with_overrides(demo_mode=True, public_url="https://books.example.com")
    with pytest.raises(RuntimeError, match="DEMO_MODE is on but PUBLIC_URL"):
        create_app({"SETTINGS": public})
    assert create_app({"SETTINGS": store_settings.with_overrides(demo_mode=True)})  # http://localhost


def lock_out_and_retry(app, forwarded_for: tuple[str, str]) -> int:
    """Five wrong passwords from one client address, then the right one from another: the status."""
    person = Browser(app.test_client())
    person.sign_up("Pat", f"pat-{forwarded_for[0]}@example.com")
    person.log_out()
    for _ in range(5):
        person.client.post(
            "/login",
            data=person.get("/login")
            and person.form("Log in").data("Log in", email=person.email, password="no"),
            headers={"X-Forwarded-For": forwarded_for[0]},
        )
    form = person.get("/login") and person.form("Log in")
    response = person.client.post(
        "/login",
        data=form.data("Log in", email=person.email, password=PASSWORD),
        headers={"X-Forwarded-For": forwarded_for[1]},
    )
    return response.status_code


def test_behind_a_trusted_proxy_the_login_limit_counts_the_clients_address(store_settings) -> None:
    proxied = create_app({"SETTINGS": store_settings.with_overrides(proxy_hops=1), "TESTING": True})
    assert lock_out_and_retry(proxied, ("203.0.113.7", "198.51.100.9")) == 302  # another client logs in
    direct = create_app({"SETTINGS": store_settings, "TESTING": True})
    assert (
        lock_out_and_retry(direct, ("203.0.113.8", "198.51.100.10")) != 302
    )  # a forged header counts for nothing
