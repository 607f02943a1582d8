"""Error pages that say what happened and never leak internals (addresses, class names)."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("sheetbooks.web")

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    401: ("Not signed", "The request was not signed as expected."),
    403: ("Not allowed", "You don't have access to this page."),
    404: ("Not found", "There is nothing here, or it belongs to another workspace."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "That upload is too large."),
    500: ("Something went wrong", "We hit an unexpected error. Nothing was changed; try again in a minute."),
    503: (
        "Temporarily unavailable",
        "Sheetbooks cannot reach its job queue right now, so this could not be done. "
        "Nothing was changed; try again in a few minutes.",
    ),
}
EXPIRED_FORM = "This form has expired or was not sent from Sheetbooks. Reload the page and try again."

Page = tuple[dict[str, str], int] | tuple[str, int]


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.path.startswith("/webhooks/")


def _page(code: int, detail: str | None = None) -> Page | Response:
    if request.path.startswith("/api/"):
        from web.api.problems import http_answer

        return http_answer(code)
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if _wants_json():
        return {"error": title, "message": detail or message}, code
    return render_template("error.html", code=code, title=title, message=detail or message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Page | Response:
        return _page(400, EXPIRED_FORM)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Page | Response:
        return _page(error.code or 500)

    @app.errorhandler(RedisError)
    def redis_down(error: RedisError) -> Page | Response:
        # Logged without the traceback's noise; the page names no host, port or exception class.
        log.error("Redis unavailable on %s %s: %s", request.method, request.path, error)
        return _page(503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Page | Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _page(500)
