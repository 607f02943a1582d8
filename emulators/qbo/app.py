"""The Flask app factory: OAuth, the Accounting API, the admin API, `intuit_tid` on every response."""

from __future__ import annotations

import secrets

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from emulators.qbo.admin import bp as admin_bp
from emulators.qbo.api.routes import bp as api_bp
from emulators.qbo.api.routes import unsupported
from emulators.qbo.oauth.routes import bp as oauth_bp
from emulators.qbo.state import Emulator

DEFAULTS: dict = {
    "BASE_URL": None,
    "DB_PATH": None,
    "CLIENTS": {"sheetbooks-dev": {"secret": "sheetbooks-dev-secret", "redirect_uris": ["*"]}},
    "ADMIN": True,
    "WEBHOOK_URL": None,
    "WEBHOOK_VERIFIER": "sheetbooks-verifier",
    "WEBHOOK_FORMAT": "cloudevents",
    "SEED": [],
    "ROTATE_EVERY_REFRESH": False,
    "ISSUER": None,
    "LIMITS": {"per_minute": 500, "concurrent": 10},
}


def intuit_tid() -> str:
    """`1-6aa36f3e-7c887528297dc3cd2d23dbe2`, the shape of Intuit's correlation id."""
    return f"1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"


def build_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.json.sort_keys = False  # keys in Intuit's order (e.g. error_description before error)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.extensions["qbo"] = Emulator(app.config)
    app.register_blueprint(oauth_bp)
    app.register_blueprint(api_bp)
    if app.config["ADMIN"]:
        app.register_blueprint(admin_bp)
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    app.add_url_rule("/v3/<path:path>", "unsupported", unsupported, methods=methods)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if request.path.startswith("/v3/"):
            return unsupported()
        return error.get_response()

    @app.after_request
    def add_tid(response: Response) -> Response:
        response.headers["intuit_tid"] = intuit_tid()
        return response

    return app
