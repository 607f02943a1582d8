"""Budget, PurchaseOrder, RefundReceipt, TaxAgency, TaxRate, TimeActivity, Transfer, VendorCredit:
generated consistently, queryable, in CDC where the contract says so (qbo-api.md §2.5)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from emulators.qbo.clock import Clock
from emulators.qbo.generate import generate
from tests.emulators.qbo.emulator_harness import running

NEW = (
    "Budget",
    "PurchaseOrder",
    "RefundReceipt",
    "TaxAgency",
    "TaxRate",
    "TimeActivity",
    "Transfer",
    "VendorCredit",
)
IN_CDC = ("Budget", "PurchaseOrder", "RefundReceipt", "Transfer", "VendorCredit")
NOT_IN_CDC = (
    "TimeActivity",
    "TaxAgency",
    "TaxRate",
)  # §2.5: "Not supported for ... TimeActivity, TaxAgency, ..."


@pytest.fixture(scope="module")
def company():
    return generate("1001", {"name": "More", "invoices": 300, "seed": 5}, Clock())


def test_budgets_cover_each_account_for_every_month_of_a_fiscal_year(company):
    ids = {
        kind: {row["Id"] for row in company.entities(kind)}
        for kind in ("Account", "Class", "Customer", "Department")
    }
    budgets = company.entities("Budget")
    assert len(budgets) == 2
    for budget in budgets:
        start, end = date.fromisoformat(budget["StartDate"]), date.fromisoformat(budget["EndDate"])
        assert (start.month, start.day, end.month, end.day, end.year) == (1, 1, 12, 31, start.year)
        months = Counter((line["AccountRef"]["value"], line["BudgetDate"]) for line in budget["BudgetDetail"])
        accounts = {account for account, _ in months}
        assert accounts <= ids["Account"] and len(accounts) >= 5
        assert set(months.values()) == {1} and len(months) == 12 * len(accounts)
        assert all(start <= date.fromisoformat(day) <= end for _, day in months)
    split = next(budget for budget in budgets if "ClassRef" in budget["BudgetDetail"][0])
    for key, kind in (("ClassRef", "Class"), ("CustomerRef", "Customer"), ("DepartmentRef", "Department")):
        refs = {line[key]["value"] for line in split["BudgetDetail"] if key in line}
        assert refs and refs <= ids[kind], key


def test_tax_rate_and_agency_are_those_the_tax_code_names(company):
    (code,) = company.entities("TaxCode")
    rate_ref = code["SalesTaxRateList"]["TaxRateDetail"][0]["TaxRateRef"]
    rate = company.get("TaxRate", rate_ref["value"])
    assert rate["Name"] == rate_ref["name"] and rate["RateValue"] == 8
    assert company.get("TaxAgency", rate["AgencyRef"]["value"])["TaxTrackedOnSales"] is True


def test_transfers_move_money_between_two_bank_accounts(company):
    banks = {account["Id"] for account in company.entities("Account") if account["AccountType"] == "Bank"}
    transfers = company.entities("Transfer")
    assert len(transfers) >= 8
    for transfer in transfers:
        assert {transfer["FromAccountRef"]["value"], transfer["ToAccountRef"]["value"]} == banks
        assert transfer["Amount"] > 0


def test_time_activities_name_an_employee_customer_and_item(company):
    employees = {row["Id"] for row in company.entities("Employee")}
    customers = {row["Id"] for row in company.entities("Customer")}
    activities = company.entities("TimeActivity")
    assert {activity["EmployeeRef"]["value"] for activity in activities} == employees
    assert {activity["CustomerRef"]["value"] for activity in activities} <= customers
    assert {activity["BillableStatus"] for activity in activities} == {"Billable", "NotBillable"}


def test_vendor_credits_lower_vendor_balances(company):
    open_bills: Counter[str] = Counter()
    for bill in company.entities("Bill"):
        open_bills[bill["VendorRef"]["value"]] += round(bill["Balance"] * 100)
    for credit in company.entities("VendorCredit"):
        open_bills[credit["VendorRef"]["value"]] -= round(credit["Balance"] * 100)
    assert company.entities("VendorCredit")
    for vendor in company.entities("Vendor"):
        assert round(vendor["Balance"] * 100) == open_bills[vendor["Id"]], vendor["DisplayName"]


def test_new_entities_leave_the_older_data_unchanged():
    """The new entities draw from their own Random: invoices, bills, ... are what they were."""
    company = generate("7", {"invoices": 150, "seed": 11}, Clock())
    first_new = min(int(row["Id"]) for kind in IN_CDC + ("TimeActivity",) for row in company.entities(kind))
    older = [row for kind in ("Invoice", "Bill", "Payment", "Estimate") for row in company.entities(kind)]
    assert max(int(row["Id"]) for row in older) < first_new


@pytest.fixture(scope="module")
def emulator():
    with running({"SEED": [{"name": "More Landscaping", "invoices": 300, "seed": 5}]}) as emulator:
        yield emulator


@pytest.mark.parametrize("entity", NEW)
def test_each_new_entity_is_queryable_and_readable(emulator, api, entity):
    realm = api.base.rsplit("/", 1)[1]
    expected = emulator.admin("GET", f"/companies/{realm}/entities/{entity}")[entity]
    answer = api.query(f"SELECT * FROM {entity} MAXRESULTS 1000")
    assert answer.status_code == 200, answer.text
    assert answer.json()["QueryResponse"][entity] == expected
    assert api.query(f"SELECT COUNT(*) FROM {entity}").json()["QueryResponse"] == {
        "totalCount": len(expected)
    }
    assert api.get(f"{entity.lower()}/{expected[0]['Id']}").json()[entity] == expected[0]


def test_a_company_without_them_answers_an_empty_query_response(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    for row in emulator.admin("GET", f"/companies/{realm}/entities/Transfer")["Transfer"]:
        emulator.admin("DELETE", f"/companies/{realm}/entities/Transfer/{row['Id']}")
    answer = api.query("SELECT * FROM Transfer")
    assert answer.status_code == 200 and answer.json()["QueryResponse"] == {}


def test_cdc_serves_the_new_transactions_and_refuses_what_the_contract_excludes(emulator, api):
    realm = api.base.rsplit("/", 1)[1]
    since = emulator.admin("GET", "/clock")["now"]
    emulator.advance(2)
    edited = {}
    for entity in IN_CDC:
        rows = emulator.admin("GET", f"/companies/{realm}/entities/{entity}")[entity]
        if not rows:  # Transfer may have been emptied by the test before
            continue
        emulator.admin(
            "POST", f"/companies/{realm}/entities/{entity}/{rows[0]['Id']}", json={"PrivateNote": "cdc"}
        )
        edited[entity] = rows[0]["Id"]
    answer = api.get("cdc", entities=",".join(IN_CDC), changedSince=since)
    assert answer.status_code == 200, answer.text
    groups = answer.json()["CDCResponse"][0]["QueryResponse"]
    seen = {
        entity: [row["Id"] for row in group[entity]]
        for group in groups
        for entity in group
        if entity in IN_CDC
    }
    assert {entity: ids[0] for entity, ids in seen.items()} == edited
    assert all(group[next(iter(group))][0]["PrivateNote"] == "cdc" for group in groups)
    for entity in NOT_IN_CDC:
        refused = api.get("cdc", entities=entity, changedSince=since)
        assert refused.status_code == 400 and refused.json()["Fault"]["Error"][0]["code"] == "4002"
