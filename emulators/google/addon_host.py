"""Google's side of an HTTP add-on in Sheets: build the event object, sign the ID tokens, POST to the
backend, hand back its answer. The admin call `POST /_emulator/addons/invoke` does for a test (and for the
viewer's side panel) what the Sheets host does when a user opens the add-on or clicks one of its buttons.

Event object (reference: workspace-addons.md §2): `commonEventObject` (hostApp SHEETS, platform WEB,
locale and time zone when the deployment uses the app's locale, `formInputs` and `parameters` on widget
actions), `authorizationEventObject` (userOAuthToken, userIdToken, systemIdToken, authorizedScopes) and
`sheets` (`addonHasFileScopePermission`; `id` and `title` only once the user granted the file).
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from flask import Blueprint, Response, current_app, jsonify, request

from emulators.google.addons import AddonStore, Authorization, authorization
from emulators.google.errors import invalid_argument, not_found
from emulators.google.tokens import subject

blueprint = Blueprint("addon_host", __name__, url_prefix="/_emulator/addons")

LOCALE_SCOPE = "https://www.googleapis.com/auth/script.locale"
TRIGGERS = ("homepage", "fileScopeGranted")


def _backend():
    return current_app.extensions["google_emulator"]


def _store() -> AddonStore:
    return _backend().addons


def trigger_url(deployment: dict, trigger: str) -> str:
    """The runFunction Sheets calls for a trigger: Sheets' own homepage first, else the common one."""
    addons = deployment.get("addOns") or {}
    sheets, common = addons.get("sheets") or {}, addons.get("common") or {}
    if trigger == "homepage":
        run = (sheets.get("homepageTrigger") or {}).get("runFunction") or (
            common.get("homepageTrigger") or {}
        ).get("runFunction")
    else:
        run = (sheets.get("onFileScopeGrantedTrigger") or {}).get("runFunction")
    if not run:
        raise invalid_argument(f"The deployment has no {trigger} trigger for Sheets.")
    return str(run)


def form_inputs(values: dict) -> dict:
    """`{"name": "v"}` or `{"name": ["a", "b"]}` as the event's `formInputs` (string inputs)."""
    out = {}
    for name, value in (values or {}).items():
        listed = value if isinstance(value, list) else [value]
        out[str(name)] = {"stringInputs": {"value": [str(v) for v in listed]}}
    return out


def _zone(name: str) -> dict:
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone, name = ZoneInfo("UTC"), "UTC"
    offset = datetime.now(zone).utcoffset()
    return {"id": name, "offset": int(offset.total_seconds() * 1000) if offset else 0}


def _user_access_token(email: str, auth: Authorization, scopes: list[str]) -> str:
    tokens = _backend().tokens
    return tokens.access_token(tokens.grant(email, auth.oauth_client_id, scopes, offline=False)).token


def event_object(
    deployment: dict,
    email: str,
    spreadsheet_id: str,
    granted: bool,
    system_token: str,
    inputs: dict | None = None,
    parameters: dict | None = None,
    time_zone: str = "UTC",
) -> dict:
    """The event Sheets POSTs for this user, spreadsheet and (for actions) form inputs and parameters."""
    auth = authorization(current_app.config)
    scopes = list(deployment.get("oauthScopes") or [])
    common: dict = {"hostApp": "SHEETS", "platform": "WEB"}
    if ((deployment.get("addOns") or {}).get("common") or {}).get(
        "useLocaleFromApp"
    ) and LOCALE_SCOPE in scopes:
        common |= {"userLocale": "en-US", "timeZone": _zone(time_zone)}
    if inputs is not None:
        common["formInputs"] = form_inputs(inputs)
    if parameters is not None:
        common["parameters"] = {str(k): str(v) for k, v in parameters.items()}
    sheets: dict = {"addonHasFileScopePermission": granted}
    meta = _backend().files.get(spreadsheet_id)
    if granted and meta is not None:
        sheets |= {"id": spreadsheet_id, "title": meta.name}
    user_token = _backend().id_tokens.token(
        auth.oauth_client_id, subject(email), email, azp=auth.oauth_client_id
    )
    return {
        "commonEventObject": common,
        "authorizationEventObject": {
            "userOAuthToken": _user_access_token(email, auth, scopes),
            "userIdToken": user_token,
            "systemIdToken": system_token,
            "authorizedScopes": scopes,
        },
        "sheets": sheets,
    }


def system_token(url: str) -> str:
    """The add-on service account's ID token for one call: its audience is the URL called."""
    auth = authorization(current_app.config)
    return _backend().id_tokens.token(url, subject(auth.service_account_email), auth.service_account_email)


def _header(deployment: dict, system: str, event: dict) -> dict:
    """The Authorization header httpOptions.authorizationHeader asks for."""
    kind = ((deployment.get("addOns") or {}).get("httpOptions") or {}).get("authorizationHeader")
    if kind == "NONE":
        return {}
    if kind == "USER_ID_TOKEN":
        return {"Authorization": "Bearer " + event["authorizationEventObject"]["userIdToken"]}
    return {"Authorization": "Bearer " + system}


@blueprint.post("/invoke")
def invoke() -> Response:
    """Run a trigger (`trigger`) or a widget action (`action`: its function URL) as `user_email` with
    `spreadsheet_id` open; answers `{"status", "body"}` with the backend's JSON."""
    body = request.get_json(silent=True) or {}
    deployment = _store().find(str(body.get("deployment") or ""))
    if deployment is None:
        raise not_found()
    email = str(body.get("user_email") or "").strip().lower()
    if not email:
        raise invalid_argument("user_email is required")
    if deployment not in _store().installed_for(email):
        raise invalid_argument(f"The add-on is not installed for {email}.")
    spreadsheet_id = str(body.get("spreadsheet_id") or "")
    if body.get("action"):
        url, inputs, parameters = (
            str(body["action"]),
            body.get("form_inputs") or {},
            body.get("parameters") or {},
        )
    elif body.get("trigger") in TRIGGERS:
        url, inputs, parameters = trigger_url(deployment, body["trigger"]), None, None
    else:
        raise invalid_argument(f"Give an action URL or a trigger: {', '.join(TRIGGERS)}.")
    if body.get("trigger") == "fileScopeGranted":
        _store().grant_file(email, deployment["name"], spreadsheet_id)
    granted = body.get("file_scope_granted")
    if granted is None:
        granted = _store().has_file(email, deployment["name"], spreadsheet_id)
    system = system_token(url)
    event = event_object(
        deployment,
        email,
        spreadsheet_id,
        bool(granted),
        system,
        inputs,
        parameters,
        body.get("time_zone") or "UTC",
    )
    try:
        answer = requests.post(url, json=event, headers=_header(deployment, system, event), timeout=30)
    except requests.RequestException as exc:
        return jsonify({"status": 0, "body": None, "error": f"The add-on did not answer: {exc}"})
    try:
        parsed = answer.json()
    except ValueError:
        parsed = None
    return jsonify({"status": answer.status_code, "body": parsed})


@blueprint.post("/id-token")
def mint_id_token() -> Response:
    """An ID token signed by the emulator's Google key, for tests of a verifier: `audience`, `email`
    (default: the add-on's service account), `lifetime_seconds` (negative: already expired)."""
    body = request.get_json(silent=True) or {}
    auth = authorization(current_app.config)
    email = str(body.get("email") or auth.service_account_email)
    audience = str(body.get("audience") or "")
    if not audience:
        raise invalid_argument("audience is required")
    lifetime = int(body.get("lifetime_seconds", 3600))
    token = _backend().id_tokens.token(audience, subject(email), email, lifetime=lifetime)
    return jsonify({"token": token, "issued_at": int(time.time())})
