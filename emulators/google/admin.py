"""Admin API under /_emulator/: tokens without a browser, service accounts, faults, counters, clock."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from emulators.google.errors import invalid_argument, not_found
from emulators.google.persistence import rfc3339
from emulators.google.traffic import Fault

blueprint = Blueprint("admin", __name__, url_prefix="/_emulator")

DEFAULT_SCOPES = ["openid", "email", "https://www.googleapis.com/auth/drive.file"]
FAULT_ROUTES = {"sheets.read", "sheets.write", "drive", "token", "any"}


def _backend():
    return current_app.extensions["google_emulator"]


def _body() -> dict:
    return request.get_json(silent=True) or {}


def _email(body: dict) -> str:
    email = str(body.get("email") or "").strip().lower()
    if not email:
        raise invalid_argument("email is required")
    return email


@blueprint.post("/tokens")
def issue_tokens() -> Response:
    """An access and refresh token for `email` as if they had consented (skips the browser)."""
    body = _body()
    scopes = body.get("scopes") or DEFAULT_SCOPES
    client_id = body.get("client_id") or next(iter(current_app.config["CLIENTS"]))
    tokens = _backend().tokens
    grant = tokens.grant(_email(body), client_id, list(scopes), offline=True)
    access = tokens.access_token(grant)
    return jsonify(
        {
            "access_token": access.token,
            "refresh_token": grant.refresh_token,
            "expires_in": int(access.expires - _backend().clock.now()),
            "scope": " ".join(grant.scopes),
            "client_id": client_id,
        }
    )


@blueprint.post("/tokens/revoke")
def revoke_tokens() -> Response:
    """Revoke every grant of a user (their refresh tokens now fail with invalid_grant)."""
    return jsonify({"revoked": _backend().tokens.revoke_email(_email(_body()))})


@blueprint.post("/service-accounts")
def create_service_account() -> Response:
    """A Google-format service-account key file whose token_uri is this emulator."""
    backend = _backend()
    info = backend.service_accounts.create(
        _body().get("email"), current_app.config["PROJECT_ID"], backend.token_uri()
    )
    return jsonify(info)


@blueprint.post("/faults")
def add_fault() -> Response:
    body = _body()
    route = body.get("route", "any")
    if route not in FAULT_ROUTES and "." not in route:
        raise invalid_argument(f"route must be one of {sorted(FAULT_ROUTES)} or a route name")
    status = body.get("status")
    if status is not None and status not in (429, 500, 503):
        raise invalid_argument("status must be 429, 500 or 503")
    fault = Fault(
        route=route,
        status=status,
        count=body.get("count"),
        rate=body.get("rate"),
        latency_ms=int(body.get("latency_ms") or 0),
    )
    _backend().faults.add(fault)
    return jsonify({"faults": _backend().faults.list()})


@blueprint.delete("/faults")
def clear_faults() -> Response:
    _backend().faults.clear()
    return jsonify({"faults": []})


@blueprint.get("/faults")
def list_faults() -> Response:
    return jsonify({"faults": _backend().faults.list()})


@blueprint.get("/requests")
def request_counts() -> Response:
    return jsonify(_backend().requests.snapshot())


@blueprint.post("/requests/reset")
def reset_request_counts() -> Response:
    _backend().requests.reset()
    return jsonify(_backend().requests.snapshot())


@blueprint.route("/quota", methods=["GET", "POST"])
def quota() -> Response:
    """Show or lower the per-minute quotas (read_per_minute_per_user, write_per_minute, ...)."""
    quotas = _backend().quotas
    if request.method == "POST":
        try:
            quotas.set_limits(**{k: int(v) for k, v in _body().items()})
        except (TypeError, ValueError) as exc:
            raise invalid_argument(str(exc)) from exc
    return jsonify(quotas.limits)


@blueprint.post("/clock/advance")
def advance_clock() -> Response:
    backend = _backend()
    backend.advance_clock(float(_body().get("seconds", 0)))
    return jsonify({"now": rfc3339(backend.clock.now()), "offset_seconds": backend.clock.offset})


@blueprint.post("/spreadsheets")
def seed_spreadsheet() -> Response:
    """Create a spreadsheet owned by `email` (seeding the demo without OAuth)."""
    body = _body()
    spreadsheet = _backend().new_spreadsheet(_email(body), body.get("title") or "Untitled spreadsheet", {})
    return jsonify({"spreadsheetId": spreadsheet.spreadsheet_id})


@blueprint.get("/spreadsheets/<spreadsheet_id>")
def dump_spreadsheet(spreadsheet_id: str) -> Response:
    """The raw model and Drive metadata of a spreadsheet, for tests."""
    backend = _backend()
    spreadsheet = backend.spreadsheet(spreadsheet_id)
    meta = backend.files.get(spreadsheet_id)
    if spreadsheet is None or meta is None:
        raise not_found()
    file = {**meta.__dict__, "createdTime": rfc3339(meta.created), "modifiedTime": rfc3339(meta.modified)}
    return jsonify({"file": file, "spreadsheet": spreadsheet.to_dict()})
