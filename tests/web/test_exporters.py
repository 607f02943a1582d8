"""The exporter editor with a new or pasted spreadsheet, run now on real Redis, enable/disable, delete."""

from __future__ import annotations

import re

import pytest
import requests
from rq import Queue
from sqlmodel import Session, select

from store.db import get_engine
from store.models import Exporter, ExporterCompany, Run
from tests.web.browser import Browser
from tests.web.oauth import connect_google, connect_quickbooks
from workers.queue import get_redis

WRITER = "writer@example.com"


@pytest.fixture
def ready(user: Browser, qbo_emulator, google_emulator, settings) -> Browser:
    """A user with one QuickBooks company and one Google account."""
    reply = requests.post(f"{qbo_emulator.url}/_emulator/companies", json={"name": "Editor Co"}, timeout=30)
    connect_quickbooks(user, str(reply.json()["realmId"]))
    connect_google(user, WRITER, "Allow")
    return user


def exporters() -> list[Exporter]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Exporter)).all())


def create(browser: Browser, **values: str | list[str]):  # noqa: ANN201
    browser.get("/exporters/new")
    form = browser.form("Save exporter")
    defaults = {"name": "Open invoices", "source": "invoices", "companies": form.choices["companies"]}
    return browser.submit(form, "Save exporter", **{**defaults, **values})


def test_create_with_a_new_spreadsheet(ready: Browser) -> None:
    page = create(ready, destination="new", spreadsheet_title="Board pack", schedule="60")
    assert page.has("Created the exporter Open invoices"), re.findall(r"class=\"error\">([^<]*)", page.html)
    assert page.has("Board pack") and page.has("Hourly") and page.has("Open the sheet")
    [exporter] = exporters()
    assert exporter.spreadsheet_id and exporter.tab == "Invoices" and exporter.schedule_minutes == 60
    assert exporter.columns and exporter.next_run_at is not None
    with Session(get_engine()) as session:
        assert len(session.exec(select(ExporterCompany)).all()) == 1
    assert ready.get("/exporters/").has("Open invoices")


def test_pasted_unknown_spreadsheet_keeps_the_form(ready: Browser) -> None:
    page = create(
        ready,
        destination="existing",
        spreadsheet="https://docs.google.com/spreadsheets/d/1NoSuchSheetAtAll0000/edit",
    )
    assert page.has(
        f"We couldn't open that spreadsheet with {WRITER}: check the link or share it with {WRITER}"
    )
    form = ready.form("Save exporter")
    assert form.fields["name"] == "Open invoices"
    assert "1NoSuchSheetAtAll0000" in form.fields["spreadsheet"]
    assert exporters() == []


def test_pasted_spreadsheet_url_is_used(ready: Browser) -> None:
    create(ready, destination="new", spreadsheet_title="Existing book", name="First")
    [first] = exporters()
    url = ready.get(f"/exporters/{first.id}").link("Open the sheet")
    page = create(ready, destination="existing", spreadsheet=url, name="Second", schedule="manual")
    assert page.has("Created the exporter Second") and page.has("Manual only"), page.text[-700:]
    assert {e.spreadsheet_id for e in exporters()} == {first.spreadsheet_id}


def test_bad_where_and_no_company_are_explained(ready: Browser) -> None:
    page = create(ready, where="TotalAmt >>> nonsense", companies=[])
    assert page.has("Choose at least one company")
    assert exporters() == []


def test_run_now_queues_one_run_on_redis(ready: Browser, settings) -> None:
    create(ready, destination="new", spreadsheet_title="Runs", schedule="manual")
    [exporter] = exporters()
    ready.get(f"/exporters/{exporter.id}")
    page = ready.submit(ready.form("Run now"))
    with Session(get_engine()) as session:
        [run] = session.exec(select(Run)).all()
    assert page.has(f"Queued run #{run.id} of Open invoices") and page.has("queued")
    queue = Queue(settings.queue_name, connection=get_redis())
    assert [job.args for job in queue.jobs] == [(run.id,)]
    ready.get(f"/exporters/{exporter.id}")
    page = ready.submit(ready.form("Run now"))
    assert page.has("already queued or running")
    assert len(queue.jobs) == 1
    assert ready.client.get(f"/runs/{run.id}.json").json["status"] == "queued"


def test_disable_enable_and_delete(ready: Browser) -> None:
    create(ready, destination="new", spreadsheet_title="Toggle")
    [exporter] = exporters()
    ready.get(f"/exporters/{exporter.id}")
    assert ready.submit(ready.form("Disable")).has("Disabled Open invoices")
    assert ready.submit(ready.form("Enable")).has("Enabled Open invoices")
    page = ready.get(ready.page.link("Delete"))
    assert page.has("deletes the exporter and its run history")
    assert ready.submit(ready.form("Delete exporter")).has("Deleted Open invoices")
    assert exporters() == []
