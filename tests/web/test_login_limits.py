"""Password spraying: failures from one address count across every email, besides per email+address."""

from __future__ import annotations

from flask import Flask

from tests.web.browser import Browser
from web.auth.ratelimit import MAX_FAILURES_PER_ADDRESS


def _from(app: Flask, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def test_many_emails_from_one_address_lock_that_address_only(app: Flask) -> None:
    Browser(app.test_client()).sign_up("Ada", "ada@example.com")
    sprayer = _from(app, "203.0.113.7")
    for n in range(MAX_FAILURES_PER_ADDRESS):
        # A new email each time: the per email+address limit alone would never stop this.
        page = sprayer.log_in(f"victim-{n}@example.com", "Winter2026!!")
        assert page.has("don't match an account")
    page = sprayer.log_in("ada@example.com")
    assert sprayer.status == 429 and page.has("Too many failed logins from your network address")
    assert not page.has("You are logged in")
    assert _from(app, "198.51.100.4").log_in("ada@example.com").has("You are logged in")
