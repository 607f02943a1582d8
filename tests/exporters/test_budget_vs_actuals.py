"""Budget vs Actuals ties out to the Budget entity and to the P&L, read directly and through exporters."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from exporters.catalog import get_source
from exporters.reports.tidy import tidy_rows
from exporters.sources.base import CompanyContext, RunContext
from exporters.sources.budget_vs_actuals import BudgetNotFound
from store.documents import ExporterOptions
from store.models import RunStatus
from tests.exporters.test_entity_sources import assert_typed
from tests.exporters.test_pipeline import World, world  # noqa: F401 - the fixture

SHEETS_EPOCH = date(1899, 12, 30)  # day 0 of a date's serial number in Google Sheets
Cell = tuple[str, date]  # account id, first day of the month


def budgets_of(client) -> list[dict]:
    return list(client.query("Budget", ""))


def budget_cells(budget: dict) -> dict[Cell, Decimal]:
    """The Budget entity's lines summed per account and month."""
    cells: dict[Cell, Decimal] = defaultdict(Decimal)
    for line in budget["BudgetDetail"]:
        cells[(line["AccountRef"]["value"], date.fromisoformat(line["BudgetDate"]))] += Decimal(
            str(line["Amount"])
        )
    return cells


def pnl_cells(client, budget: dict) -> tuple[dict[Cell, Decimal], dict[str, str]]:
    """The P&L by month over the budget's range, straight from QBO: account cells, and section paths."""
    params = {
        "start_date": budget["StartDate"],
        "end_date": budget["EndDate"],
        "accounting_method": "Accrual",
        "summarize_column_by": "Month",
    }
    cells: dict[Cell, Decimal] = defaultdict(Decimal)
    paths = {}
    for row in tidy_rows(client.report("ProfitAndLoss", params), "", ""):
        if row["row_type"] == "account" and row["account_id"]:
            cells[(row["account_id"], row["period_start"])] += row["amount"] or 0
            paths[row["account_id"]] = row["section_path"]
    return cells, paths


def assert_ties_out(rows: list[dict], budget: dict, client) -> None:
    """Every actual is the P&L's cell, every budget the Budget's lines; every cell of either has its row."""
    planned = budget_cells(budget)
    actual, paths = pnl_cells(client, budget)
    by_cell = {(r["account_id"], r["period_start"]): r for r in rows}
    assert len(by_cell) == len(rows)  # one row per account x month
    assert set(planned) | set(actual) <= set(by_cell)
    for cell, row in by_cell.items():
        assert row["actual"] == actual.get(cell, 0), cell
        assert row["budget_amount"] == planned.get(cell, 0), cell
        assert row["variance"] == row["actual"] - row["budget_amount"]
        if row["budget_amount"]:
            expected = (row["variance"] * 100 / row["budget_amount"]).quantize(Decimal("0.01"))
            assert row["variance_pct"] == expected
        if cell[0] in paths:
            assert row["section_path"] == paths[cell[0]]
    assert len({r["period_start"] for r in rows}) == 12  # the budget's fiscal year, month by month


def bva_rows(client, realm: str, budget: str) -> list[dict]:
    source = get_source("budget_vs_actuals")
    company = CompanyContext("Acme Landscaping", realm)
    return list(source.rows(client, company, ExporterOptions(budget=budget), RunContext()))


def test_each_budget_ties_out_to_its_lines_and_to_the_pnl(acme):
    realm, client = acme
    budgets = budgets_of(client)
    assert len(budgets) == 2  # this year's, and last year's split by class, customer and location
    for budget in budgets:
        rows = bva_rows(client, realm, budget["Name"])
        assert_typed(get_source("budget_vs_actuals").columns(), rows)
        assert_ties_out(rows, budget, client)
        assert any(r["actual"] and r["budget_amount"] for r in rows), budget["Name"]
        # the chart places a budgeted account the P&L does not show, as the tidy layout would
        assert all(
            r["section_path"].split(" > ")[0]
            in ("Income", "Cost of Goods Sold", "Expenses", "Other Income", "Other Expenses")
            for r in rows
        )
    by_id = bva_rows(client, realm, budgets[0]["Id"])
    assert by_id == bva_rows(client, realm, budgets[0]["Name"])


def test_an_unknown_budget_is_refused_naming_the_companys_budgets(acme):
    realm, client = acme
    with pytest.raises(BudgetNotFound) as refused:
        bva_rows(client, realm, "FY1999 Budget")
    assert "Acme Landscaping" in str(refused.value) and "FY1999 Budget" in str(refused.value)
    assert all(b["Name"] in str(refused.value) for b in budgets_of(client))


def sheet_rows(target: World, tab: str) -> list[dict]:
    raw = target.spreadsheet.worksheet(tab).get_all_values(value_render_option="UNFORMATTED_VALUE")
    header = raw[0]
    keys = {
        "Company": "company",
        "Account ID": "account_id",
        "Section path": "section_path",
        "Period start": "period_start",
        "Budget": "budget_amount",
        "Actual": "actual",
        "Variance": "variance",
        "Variance %": "variance_pct",
    }
    out = []
    for values in raw[1:]:
        row = {keys[h]: v for h, v in zip(header, values, strict=False) if h in keys}
        row["period_start"] = SHEETS_EPOCH + timedelta(days=int(row["period_start"]))
        for key in ("budget_amount", "actual", "variance"):
            row[key] = Decimal(str(row[key])).quantize(Decimal("0.01"))
        row["variance_pct"] = (
            None if row["variance_pct"] == "" else Decimal(str(row["variance_pct"])).quantize(Decimal("0.01"))
        )
        row["account_id"] = str(row["account_id"])
        out.append(row)
    return out


def test_single_and_multi_company_exporters_write_rows_that_tie_out(world, make_client):  # noqa: F811
    first, second = world.company("North Co", 10), world.company("South Co", 14)
    clients = {cid: make_client(world.realms[cid]) for cid in (first, second)}
    name = next(b["Name"] for b in budgets_of(clients[first]) if b["Name"].endswith(" Budget"))
    options = ExporterOptions(budget=name)
    single = world.run(world.exporter([first], source="budget_vs_actuals", tab="One", options=options))
    assert single.status == RunStatus.SUCCEEDED, single.error
    budget = next(b for b in budgets_of(clients[first]) if b["Name"] == name)
    assert_ties_out(sheet_rows(world, "One"), budget, clients[first])

    both = world.run(world.exporter([first, second], source="budget_vs_actuals", tab="Both", options=options))
    assert both.status == RunStatus.SUCCEEDED, both.error
    written = sheet_rows(world, "Both")
    for company_id, company in ((first, "North Co"), (second, "South Co")):
        budget = next(b for b in budgets_of(clients[company_id]) if b["Name"] == name)
        assert_ties_out([r for r in written if r["company"] == company], budget, clients[company_id])


def test_a_company_without_the_budget_fails_the_run_naming_it(world):  # noqa: F811
    company = world.company("North Co", 5)
    run = world.run(
        world.exporter(
            [company], source="budget_vs_actuals", tab="BvA", options=ExporterOptions(budget="Plan Z")
        )
    )
    assert run.status == RunStatus.FAILED
    assert "North Co" in run.error and "Plan Z" in run.error
