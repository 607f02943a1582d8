"""Cell typing without a spreadsheet: what each column type turns into on the wire."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import orjson
import pytest

from sheets.cells import NUMBER_FORMATS, TRUNCATED_MARKER, CellEncoder, serial
from sheets.errors import LimitExceeded
from sheets.limits import MAX_CELL_CHARS
from sheets.rows import money_format


def test_serials_count_days_since_1899_12_30():
    assert serial(date(2020, 1, 1)) == 43831
    assert serial(datetime(2020, 1, 1, 18, 0)) == 43831.75


@pytest.mark.parametrize(
    ("value", "kind", "wire"),
    [
        (Decimal("1234.50"), "money", {"numberValue": 1234.5}),
        ("12.30", "money", {"numberValue": 12.3}),
        (7, "number", {"numberValue": 7}),
        (float("nan"), "number", {}),
        (float("inf"), "number", {"stringValue": "inf"}),
        (None, "text", {}),
        ("00123", "text", {"stringValue": "00123"}),
        ('=IMPORTXML("http://x")', "text", {"stringValue": '=IMPORTXML("http://x")'}),
        (date(2024, 1, 2), "date", {"numberValue": 45293.0}),
        ("2024-01-02", "date", {"numberValue": 45293.0}),
        (True, "bool", {"boolValue": True}),
        ("false", "bool", {"boolValue": False}),
        (Decimal("5"), "text", {"stringValue": "5"}),
    ],
)
def test_values_are_typed_and_json_safe(value, kind, wire):
    encoded = CellEncoder().value(value, kind)
    assert encoded == wire
    json.dumps(encoded, allow_nan=False)
    raw = CellEncoder().raw(value, kind)  # what a values write sends: the CellData's one value
    assert raw == next(iter(wire.values()), None) and type(raw) is type(next(iter(wire.values()), None))
    assert orjson.loads(orjson.dumps([raw])) == [raw]  # the wire's JSON library keeps it as it is


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (Decimal("NaN"), "money"),
        (Decimal("-0.10"), "money"),
        (Decimal("Infinity"), "money"),
        (12.5, "money"),
        (False, "number"),
        ("1,234.50", "money"),
        ("n/a", "number"),
        (datetime(2024, 1, 2, 9, 30), "date"),
        (date(2024, 1, 2), "datetime"),
        ("2024-01-02T09:30:00Z", "datetime"),
        ("soon", "date"),
        (float("nan"), "date"),
        (0, "bool"),
        (" TRUE ", "bool"),
        (12.0, "text"),
        (True, "text"),
        (date(2024, 1, 2), "text"),
        ("x", "unknown type"),
    ],
)
def test_each_column_types_encoder_agrees_with_the_cell_data(value, kind):
    """`raw_for(kind)` (picked once per column) gives what the CellData holds, for every branch."""
    encoder = CellEncoder(tz=ZoneInfo("America/Los_Angeles"))
    raw = encoder.raw_for(kind)(value)
    assert encoder.value(value, kind) == ({} if raw is None else {RAW_KEY[type(raw)]: raw})


RAW_KEY = {bool: "boolValue", int: "numberValue", float: "numberValue", str: "stringValue"}


def test_aware_datetimes_land_in_the_exporter_time_zone():
    encoder = CellEncoder(tz=ZoneInfo("America/Los_Angeles"))
    moment = datetime(2024, 1, 2, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
    assert encoder.value(moment, "datetime") == {"numberValue": serial(datetime(2024, 1, 2, 10, 0))}


def test_long_text_is_refused_or_visibly_truncated():
    long = "x" * (MAX_CELL_CHARS + 10)
    with pytest.raises(Exception) as info:
        CellEncoder().value(long, "text")
    assert not isinstance(info.value, LimitExceeded)  # the writer adds the row and column
    encoder = CellEncoder(oversize="truncate")
    text = encoder.value(long, "text")["stringValue"]
    assert len(text) == MAX_CELL_CHARS and text.endswith(TRUNCATED_MARKER) and encoder.truncated == 1


def test_only_a_currency_code_goes_into_a_number_format():
    assert money_format("EUR") == {"type": "NUMBER", "pattern": '#,##0.00 "EUR"'}
    assert money_format('EUR"0') == money_format(None) == money_format("usd") == NUMBER_FORMATS["money"]
