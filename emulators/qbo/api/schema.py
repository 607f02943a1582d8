"""Queryable entities and properties, learned once from a small generated company plus QBO extras."""

from __future__ import annotations

from functools import cache

from emulators.qbo.api.faults import QueryFault
from emulators.qbo.company import ENTITIES

QUERYABLE = (*ENTITIES, "CompanyInfo", "Preferences")
# Properties QBO documents that the generator may leave empty (only set properties are returned).
EXTRA = {
    "*": ("Id", "SyncToken", "MetaData", "domain", "sparse"),
    "Customer": ("ParentRef", "Notes", "Mobile", "Fax", "WebAddr", "ResaleNum", "SalesTermRef"),
    "Vendor": ("Mobile", "Fax", "TaxIdentifier", "Notes"),
    "Account": ("AcctNum", "Description", "ParentRef"),
    "Invoice": (
        "PrivateNote",
        "ExchangeRate",
        "HomeTotalAmt",
        "LinkedTxn",
        "TxnTaxDetail",
        "ClassRef",
        "DepartmentRef",
        "ShipDate",
        "TrackingNum",
        "HomeBalance",
    ),
    "Item": ("Sku", "ExpenseAccountRef", "PurchaseCost", "ParentRef", "SubItem", "Level"),
    "Bill": ("LinkedTxn", "PrivateNote", "DocNumber", "ExchangeRate"),
    "Payment": ("ExchangeRate", "ARAccountRef", "PrivateNote"),
}


@cache
def _properties() -> dict[str, dict[str, set[str]]]:
    """{entity: {Property: {SubProperty, ...}}} from a generated multi-currency company."""
    from emulators.qbo.clock import Clock
    from emulators.qbo.generate import generate

    company = generate("0", {"invoices": 400, "multicurrency": True, "seed": 7}, Clock())
    found: dict[str, dict[str, set[str]]] = {}
    for entity in QUERYABLE:
        rows = {"CompanyInfo": [company.company_info()], "Preferences": [company.preferences()]}.get(entity)
        props: dict[str, set[str]] = {name: set() for name in (*EXTRA["*"], *EXTRA.get(entity, ()))}
        props["MetaData"] = {"CreateTime", "LastUpdatedTime"}
        for row in rows if rows is not None else company.entities(entity):
            for key, value in row.items():
                props.setdefault(key, set()).update(value if isinstance(value, dict) else ())
        found[entity] = props
    return found


def learn() -> None:
    """Learn the properties now (~0.15 s, once per process) rather than in the first query's answer."""
    _properties()


def entity_name(name: str) -> str:
    """The canonical entity name (case-insensitive), or fault 4002."""
    for entity in QUERYABLE:
        if entity.lower() == name.lower():
            return entity
    raise QueryFault.processing(f"Entity {name} is not supported for query")


def resolve_path(entity: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """Canonical spelling of a dotted property path, or fault 4001 when the property is unknown."""
    props = _properties()[entity]
    head = next((name for name in props if name.lower() == path[0].lower()), None)
    if head is None:
        raise QueryFault.validation(f"Property {'.'.join(path)} not found for Entity {entity}")
    rest = tuple(next((s for s in props[head] if s.lower() == part.lower()), part) for part in path[1:])
    return (head, *rest)
