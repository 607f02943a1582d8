"""Per-request helpers: the emulator state, public URLs, and the accounting of each request."""

from __future__ import annotations

import json
import time

from flask import Response, abort, current_app, g, request

from emulators.qbo.clock import iso_millis
from emulators.qbo.oauth.keys import DEFAULT_ISSUER
from emulators.qbo.state import Emulator

TOKEN_ERRORS = {429: "rate_limit_exceeded", 503: "temporarily_unavailable"}


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
    status, latency = emulator().faults.pick("token")
    if latency:
        time.sleep(latency / 1000)
    if status is not None:
        body = {"error": TOKEN_ERRORS.get(status, "server_error")}
        abort(Response(json.dumps(body), status, mimetype="application/json"))
