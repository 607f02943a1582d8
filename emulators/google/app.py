"""The Google emulator's Flask app: OAuth, Drive v3, Sheets v4, admin API and viewer on one host."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from emulators.google.backend import Backend
from emulators.google.errors import ApiError, not_found
from emulators.google.traffic import classify

DEFAULTS = {
    "BASE_URL": None,
    "DB_PATH": None,
    "CLIENTS": {
        "sheetbooks-dev.apps.googleusercontent.com": {
            "secret": "sheetbooks-dev-secret",
            "redirect_uris": ["*"],
        }
    },
    "ADMIN": True,
    "QUOTA_READ_PER_MINUTE_PER_USER": 60,
    "QUOTA_WRITE_PER_MINUTE_PER_USER": 60,
    "QUOTA_READ_PER_MINUTE": 300,
    "QUOTA_WRITE_PER_MINUTE": 300,
    "USERS": ["analyst@example.com"],
    "PROJECT_ID": "sheetbooks-emulator",
    "PROJECT_NUMBER": "123456789012",
    "REFRESH_TOKEN_LIFETIME_SECONDS": None,
    # The add-on's OAuth client id (get-authorization's oauthClientId): the audience of users' ID tokens.
    "ADDON_OAUTH_CLIENT_ID": "104857600000000000001",
}


def raw_path() -> str:
    """The request path before percent-decoding (ranges may hold %2F, %3A)."""
    environ = request.environ
    return (environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.path).split("?", 1)[0]


def _classify_and_gate() -> None:
    """Once per request: classify it, count it, inject faults, authenticate and charge API calls."""
    route = classify(request.method, raw_path())
    g.route = route
    if route is None:
        return
    backend = current_app.extensions["google_emulator"]
    backend.requests.record(route)
    caller = backend.bearer_principal()
    if caller is not None:
        backend.requests.record_user(caller.email, route)
    backend.apply_faults(route)
    if route.service in ("sheets", "drive"):
        backend.current_principal()


def _api_error(error: ApiError) -> tuple[Response, int]:
    return jsonify(error.body()), error.code


def _no_route(error: HTTPException) -> tuple[Response, int] | HTTPException:
    """Unknown Sheets/Drive URLs answer Google's JSON 404, not an HTML page gspread can't parse."""
    if g.get("route") is not None and g.route.service in ("sheets", "drive"):
        return _api_error(not_found())
    return error


def _register_sheets(app: Flask) -> None:
    """The Sheets v4 blueprint, once the Sheets half of the emulator exists."""
    try:
        from emulators.google.sheets.routes import blueprint
    except ModuleNotFoundError as exc:
        if exc.name not in ("emulators.google.sheets", "emulators.google.sheets.routes"):
            raise
        app.logger.warning("Sheets v4 routes not available: %s", exc)
        return
    app.register_blueprint(blueprint)


def create_app(config: dict | None = None) -> Flask:
    """A fresh emulator; `config` overrides DEFAULTS (see README)."""
    from emulators.google import (
        addon_host,
        addons,
        admin,
        drive,
        drive_comments,
        drive_copy,
        drive_import,
        drive_ownership,
        id_tokens,
        oauth,
        viewer,
    )

    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    app.extensions["google_emulator"] = Backend(app.config)
    app.before_request(_classify_and_gate)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(404, _no_route)
    app.register_error_handler(405, _no_route)
    for blueprint in (
        oauth.blueprint,
        drive.blueprint,
        drive_copy.blueprint,
        drive_comments.blueprint,
        drive_import.blueprint,
        drive_ownership.blueprint,
        viewer.blueprint,
        addons.blueprint,
        id_tokens.blueprint,
    ):
        app.register_blueprint(blueprint)
    if app.config["ADMIN"]:
        app.register_blueprint(admin.blueprint)
        app.register_blueprint(addon_host.blueprint)
    _register_sheets(app)
    return app
