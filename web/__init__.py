"""The dashboard: Flask app factory (Flask tutorial style), one blueprint per feature."""

from __future__ import annotations

import logging

from flask import Flask

from store.settings import Settings, configure, get_settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build the dashboard app; `test_config` may carry "SETTINGS" (installed process-wide) and Flask keys."""
    test_config = dict(test_config or {})
    settings: Settings | None = test_config.pop("SETTINGS", None)
    if settings is not None:
        configure(settings)
    settings = get_settings()

    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(test_config)

    from web import current, database, errors
    from web.extensions import csrf

    csrf.init_app(app)
    database.init_app(app)
    current.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    logging.getLogger("sheetbooks.web").debug("dashboard created for %s", settings.public_url)
    return app


def _register_blueprints(app: Flask) -> None:
    from web import auth, companies, exporters, google, health, home, internal, runs, webhooks, workspaces

    blueprints = (health, internal, auth, home, workspaces, companies, google, exporters, runs, webhooks)
    for module in blueprints:
        app.register_blueprint(module.bp)
