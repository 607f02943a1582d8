"""`summarize_column_by` Customers, Vendors, Classes, Departments, Employees or ProductsAndServices:
one money column per party, class or item (with activity in the range, by name; "Not Specified"
last), then Total [U: the column layout of the real answer is not in the contract]."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .company_access import Company, entities
from .layout import Vector, column, zeros
from .postings import Posting

NOT_SPECIFIED = "Not Specified"


@dataclass(frozen=True)
class Dimension:
    """A non-period `summarize_column_by`: its Header value, Posting attribute and entity."""

    summarize: str
    attribute: str
    entity: str


DIMENSIONS = {
    "customers": Dimension("Customers", "customer_id", "Customer"),
    "vendors": Dimension("Vendors", "vendor_id", "Vendor"),
    "classes": Dimension("Classes", "class_id", "Class"),
    "departments": Dimension("Departments", "department_id", "Department"),
    "employees": Dimension("Employees", "employee_id", "Employee"),
    "productsandservices": Dimension("ProductsAndServices", "item_id", "Item"),
}


def requested(raw: dict[str, str]) -> Dimension | None:
    """The dimension a request summarizes by, or None for Total and the period units."""
    return DIMENSIONS.get((raw.get("summarize_column_by") or "").strip().lower())


def names(company: Company, dimension: Dimension) -> dict[str, str]:
    """Id -> display name of the dimension's entities."""
    return {
        str(e.get("Id")): str(e.get("DisplayName") or e.get("FullyQualifiedName") or e.get("Name") or "")
        for e in entities(company, dimension.entity)
    }


def split(
    postings: list[Posting], keep: Callable[[Posting], bool], dimension: Dimension, titles: dict[str, str]
) -> tuple[list[str | None], dict[str, Vector]]:
    """The dimension values with postings (by name, None last) and per-account vectors: one entry
    per value, then the total."""
    picked = [p for p in postings if keep(p)]
    values = {getattr(p, dimension.attribute) for p in picked}
    keys: list[str | None] = sorted(
        (v for v in values if v is not None), key=lambda v: (titles.get(v, v).lower(), v)
    )
    if None in values:
        keys.append(None)
    index = {key: i for i, key in enumerate(keys)}
    out: dict[str, Vector] = {}
    for posting in picked:
        vector = out.setdefault(posting.account_id, zeros(len(keys) + 1))
        vector[index[getattr(posting, dimension.attribute)]] += posting.amount
        vector[-1] += posting.amount
    return keys, out


def columns(keys: list[str | None], titles: dict[str, str]) -> dict:
    """The account column, one Money column per value (ColKey = its id), then Total."""
    money = [
        column(titles.get(key, key), "Money", key) if key is not None else column(NOT_SPECIFIED, "Money", "")
        for key in keys
    ]
    return {"Column": [column("", "Account", "account"), *money, column("Total", "Money", "total")]}
