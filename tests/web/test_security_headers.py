"""Security headers on every response; views relax them one by one (the add-on's openLink pages)."""

from __future__ import annotations

import re
from pathlib import Path

from web import create_app
from web.security_headers import OPEN_LINK, relax_headers

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"


def _assert_locked_down(headers) -> None:
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_errors_static_files_and_json_all_carry_the_headers(client, user) -> None:
    for path in ("/login", "/", "/exporters/", "/no-such-page", "/static/style.css", "/healthz"):
        response = client.get(path) if path != "/" else user.client.get(path)
        _assert_locked_down(response.headers)
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_the_oauth_servers_are_allowed_as_form_targets(app, store_settings) -> None:
    csp = app.test_client().get("/login").headers["Content-Security-Policy"]
    form_action = re.search(r"form-action ([^;]+)", csp).group(1).split()
    assert "'self'" in form_action
    assert (
        store_settings.qbo_auth_url.rsplit("/connect", 1)[0] in form_action
    )  # the Connect buttons redirect there


def test_a_view_can_drop_coop_for_an_openlink_page(store_settings) -> None:
    app = create_app({"SETTINGS": store_settings, "TESTING": True})

    @app.get("/addon-link-test")
    @relax_headers(OPEN_LINK)
    def link() -> str:
        return "close me"

    response = app.test_client().get("/addon-link-test")
    assert "Cross-Origin-Opener-Policy" not in response.headers
    _assert_locked_down(response.headers)  # everything else still applies
    assert app.test_client().get("/login").headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_templates_have_no_inline_script_style_or_event_handler() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)!r}"
        for path in TEMPLATES.rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []
