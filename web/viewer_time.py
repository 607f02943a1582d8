"""Times in the viewer's time zone: the user's setting, else the browser's (a cookie set by
static/time_zone.js), else UTC; the UTC time stays on hover."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g, has_request_context, request
from markupsafe import Markup, escape

from web.dates import aware

BROWSER_COOKIE = "tz"  # the browser's IANA zone, written by static/time_zone.js


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The IANA zone of that name; None for an empty or unknown name."""
    try:
        return ZoneInfo((name or "").strip()) if (name or "").strip() else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def viewer_zone() -> tuple[ZoneInfo, str]:
    """The zone the current viewer reads times in, and whose it is: "user" (their setting) or "browser"
    (the browser's, or UTC until the browser has said)."""
    user = getattr(g, "user", None) if has_request_context() else None
    if (own := zone_or_none(getattr(user, "time_zone", ""))) is not None:
        return own, "user"
    cookie = request.cookies.get(BROWSER_COOKIE) if has_request_context() else None
    return zone_or_none(cookie) or ZoneInfo("UTC"), "browser"


def local_time(value: datetime | None) -> Markup:
    """A `<time>` in the viewer's zone, with UTC in its title (shown on hover); "—" for no time."""
    if value is None:
        return Markup("—")
    moment = aware(value)
    zone, whose = _request_zone()
    utc, local = moment.astimezone(UTC), moment.astimezone(zone)
    # escape() and an f-string: Markup.format costs ~0.2 ms a call, and a page of runs has 150 times
    return Markup(
        f'<time datetime="{escape(utc.isoformat())}" title="{utc:%Y-%m-%d %H:%M} UTC" '
        f'data-zone="{escape(whose)}">{local:%Y-%m-%d %H:%M} {escape(local.tzname() or "")}</time>'
    )


def _request_zone() -> tuple[ZoneInfo, str]:
    """viewer_zone(), looked up once per request (a list page shows hundreds of times)."""
    if not has_request_context():
        return viewer_zone()
    known: tuple[ZoneInfo, str] | None = g.get("viewer_zone")
    if known is None:
        known = g.viewer_zone = viewer_zone()
    return known


def init_app(app: Flask) -> None:
    app.jinja_env.globals["local_time"] = local_time
