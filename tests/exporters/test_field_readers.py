"""A field read at a path converts in one call (`Field.read`): it must give what the general path gives,
`typed(dig(record, path), type)`, value for value and type for type, on awkward records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from exporters.catalog import SOURCES
from exporters.columns import TYPES, at, dig, typed
from exporters.sources.base import CompanyContext, RowContext, RunContext

PATHS = ("DocNumber", "CustomerRef.name", "TxnTaxDetail.TaxLine.Amount")

# What a step of a path may meet in QBO JSON (or a line wrapper): every kind of scalar, missing keys,
# a reference that is not an object, an empty object.
LEAVES: list[Any] = [
    None,
    "",
    "=SUM(A1:A9)",
    "+1 555 0100",
    "'quoted",
    "Ünïcødé — 日本語 🙂",
    "2026-12-03",
    "2026-12-03T10:20:30-08:00",
    "1,234.50",
    "TRUE",
    " yes ",
    "not a number",
    0,
    -7,
    10**20,
    1234.5,
    0.1,
    -0.0,
    1e16,
    True,
    False,
    Decimal("12.30"),
    date(2026, 12, 3),
    datetime(2026, 12, 3, 10, 20, 30),
]


def records() -> list[Any]:
    """Each leaf at every depth, plus records whose steps are missing or not objects."""
    out: list[Any] = [None, "not an object", [], {}, {"DocNumber": None}]
    for leaf in LEAVES:
        out += [
            {"DocNumber": leaf},
            {"CustomerRef": {"name": leaf, "value": "1"}},
            {"CustomerRef": leaf},
            {"TxnTaxDetail": {"TaxLine": {"Amount": leaf}}},
            {"TxnTaxDetail": {"TaxLine": leaf}},
            {"TxnTaxDetail": leaf},
        ]
    return out


CTX = RowContext(CompanyContext("Acme", "1"), RunContext())


def general(record: Any, path: str, type_: str) -> Any:
    try:
        return ("value", typed(dig(record, path), type_))
    except Exception as exc:  # a value the converter refuses must be refused the same way
        return ("error", type(exc))


def fused(record: Any, path: str, type_: str) -> Any:
    field = at("key", "Key", path, type_)
    try:
        return ("value", field.read(record, CTX))
    except Exception as exc:
        return ("error", type(exc))


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("path", PATHS)
def test_a_field_read_at_a_path_gives_what_the_general_path_gives(path, type_):
    for record in records():
        want, got = general(record, path, type_), fused(record, path, type_)
        assert got == want, (record, path, type_)
        assert type(got[1]) is type(want[1]), (record, path, type_)
        if isinstance(want[1], Decimal):  # 12.30 and 12.3 are equal Decimals; the sheet would not care,
            assert str(got[1]) == str(want[1])  # but the converters' output is kept exactly


def test_every_sources_fields_read_as_get_then_convert():
    """`Field.value` of every declared field of every source is its getter then its column's converter."""
    record = {
        "Id": "7",
        "DocNumber": "=1+1",
        "TxnDate": "2026-12-03",
        "CustomerRef": {"name": "Zoë", "value": "3"},
        "TotalAmt": 12.5,
        "Balance": 0,
        "CurrencyRef": {"value": "EUR"},
        "MetaData": {"CreateTime": "2026-12-03T10:20:30-08:00"},
        "Active": True,
    }
    checked = 0
    for source in SOURCES.values():
        for field in getattr(source, "fields", ()):
            if field.path is None:
                continue
            want = typed(field.get(record, CTX), field.column.type)
            assert field.value(record, CTX) == want, (source.key, field.column.key)
            checked += 1
    assert checked > 100
