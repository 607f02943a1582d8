"""Unit checks of the Sheets model pieces: A1 parsing, number formats, USER_ENTERED parsing, masks."""

from __future__ import annotations

import pytest

from emulators.google.sheets import entry, fieldmask, numfmt
from emulators.google.sheets.a1 import Box, parse_cells, quote_title, split_sheet
from emulators.google.sheets.shift import Change, move_reference


@pytest.mark.parametrize(
    ("ref", "box"),
    [
        ("A1", Box(0, 1, 0, 1)),
        ("B2:C9", Box(1, 9, 1, 3)),
        ("A:A", Box(None, None, 0, 1)),
        ("1:1", Box(0, 1, None, None)),
        ("A2:A", Box(1, None, 0, 1)),
        ("A1:1", Box(0, 1, 0, None)),
        ("$A$1:$B$2", Box(0, 2, 0, 2)),
    ],
)
def test_a1(ref, box):
    assert parse_cells(ref) == box


def test_titles():
    assert split_sheet("'It''s'!A1") == ("It's", "A1")
    assert (quote_title("Sheet1"), quote_title("D3"), quote_title("My Tab")) == ("Sheet1", "'D3'", "'My Tab'")


@pytest.mark.parametrize(
    ("value", "pattern", "text"),
    [
        (1234.5, "#,##0.00", "1,234.50"),
        (1234.5, "0", "1235"),
        (-5, '"$"#,##0.00', "-$5.00"),
        (5, "[$€]#,##0.00", "€5.00"),
        (0.125, "0%", "13%"),
        (45293.5, "yyyy-mm-dd hh:mm:ss", "2024-01-02 12:00:00"),
        (45293, "m/d/yyyy", "1/2/2024"),
        (-5, "#,##0.00;(#,##0.00)", "(5.00)"),
    ],
)
def test_number_formats(value, pattern, text):
    assert numfmt.render(value, {"type": "NUMBER", "pattern": pattern}) == text


def test_general():
    assert [numfmt.general(v) for v in (53.0, 0.1 + 0.2, 1 / 3, 1e20)] == [
        "53",
        "0.3",
        "0.3333333333",
        "1E+20",
    ]


def test_user_entered():
    assert entry.user_entered("-$5") == (-5, None, {"type": "CURRENCY", "pattern": '"$"#,##0'})
    assert entry.user_entered("abc 1") == ("abc 1", None, None)
    assert entry.parse("=1", "RAW") == ("=1", None, None)


def test_field_masks():
    assert fieldmask.parse("gridProperties/rowCount,userEnteredFormat(textFormat,numberFormat)") == {
        "gridProperties": {"rowCount": {}},
        "userEnteredFormat": {"textFormat": {}, "numberFormat": {}},
    }
    shared = {"a": {"b": 1, "c": 2}}
    target = {"x": shared["a"]}
    fieldmask.apply(target, {"x": {"b": 5}}, fieldmask.parse("x.b"))
    assert target == {"x": {"b": 5, "c": 2}} and shared == {"a": {"b": 1, "c": 2}}


@pytest.mark.parametrize(
    ("ref", "dimension", "start", "end", "inserted", "moved"),
    [
        ("B5", "ROWS", 1, 3, True, "B7"),
        ("B1", "ROWS", 1, 3, True, "B1"),
        ("$B$5", "ROWS", 2, 4, False, "$B$3"),
        ("B3", "ROWS", 2, 4, False, None),
        ("B2:B10", "ROWS", 0, 3, False, "B1:B7"),
        ("B2:B4", "ROWS", 1, 4, False, None),
        ("B2:B10", "ROWS", 4, 6, True, "B2:B12"),
        ("A:A", "ROWS", 0, 5, False, "A:A"),
        ("A2:A", "ROWS", 0, 1, True, "A3:A"),
        ("C1:E1", "COLUMNS", 0, 1, False, "B1:D1"),
        ("A:A", "COLUMNS", 0, 1, False, None),
        ("Z9", "COLUMNS", 1, 2, True, "AA9"),
    ],
)
def test_references_move_with_rows_and_columns(ref, dimension, start, end, inserted, moved):
    assert move_reference(ref, Change(0, dimension, start, end, inserted)) == moved
