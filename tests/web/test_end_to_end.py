"""The walking skeleton's story, end to end, on SQLite and on PostgreSQL.

Sign up, connect QuickBooks and Google through the emulators' consent pages, create an invoices
exporter into a new spreadsheet, press Run now, let a real RQ worker (burst mode, real Redis) do the
run, read the tab back with gspread and compare every row with the emulator's invoices. Then the tick
runs it again when it is due, a deleted tab is re-created, and no token is stored or logged in clear.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from rq import Worker
from sqlalchemy import text
from sqlmodel import Session, select

from connections.clients import gspread_client_for
from exporters.schedules import Schedule
from store import crypto
from store.db import get_engine
from store.models import Company, Exporter, GoogleAccount, Run, RunStatus, utcnow
from tests.web.browser import Browser
from tests.web.oauth import connect_google, connect_quickbooks
from workers.queue import get_queues, get_redis
from workers.tick import tick

INVOICES = 1040  # more than one page of 1000: the worker must page with STARTPOSITION
WRITER = "analyst@example.com"
EXCEL_EPOCH = date(1899, 12, 30)


def create(browser: Browser, **values: str):
    """Save a new invoices exporter into a new spreadsheet's tab `Invoices`, replaced on each run."""
    browser.get("/exporters/new")
    form = browser.form("Save exporter")
    defaults = {"source": "invoices", "companies": form.choices["companies"], "destination": "new"}
    fields = {**defaults, "tab": "Invoices", "write_mode": "replace", **values}
    return browser.submit(form, "Save exporter", **fields)


def work(settings) -> None:
    """A real RQ worker (forking a work horse per job) that stops when the queue is empty."""
    redis = get_redis()
    Worker(get_queues(), connection=redis).work(burst=True)


def runs() -> list[Run]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Run).order_by(Run.id)).all())


def the_exporter() -> Exporter:
    with Session(get_engine()) as session:
        return session.exec(select(Exporter)).one()


def emulator_invoices(qbo_url: str, realm: str) -> list[dict]:
    reply = requests.get(f"{qbo_url}/_emulator/companies/{realm}/entities/Invoice", timeout=60)
    reply.raise_for_status()
    return reply.json()["Invoice"]


def as_date(serial: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(serial))


def expected_status(invoice: dict, today: date) -> str:
    if Decimal(str(invoice["Balance"])) <= 0:
        return "Paid"
    return "Overdue" if date.fromisoformat(invoice["DueDate"]) < today else "Open"


def assert_tab_matches(rows: list[list], invoices: list[dict]) -> None:
    """Every invoice is one row with the same number, dates, customer, amounts and status."""
    header, body = rows[0], rows[1:]
    col = {label: header.index(label) for label in header}
    assert {"Number", "Date", "Customer", "Total", "Balance", "Due date", "Status"} <= set(col)
    assert len(body) == len(invoices)
    today = date.today()
    by_number = {str(row[col["Number"]]): row for row in body}
    assert len(by_number) == len(invoices)
    for invoice in invoices:
        row = by_number[invoice["DocNumber"]]
        assert as_date(row[col["Date"]]) == date.fromisoformat(invoice["TxnDate"])
        assert as_date(row[col["Due date"]]) == date.fromisoformat(invoice["DueDate"])
        assert row[col["Customer"]] == invoice["CustomerRef"]["name"]
        assert Decimal(str(row[col["Total"]])) == Decimal(str(invoice["TotalAmt"]))
        assert Decimal(str(row[col["Balance"]])) == Decimal(str(invoice["Balance"]))
        assert row[col["Status"]] in {
            expected_status(invoice, today),
            expected_status(invoice, utcnow().date()),
        }


@pytest.fixture
def story(user: Browser, qbo_emulator, google_emulator, settings, database_url) -> Browser:
    """A signed-up analyst with the seeded company and a Google account connected."""
    reply = requests.post(
        f"{qbo_emulator.url}/_emulator/companies",
        json={"name": "Skeleton Landscaping", "invoices": INVOICES},
        timeout=120,
    )
    reply.raise_for_status()
    user.realm = str(reply.json()["realmId"])
    page = connect_quickbooks(user, user.realm)
    assert page.has("Skeleton Landscaping") and page.has(user.realm)
    page = connect_google(user, WRITER, "Allow")
    assert page.has(WRITER)
    return user


def test_invoices_reach_the_sheet_and_the_tick_refreshes_them(story: Browser, settings, qbo_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    page = create(story, name="Invoices", spreadsheet_title="Skeleton books", schedule="hourly")
    assert page.has("Created the exporter Invoices"), page.html[:2000]
    exporter = the_exporter()
    assert exporter.tab == "Invoices" and exporter.schedule_cron == "0 * * * *" and exporter.spreadsheet_id

    page = story.get(f"/exporters/{exporter.id}")
    page = story.submit(story.form("Run now"))
    [run] = runs()
    assert page.has(f"Queued run #{run.id}")

    work(settings)

    [run] = runs()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.rows == INVOICES
    assert run.qbo_calls == 3  # two pages of invoices, and a COUNT for progress once the first was full
    assert run.finished_at is not None and run.started_at is not None
    run_page = story.get(f"/runs/{run.id}")
    cells = dict(re.findall(r"<tr><th>([^<]+)</th><td>([^<]*)</td></tr>", run_page.html))
    assert "succeeded" in run_page.html and cells["Rows"] == str(INVOICES)
    assert re.fullmatch(r"\d+\.\d s", cells["Duration"]), cells
    assert exporter.spreadsheet_id in run_page.html  # the link to the sheet

    with Session(get_engine()) as session:
        gc = gspread_client_for(session.get(GoogleAccount, exporter.google_account_id))
    spreadsheet = gc.open_by_key(exporter.spreadsheet_id)
    assert [tab.title for tab in spreadsheet.worksheets()] == ["Invoices"]  # no stray "Sheet1"
    invoices = emulator_invoices(qbo_emulator.url, story.realm)
    assert len(invoices) == INVOICES
    assert_tab_matches(
        spreadsheet.worksheet("Invoices").get_all_values(value_render_option="UNFORMATTED_VALUE"), invoices
    )
    formatted = spreadsheet.worksheet("Invoices").get("A1:Z2")
    header = formatted[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", formatted[1][header.index("Date")])

    # "Open the sheet" on the run page opens the tab in Google's (here: the emulator's) viewer.
    viewer = requests.get(run_page.link("Open the sheet"), timeout=30)
    assert viewer.ok and invoices[0]["DocNumber"] in viewer.text and invoices[-1]["DocNumber"] in viewer.text

    # "Run now" served the overdue first slot: the next scheduled run is the next top of the hour; the
    # tick does nothing until then, then queues it.
    due = the_exporter().next_run_at
    assert due == Schedule("0 * * * *").next_after(utcnow())
    assert tick().queued == []
    [scheduled] = tick(now=due + timedelta(seconds=1)).queued
    work(settings)
    first, second = runs()
    assert second.id == scheduled
    assert second.status == RunStatus.SUCCEEDED and second.trigger == "schedule" and second.rows == INVOICES

    # An analyst deletes the tab: the next run re-creates it with every row.
    spreadsheet.add_worksheet("Summary", rows=10, cols=5)  # a spreadsheet can't lose its last tab
    spreadsheet.del_worksheet(spreadsheet.worksheet("Invoices"))
    story.get(f"/exporters/{exporter.id}")
    story.submit(story.form("Run now"))
    work(settings)
    third = runs()[-1]
    assert third.status == RunStatus.SUCCEEDED, third.error
    assert_tab_matches(
        spreadsheet.worksheet("Invoices").get_all_values(value_render_option="UNFORMATTED_VALUE"), invoices
    )

    assert_no_token_in_clear(caplog.text)


def assert_no_token_in_clear(log_text: str) -> None:
    """The tokens exist only encrypted: not in any column of the store, not in the logs."""
    with Session(get_engine()) as session:
        company = session.exec(select(Company)).one()
        account = session.exec(select(GoogleAccount)).one()
        google = crypto.decrypt_json(account.credentials_enc)
        secrets = [
            crypto.decrypt(company.access_token_enc),
            crypto.decrypt(company.refresh_token_enc),
            google["token"],
            google["refresh_token"],
        ]
        assert all(len(secret) >= 20 for secret in secrets)
        stored = []
        for table in ("company", "googleaccount", "exporter", "run", "watermark"):
            stored += [repr(tuple(row)) for row in session.exec(text(f"SELECT * FROM {table}")).all()]
    dump = "\n".join(stored)
    for secret in secrets:
        assert secret not in dump
        assert secret not in log_text


def test_a_deleted_spreadsheet_fails_the_run_and_says_what_to_do(story: Browser, settings, google_emulator):
    create(story, name="Doomed", spreadsheet_title="Soon gone", schedule="manual")
    exporter = the_exporter()
    with Session(get_engine()) as session:
        gc = gspread_client_for(session.get(GoogleAccount, exporter.google_account_id))
    gc.del_spreadsheet(exporter.spreadsheet_id)

    story.get(f"/exporters/{exporter.id}")
    story.submit(story.form("Run now"))
    work(settings)

    [run] = runs()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith(
        f"The spreadsheet {exporter.spreadsheet_id} was deleted or is no longer shared"
    )
    assert WRITER in run.error and "pick another spreadsheet" in run.error
    page = story.get(f"/exporters/{exporter.id}")
    assert story.status == 200 and the_exporter().destination_error == run.error
    assert page.has("was deleted or is no longer shared with analyst@example.com")
