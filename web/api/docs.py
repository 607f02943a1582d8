"""The OpenAPI 3.1 document (/api/v1/openapi.json) and its rendered reference (/api/v1/docs); no token.

The document is flask-openapi3's, generated from the models that validate and serialize (web.api.schemas).
The page is Swagger UI from the files the flask-openapi3-swagger package ships (Apache-2.0, served from
here, no CDN), started by web/static/api_docs.js, so it runs under the dashboard's CSP (no inline script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import flask_openapi3_swagger
from flask import Blueprint, Response, current_app, jsonify, render_template, send_from_directory
from flask_openapi3.openapi import OpenAPI

from web.security_headers import relax_headers

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
SWAGGER_UI = Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger"
# Swagger UI sets style attributes and <style> blocks from its script (syntax highlighting, layout): this page
# alone may use inline styles. Scripts stay 'self' only, so the relaxation gives an injected page no code.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def document() -> dict[str, Any]:
    """The OpenAPI document, built once per process from the registered views."""
    return cast(OpenAPI, current_app).api_doc


@bp.get("/openapi.json")
def openapi() -> Response:
    response = jsonify(document())
    response.headers["Access-Control-Allow-Origin"] = "*"  # public and credential-free: any tool may read it
    return response


@bp.get("/docs")
@relax_headers({"Content-Security-Policy": DOCS_CSP})
def docs() -> str:
    return render_template("api/docs.html")


@bp.get("/docs/assets/<path:name>")
def asset(name: str) -> Response:
    return send_from_directory(SWAGGER_UI, name, max_age=24 * 3600)
