"""Security headers on every response, and a per-view way to relax them.

Every page gets a Content-Security-Policy without inline scripts or styles (templates load
`static/` files only), may not be framed, sends no cross-site referrer and no MIME sniffing. A view
that needs otherwise says so with `@relax_headers(...)`: the add-on's `openLink` pages, for instance,
must not send Cross-Origin-Opener-Policy, or Google's host cannot see the window close
(docs: workspace-addons reference, "openLink"):

    @bp.get("/addon/link")
    @relax_headers(OPEN_LINK)
    def link() -> str: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from store.settings import Settings, get_settings

V = TypeVar("V", bound=Callable[..., object])

# Pages opened by the add-on's CardService openLink (OnClose.RELOAD): no COOP, or the close goes unseen.
OPEN_LINK: Mapping[str, str | None] = {"Cross-Origin-Opener-Policy": None}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def default_headers(settings: Settings) -> dict[str, str]:
    """The headers of every response. Forms may post to this site and to the OAuth servers our connect
    buttons redirect to (browsers apply form-action to a form's redirects too)."""
    oauth = sorted({_origin(settings.qbo_auth_url), _origin(settings.google_auth_url)} - {""})
    form_targets = " ".join(["'self'", *oauth])
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action {form_targets}",
            "frame-ancestors 'none'",
        ]
    )
    headers = {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def relax_headers(changes: Mapping[str, str | None]) -> Callable[[V], V]:
    """Mark a view: each header in `changes` takes that value instead, or is left out when None."""

    def mark(view: V) -> V:
        view.security_headers = dict(changes)  # type: ignore[attr-defined]  # read back by _add_headers
        return view

    return mark


def _add_headers(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    headers: dict[str, str | None] = {**default_headers(get_settings())}
    headers.update(getattr(view, "security_headers", {}))
    for name, value in headers.items():
        if value is not None:
            response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
