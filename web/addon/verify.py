"""Every add-on request is verified before anything else runs (reference: workspace-addons.md §3).

The bearer token must be a Google ID token (signature against Google's certs, issuer Google, not expired,
10 s of clock skew) whose audience is the public URL that was called — rebuilt from PUBLIC_URL and the
path, never from Host or proxy headers — and whose email is the add-on's service account. The user ID
token in the event must be valid for the add-on's OAuth client id. Anything else is 401 (a body that is
no JSON object: 400), logged without the token.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from flask import abort, request
from google.auth import jwt
from google.auth.exceptions import GoogleAuthError

from store.settings import Settings, get_settings
from web.addon.certs import google_certs

log = logging.getLogger("sheetbooks.addon")

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
CLOCK_SKEW_SECONDS = 10


class Refused(Exception):
    """Why a token was refused (logged; the caller sees only 401)."""


@dataclass(frozen=True)
class AddonEvent:
    """What a verified request says: who (the Google `sub`), where (the spreadsheet when granted), and
    the widget action's parameters and form inputs."""

    google_sub: str
    google_email: str
    host_app: str
    spreadsheet_id: str
    spreadsheet_title: str
    file_scope_granted: bool
    time_zone: str
    authorized_scopes: list[str] | None
    parameters: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        values = self.inputs.get(name) or []
        return values[0] if values else default


def public_url_called(settings: Settings) -> str:
    """The URL Google called, as registered in the deployment: PUBLIC_URL + path (+ query string)."""
    query = request.query_string.decode()
    return settings.public_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def verified_claims(token: str, audience: str, settings: Settings) -> Mapping[str, Any]:
    """The claims of a Google ID token for `audience`; Refused otherwise."""
    try:
        key_id = jwt.decode_header(token).get("kid")  # type: ignore[no-untyped-call]
        certs = google_certs(settings.google_certs_url, key_id)
        claims: dict[str, Any] = jwt.decode(  # type: ignore[no-untyped-call]
            token, certs=certs, audience=audience, clock_skew_in_seconds=CLOCK_SKEW_SECONDS
        )
    except (ValueError, TypeError, GoogleAuthError) as exc:
        raise Refused(f"{type(exc).__name__}: {exc}") from None
    if claims.get("iss") not in ISSUERS:
        raise Refused("the issuer is not Google")
    if claims.get("email_verified") is not True:
        raise Refused("the email is not verified")
    return claims


def _refuse(reason: str) -> NoReturn:
    # Never the token itself: who it claimed to be and why it was refused is enough to debug.
    log.warning("add-on request to %s refused: %s", request.path, reason)
    abort(401)


def _inputs(common: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    raw = common.get("formInputs")
    for name, value in (raw if isinstance(raw, dict) else {}).items():
        strings = (value or {}).get("stringInputs", {}).get("value") if isinstance(value, dict) else None
        if isinstance(strings, list):
            out[str(name)] = [str(v) for v in strings]
    return out


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of the event, or {} when it is absent or not an object (the doc omits defaults)."""
    return value if isinstance(value, dict) else {}


def _event(body: Mapping[str, Any], user: Mapping[str, Any]) -> AddonEvent:
    common = _object(body.get("commonEventObject"))
    sheets = _object(body.get("sheets"))
    auth = _object(body.get("authorizationEventObject"))
    zone = _object(common.get("timeZone"))
    parameters = _object(common.get("parameters"))
    scopes = auth.get("authorizedScopes")
    granted = sheets.get("addonHasFileScopePermission") is True  # absent means not granted
    return AddonEvent(
        google_sub=str(user["sub"]),
        google_email=str(user.get("email") or ""),
        host_app=str(common.get("hostApp") or ""),
        spreadsheet_id=str(sheets.get("id") or "") if granted else "",
        spreadsheet_title=str(sheets.get("title") or ""),
        file_scope_granted=granted,
        time_zone=str(zone.get("id") or "UTC"),
        authorized_scopes=[str(s) for s in scopes] if isinstance(scopes, list) else None,
        parameters={str(k): str(v) for k, v in parameters.items()},
        inputs=_inputs(common),
    )


def verified_event() -> AddonEvent:
    """The current request's event after every check; aborts with 401 or 400."""
    settings = get_settings()
    if not settings.addon_service_account_email or not settings.addon_oauth_client_id:
        log.error("the add-on is not configured: set ADDON_SERVICE_ACCOUNT_EMAIL and ADDON_OAUTH_CLIENT_ID")
        abort(401)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        _refuse("no bearer token")
    try:
        system = verified_claims(header[7:].strip(), public_url_called(settings), settings)
    except Refused as refused:
        _refuse(f"system ID token: {refused}")
    if system.get("email") != settings.addon_service_account_email:
        _refuse(f"system ID token of {system.get('email')!r}, not the add-on's service account")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    auth = body.get("authorizationEventObject")
    user_token = auth.get("userIdToken") if isinstance(auth, dict) else None
    if not isinstance(user_token, str) or not user_token:
        _refuse("no user ID token in the event (the deployment needs the userinfo.email scope)")
    try:
        user = verified_claims(str(user_token), settings.addon_oauth_client_id, settings)
    except Refused as refused:
        _refuse(f"user ID token: {refused}")
    if not user.get("sub"):
        _refuse("user ID token without sub")
    return _event(body, user)
