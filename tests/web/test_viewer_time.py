"""Times in the dashboard are shown in the viewer's time zone (their setting, else the browser's), with UTC
on hover; the browser's zone comes from a static script (the CSP allows no inline one)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from store.db import get_engine
from store.models import User
from tests.web.browser import Browser

JOINED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def joined_at_noon_utc() -> None:
    with Session(get_engine()) as session:
        for user in session.exec(select(User)).all():
            user.created_at = JOINED
            session.add(user)
        session.commit()


def shown_time(browser: Browser) -> str:
    """The <time> of the user's "joined" column on the members page."""
    html = browser.get("/workspace/members").html
    [time] = re.findall(r"<time [^>]*>[^<]*</time>", html)
    return time


def test_times_follow_the_browsers_zone_then_the_users_own_with_utc_on_hover(user: Browser) -> None:
    joined_at_noon_utc()
    assert shown_time(user) == (
        '<time datetime="2026-01-15T12:00:00+00:00" title="2026-01-15 12:00 UTC" data-zone="browser">'
        "2026-01-15 12:00 UTC</time>"
    )
    user.client.set_cookie("tz", "America/New_York")  # what static/time_zone.js writes
    assert 'title="2026-01-15 12:00 UTC" data-zone="browser">2026-01-15 07:00 EST</time>' in shown_time(user)

    page = user.fill("/account", "Save settings", time_zone="Asia/Tokyo")
    assert page.has("Times are shown in Asia/Tokyo")
    assert 'title="2026-01-15 12:00 UTC" data-zone="user">2026-01-15 21:00 JST</time>' in shown_time(user)

    page = user.fill("/account", "Save settings", time_zone="Mars/Olympus")
    assert user.status == 400 and page.has("Unknown time zone 'Mars/Olympus'")
    page = user.fill("/account", "Save settings", time_zone="")
    assert page.has("Times are shown in your browser’s time zone")
    assert "07:00 EST" in shown_time(user)


def test_the_browsers_zone_is_read_by_a_static_script(user: Browser) -> None:
    html = user.get("/account").html
    assert re.search(r'<script src="/static/time_zone.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*src=)[^>]*>", html)  # no inline script
    script = user.client.get("/static/time_zone.js")
    assert script.status_code == 200 and b"resolvedOptions().timeZone" in script.data
