"""Per-request helpers: the emulator state, public URLs, and the accounting of each request."""

from __future__ import annotations

import json
import time

from flask import Response, abort, current_app, g, request

from emulators.qbo.api.injected import status_of, token_error
from emulators.qbo.clock import iso_millis
from emulators.qbo.oauth.keys import DEFAULT_ISSUER
from emulators.qbo.state import Emulator


def emulator() -> Emulator:
    return current_app.extensions["qbo"]


def base_url() -> str:
    """BASE_URL from the config (read per request, so a test may set it after start), else the host."""
    return (current_app.config.get("BASE_URL") or request.host_url).rstrip("/")


def issuer() -> str:
    return current_app.config.get("ISSUER") or DEFAULT_ISSUER


def now_text() -> str:
    """A response's `time`: company time with an offset and milliseconds."""
    return iso_millis(emulator().clock.datetime())


def kind(name: str, realm: str = "_oauth") -> None:
    """Count this request under (realm, kind, method) and apply injected faults for OAuth kinds."""
    g.kind = name
    emulator().traffic.record(realm, name, request.method, request.full_path.rstrip("?"))
    if name != "token":
        return
    rule, latency = emulator().faults.pick("token", _token_realm(), request.path)
    if latency:
        time.sleep(latency / 1000)
    if rule is not None:
        status, body = token_error(status_of(rule.status, rule.code) or 500)
        abort(Response(json.dumps(body), status, mimetype="application/json"))


def _token_realm() -> str | None:
    """The realm a token request is about: that of its refresh token, authorization code or revoked token."""
    form = request.form if request.form else (request.get_json(silent=True) or {})
    grants = emulator().grants
    token = str(form.get("refresh_token") or form.get("token") or "")
    grant = grants.find(token) if token else None
    if grant is not None:
        return grant.realm_id
    code = grants.codes.get(str(form.get("code") or ""))
    return code.realm_id if code is not None else None
