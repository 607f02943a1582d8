"""The dashboard: Flask app factory (Flask tutorial style), one blueprint per feature."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask_openapi3.models.info import Info
from flask_openapi3.openapi import OpenAPI
from werkzeug.middleware.proxy_fix import ProxyFix

from store.models import SIGN_IN_LIFETIME
from store.settings import Settings, configure, get_settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the dashboard app; `test_config` may carry "SETTINGS" (installed process-wide) and Flask keys."""
    test_config = dict(test_config or {})
    settings: Settings | None = test_config.pop("SETTINGS", None)
    if settings is not None:
        configure(settings)
    settings = get_settings()
    _refuse_public_demo(settings)

    from web.api.problems import from_validation
    from web.api.schemas import ErrorBody

    # flask-openapi3's Flask: it validates /api/v1's requests with pydantic and builds its OpenAPI document;
    # its own doc pages are off (web.api.docs serves ours from vendored assets under the CSP).
    app = OpenAPI(
        __name__,
        info=Info(
            title="Sheetbooks API",
            version="1",
            description="Companies, Google accounts, sources, exporters and runs of one workspace. "
            "Authenticate with `Authorization: Bearer <API token>` (Workspace page, or "
            "`sheetbooks api-token create`).",
        ),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer", "description": "An API token"}},
        doc_ui=False,
        validation_error_status=422,
        validation_error_model=ErrorBody,
        validation_error_callback=from_validation,
    )
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SIGN_IN_LIFETIME,  # the purge of old sign-ins relies on it
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(test_config)
    if settings.proxy_hops:
        # The client's address and scheme as the trusted proxies saw them (login limits, https cookies).
        hops = settings.proxy_hops
        # Flask's documented way to add WSGI middleware; Flask types wsgi_app as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from web import current, database, errors, forms, security_headers, viewer_time
    from web.extensions import csrf

    csrf.init_app(app)
    database.init_app(app)
    forms.init_app(app)
    current.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    viewer_time.init_app(app)
    _register_blueprints(app)
    logging.getLogger("sheetbooks.web").debug("dashboard created for %s", settings.public_url)
    return app


def _refuse_public_demo(settings: Settings) -> None:
    """Demo mode shows every email (reset links included) on /outbox: never on a reachable address."""
    host = urlsplit(settings.public_url).hostname or ""
    if settings.demo_mode and host not in ("127.0.0.1", "localhost", "::1"):
        raise RuntimeError(
            f"DEMO_MODE is on but PUBLIC_URL is {settings.public_url}: the demo's outbox page would show "
            "password-reset links to anyone. Turn DEMO_MODE off, or serve the demo on 127.0.0.1."
        )


def _register_blueprints(app: OpenAPI) -> None:
    from web import (
        addon,
        auth,
        companies,
        exporters,
        google,
        health,
        home,
        internal,
        runs,
        webhooks,
        workspaces,
    )
    from web.api import api, docs
    from web.extensions import csrf

    blueprints = (
        health,
        internal,
        auth,
        home,
        workspaces,
        companies,
        google,
        exporters,
        runs,
        webhooks,
        addon,
        docs,
    )
    for module in blueprints:
        app.register_blueprint(module.bp)
    app.register_blueprint(addon.pages)
    csrf.exempt(api)  # Bearer tokens, never cookies: nothing for a cross-site form to ride on
    app.register_api(api)
