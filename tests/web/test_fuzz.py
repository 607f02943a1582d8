"""Junk typed into forms and URLs never ends in a 500."""

from __future__ import annotations

import pytest

from tests.web.browser import Browser

JUNK = [
    "",
    " ",
    "x" * 5000,
    "'; DROP TABLE user; --",
    "<script>alert(1)</script>",
    "\u0000\ufffd",
    "-1",
    "9" * 40,
]


@pytest.mark.parametrize("junk", JUNK)
def test_auth_forms_with_junk(browser: Browser, junk: str) -> None:
    browser.fill("/signup", "Sign up", name=junk, email=junk, password=junk)
    assert browser.status < 500
    assert "<script>alert(1)</script>" not in browser.page.html
    browser.fill("/login", "Log in", email=junk, password=junk)
    assert browser.status < 500
    browser.fill("/password/forgot", "Send the reset link", email=junk)
    assert browser.status < 500
    assert browser.client.get(f"/password/reset/{junk or 'x'}").status_code < 500
    assert browser.client.get(f"/workspace/join/{junk or 'x'}").status_code < 500


@pytest.mark.parametrize("junk", JUNK)
def test_exporter_editor_with_junk(user: Browser, junk: str) -> None:
    user.get("/exporters/new")
    form = user.form("Save exporter")
    fields = {name: junk for name in form.fields if name != "csrf_token"}
    fields.update(companies=[junk], columns=[junk], google_account_id=junk)
    user.submit(form, "Save exporter", **fields)
    assert user.status < 500
    assert user.page.has("not saved")


def test_junk_ids_and_json(user: Browser) -> None:
    for url in ("/runs/99999", "/runs/99999.json", "/exporters/0", "/companies/-1/remove", "/nope"):
        assert user.client.get(url).status_code == 404
    token = user.csrf_token()
    assert (
        user.client.post("/workspace/switch", data={"csrf_token": token, "workspace_id": "x"}).status_code
        == 404
    )
    assert user.client.get("/companies/callback?state=x&code=y&realmId=z").status_code == 302
    assert user.client.get("/google/callback?error=junk").status_code == 302
