"""Every entity source against the QBO emulator: typed values, filters, inactive records, custom fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from exporters.catalog import SOURCES, get_source, list_sources, resolve_columns
from exporters.columns import Column
from exporters.filters import WhereError, validate_where
from exporters.sources.base import CompanyContext, RunContext
from qbo.client import page_rows
from store.documents import ExporterOptions, RelativeRange

PYTHON_TYPES = {
    "text": (str,),
    "number": (int, float, Decimal),
    "money": (Decimal,),
    "date": (date,),
    "datetime": (datetime,),
    "bool": (bool,),
}
ENTITY_KEYS = [k for k, s in SOURCES.items() if s.kind == "entity"]


def assert_typed(columns: list[Column], rows: list[dict]) -> None:
    for row in rows:
        for column in columns:
            value = row[column.key]
            if value is None:
                continue
            assert isinstance(value, PYTHON_TYPES[column.type]), (column.key, column.type, value)
            if column.type == "date":
                assert not isinstance(value, datetime), column.key


def read(
    source_key: str, client, realm: str, options: ExporterOptions | None = None
) -> tuple[list[Column], list[dict]]:
    source = get_source(source_key)
    options = options or ExporterOptions()
    columns = source.columns(options)
    company = CompanyContext("Acme Landscaping", realm, home_currency="USD")
    rows = list(source.rows(client, company, options, RunContext(), [c.key for c in columns]))
    return columns, rows


@pytest.mark.parametrize("key", ENTITY_KEYS)
def test_every_entity_source_gives_values_of_its_column_types(key, acme):
    realm, client = acme
    columns, rows = read(key, client, realm)
    assert_typed(columns, rows)
    if key in ("invoices", "invoice_lines", "customers", "vendors", "accounts", "items", "bills", "payments"):
        assert rows, f"the generated company has {key}"
        assert all(r["company"] == "Acme Landscaping" and r["realm_id"] == realm for r in rows)


def test_invoice_defaults_are_the_skeletons_columns():
    labels = [c.label for c in get_source("invoices").default_columns(ExporterOptions())]
    assert labels == [
        "Number",
        "Date",
        "Customer",
        "Customer ID",
        "Total",
        "Balance",
        "Due date",
        "Status",
        "Currency",
    ]


def test_invoices_status_filter_and_computed_status_agree(acme):
    realm, client = acme
    _c, everything = read("invoices", client, realm)
    _c, overdue = read("invoices", client, realm, ExporterOptions(status="overdue"))
    _c, paid = read("invoices", client, realm, ExporterOptions(status="paid"))
    assert {r["status"] for r in overdue} <= {"Overdue"}
    assert {r["status"] for r in paid} <= {"Paid"}
    assert len(overdue) == sum(r["status"] == "Overdue" for r in everything)
    assert len(paid) == sum(r["status"] == "Paid" for r in everything)
    assert sum(r["status"] == "Open" for r in everything) + len(overdue) + len(paid) == len(everything)


def test_invoice_lines_add_up_to_the_invoice_before_tax(acme):
    realm, client = acme
    _c, invoices = read("invoices", client, realm)
    _c, lines = read("invoice_lines", client, realm)
    by_invoice: dict[str, Decimal] = {}
    for line in lines:
        by_invoice[line["txn_id"]] = by_invoice.get(line["txn_id"], Decimal(0)) + (line["amount"] or 0)
    for invoice in invoices:
        tax = invoice["tax"] or Decimal(0)
        assert by_invoice.get(invoice["id"], Decimal(0)) + tax == invoice["total"], invoice["number"]


def test_home_currency_amounts_use_the_exchange_rate(acme):
    realm, client = acme
    _c, invoices = read("invoices", client, realm)
    foreign = [r for r in invoices if r["currency"] != "USD"]
    home = [r for r in invoices if r["currency"] == "USD"]
    assert foreign and home
    for row in foreign:
        assert row["home_total"] == (row["total"] * row["exchange_rate"]).quantize(Decimal("0.01"))
    assert all(r["home_total"] == r["total"] and r["exchange_rate"] == 1 for r in home)


def test_custom_fields_are_columns_by_name(acme):
    realm, client = acme
    source = get_source("invoices")
    columns = resolve_columns(source, ["number", "custom:Crew #"])
    assert [c.label for c in columns] == ["Number", "Crew #"]
    rows = list(
        source.rows(
            client, CompanyContext("Acme", realm), ExporterOptions(), RunContext(), [c.key for c in columns]
        )
    )
    assert any(r["custom:Crew #"] for r in rows)


def test_name_lists_include_inactive_records_only_when_asked(acme, admin):
    realm, client = acme
    _c, customers = read("customers", client, realm)
    target = customers[0]["id"]
    admin.call("POST", f"companies/{realm}/entities/Customer/{target}", json={"Active": False})
    _c, active = read("customers", client, realm)
    _c, everyone = read("customers", client, realm, ExporterOptions(include_inactive=True))
    assert target not in {r["id"] for r in active}
    inactive = [r for r in everyone if r["id"] == target]
    assert inactive and inactive[0]["active"] is False


def test_accounts_show_their_full_path_and_parent(acme):
    realm, client = acme
    _c, accounts = read("accounts", client, realm)
    subs = [a for a in accounts if a["parent_id"]]
    assert subs
    names = {a["id"]: a["name"] for a in accounts}
    for sub in subs:
        assert sub["full_name"].endswith(":" + sub["name"])
        assert sub["parent"] in (names.get(sub["parent_id"]), None) or sub["full_name"].startswith(
            names[sub["parent_id"]]
        )


def test_where_box_filters_rows_and_customer_filter(acme):
    realm, client = acme
    _c, invoices = read("invoices", client, realm)
    customer = invoices[0]["customer_id"]
    where = validate_where(
        get_source("invoices").query_fields(), f"TotalAmt > '100' AND customerref = '{customer}'"
    )
    assert where == f"TotalAmt > '100' AND CustomerRef = '{customer}'"
    _c, filtered = read("invoices", client, realm, ExporterOptions(where=where))
    assert filtered and all(r["total"] > 100 and r["customer_id"] == customer for r in filtered)
    _c, by_option = read("invoices", client, realm, ExporterOptions(customer_ids=[customer]))
    assert {r["customer_id"] for r in by_option} == {customer}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("TotalAmt > '1' OR Balance = '0'", "don't support OR"),
        ("Colour = 'red'", "Unknown field 'Colour'"),
        ("TotalAmt >", "ends too early"),
        ("TotalAmt ~ 3", "Unexpected character"),
        ("DocNumber = 'abc", "not closed"),
        ("DocNumber = abc", "single quotes"),
        ("DocNumber LIKE 3", "LIKE needs a quoted pattern"),
        ("Id IN '1'", "list in parentheses"),
        ("", "empty"),
        ("TxnDate > 'yesterday'", r"TxnDate is a date: compare it with a date in quotes, like '2024-01-31'"),
        ("Balance > 'abc'", r"Balance is an amount: compare it with an amount, like 100"),
        ("TotalAmt >> 5", r"'>>' is not an operator: put one of =, <, >, <=, >= between TotalAmt"),
        ("DueDate IN ('2024-01-01', 'soon')", "DueDate is a date"),
        ("TotalAmt LIKE '1%'", "LIKE compares text; TotalAmt is an amount"),
    ],
)
def test_where_box_errors_are_explained_before_saving(text, message):
    with pytest.raises(WhereError, match=message):
        validate_where(get_source("invoices").query_fields(), text)


def test_date_range_on_entity_sources_is_resolved_in_the_exporters_time_zone(acme):
    realm, client = acme
    run = RunContext(now=datetime(2025, 1, 1, 3, 0, tzinfo=UTC), time_zone="America/Los_Angeles")
    where = get_source("invoices").where(ExporterOptions(date_range=RelativeRange(relative="yesterday")), run)
    assert where == "TxnDate >= '2024-12-30' AND TxnDate <= '2024-12-30'"


def test_the_catalog_lists_sources_and_names_unknown_ones():
    listed = {s["key"]: s for s in list_sources()}
    assert listed["invoices"]["kind"] == "entity" and listed["profit_and_loss"]["kind"] == "report"
    with pytest.raises(KeyError, match="Known sources: .*invoices"):
        get_source("invoice")


def test_saved_column_order_survives_new_columns():
    source = get_source("invoices")
    saved = ["total", "number", "gone_column", "customer"]
    assert [c.key for c in resolve_columns(source, saved)] == ["total", "number", "customer"]


class Spy:
    """A client wrapper that remembers the request parameters and the Preferences reads. Every request
    the real client sends (its own paging loop included) goes through its `request`, watched here."""

    def __init__(self, client) -> None:
        self.client = client
        self.params: list[dict] = []
        self.preferences_reads = 0
        send, send_query = client.request, client.query_bytes

        def request(method: str, path: str, params: dict | None = None, body: str | None = None) -> dict:
            self.params.append(dict(params or {}))
            return send(method, path, params=params, body=body)

        def query_bytes(statement: str, params: dict | None = None, on_send: Any = None) -> bytes:
            self.params.append(dict(params or {}))
            return send_query(statement, params, on_send)

        client.request, client.query_bytes = request, query_bytes

    def __getattr__(self, name: str):
        return getattr(self.client, name)

    def preferences(self) -> dict:
        self.preferences_reads += 1
        return self.client.preferences()


def delete_after_first_page(client, admin, realm: str) -> list[str]:
    """Make `client` delete the first invoice of the pull's first page in QuickBooks as soon as that page
    is answered (pages are asked for with `query_bytes`)."""
    send = client.query_bytes
    deleted: list[str] = []

    def query_bytes(statement: str, params: dict | None = None, on_send: Any = None) -> bytes:
        reply = send(statement, params, on_send)
        rows = page_rows(reply, "Invoice")
        if len(rows) == 1000 and "Id >" not in statement:  # the first page: delete its first invoice
            admin.call("DELETE", f"companies/{realm}/entities/Invoice/{rows[0]['Id']}")
            deleted.append(str(rows[0]["Id"]))
        return reply

    client.query_bytes = query_bytes
    return deleted


def invoice_ids(admin, realm: str) -> list[str]:
    return sorted(str(i["Id"]) for i in admin.call("GET", f"companies/{realm}/entities/Invoice")["Invoice"])


def test_a_full_pull_returns_every_object_once_when_one_is_deleted_mid_pull(company_client, admin):
    """Full pulls page by Id: an invoice deleted in QuickBooks after the first page was read pushes no
    unread invoice back into that page (position paging would skip the 1001st)."""
    realm, client = company_client("Shrinking Co", invoices=1010)
    ids = invoice_ids(admin, realm)
    deleted = delete_after_first_page(client, admin, realm)
    records = list(get_source("invoices").records(client, ExporterOptions(), RunContext()))

    assert len(deleted) == 1 and deleted[0] not in invoice_ids(admin, realm)
    assert sorted(str(r["Id"]) for r in records) == ids  # read before it went; none skipped, none twice
    assert client.calls == 3  # two pages and the COUNT behind "x of y" progress


def test_a_deletion_before_the_count_does_not_end_the_pull_early(company_client, admin):
    """2,001 invoices, the first one read deleted right after the first page: a COUNT taken then says
    2,000, and 2,000 rows are read after two full pages while the 2,001st is still unread. Only a short
    page ends the pull, never the count."""
    realm, client = company_client("Count Race Co", invoices=2001)
    ids = invoice_ids(admin, realm)
    deleted = delete_after_first_page(client, admin, realm)
    records = list(get_source("invoices").records(client, ExporterOptions(), RunContext()))
    assert len(deleted) == 1
    assert sorted(str(r["Id"]) for r in records) == ids


def test_home_currency_comes_from_the_companys_preferences(company_client, admin):
    """A EUR company selling in USD: home amounts are QBO's HomeTotalAmt, labelled with the home currency."""
    realm, client = company_client("Berlin GmbH", invoices=25, currency="EUR", multicurrency=True)
    source = get_source("invoices")
    keys = ["id", "currency", "total", "exchange_rate", "home_currency", "home_total"]
    spy = Spy(client)
    rows = list(source.rows(spy, CompanyContext("Berlin GmbH", realm), ExporterOptions(), RunContext(), keys))
    assert spy.preferences_reads == 1
    assert {r["home_currency"] for r in rows} == {"EUR"}
    stored = {i["Id"]: i for i in admin.call("GET", f"companies/{realm}/entities/Invoice")["Invoice"]}
    foreign = [r for r in rows if r["currency"] == "USD"]
    assert foreign and any(r["currency"] == "EUR" for r in rows)
    for row in foreign:
        assert row["home_total"] == Decimal(str(stored[row["id"]]["HomeTotalAmt"]))
        assert row["exchange_rate"] == Decimal(str(stored[row["id"]]["ExchangeRate"])) != 1
    for row in rows:
        if row["currency"] == "EUR":
            assert row["home_total"] == row["total"] and row["exchange_rate"] == 1
    plain = Spy(client)
    list(
        source.rows(
            plain, CompanyContext("Berlin GmbH", realm), ExporterOptions(), RunContext(), ["id", "total"]
        )
    )
    assert plain.preferences_reads == 0  # no home-currency column, no extra call


def test_custom_field_columns_ask_qbo_for_all_custom_fields(acme):
    realm, client = acme
    source = get_source("invoices")
    spy = Spy(client)
    rows = list(
        source.rows(
            spy, CompanyContext("Acme", realm), ExporterOptions(), RunContext(), ["number", "custom:Crew #"]
        )
    )
    queries = [p for p in spy.params if "include" in p]
    assert queries and all(p["include"] == "enhancedAllCustomFields" for p in queries)
    assert len(rows) == 30 and all(r["custom:Crew #"] for r in rows)
    spy = Spy(client)
    list(source.rows(spy, CompanyContext("Acme", realm), ExporterOptions(), RunContext(), ["number"]))
    assert not [p for p in spy.params if "include" in p]


NAME_LISTS = {
    "customers": "Customer",
    "vendors": "Vendor",
    "accounts": "Account",
    "items": "Item",
    "classes": "Class",
    "departments": "Department",
    "employees": "Employee",
}


@pytest.mark.parametrize("key", list(NAME_LISTS))
def test_every_name_list_has_inactive_records_only_when_asked(key, acme, admin):
    realm, client = acme
    entity = NAME_LISTS[key]
    _c, before = read(key, client, realm)
    if not before:
        body = {"Name": "Spare", "DisplayName": "Spare", "Active": True}
        admin.call("POST", f"companies/{realm}/entities/{entity}", json=body)
        _c, before = read(key, client, realm)
    _c, everything_before = read(key, client, realm, ExporterOptions(include_inactive=True))
    target = before[-1]["id"]
    admin.call("POST", f"companies/{realm}/entities/{entity}/{target}", json={"Active": False})
    _c, active = read(key, client, realm)
    _c, everything = read(key, client, realm, ExporterOptions(include_inactive=True))
    assert len(active) == len(before) - 1 and target not in {r["id"] for r in active}
    assert len(everything) == len(everything_before)
    assert [r["active"] for r in everything if r["id"] == target] == [False]
    assert all(r["active"] is True for r in active)


@pytest.mark.parametrize("key", list(SOURCES))
def test_every_column_is_declared_with_label_type_and_description(key):
    source = get_source(key)
    options = ExporterOptions(layout="tidy") if source.kind == "report" else ExporterOptions()
    columns = source.columns(options)
    assert columns and len({c.key for c in columns}) == len(columns)
    for column in columns:
        assert column.label and column.type in PYTHON_TYPES and column.description, (key, column.key)


def test_journal_entry_lines_balance_and_carry_home_currency_amounts(acme):
    realm, client = acme
    columns, lines = read("journal_entry_lines", client, realm)
    assert lines
    debits: dict[str, Decimal] = {}
    for line in lines:
        assert (line["debit"] is None) != (line["credit"] is None), line["id"]
        side = line["debit"] if line["debit"] is not None else -line["credit"]
        debits[line["txn_id"]] = debits.get(line["txn_id"], Decimal(0)) + side
        if line["currency"] == "USD":
            assert (line["home_debit"], line["home_credit"]) == (line["debit"], line["credit"])
            assert line["exchange_rate"] == 1 and line["home_currency"] == "USD"
    assert set(debits.values()) == {Decimal(0)}  # every journal entry balances


def test_lines_name_their_account_from_the_line_or_else_from_its_item(acme, admin):
    realm, client = acme
    items = {i["Id"]: i for i in admin.call("GET", f"companies/{realm}/entities/Item")["Item"]}
    bills = {b["Id"]: b for b in admin.call("GET", f"companies/{realm}/entities/Bill")["Bill"]}
    _c, invoice_lines = read("invoice_lines", client, realm)
    with_item = [line for line in invoice_lines if line["item_id"]]
    assert with_item
    for line in with_item:
        assert line["account_id"] == items[line["item_id"]]["IncomeAccountRef"]["value"], line["id"]
        assert line["account"] == items[line["item_id"]]["IncomeAccountRef"]["name"]
    _c, bill_lines = read("bill_lines", client, realm)
    kinds = set()
    for line in bill_lines:
        bill_id, line_id = line["id"].split("-", 1)
        raw = next(x for x in bills[bill_id]["Line"] if str(x.get("Id")) == line_id)
        kinds.add(raw["DetailType"])
        if raw["DetailType"] == "AccountBasedExpenseLineDetail":
            expected = raw["AccountBasedExpenseLineDetail"]["AccountRef"]["value"]
        else:
            item = items[raw["ItemBasedExpenseLineDetail"]["ItemRef"]["value"]]
            inventory = item.get("Type") == "Inventory"
            expected = item["AssetAccountRef" if inventory else "ExpenseAccountRef"]["value"]
        assert line["account_id"] == expected, line["id"]
    assert kinds == {"AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"}


@pytest.mark.parametrize(("invoices", "calls"), [(999, 1), (1000, 3), (2500, 4)])
def test_a_full_pull_costs_its_pages_and_a_count_only_when_it_spans_several(company_client, invoices, calls):
    """ceil(n / 1000) pages; a COUNT (for "x of y" progress) once a first page comes back full; a pull
    ending exactly on a page boundary asks the empty page too (the COUNT can't end it: see records())."""
    _realm, client = company_client("Paging Co", invoices=invoices)
    before = client.calls
    records = list(get_source("invoices").records(client, ExporterOptions(), RunContext()))
    assert len(records) == invoices and client.calls - before == calls
