"""The dashboard in a real browser: Debian's chromium driven by Playwright, against a live server.

The analyst's first session as they would click it: sign up, connect QuickBooks and Google on the
emulators' consent pages, create an exporter, press Run now, watch the run succeed, open the sheet.
Set SHEETBOOKS_SCREENSHOT=path to keep a screenshot of the overview (README's docs/dashboard.png).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page
from rq import Worker

from emulators.serving import serve_in_thread
from tests.conftest import installed, make_settings
from web import create_app
from workers.queue import get_queues, get_redis

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live(sqlite_url, redis_url, qbo_emulator, google_emulator) -> Iterator[str]:
    """The dashboard on a real port, its OAuth callbacks pointing at that port."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_settings(sqlite_url, redis_url, qbo_emulator.url, google_emulator.url)
    with installed(settings.with_overrides(public_url=base)) as s:
        server = serve_in_thread(create_app({"SETTINGS": s}), port=port)
        yield base
        server.stop()


def follow(page: Page, selector: str) -> None:
    """Click what leads to another page and wait until that page has loaded, redirects included:
    Playwright's click no longer waits for the navigation it starts, so reading the page right after
    it could read the one being left (CI saw "Queued run #" missing after Run now)."""
    with page.expect_navigation():
        page.click(selector)


def test_first_session_from_signup_to_a_refreshed_sheet(live, chromium, qbo_emulator):
    reply = requests.post(
        f"{qbo_emulator.url}/_emulator/companies", json={"name": "Browser Bakery", "invoices": 60}, timeout=60
    )
    realm = str(reply.json()["realmId"])
    page = chromium.new_page(viewport={"width": 1280, "height": 860})

    page.goto(f"{live}/signup")
    page.fill("input[name=name]", "Grace")
    page.fill("input[name=email]", "grace@example.com")
    page.fill("input[name=password]", "correct horse battery")
    if page.locator("input[name=confirm]").count():
        page.fill("input[name=confirm]", "correct horse battery")
    follow(page, "button[type=submit]")
    assert "Overview of Grace's workspace" in page.content()

    page.goto(f"{live}/companies/")
    follow(page, "text=Connect QuickBooks")
    assert page.url.startswith(qbo_emulator.url)
    page.check(f"input[name=realmId][value='{realm}']")
    follow(page, "button[value=allow]")
    assert page.url.startswith(live) and "Browser Bakery" in page.content() and realm in page.content()

    page.goto(f"{live}/google/")
    follow(page, "text=Connect Google")
    page.fill("input[name=email]", "grace@example.com")
    follow(page, "button.primary")
    assert page.url.startswith(live) and "grace@example.com" in page.content()

    page.goto(f"{live}/exporters/new")
    page.fill("input[name=name]", "Bakery invoices")
    page.select_option("select[name=source]", "invoices")
    page.check("input[name=companies]")
    page.fill("input[name=spreadsheet_title]", "Bakery books")
    page.select_option("select[name=schedule]", "hourly")
    follow(page, "button[value=save]")
    assert "Created the exporter Bakery invoices" in page.content()

    follow(page, "text=Run now")
    queued = re.search(r"Queued run #(\d+)", page.content())
    assert queued, page.content()[:3000]
    redis = get_redis()
    Worker(get_queues(), connection=redis).work(burst=True)

    page.goto(f"{live}/runs/{queued.group(1)}")
    body = page.content()
    assert "succeeded" in body and "<th>Rows</th><td>60</td>" in body, body[:3000]

    with page.context.expect_page() as opened:
        page.click("text=Open the sheet")
    sheet = opened.value
    sheet.wait_for_load_state()
    assert "Bakery books" in sheet.title() and "Number" in sheet.content()

    # The overview: the company's health, the exporter's last run and its sheet, nothing in trouble.
    page.goto(live)
    overview = page.content()
    assert "Browser Bakery" in overview and realm in overview
    assert "Nothing: every connection is healthy" in overview
    row = page.locator("tr", has_text="Bakery invoices").first.inner_text()
    assert "Invoices" in row and "Hourly" in row and "succeeded" in row and "60 rows" in row
    target = os.environ.get("SHEETBOOKS_SCREENSHOT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=target, full_page=True)


def test_the_schedule_preview_follows_the_editor_as_it_changes(live, chromium):
    """The editor's static script (no inline JS under the CSP) shows only the chosen kind's fields and
    the schedule in words with its next runs, before anything is saved."""
    page = chromium.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{live}/signup")
    page.fill("input[name=name]", "Hopper")
    page.fill("input[name=email]", "hopper@example.com")
    page.fill("input[name=password]", "correct horse battery")
    if page.locator("input[name=confirm]").count():
        page.fill("input[name=confirm]", "correct horse battery")
    follow(page, "button[type=submit]")

    page.goto(f"{live}/exporters/new")
    assert page.locator("input[name=schedule_times]").is_hidden()  # hourly: minute only
    page.select_option("select[name=schedule]", "monthly")
    assert page.locator("input[name=schedule_times]").is_visible()
    page.fill("input[name=schedule_times]", "06:00")
    page.select_option("select[name=schedule_day_of_month]", "0")
    page.fill("input[name=schedule_time_zone]", "Europe/London")
    preview = page.locator("#schedule-preview")
    preview.get_by_text("Monthly on the last day at 06:00 (Europe/London)").wait_for(timeout=10_000)
    assert preview.inner_text().count("06:00") >= 6  # the words and five next runs
    page.fill("input[name=schedule_times]", "7 am")
    preview.get_by_text("is not a time").wait_for(timeout=10_000)
