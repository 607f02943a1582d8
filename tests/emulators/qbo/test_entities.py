"""Generated entities look like Intuit's samples and post a balanced, consistent ledger."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from emulators.qbo.clock import Clock
from emulators.qbo.company import ENTITIES, Company
from emulators.qbo.generate import generate
from tests.reference import QBO_SAMPLES

SAMPLES = json.loads((QBO_SAMPLES / "entities.intuit-docs.json").read_text())


@pytest.fixture(scope="module")
def company() -> Company:
    return generate("1001", {"name": "Shapes", "invoices": 600, "seed": 5}, Clock())


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def shape_mismatches(sample: object, ours: object, path: str = "") -> list[str]:
    """Where the same key has another JSON type or nesting (only keys present on both sides)."""
    if _kind(sample) != _kind(ours):
        return [f"{path}: {_kind(sample)} vs {_kind(ours)}"]
    if isinstance(sample, dict):
        return [
            m
            for key in sample.keys() & ours.keys()
            for m in shape_mismatches(sample[key], ours[key], f"{path}.{key}")
        ]
    if isinstance(sample, list) and sample and ours:
        if isinstance(sample[0], dict) and "DetailType" in sample[0]:
            by_type = {line.get("DetailType"): line for line in ours}
            return [
                m
                for line in sample
                if line["DetailType"] in by_type
                for m in shape_mismatches(line, by_type[line["DetailType"]], f"{path}[{line['DetailType']}]")
            ]
        return shape_mismatches(sample[0], ours[0], f"{path}[0]")
    return []


def _closest(company: Company, entity: str) -> dict:
    sample = SAMPLES[entity][entity]
    rows = [company.company_info()] if entity == "CompanyInfo" else company.entities(entity)
    return max(rows, key=lambda row: len(row.keys() & sample.keys()))


@pytest.mark.parametrize(
    "entity", ["Account", "Bill", "CompanyInfo", "Customer", "Invoice", "Payment", "Vendor"]
)
def test_same_keys_nesting_and_types_as_the_docs_samples(company, entity):
    sample, ours = SAMPLES[entity][entity], _closest(company, entity)
    assert shape_mismatches(sample, ours) == []
    missing = sample.keys() - ours.keys()
    assert len(missing) <= len(sample) // 4, f"{entity} lacks {sorted(missing)}"


def _walk(value: object):
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


@pytest.mark.parametrize("entity", ENTITIES)
def test_common_fields_and_only_properties_with_values(company, entity):
    rows = company.entities(entity)
    assert rows, entity
    for row in rows[:50]:
        assert isinstance(row["Id"], str) and isinstance(row["SyncToken"], str)
        assert row["domain"] == "QBO" and row["sparse"] is False
        assert row["MetaData"]["CreateTime"] <= row["MetaData"]["LastUpdatedTime"]
        for node in _walk(row):
            assert all(value is not None and value != "" for value in node.values()), node


def test_every_invoice_line_type_and_the_nasty_text_exist(company):
    invoices = company.entities("Invoice")
    kinds = {line["DetailType"] for invoice in invoices for line in invoice["Line"]}
    assert kinds == {
        "SalesItemLineDetail",
        "SubTotalLineDetail",
        "DiscountLineDetail",
        "GroupLineDetail",
        "DescriptionOnly",
    }
    assert any(invoice.get("TxnTaxDetail") for invoice in invoices)
    assert any(invoice.get("LinkedTxn") for invoice in invoices)
    assert any(invoice["DocNumber"] == "00123" for invoice in invoices)
    assert any(invoice["CustomerMemo"]["value"].startswith("=IMPORTXML(") for invoice in invoices)
    assert not all(customer["Active"] for customer in company.entities("Customer"))
    assert company.deleted("Invoice")


def _cents(amount: float) -> int:
    return round(amount * 100)


def test_invoice_totals_and_balances_are_consistent(company):
    paid: dict[str, int] = defaultdict(int)
    for payment in company.entities("Payment"):
        assert _cents(payment["TotalAmt"]) == sum(_cents(line["Amount"]) for line in payment["Line"])
        for line in payment["Line"]:
            paid[line["LinkedTxn"][0]["TxnId"]] += _cents(line["Amount"])
    for invoice in company.entities("Invoice"):
        lines = invoice["Line"]
        sales = sum(
            _cents(line["Amount"])
            for line in lines
            if line["DetailType"] in ("SalesItemLineDetail", "GroupLineDetail")
        )
        discount = sum(_cents(line["Amount"]) for line in lines if line["DetailType"] == "DiscountLineDetail")
        tax = _cents(invoice.get("TxnTaxDetail", {}).get("TotalTax", 0))
        assert _cents(invoice["TotalAmt"]) == sales - discount + tax
        assert _cents(invoice["Balance"]) == _cents(invoice["TotalAmt"]) - paid[invoice["Id"]]
    assert any(invoice["Balance"] not in (0, invoice["TotalAmt"]) for invoice in company.entities("Invoice"))


def ledger(company: Company) -> dict[str, int]:
    """Home-currency debits minus credits per account, following the rules in company.py's docstring."""
    accounts = company.entities("Account")
    by_subtype = {account["AccountSubType"]: account["Id"] for account in accounts}
    items = {item["Id"]: item for item in company.entities("Item")}
    totals: dict[str, int] = defaultdict(int)

    def post(account_id: str, amount: float, rate: float) -> None:
        totals[account_id] += round(_cents(amount) * rate)

    def sales(txn: dict, sign: int) -> None:
        rate = txn.get("ExchangeRate", 1)
        for line in txn["Line"]:
            details = [line] if line["DetailType"] == "SalesItemLineDetail" else []
            if line["DetailType"] == "GroupLineDetail":
                details = line["GroupLineDetail"]["Line"]
            for detail in details:
                item = items[detail["SalesItemLineDetail"]["ItemRef"]["value"]]
                post(item["IncomeAccountRef"]["value"], -sign * detail["Amount"], rate)
            if line["DetailType"] == "DiscountLineDetail":
                post(line["DiscountLineDetail"]["DiscountAccountRef"]["value"], sign * line["Amount"], rate)
        if "TxnTaxDetail" in txn:
            post(by_subtype["SalesTaxPayable"], -sign * txn["TxnTaxDetail"]["TotalTax"], rate)

    for txn in company.entities("Invoice"):
        sales(txn, 1)
        post(by_subtype["AccountsReceivable"], txn["TotalAmt"], txn.get("ExchangeRate", 1))
    for txn in company.entities("SalesReceipt"):
        sales(txn, 1)
        post(txn["DepositToAccountRef"]["value"], txn["TotalAmt"], 1)
    for txn in company.entities("CreditMemo"):
        sales(txn, -1)
        post(by_subtype["AccountsReceivable"], -txn["TotalAmt"], 1)
    for txn in company.entities("RefundReceipt"):
        sales(txn, -1)
        post(txn["DepositToAccountRef"]["value"], -txn["TotalAmt"], 1)
    for txn in company.entities("Payment"):
        rate = txn.get("ExchangeRate", 1)
        post(txn["DepositToAccountRef"]["value"], txn["TotalAmt"], rate)
        post(by_subtype["AccountsReceivable"], -txn["TotalAmt"], rate)
    for txn in company.entities("Deposit"):
        post(txn["DepositToAccountRef"]["value"], txn["TotalAmt"], 1)
        for line in txn["Line"]:
            post(line["DepositLineDetail"]["AccountRef"]["value"], -line["Amount"], 1)
    bills = [(txn, 1) for txn in company.entities("Bill") + company.entities("Purchase")]
    for txn, sign in bills + [(txn, -1) for txn in company.entities("VendorCredit")]:
        post(
            txn["APAccountRef"]["value"] if "APAccountRef" in txn else txn["AccountRef"]["value"],
            -sign * txn["TotalAmt"],
            1,
        )
        for line in txn["Line"]:
            if line["DetailType"] == "AccountBasedExpenseLineDetail":
                post(line["AccountBasedExpenseLineDetail"]["AccountRef"]["value"], sign * line["Amount"], 1)
            else:
                item = items[line["ItemBasedExpenseLineDetail"]["ItemRef"]["value"]]
                post(item["ExpenseAccountRef"]["value"], sign * line["Amount"], 1)
    for txn in company.entities("Transfer"):
        post(txn["ToAccountRef"]["value"], txn["Amount"], 1)
        post(txn["FromAccountRef"]["value"], -txn["Amount"], 1)
    for txn in company.entities("BillPayment"):
        post(txn["APAccountRef"]["value"], txn["TotalAmt"], 1)
        source = txn.get("CheckPayment", {}).get("BankAccountRef") or txn["CreditCardPayment"]["CCAccountRef"]
        post(source["value"], -txn["TotalAmt"], 1)
    for txn in company.entities("JournalEntry"):
        for line in txn["Line"]:
            detail = line["JournalEntryLineDetail"]
            post(
                detail["AccountRef"]["value"],
                line["Amount"] if detail["PostingType"] == "Debit" else -line["Amount"],
                1,
            )
    return totals


@pytest.mark.parametrize(
    "spec",
    [{"seed": 5, "invoices": 600}, {"seed": 9, "invoices": 400, "currency": "CAD", "multicurrency": True}],
)
def test_the_documented_postings_balance_and_match_account_balances(spec):
    company = generate("1002", {"name": "Ledger", **spec}, Clock())
    totals = ledger(company)
    assert sum(totals.values()) == 0
    for account in company.entities("Account"):
        sign = 1 if account["Classification"] in ("Asset", "Expense") else -1
        assert _cents(account["CurrentBalance"]) == sign * totals.get(account["Id"], 0), account["Name"]
    names = {account["AccountSubType"] for account in company.entities("Account")}
    assert {
        "AccountsReceivable",
        "AccountsPayable",
        "UndepositedFunds",
        "Checking",
        "RetainedEarnings",
        "OpeningBalanceEquity",
        "SalesTaxPayable",
    } <= names


def test_nested_accounts_with_own_postings(company):
    accounts = {account["Id"]: account for account in company.entities("Account")}
    children = [account for account in accounts.values() if account["SubAccount"]]
    assert any(
        ":" in account["FullyQualifiedName"] and account["FullyQualifiedName"].count(":") == 2
        for account in children
    )
    parents_with_own = [accounts[child["ParentRef"]["value"]] for child in children]
    assert any(parent["CurrentBalance"] != 0 for parent in parents_with_own)


def test_multicurrency_customers_carry_currency_and_rate():
    company = generate(
        "1003", {"name": "Maple", "invoices": 200, "currency": "CAD", "multicurrency": True}, Clock()
    )
    foreign = [invoice for invoice in company.entities("Invoice") if invoice["CurrencyRef"]["value"] == "EUR"]
    assert foreign and all("ExchangeRate" in invoice and "HomeTotalAmt" in invoice for invoice in foreign)
    assert company.preferences()["CurrencyPrefs"] == {
        "MultiCurrencyEnabled": True,
        "HomeCurrency": {"value": "CAD"},
    }
    assert company.company_info()["Country"] == "CA"


def test_generation_is_deterministic():
    clock = Clock()
    first, second = (generate("7", {"invoices": 150, "seed": 11}, clock) for _ in range(2))

    def strip(rows: list[dict]) -> list[dict]:
        return [{key: value for key, value in row.items() if key != "MetaData"} for row in rows]

    for entity in ENTITIES:
        assert strip(first.entities(entity)) == strip(second.entities(entity)), entity
