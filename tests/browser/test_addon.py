"""The Sheets add-on in a real browser: the Google emulator's spreadsheet viewer plays Sheets, its side panel
renders the backend's cards and sends their actions through the emulator's add-on host.

Grace opens her spreadsheet, opens Sheetbooks in the side panel, links her account in the sign-in window
(Sheetbooks sign-in, confirm, Google sign-in as the account the add-on is open as; the window closes),
grants the add-on this spreadsheet, creates an Invoices exporter into a new tab (in her workspace, after a
look at the other one she belongs to), sees it run and the tab fill, presses Refresh now and watches the
status change. A screenshot of each step goes to the test's tmp dir; SHEETBOOKS_ADDON_SCREENSHOT=path keeps
the one of the filled tab (README's docs/addon.png).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rq import Queue, Worker
from sqlmodel import select

from store import db
from store.models import Membership, User, Workspace
from tests.addon.host import AddonHost, running_addon
from tests.addon.test_sidebar import analyst
from tests.conftest import make_settings
from tests.web.browser import PASSWORD
from tests.web.oauth import connect_google, connect_quickbooks
from workers.queue import get_redis, queue_names

pytestmark = pytest.mark.browser

EMAIL = "grace@example.com"


@pytest.fixture
def addon(sqlite_url, redis_url, qbo_emulator, google_emulator) -> Iterator[AddonHost]:
    settings = make_settings(sqlite_url, redis_url, qbo_emulator.url, google_emulator.url)
    yield from running_addon(settings, google_emulator.url)


def company(qbo_url: str, name: str, invoices: int) -> str:
    reply = requests.post(
        f"{qbo_url}/_emulator/companies", json={"name": name, "invoices": invoices}, timeout=60
    )
    return str(reply.json()["realmId"])


def work() -> None:
    redis = get_redis()
    Worker([Queue(name, connection=redis) for name in queue_names()], connection=redis).work(burst=True)


def test_the_sidebar_links_grants_creates_runs_and_refreshes(
    addon: AddonHost, chromium, qbo_emulator, tmp_path
):
    realm = company(qbo_emulator.url, "Panel Pottery", 40)
    grace = analyst(addon, "Grace", EMAIL)
    connect_quickbooks(grace, str(realm))
    connect_google(grace, EMAIL)
    # Grace also belongs to Hal's workspace: the new-exporter form asks which one.
    hal = analyst(addon, "Hal", "hal@example.com")
    connect_quickbooks(hal, str(company(qbo_emulator.url, "Hal Hardware", 2)))
    with db.session_scope() as session:
        grace_id = session.exec(select(User.id).where(User.email == EMAIL)).one()
        hal_ws = session.exec(select(Workspace.id).where(Workspace.name == "Hal's workspace")).one()
        session.add(Membership(user_id=grace_id, workspace_id=hal_ws))
    sheet = addon.spreadsheet(EMAIL, "Pottery books")
    addon.install(EMAIL)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    page = chromium.new_page(viewport={"width": 1400, "height": 860})

    def shot(name: str) -> Path:
        path = shots / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    panel = page.locator("#addon-panel")
    viewer = f"{addon.emulator}/spreadsheets/d/{sheet}/edit"
    page.goto(viewer)
    shot("1-spreadsheet")

    page.click("button.open-addon")
    panel.get_by_role("button", name="Sign in to Sheetbooks").wait_for()
    assert "Link this Google account" in panel.inner_text()
    shot("2-link-prompt")

    with page.expect_popup() as opened:
        panel.get_by_role("button", name="Sign in to Sheetbooks").click()
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.url.startswith(addon.backend + "/addon/link")
    popup.fill("input[name=email]", EMAIL)
    popup.fill("input[name=password]", PASSWORD)
    popup.click("button[type=submit]")
    popup.get_by_role("button", name=f"Link {EMAIL}").wait_for()
    popup.screenshot(path=str(shots / "3-link-confirm.png"))
    popup.get_by_role("button", name=f"Link {EMAIL}").click()
    # Google's sign-in in the same window, suggesting the account the add-on is open as.
    popup.get_by_role("button", name="Allow").wait_for()
    assert popup.url.startswith(addon.emulator + "/o/oauth2/v2/auth")
    assert popup.input_value("input[name=email]") == EMAIL
    popup.screenshot(path=str(shots / "3b-google-sign-in.png"))
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Allow").click()

    # The window closed: the panel reloads (onClose RELOAD) and asks for this spreadsheet only.
    panel.get_by_role("button", name="Grant access to this spreadsheet").wait_for()
    assert "this spreadsheet only" in panel.inner_text()
    shot("4-file-access")
    panel.get_by_role("button", name="Grant access to this spreadsheet").click()
    panel.locator("#addon-allow-file").click()
    panel.get_by_text("No exporter of yours writes into this spreadsheet yet.").first.wait_for()
    assert "Pottery books" in panel.inner_text()

    panel.get_by_role("button", name="New exporter").click()
    panel.locator("#addon-input-name").wait_for()
    panel.locator("#addon-input-name").fill("Pottery invoices")
    # Choosing Hal's workspace re-renders the form with its companies (onChangeAction); back to hers.
    assert panel.get_by_label("Panel Pottery").is_visible()
    panel.locator("select[name=workspace_id]").select_option(label="Hal's workspace")
    panel.get_by_label("Hal Hardware").wait_for()
    assert panel.get_by_label("Panel Pottery").count() == 0
    assert panel.locator("#addon-input-name").input_value() == "Pottery invoices"
    panel.locator("select[name=workspace_id]").select_option(label="Grace's workspace")
    panel.get_by_label("Panel Pottery").wait_for()
    panel.get_by_label("Panel Pottery").check()
    panel.locator("select[name=source]").select_option("invoices")
    panel.locator("#addon-input-tab").fill("Invoices")
    panel.locator("select[name=schedule]").select_option("0 * * * *")
    shot("5-new-exporter")
    panel.get_by_role("button", name="Create and run").click()
    panel.get_by_text("first run is queued").first.wait_for()
    assert "Refresh queued" in panel.inner_text() and "Hourly" in panel.inner_text()
    shot("6-created")

    work()
    page.goto(viewer)
    page.get_by_role("link", name="Invoices").click()
    page.locator("#grid td", has_text="Number").first.wait_for()
    page.click("button.open-addon")
    panel.get_by_text("Succeeded").first.wait_for()
    text = panel.inner_text()
    assert "40 rows" in text and "Pottery invoices" in text and "Panel Pottery" in text
    assert page.locator("#grid tbody tr").nth(40).inner_text().strip() != "41"  # row 41 holds an invoice
    filled = shot("7-tab-filled")

    panel.get_by_role("button", name="Refresh now").click()
    panel.get_by_text("refresh queued").first.wait_for()
    assert "Refresh queued" in panel.inner_text() and "Succeeded" not in panel.inner_text()
    assert panel.get_by_role("button", name="Refresh now").is_disabled()
    shot("8-refresh-queued")
    work()
    panel.get_by_role("button", name="Reload").click()
    panel.get_by_text("Succeeded").first.wait_for()
    assert "Refresh queued" not in panel.inner_text()
    shot("9-refreshed")

    target = os.environ.get("SHEETBOOKS_ADDON_SCREENSHOT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(filled, target)
