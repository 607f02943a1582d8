"""Generated name lists: terms, payment methods, tax code, classes, departments, employees,
items, customers and vendors (some inactive, some in a foreign currency, a few nasty names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulators.qbo import names
from emulators.qbo.chart import ref

if TYPE_CHECKING:
    from emulators.qbo.generate import _Builder

# Name, Type, income account key, expense account key, unit price, taxable
ITEMS = (
    ("Design", "Service", "design", None, 75.0, False),
    ("Gardening", "Service", "landscaping", None, 25.0, False),
    ("Installation", "Service", "installation", None, 50.0, False),
    ("Maintenance & Repair", "Service", "maintenance", None, 45.0, False),
    ("Trimming", "Service", "landscaping", None, 35.0, False),
    ("Hours", "Service", "services", None, 0.0, False),
    ("Rock Fountain", "NonInventory", "fountains", "cogs", 275.0, True),
    ("Pump", "NonInventory", "fountains", "cogs", 12.75, True),
    ("Concrete", "NonInventory", "job_materials", "cogs", 9.5, True),
    ("Sod", "NonInventory", "plants", "cogs", 1.75, True),
    ("Sprinkler Heads", "NonInventory", "job_materials", "cogs", 2.0, True),
    ("Lumber", "NonInventory", "job_materials", "decks", 15.0, True),
)


@dataclass
class Lists:
    """What the transaction generator picks from."""

    accounts_by_id: dict[str, dict]
    expense_accounts: list[dict]
    terms: list[dict] = field(default_factory=list)
    payment_methods: list[dict] = field(default_factory=list)
    sale_items: list[dict] = field(default_factory=list)
    purchase_items: list[dict] = field(default_factory=list)
    group_item: dict = field(default_factory=dict)
    tax_code: dict = field(default_factory=dict)
    tax_rate_id: str = "3"
    customers: list[dict] = field(default_factory=list)
    home_customers: list[dict] = field(default_factory=list)
    vendors: list[dict] = field(default_factory=list)


def build_lists(builder: _Builder) -> Lists:
    """Create every name-list entity through `builder.entity` and return the pick lists."""
    acc = builder.acc
    expense_keys = (
        "advertising",
        "fuel",
        "automobile",
        "job_expenses",
        "decks",
        "equipment_rental",
        "accounting",
        "legal",
        "rent",
        "telephone",
        "utilities",
        "cogs",
    )
    lists = Lists({row["Id"]: row for row in acc.values()}, [acc[key] for key in expense_keys])
    start = builder.start
    for name, days in (("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)):
        body = {"Name": name, "Active": True, "Type": "STANDARD", "DueDays": days, "DiscountPercent": 0}
        lists.terms.append(builder.entity("Term", start, body))
    for name, kind in (
        ("Cash", "NON_CREDIT_CARD"),
        ("Check", "NON_CREDIT_CARD"),
        ("Visa", "CREDIT_CARD"),
        ("MasterCard", "CREDIT_CARD"),
        ("American Express", "CREDIT_CARD"),
    ):
        lists.payment_methods.append(
            builder.entity("PaymentMethod", start, {"Name": name, "Active": True, "Type": kind})
        )
    rate = {
        "TaxRateRef": {"value": lists.tax_rate_id, "name": "California"},
        "TaxTypeApplicable": "TaxOnAmount",
        "TaxOrder": 0,
    }
    lists.tax_code = builder.entity(
        "TaxCode",
        start,
        {
            "Name": "California",
            "Description": "California sales tax",
            "Active": True,
            "Hidden": False,
            "Taxable": True,
            "TaxGroup": True,
            "SalesTaxRateList": {"TaxRateDetail": [rate]},
            "PurchaseTaxRateList": {"TaxRateDetail": []},
        },
    )
    for name in ("Landscaping", "Design", "Maintenance"):
        builder.entity(
            "Class", start, {"Name": name, "SubClass": False, "FullyQualifiedName": name, "Active": True}
        )
    for name in ("North", "South"):
        builder.entity(
            "Department",
            start,
            {"Name": name, "SubDepartment": False, "FullyQualifiedName": name, "Active": True},
        )
    for number, (given, family) in enumerate((("Emily", "Platt"), ("John", "Johnson"), ("Ana", "Núñez")), 1):
        builder.entity(
            "Employee",
            start,
            {
                "GivenName": given,
                "FamilyName": family,
                "DisplayName": f"{given} {family}",
                "PrintOnCheckName": f"{given} {family}",
                "Active": number != 3,
                "EmployeeNumber": f"E{number:03d}",
                "HiredDate": start.isoformat(),
                "BillableTime": False,
                "PrimaryPhone": {"FreeFormNumber": f"(650) 555-01{number:02d}"},
            },
        )
    _items(builder, lists)
    _customers(builder, lists)
    _vendors(builder, lists)
    return lists


def _items(builder: _Builder, lists: Lists) -> None:
    acc = builder.acc
    for name, kind, income, expense, price, taxable in ITEMS:
        body = {
            "Name": name,
            "FullyQualifiedName": name,
            "Description": name,
            "Active": True,
            "Type": kind,
            "Taxable": taxable,
            "UnitPrice": price,
            "IncomeAccountRef": ref(acc[income]),
            "TrackQtyOnHand": False,
        }
        if expense:
            body["PurchaseCost"] = round(price * 0.6, 2)
            body["ExpenseAccountRef"] = ref(acc[expense])
        item = builder.entity("Item", builder.start, body)
        lists.sale_items.append(item)
        if expense:
            lists.purchase_items.append(item)
    retired = {
        "Name": "Old Sprinklers",
        "FullyQualifiedName": "Old Sprinklers",
        "Active": False,
        "Type": "NonInventory",
        "UnitPrice": 3.0,
        "IncomeAccountRef": ref(acc["job_materials"]),
        "ExpenseAccountRef": ref(acc["cogs"]),
        "TrackQtyOnHand": False,
    }
    builder.entity("Item", builder.start, retired)
    lists.group_item = builder.entity(
        "Item",
        builder.start,
        {
            "Name": "Garden Package",
            "FullyQualifiedName": "Garden Package",
            "Description": "Garden package (bundle)",
            "Active": True,
            "Type": "Group",
            "TrackQtyOnHand": False,
        },
    )


def _address(builder: _Builder) -> dict:
    city, region, postal = builder.rng.choice(names.CITIES)
    return {
        "Id": builder.company.new_id(),
        "Line1": f"{builder.rng.randrange(1, 999)} {builder.rng.choice(names.STREETS)}",
        "City": city,
        "CountrySubDivisionCode": region,
        "PostalCode": postal,
        "Country": "USA",
    }


def _person_name(builder: _Builder, index: int, pool: tuple[str, ...], nasty: bool) -> tuple[str, str, str]:
    given, family = builder.rng.choice(names.FIRST), builder.rng.choice(names.LAST)
    if nasty and index < len(names.NASTY_NAMES):
        return given, family, names.NASTY_NAMES[index]
    return given, family, f"{family}'s {builder.rng.choice(pool)} {index}"


def _customers(builder: _Builder, lists: Lists) -> None:
    count = min(5000, max(15, builder.invoice_count // 8))
    for index in range(count):
        given, family, display = _person_name(builder, index, names.COMPANY, nasty=True)
        foreign = builder.foreign is not None and index % 7 == 3
        address = _address(builder)
        body = {
            "DisplayName": display,
            "GivenName": given,
            "FamilyName": family,
            "CompanyName": display,
            "FullyQualifiedName": display,
            "PrintOnCheckName": display,
            "PrimaryEmailAddr": {"Address": f"customer{index}@example.com"},
            "PrimaryPhone": {"FreeFormNumber": f"(415) 555-{index % 10000:04d}"},
            "BillAddr": address,
            "ShipAddr": address,
            "Balance": 0,
            "BalanceWithJobs": 0,
            "Active": index % 20 != 19,
            "Job": False,
            "BillWithParent": False,
            "Taxable": not foreign,
            "PreferredDeliveryMethod": "Print",
            "CurrencyRef": builder.foreign if foreign else builder.home,
        }
        customer = builder.entity("Customer", builder.start, body)
        lists.customers.append(customer)
        if not foreign:
            lists.home_customers.append(customer)


def _vendors(builder: _Builder, lists: Lists) -> None:
    count = min(2000, max(8, builder.invoice_count // 25))
    for index in range(count):
        given, family, display = _person_name(builder, index, names.VENDOR, nasty=False)
        body = {
            "DisplayName": display,
            "GivenName": given,
            "FamilyName": family,
            "CompanyName": display,
            "PrintOnCheckName": display,
            "AcctNum": f"{1000 + index}",
            "Vendor1099": index % 5 == 0,
            "PrimaryEmailAddr": {"Address": f"vendor{index}@example.com"},
            "PrimaryPhone": {"FreeFormNumber": f"(650) 555-{index % 10000:04d}"},
            "WebAddr": {"URI": f"http://vendor{index}.example.com"},
            "BillAddr": _address(builder),
            "Balance": 0,
            "Active": index % 15 != 14,
            "CurrencyRef": builder.home,
            "TermRef": {"value": lists.terms[2]["Id"]},
        }
        lists.vendors.append(builder.entity("Vendor", builder.start, body))
