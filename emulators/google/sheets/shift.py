"""References follow inserted and deleted rows/columns, as in Sheets.

Inserting before a referenced cell moves the reference; inserting inside a range widens it. Deleting a
referenced cell (or a whole referenced range) makes the reference `#REF!`; deleting part of a range
narrows it. Applies to formulas (same tab and other tabs, bound by sheetId) and to named ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulators.google.sheets.a1 import column_index, column_letter

_STRING = r'"(?:[^"]|"")*"'
_RANGE = (
    r"\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d*)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+"
)
_REFERENCE = re.compile(
    rf"{_STRING}|(?P<token>\x01(?P<sheet>\d+)[\x02\x03])?(?<![A-Za-z0-9_.$!])(?P<ref>{_RANGE})(?![A-Za-z0-9_(!])"
)
_END = re.compile(r"^(\$?)([A-Za-z]*)(\$?)(\d*)$")


@dataclass(frozen=True)
class Change:
    """Rows or columns [start, end) of tab `sheet_id` were inserted (or deleted)."""

    sheet_id: int
    dimension: str
    start: int
    end: int
    inserted: bool

    @property
    def count(self) -> int:
        return self.end - self.start

    def point(self, index: int) -> int | None:
        """Where a single index goes; None when it was deleted."""
        if self.inserted:
            return index + self.count if index >= self.start else index
        if index < self.start:
            return index
        return None if index < self.end else index - self.count

    def span(self, first: int | None, last: int | None) -> tuple[int | None, int | None] | None:
        """Where an inclusive span goes (None ends are open); None when all of it was deleted."""
        if self.inserted:
            return (None if first is None else self.point(first)), (
                None if last is None else self.point(last)
            )
        if first is not None and last is not None and self.start <= first and last < self.end:
            return None
        if first is not None and first >= self.start:
            first = self.start if first < self.end else first - self.count
        if last is not None and last >= self.start:
            last = self.start - 1 if last < self.end else last - self.count
        return first, last


def _parse(end: str, rows: bool) -> tuple[str, int | None, str]:
    """An endpoint split around the index that moves: (before, 0-based index, after)."""
    match = _END.match(end)
    if match is None:
        raise ValueError(end)
    col_dollar, letters, row_dollar, digits = match.groups()
    if rows:
        return col_dollar + letters + row_dollar, (int(digits) - 1 if digits else None), ""
    return col_dollar, (column_index(letters) if letters else None), row_dollar + digits


def _text(before: str, index: int | None, after: str, rows: bool) -> str:
    if index is None:
        return before + after
    return before + (str(index + 1) if rows else column_letter(index)) + after


def move_reference(ref: str, change: Change) -> str | None:
    """The A1 reference after the change; None when it now points at deleted cells."""
    rows = change.dimension == "ROWS"
    ends = [_parse(end, rows) for end in ref.split(":")]
    if len(ends) == 1:
        before, index, after = ends[0]
        if index is None:
            return ref
        moved = change.point(index)
        return None if moved is None else _text(before, moved, after, rows)
    (b1, first, a1), (b2, last, a2) = ends
    span = change.span(first, last)
    if span is None:
        return None
    return _text(b1, span[0], a1, rows) + ":" + _text(b2, span[1], a2, rows)


def shift_formula(template: str, formula_sheet: int, change: Change) -> str:
    """A stored formula with its references to the changed tab moved (deleted ones become #REF!)."""

    def replace(match: re.Match) -> str:
        ref = match.group("ref")
        if ref is None:
            return match.group(0)
        sheet = int(match.group("sheet")) if match.group("sheet") else formula_sheet
        if sheet != change.sheet_id:
            return match.group(0)
        moved = move_reference(ref, change)
        return "#REF!" if moved is None else (match.group("token") or "") + moved

    return _REFERENCE.sub(replace, template)


def shift_grid_range(grid_range: dict, change: Change) -> dict | None:
    """A GridRange after the change; None when all of it was deleted."""
    if (grid_range.get("sheetId") or 0) != change.sheet_id:
        return grid_range
    keys = (
        ("startRowIndex", "endRowIndex")
        if change.dimension == "ROWS"
        else ("startColumnIndex", "endColumnIndex")
    )
    start, end = grid_range.get(keys[0]), grid_range.get(keys[1])
    span = change.span(start, None if end is None else end - 1)
    if span is None:
        return None
    out = {**grid_range}
    for key, value in zip(keys, (span[0], None if span[1] is None else span[1] + 1), strict=True):
        if value is not None:
            out[key] = value
    return out


def shift_dimension_range(span: dict, change: Change) -> dict | None:
    """A DimensionRange (row/column group) after the change; None when all of it was deleted."""
    if (span.get("sheetId") or 0) != change.sheet_id or span.get("dimension") != change.dimension:
        return span
    moved = change.span(span["startIndex"], span["endIndex"] - 1)
    if moved is None or moved[0] is None or moved[1] is None:
        return None
    return {**span, "startIndex": moved[0], "endIndex": moved[1] + 1}
