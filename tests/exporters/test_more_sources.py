"""The sources added with the emulator's later entities: purchase orders, vendor credits, refund receipts,
transfers, time activities, budgets; and the P&L by employees and by products and services."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from exporters.catalog import get_source, list_sources
from exporters.sources.base import CompanyContext, RunContext
from store.documents import ExporterOptions, RunStats
from store.models import RunStatus
from tests.exporters.report_checks import LAST_YEAR, assert_sections_tie
from tests.exporters.test_entity_sources import assert_typed, read
from tests.exporters.test_pipeline import world  # noqa: F401 - the fixture
from tests.qbo.intuit import Admin

NEW_ENTITY_SOURCES = {
    "purchase_orders": "PurchaseOrder",
    "purchase_order_lines": "PurchaseOrder",
    "vendor_credits": "VendorCredit",
    "refund_receipts": "RefundReceipt",
    "transfers": "Transfer",
    "time_activities": "TimeActivity",
    "budgets": "Budget",
}


def emulated(admin: Admin, realm: str, entity: str) -> list[dict]:
    return admin.call("GET", f"companies/{realm}/entities/{entity}")[entity]


@pytest.mark.parametrize("key", NEW_ENTITY_SOURCES)
def test_each_new_source_pulls_every_object_of_its_entity_with_its_column_types(key, acme, qbo_emulator):
    realm, client = acme
    columns, rows = read(key, client, realm)
    assert_typed(columns, rows)
    objects = emulated(Admin(qbo_emulator.url), realm, NEW_ENTITY_SOURCES[key])
    assert objects, f"the generated company has {NEW_ENTITY_SOURCES[key]} objects"
    if key == "budgets":
        assert len(rows) == sum(len(b["BudgetDetail"]) for b in objects)
    elif key.endswith("_lines"):
        assert {r["txn_id"] for r in rows} == {o["Id"] for o in objects}
    else:
        assert sorted(r["id"] for r in rows) == sorted(o["Id"] for o in objects)
    assert all(r["company"] == "Acme Landscaping" and r["realm_id"] == realm for r in rows)


def test_only_time_activities_are_read_whole_among_the_new_header_sources():
    """QBO's change data capture covers every new entity but TimeActivity (reference 2.5)."""
    for key in ("purchase_orders", "vendor_credits", "refund_receipts", "transfers"):
        assert get_source(key).as_incremental() is not None, key
    for key in ("time_activities", "purchase_order_lines", "budgets", "budget_vs_actuals"):
        assert get_source(key).as_incremental() is None, key


def test_every_new_column_and_source_is_described_in_the_catalog():
    listed = {s["key"]: s for s in list_sources()}
    for key in (*NEW_ENTITY_SOURCES, "budget_vs_actuals"):
        source = get_source(key)
        assert listed[key]["description"] == source.description and "One row per" in source.description
        assert all(c.description for c in source.columns(ExporterOptions())), key
    assert listed["invoices"]["description"] == "Invoices from QuickBooks"  # not described: the label says it


def test_purchase_order_lines_add_up_to_the_purchase_order(acme):
    realm, client = acme
    _c, orders = read("purchase_orders", client, realm)
    _c, lines = read("purchase_order_lines", client, realm)
    by_order: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_order[line["txn_id"]] += line["amount"] or 0
    assert {o["id"]: o["total"] for o in orders} == dict(by_order)
    assert all(line["account"] for line in lines)  # from the line, or its item's expense account


def test_budget_rows_carry_account_month_and_the_split_of_last_years_budget(acme):
    realm, client = acme
    _c, rows = read("budgets", client, realm)
    by_budget = defaultdict(list)
    for row in rows:
        by_budget[row["budget"]].append(row)
    split = next(rows for name, rows in by_budget.items() if name.endswith("by class"))
    plain = next(rows for name, rows in by_budget.items() if name.endswith("Budget"))
    assert all(r["class"] and r["class_id"] for r in split)
    assert any(r["customer"] for r in split) and any(r["department"] for r in split)
    assert not any(r["class"] or r["customer"] or r["department"] for r in plain)
    assert {r["month"].day for r in rows} == {1} and all(r["account_id"] and r["amount"] for r in rows)
    assert len({(r["account_id"], r["month"]) for r in plain}) == len(plain)  # one line per account x month


def test_time_activity_duration_is_hours_and_minutes(acme):
    realm, client = acme
    _c, rows = read("time_activities", client, realm)
    assert rows
    for row in rows:
        assert row["duration"] == Decimal(row["hours"]) + Decimal(row["minutes"]) / 60
        assert row["employee"] and row["customer"] and row["billable_status"] in ("Billable", "NotBillable")


@pytest.mark.parametrize("by", ["Employees", "ProductsAndServices"])
def test_profit_and_loss_by_employees_and_by_products_ties_out_and_names_its_columns(by, acme):
    realm, client = acme
    source = get_source("profit_and_loss")
    options = ExporterOptions(layout="tidy", summarize_column_by=by, date_range=LAST_YEAR)
    assert "column" in [c.key for c in source.default_columns(options)]
    company = CompanyContext("Acme Landscaping", realm)
    rows = list(source.rows(client, company, options, RunContext()))
    columns = {r["column"] for r in rows}
    assert len(columns) > 1 and all(r["period_start"] and r["period_end"] for r in rows)
    for column in columns:  # every column (one employee, one product) adds up to its totals
        assert assert_sections_tie([r for r in rows if r["column"] == column]) > 0, column
    whole = ExporterOptions(layout="tidy", date_range=LAST_YEAR)
    total = next(r for r in source.rows(client, company, whole, RunContext()) if r["account"] == "Net Income")
    net = sum((r["amount"] or 0 for r in rows if r["account"] == "Net Income"), Decimal(0))
    assert net == total["amount"]  # the columns split the whole P&L, nothing left out


@pytest.mark.parametrize("key", [*NEW_ENTITY_SOURCES, "budget_vs_actuals"])
def test_column_labels_are_unique_so_the_header_names_each_column_once(key):
    labels = [c.label for c in get_source(key).columns(ExporterOptions())]
    assert len(labels) == len(set(labels)), key


def test_an_upsert_of_vendor_credits_pulls_only_the_changes_and_time_activities_are_read_whole(world, admin):  # noqa: F811
    company = world.company("Acme Landscaping", invoices=100)
    realm = world.realms[company]
    credits = world.exporter([company], source="vendor_credits", write_mode="upsert", tab="Credits")
    first = world.run(credits)
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert (first.stats.full_pull, first.rows) == (
        "no_watermark",
        len(emulated(admin, realm, "VendorCredit")),
    )
    edited = emulated(admin, realm, "VendorCredit")[0]["Id"]
    admin.call("POST", f"companies/{realm}/entities/VendorCredit/{edited}", json={"PrivateNote": "edited"})
    second = world.run(credits)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert second.stats == RunStats(
        incremental=True, added=0, changed=1, deleted=0, left_filter=0, rechecked=0, truncated_cells=0
    )

    hours = world.exporter([company], source="time_activities", write_mode="upsert", tab="Hours")
    for _ in range(2):
        run = world.run(hours)
        assert run.status == RunStatus.SUCCEEDED, run.error
        assert (run.stats.incremental, run.stats.full_pull) == (False, "not_incremental")
        assert run.rows == len(emulated(admin, realm, "TimeActivity"))
