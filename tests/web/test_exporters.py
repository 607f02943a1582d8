"""The exporter editor with a new or pasted spreadsheet, run now on real Redis, enable/disable, delete."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import requests
import sqlalchemy as sa
from sqlmodel import Session, select

from store.db import get_engine
from store.documents import ExporterOptions, FixedRange, RelativeRange
from store.models import Exporter, ExporterCompany, Run, Watermark
from tests.web.browser import Browser
from tests.web.oauth import connect_google, connect_quickbooks
from web.exporters.editor import FORM_OPTIONS, KEPT_OPTIONS
from workers.queue import get_queue

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


def create(browser: Browser, **values: str | list[str]):
    browser.get("/exporters/new")
    form = browser.form("Save exporter")
    defaults = {"name": "Open invoices", "source": "invoices", "companies": form.choices["companies"]}
    return browser.submit(form, "Save exporter", **{**defaults, **values})


def test_create_with_a_new_spreadsheet(ready: Browser) -> None:
    page = create(ready, destination="new", spreadsheet_title="Board pack", schedule="hourly")
    assert page.has("Created the exporter Open invoices"), re.findall(r"class=\"error\">([^<]*)", page.html)
    assert page.has("Board pack") and page.has("Hourly") and page.has("Open the sheet")
    [exporter] = exporters()
    assert exporter.spreadsheet_id and exporter.tab == "Invoices" and exporter.schedule_cron == "0 * * * *"
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


def test_a_pasted_spreadsheet_the_account_may_not_open_is_a_field_error_not_a_500(
    ready: Browser, google_emulator
) -> None:
    """Another Google user's spreadsheet, not shared: Google answers 403 (gspread: PermissionError)."""
    token = requests.post(
        f"{google_emulator.url}/_emulator/tokens", json={"email": "stranger@example.com"}, timeout=30
    ).json()["access_token"]
    theirs = requests.post(
        f"{google_emulator.url}/v4/spreadsheets",
        json={"properties": {"title": "Not yours"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()["spreadsheetId"]
    page = create(ready, destination="existing", spreadsheet=theirs)
    assert ready.status == 400
    assert page.has(
        f"We couldn't open that spreadsheet with {WRITER}: check the link or share it with {WRITER}"
    )
    assert exporters() == []


def test_pasted_spreadsheet_url_is_used(ready: Browser) -> None:
    create(ready, destination="new", spreadsheet_title="Existing book", name="First")
    [first] = exporters()
    url = ready.get(f"/exporters/{first.id}").link("Open the sheet")
    page = create(
        ready, destination="existing", spreadsheet=url, name="Second", schedule="manual", tab="Second tab"
    )
    assert page.has("Created the exporter Second") and page.has("Manual only"), page.text[-700:]
    assert {e.spreadsheet_id for e in exporters()} == {first.spreadsheet_id}


def test_a_tab_another_exporter_writes_is_refused_naming_and_linking_it(ready: Browser) -> None:
    create(ready, destination="new", spreadsheet_title="Shared book", name="First")
    [first] = exporters()
    url = ready.get(f"/exporters/{first.id}").link("Open the sheet")
    page = create(ready, destination="existing", spreadsheet=url, name="Second", tab="invoices ")
    assert ready.status == 400
    assert page.has("The exporter “First” already writes the tab “Invoices” of this spreadsheet")
    assert page.link("Open that exporter").endswith(f"/exporters/{first.id}")
    assert [e.name for e in exporters()] == ["First"]
    # editing the first exporter keeps its own tab
    ready.get(f"/exporters/{first.id}/edit")
    assert ready.submit(ready.form("Save exporter"), "Save exporter").has("Saved the exporter First")


def test_an_empty_tab_is_an_error_not_the_sources_name(ready: Browser) -> None:
    ready.get("/exporters/new")
    assert ready.form("Save exporter").fields["tab"] == "Invoices"  # filled visibly when the source is chosen
    page = ready.submit(ready.form("Save exporter"), "refresh", source="vendors")
    assert ready.form("Save exporter").fields["tab"] == "Vendors"
    page = create(ready, tab="", spreadsheet_title="No tab")
    assert ready.status == 400 and page.has("Name the tab the exporter writes")
    assert ready.form("Save exporter").fields["tab"] == ""
    assert exporters() == []


def test_zero_columns_is_an_error_not_the_default_columns(ready: Browser) -> None:
    page = create(ready, columns=[], spreadsheet_title="No columns")
    assert ready.status == 400 and page.has("Choose at least one column")
    assert exporters() == []


def test_bad_where_and_no_company_are_explained(ready: Browser) -> None:
    page = create(ready, where="TotalAmt >>> nonsense", companies=[])
    assert page.has("Choose at least one company")
    assert exporters() == []


def test_a_where_value_that_does_not_fit_its_field_is_explained_on_the_form(ready: Browser) -> None:
    page = create(ready, where="TxnDate > 'yesterday'", spreadsheet_title="Typed")
    assert ready.status == 400
    assert page.has("TxnDate is a date: compare it with a date in quotes, like '2024-01-31', not 'yesterday'")
    page = create(ready, where="TotalAmt >> 5", spreadsheet_title="Typed")
    assert page.has("'>>' is not an operator") and not page.has("single quotes")
    assert exporters() == []


def test_run_now_queues_one_run_on_redis(ready: Browser, settings) -> None:
    create(ready, destination="new", spreadsheet_title="Runs", schedule="manual")
    [exporter] = exporters()
    ready.get(f"/exporters/{exporter.id}")
    page = ready.submit(ready.form("Run now"))
    with Session(get_engine()) as session:
        [run] = session.exec(select(Run)).all()
    assert page.has(f"Queued run #{run.id} of Open invoices") and page.has("queued")
    queue = get_queue(priority=True)  # Run now goes ahead of the clock
    assert [job.args for job in queue.jobs] == [(run.id,)] and get_queue().jobs == []
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


def test_report_options_are_saved_and_shown_again(ready: Browser) -> None:
    page = create(
        ready,
        name="P&L by month",
        source="profit_and_loss",
        destination="new",
        spreadsheet_title="Board pack",
        date_range="last_n_days",
        n_days="90",
        layout="tidy",
        accounting_method="Cash",
        summarize_column_by="Month",
        companies_layout="blocks",
        filter_customer="1, 2",
        filter_class="3",
        time_zone="America/Los_Angeles",
    )
    assert page.has("Created the exporter P&L by month"), re.findall(r"class=\"error\">([^<]*)", page.html)
    [exporter] = exporters()
    assert exporter.options == ExporterOptions(
        date_range=RelativeRange(relative="last_n_days", n=90),
        layout="tidy",
        accounting_method="Cash",
        companies_layout="blocks",
        summarize_column_by="Month",
        customer_ids=["1", "2"],
        class_ids=["3"],
    )
    assert exporter.time_zone == "America/Los_Angeles"
    assert exporter.columns[:3] == ["company", "realm_id", "section_path"]  # the tidy defaults
    assert page.has("America/Los_Angeles") and page.has("summarize_column_by: Month")
    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    assert form.fields["date_range"] == "last_n_days" and form.fields["n_days"] == "90"
    assert form.fields["summarize_column_by"] == "Month" and form.fields["companies_layout"] == "blocks"
    assert form.fields["filter_customer"] == "1, 2" and form.fields["filter_class"] == "3"
    assert form.fields["time_zone"] == "America/Los_Angeles" and form.fields["layout"] == "tidy"
    assert (
        "filter_vendor" in form.fields and "status" not in form.fields
    )  # a report's filters, not an entity's
    page = ready.submit(form, "Save exporter", summarize_column_by="Quarter", filter_customer="")
    assert page.has("Saved the exporter P&L by month")
    [exporter] = exporters()
    assert exporter.options.summarize_column_by == "Quarter" and exporter.options.customer_ids == []


def test_bad_options_are_explained_before_saving(ready: Browser) -> None:
    page = create(
        ready,
        where="TotalAmt > '1' OR Balance = '0'",
        time_zone="Mars/Olympus",
        filter_customer="Acme Inc",
        date_range="last_n_days",
        n_days="",
    )
    assert ready.status == 400
    errors = re.findall(r"class=\"error\">([^<]*)", page.html)
    assert any("don&#39;t support OR" in e or "don't support OR" in e for e in errors), errors
    assert any("Unknown time zone &#39;Mars/Olympus&#39;" in e or "Mars/Olympus" in e for e in errors), errors
    assert any("QuickBooks ids" in e for e in errors), errors
    assert any("at least 1" in e for e in errors), errors
    assert exporters() == []
    form = ready.form("Save exporter")
    assert (
        form.fields["where"].strip() == "TotalAmt > '1' OR Balance = '0'"
        and form.fields["time_zone"] == "Mars/Olympus"
    )


def test_columns_keep_the_order_chosen_and_custom_fields_become_columns(ready: Browser) -> None:
    ready.get("/exporters/new")
    defaults = ready.form("Save exporter").fields["columns"]
    assert defaults[:5] == ["number", "date", "customer", "customer_id", "total"]
    page = ready.submit(ready.form("Save exporter"), "up:total")
    assert ready.form("Save exporter").fields["columns"][:5] == [
        "number",
        "date",
        "customer",
        "total",
        "customer_id",
    ]
    page = ready.submit(ready.form("Save exporter"), "down:number", custom_fields="Crew #")
    chosen = ready.form("Save exporter").fields["columns"]
    assert chosen[:2] == ["date", "number"] and chosen[-1] == "custom:Crew #"
    assert page.has("Crew # (custom field)")
    form = ready.form("Save exporter")
    page = ready.submit(
        form, "Save exporter", name="Ordered", companies=form.choices["companies"], spreadsheet_title="Order"
    )
    assert page.has("Created the exporter Ordered"), re.findall(r"class=\"error\">([^<]*)", page.html)
    [exporter] = exporters()
    assert exporter.columns == chosen
    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    assert form.fields["columns"] == chosen


def test_a_filter_quickbooks_refuses_is_explained_before_saving(ready: Browser) -> None:
    """The WHERE box passes our grammar, field and type checks, but QuickBooks refuses text vs. true."""
    page = create(ready, where="DocNumber = true", spreadsheet_title="Invoices")
    assert ready.status == 400
    errors = re.findall(r"class=\"error\">([^<]*)", page.html)
    assert [e for e in errors if e.startswith("QuickBooks refused this filter: Invalid query")], errors
    assert exporters() == []
    page = create(ready, source="customers", where="DisplayName LIKE 'A%'", spreadsheet_title="Customers")
    assert page.has("Created the exporter Open invoices"), re.findall(r"class=\"error\">([^<]*)", page.html)
    [exporter] = exporters()
    assert exporter.options.where == "DisplayName LIKE 'A%'"


def test_options_stored_before_they_were_typed_survive_editing(ready: Browser) -> None:
    """A version-0 row (the short date range form, one id as a number, keys missing) reads back typed."""
    create(ready, date_range="last_month", spreadsheet_title="Short")
    [exporter] = exporters()
    old = {"date_range": "last_quarter", "customer": 58, "status": "open"}
    with get_engine().begin() as connection:
        table = sa.table("exporter", sa.column("options", sa.JSON))
        connection.execute(sa.update(table).values(options=old))
    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    assert form.fields["date_range"] == "last_quarter" and form.fields["filter_customer"] == "58"
    assert form.fields["status"] == "open"
    assert ready.submit(form, "Save exporter").has("Saved the exporter")
    options = exporters()[0].options
    assert options == ExporterOptions(
        date_range=RelativeRange(relative="last_quarter"), customer_ids=["58"], status="open"
    )


EVERY_OPTION = {
    "budget_vs_actuals": ExporterOptions(
        budget="FY2026 Budget",
        date_range=FixedRange(start=date(2026, 1, 1), end=date(2026, 6, 30)),
        accounting_method="Cash",
    ),
    "invoices": ExporterOptions(
        date_range=FixedRange(start=date(2024, 7, 1), end=date(2024, 9, 30)),
        status="overdue",
        customer_ids=["1", "2"],
        where="TotalAmt > '100'",
        oversize="truncate",
        on_deleted="mark",
        snapshot_column=False,
        reset_tab=True,
        count=False,  # not in the editor: kept as it was
    ),
    "customers": ExporterOptions(include_inactive=True, where="DisplayName LIKE 'A%'"),
    "profit_and_loss": ExporterOptions(
        date_range=RelativeRange(relative="last_n_days", n=45),
        accounting_method="Cash",
        summarize_column_by="Quarter",
        layout="tidy",
        companies_layout="blocks",
        customer_ids=["1"],
        vendor_ids=["2", "3"],
        class_ids=["4"],
        department_ids=["5"],
    ),
}


@pytest.mark.parametrize("source", list(EVERY_OPTION))
def test_the_editor_round_trips_every_option_through_the_model(ready: Browser, source: str) -> None:
    """Every field of ExporterOptions is shown by the editor and saved back unchanged."""
    budget = EVERY_OPTION[source].budget  # the one source that needs one refuses to be saved without it
    page = create(ready, source=source, destination="new", spreadsheet_title="Round trip", budget=budget)
    assert page.has("Created the exporter"), re.findall(r"class=\"error\">([^<]*)", page.html)
    [exporter] = exporters()
    options = EVERY_OPTION[source]
    with Session(get_engine()) as session:
        row = session.get(Exporter, exporter.id)
        row.options = options
        session.add(row)
        session.commit()
    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    page = ready.submit(form, "Save exporter")
    assert page.has("Saved the exporter"), re.findall(r"class=\"error\">([^<]*)", page.html)
    assert exporters()[0].options == options
    managed = set(ExporterOptions.model_fields) - {"version", *KEPT_OPTIONS}
    assert managed == set(FORM_OPTIONS)  # a new option must be added to the editor (or kept on purpose)


def test_columns_by_customer_are_offered_where_quickbooks_has_them(ready: Browser) -> None:
    page = create(ready, source="balance_sheet", summarize_column_by="Customers", spreadsheet_title="BS")
    assert ready.status == 400 and page.has("Balance sheet columns can be by Total, Month, Quarter")
    assert exporters() == []
    page = create(ready, source="profit_and_loss", summarize_column_by="Customers", spreadsheet_title="P&L")
    assert page.has("Created the exporter"), re.findall(r"class=\"error\">([^<]*)", page.html)
    assert exporters()[0].options.summarize_column_by == "Customers"


def test_how_the_tab_is_written_is_saved_shown_and_edited(ready: Browser) -> None:
    page = create(
        ready,
        destination="new",
        spreadsheet_title="Ledger",
        write_mode="upsert",
        oversize="truncate",
        on_deleted="mark",
        reset_tab="y",
    )
    assert page.has("Created the exporter Open invoices"), re.findall(r"class=\"error\">([^<]*)", page.html)
    [exporter] = exporters()
    assert (exporter.options.oversize, exporter.options.on_deleted, exporter.options.reset_tab) == (
        "truncate",
        "mark",
        True,
    )
    assert page.has("the next run resets the tab") and page.has("long cells are cut")
    assert page.has("deleted rows are marked")

    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    assert form.fields["oversize"] == "truncate" and form.fields["on_deleted"] == "mark"
    assert form.fields["reset_tab"] == "y"
    # Unticking works like a browser: an unchecked box is simply not sent.
    data = {
        k: v
        for k, v in form.data("Save exporter", write_mode="append").items()
        if k not in ("reset_tab", "snapshot_column")
    }
    ready.client.post(f"/exporters/{exporter.id}/edit", data=data, follow_redirects=True)
    [exporter] = exporters()
    assert exporter.write_mode == "append" and exporter.options.snapshot_column is False
    assert exporter.options.reset_tab is False
    assert ready.get(f"/exporters/{exporter.id}").has("no snapshot column")


def test_an_edit_that_changes_what_the_tab_holds_forgets_the_watermarks(ready: Browser) -> None:
    create(ready, destination="new", spreadsheet_title="Open", write_mode="upsert", where="Balance > '0'")
    [exporter] = exporters()
    with Session(get_engine()) as session:
        [link] = session.exec(select(ExporterCompany)).all()
        session.add(
            Watermark(
                exporter_id=exporter.id,
                company_id=link.company_id,
                entity="Invoice",
                last_updated_time=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        session.commit()

    def watermarks() -> int:
        with Session(get_engine()) as session:
            return len(session.exec(select(Watermark)).all())

    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    ready.submit(
        form, "Save exporter", name="Open invoices (renamed)", schedule="daily", schedule_times="06:00"
    )
    assert watermarks() == 1  # a name or schedule changes nothing in the tab

    form = ready.get(f"/exporters/{exporter.id}/edit") and ready.form("Save exporter")
    page = ready.submit(form, "Save exporter", where="Balance = '0'")
    assert page.has("Saved the exporter") and watermarks() == 0  # the next run is a full pull


NEW_SOURCES = (
    "purchase_orders",
    "purchase_order_lines",
    "vendor_credits",
    "refund_receipts",
    "transfers",
    "time_activities",
    "budgets",
    "budget_vs_actuals",
)


def test_the_editor_offers_every_new_source_with_its_columns(ready: Browser) -> None:
    ready.get("/exporters/new")
    offered = ready.form("Save exporter").choices["source"]
    assert set(NEW_SOURCES) <= set(offered)
    for key in NEW_SOURCES:
        page = create(ready, source=key, name=f"New {key}", spreadsheet_title=key, budget="FY2026 Budget")
        assert page.has("Created the exporter"), (key, re.findall(r"class=\"error\">([^<]*)", page.html))
    saved = {e.source: e for e in exporters()}
    assert set(saved) == set(NEW_SOURCES)
    assert "duration" in saved["time_activities"].columns and "month" in saved["budgets"].columns


def test_budget_vs_actuals_asks_for_its_budget_and_only_it_does(ready: Browser) -> None:
    page = create(ready, source="budget_vs_actuals", name="BvA", spreadsheet_title="BvA")
    assert ready.status == 400 and page.has("Name the budget to compare")
    assert exporters() == []
    page = create(
        ready, source="budget_vs_actuals", name="BvA", spreadsheet_title="BvA", budget=" FY2026 Budget "
    )
    assert page.has("Created the exporter"), re.findall(r"class=\"error\">([^<]*)", page.html)
    [exporter] = exporters()
    assert exporter.options.budget == "FY2026 Budget" and exporter.options.layout == "statement"
    edit = ready.get(f"/exporters/{exporter.id}/edit")
    assert 'name="budget"' in edit.html and 'name="layout"' not in edit.html
    assert 'name="summarize_column_by"' not in edit.html
    for other in ("profit_and_loss", "invoices"):
        ready.get("/exporters/new")
        page = ready.submit(
            ready.form("Save exporter"), "Show this source's columns and options", source=other
        )
        assert 'name="budget"' not in page.html, other


def test_profit_and_loss_columns_by_employees_and_products_are_offered(ready: Browser) -> None:
    for by in ("Employees", "ProductsAndServices"):
        page = create(ready, source="profit_and_loss", name=by, summarize_column_by=by, spreadsheet_title=by)
        assert page.has("Created the exporter"), re.findall(r"class=\"error\">([^<]*)", page.html)
    assert {e.options.summarize_column_by for e in exporters()} == {"Employees", "ProductsAndServices"}


def written_in_editor(page) -> list[str]:
    block = page.html.split('id="columns-written"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>([^<]*)</li>", block)


def test_the_editor_and_the_exporter_page_list_every_column_written_in_order(ready: Browser) -> None:
    ready.get("/exporters/new")
    assert written_in_editor(ready.page)[:2] == ["Number", "Date"]  # one company: no company columns
    companies = ready.form("Save exporter").choices["companies"]
    page = ready.submit(
        ready.form("Save exporter"), "refresh", company_columns="y", write_mode="upsert", companies=companies
    )
    listed = written_in_editor(page)
    assert listed[:4] == ["Company", "Realm ID", "ID", "Number"], listed  # the upsert key leads too
    page = ready.submit(
        ready.form("Save exporter"), "Save exporter", name="Listed", spreadsheet_title="Listed"
    )
    assert page.has("Created the exporter"), re.findall(r"class=\"error\">([^<]*)", page.html)
    assert page.has("Columns written " + ", ".join(listed))
    [exporter] = exporters()
    assert exporter.options.company_columns
