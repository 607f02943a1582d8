"""The generated chart of accounts: a nested QBO chart with every account the ledger needs."""

from __future__ import annotations

from collections.abc import Callable

# key, Name, AccountType (display), AccountSubType, Classification, parent key
CHART: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("checking", "Checking", "Bank", "Checking", "Asset", None),
    ("savings", "Savings", "Bank", "Savings", "Asset", None),
    ("ar", "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "Asset", None),
    ("undeposited", "Undeposited Funds", "Other Current Asset", "UndepositedFunds", "Asset", None),
    ("inventory", "Inventory Asset", "Other Current Asset", "Inventory", "Asset", None),
    ("equipment", "Truck", "Fixed Asset", "Vehicles", "Asset", None),
    ("equipment_cost", "Original Cost", "Fixed Asset", "Vehicles", "Asset", "equipment"),
    ("depreciation_acc", "Depreciation", "Fixed Asset", "AccumulatedDepreciation", "Asset", "equipment"),
    ("ap", "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "Liability", None),
    ("card", "Mastercard", "Credit Card", "CreditCard", "Liability", None),
    ("sales_tax", "Sales Tax Payable", "Other Current Liability", "SalesTaxPayable", "Liability", None),
    ("loan", "Notes Payable", "Long Term Liability", "NotesPayable", "Liability", None),
    ("opening_equity", "Opening Balance Equity", "Equity", "OpeningBalanceEquity", "Equity", None),
    ("retained", "Retained Earnings", "Equity", "RetainedEarnings", "Equity", None),
    ("services", "Services", "Income", "ServiceFeeIncome", "Revenue", None),
    ("landscaping", "Landscaping Services", "Income", "ServiceFeeIncome", "Revenue", None),
    ("installation", "Installation", "Income", "ServiceFeeIncome", "Revenue", "landscaping"),
    ("maintenance", "Maintenance and Repair", "Income", "ServiceFeeIncome", "Revenue", "landscaping"),
    ("job_materials", "Job Materials", "Income", "SalesOfProductIncome", "Revenue", "landscaping"),
    (
        "fountains",
        "Fountains and Garden Lighting",
        "Income",
        "SalesOfProductIncome",
        "Revenue",
        "job_materials",
    ),
    ("plants", "Plants and Soil", "Income", "SalesOfProductIncome", "Revenue", "job_materials"),
    ("design", "Design income", "Income", "ServiceFeeIncome", "Revenue", None),
    ("discounts", "Discounts given", "Income", "DiscountsRefundsGiven", "Revenue", None),
    ("interest_income", "Interest Earned", "Other Income", "InterestEarned", "Revenue", None),
    ("cogs", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense", None),
    ("advertising", "Advertising", "Expense", "AdvertisingPromotional", "Expense", None),
    ("automobile", "Automobile", "Expense", "Auto", "Expense", None),
    ("fuel", "Fuel", "Expense", "Auto", "Expense", "automobile"),
    ("job_expenses", "Job Expenses", "Expense", "SuppliesMaterials", "Expense", None),
    ("job_materials_exp", "Job Materials", "Expense", "SuppliesMaterials", "Expense", "job_expenses"),
    ("decks", "Decks and Patios", "Expense", "SuppliesMaterials", "Expense", "job_materials_exp"),
    ("equipment_rental", "Equipment Rental", "Expense", "EquipmentRental", "Expense", "job_expenses"),
    ("legal", "Legal & Professional Fees", "Expense", "LegalProfessionalFees", "Expense", None),
    ("accounting", "Accounting", "Expense", "LegalProfessionalFees", "Expense", "legal"),
    ("rent", "Rent or Lease", "Expense", "RentOrLeaseOfBuildings", "Expense", None),
    ("utilities", "Utilities", "Expense", "Utilities", "Expense", None),
    ("telephone", "Telephone", "Expense", "Utilities", "Expense", "utilities"),
    ("depreciation", "Depreciation", "Other Expense", "Depreciation", "Expense", None),
)


def build_chart(new_id: Callable[[], str], currency: dict, meta: dict) -> dict[str, dict]:
    """Account JSON by key; parents precede children so FullyQualifiedName can be built."""
    accounts: dict[str, dict] = {}
    for key, name, account_type, sub_type, classification, parent in CHART:
        row: dict = {
            "Id": new_id(),
            "Name": name,
            "SubAccount": parent is not None,
            "FullyQualifiedName": name,
            "Active": True,
            "Classification": classification,
            "AccountType": account_type,
            "AccountSubType": sub_type,
            "CurrentBalance": 0,
            "CurrentBalanceWithSubAccounts": 0,
            "CurrencyRef": currency,
            "domain": "QBO",
            "sparse": False,
            "SyncToken": "0",
            "MetaData": meta,
        }
        if parent is not None:
            row["ParentRef"] = {"value": accounts[parent]["Id"]}
            row["FullyQualifiedName"] = f"{accounts[parent]['FullyQualifiedName']}:{name}"
        accounts[key] = row
    return accounts


def ref(row: dict, name_key: str = "Name") -> dict:
    """`{"value": Id, "name": ...}` pointing at an entity."""
    return {"value": row["Id"], "name": row.get("FullyQualifiedName") or row[name_key]}
