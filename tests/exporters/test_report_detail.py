"""P&L Detail and Transaction List on the QBO emulator: typed rows, one per posting or transaction, that add
up to the Profit and loss."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from exporters.catalog import get_source, list_sources
from exporters.sources.base import CompanyContext, RunContext
from store.documents import ExporterOptions, FixedRange
from tests.exporters.report_checks import Recording
from web.exporters.editor import features

YEAR = FixedRange(start="2024-01-01", end="2024-12-31")
DETAIL_KEYS = ("profit_and_loss_detail", "transaction_list")


def rows_of(key: str, acme, **options) -> list[dict]:
    realm, client = acme
    return list(
        get_source(key).rows(client, CompanyContext("Acme", realm), ExporterOptions(**options), RunContext())
    )


@pytest.mark.parametrize("basis", ["Accrual", "Cash"])
def test_profit_and_loss_detail_rows_add_up_to_the_profit_and_loss_per_account(acme, basis):
    detail = rows_of("profit_and_loss_detail", acme, date_range=YEAR, accounting_method=basis)
    assert detail
    for row in detail:
        assert isinstance(row["date"], date) and date(2024, 1, 1) <= row["date"] <= date(2024, 12, 31)
        assert isinstance(row["amount"], Decimal)
        assert row["section_path"].endswith(" > " + row["account"]) and row["account_id"]
        assert row["section_path"].split(" > ")[0] in {
            "Income",
            "Cost of Goods Sold",
            "Expenses",
            "Other Income",
            "Other Expenses",
        }
        assert isinstance(row["transaction_type"], str) and row["transaction_type"]
        assert row["accounting_method"] == basis
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    for row in detail:
        per_account[row["account_id"]] += row["amount"]
    summary = rows_of("profit_and_loss", acme, date_range=YEAR, accounting_method=basis, layout="tidy")
    expected = {r["account_id"]: r["amount"] for r in summary if r["row_type"] == "account" and r["amount"]}
    assert {k: v for k, v in per_account.items() if v} == expected


def test_transaction_list_is_one_typed_row_per_transaction(acme):
    realm, client = acme
    recorder = Recording(client)
    source = get_source("transaction_list")
    options = ExporterOptions(date_range=YEAR, layout="statement")  # a detail report is rows in any layout
    rows = list(source.rows(recorder, CompanyContext("Acme", realm), options, RunContext()))
    ((name, params),) = recorder.sent
    assert name == "TransactionList" and "summarize_column_by" not in params
    report = client.report(name, params)
    listed = {(r["ColData"][1]["id"], r["ColData"][1]["value"]) for r in report["Rows"]["Row"]}
    assert len(rows) == len(report["Rows"]["Row"]) == len(listed) > 10
    assert {r["transaction_type"] for r in rows} >= {"Invoice", "Payment"}
    for row in rows:
        assert isinstance(row["date"], date) and date(2024, 1, 1) <= row["date"] <= date(2024, 12, 31)
        assert isinstance(row["amount"], Decimal) and row["account"] and row["split"]
        assert row["company"] == "Acme" and row["realm_id"] == realm
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert [c.key for c in source.default_columns(options)] == [
        "company",
        "date",
        "transaction_type",
        "number",
        "name",
        "memo",
        "account",
        "split",
        "amount",
    ]


@pytest.mark.parametrize("key", DETAIL_KEYS)
def test_detail_reports_are_in_the_catalog_and_the_editor_offers_them_as_rows(key):
    source = get_source(key)
    (entry,) = [s for s in list_sources() if s["key"] == key]
    assert entry["kind"] == "report" and "One row per" in entry["description"]
    wanted = features(source)
    assert wanted["report"] and wanted["date_range"] and not wanted["layouts"] and not wanted["periods"]
    assert source.layout(ExporterOptions(layout="statement")) == "tidy"
    assert source.as_statement(ExporterOptions(layout="statement")) is None
