"""Typed cells: QuickBooks values as Sheets CellData, numbers as numbers, dates as serials, text as text."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from sheets.limits import MAX_CELL_CHARS

EPOCH = datetime(1899, 12, 30)
EPOCH_DATE = EPOCH.date()
TRUNCATED_MARKER = "…[truncated]"

CellData = dict[str, Any]  # a Sheets CellData (JSON); {} is an empty cell
NumberFormat = dict[str, str]

NUMBER_FORMATS: dict[str, NumberFormat] = {
    "money": {"type": "NUMBER", "pattern": "#,##0.00"},
    "date": {"type": "DATE", "pattern": "yyyy-mm-dd"},
    "datetime": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"},
    "text": {"type": "TEXT"},
}


class ColumnLike(Protocol):
    """What the writer needs of a column (exporters.columns.Column has more)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def type(self) -> str: ...


def number_format(column: ColumnLike) -> NumberFormat | None:
    """The numberFormat of a column; money gets the currency code when the column knows it."""
    if column.type == "money" and (currency := getattr(column, "currency", None)):
        return {"type": "NUMBER", "pattern": f'#,##0.00 "{currency}"'}
    return NUMBER_FORMATS.get(column.type)


def serial(value: date | datetime) -> float:
    """Days since 1899-12-30 (Sheets' date serial), with the time of day as a fraction."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
    return float((value - EPOCH_DATE).days)


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return None if not value.is_finite() else float(value)
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    try:
        parsed = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return float(parsed) if parsed.is_finite() else None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


RawValue = bool | int | float | str | None  # a RAW `values` entry; None is an empty cell
RawEncode = Callable[[Any], RawValue]


def _missing(value: Any) -> bool:
    """None and NaN are empty cells."""
    return value is None or (isinstance(value, float | Decimal) and value != value)


@dataclass
class CellEncoder:
    """Turns row values into RAW values or CellData; counts (or refuses) cells over 50,000 characters.

    `raw_for(kind)` is the encoder of one column type, picked once per column: a table's rows are encoded
    cell by cell without looking the type up again, and without building a CellData object per cell."""

    oversize: str = "fail"  # "fail" | "truncate"
    tz: tzinfo | None = None
    truncated: int = 0

    def raw_for(self, kind: str) -> RawEncode:
        """The RAW encoder of a column type (text for a type it doesn't know)."""
        if kind in ("number", "money"):
            return self._number_raw
        if kind == "date":
            return self._date_raw
        if kind == "datetime":
            return self._datetime_raw
        if kind == "bool":
            return _bool_raw
        return self._text_raw

    def raw(self, value: Any, kind: str) -> RawValue:
        """The value as a RAW `values` entry: a number, bool or string; None for an empty cell."""
        return self.raw_for(kind)(value)

    def value(self, value: Any, kind: str) -> CellData:
        """The ExtendedValue of one value for a column type ({} is an empty cell)."""
        return extended_value(self.raw(value, kind))

    def cell(self, value: Any, kind: str) -> CellData:
        """CellData for updateCells (no value: an empty cell)."""
        extended = self.value(value, kind)
        return {"userEnteredValue": extended} if extended else {}

    def row(self, values: Any, kinds: list[str]) -> dict[str, list[CellData]]:
        """RowData of one row."""
        return {"values": [self.cell(v, k) for v, k in zip(values, kinds, strict=False)]}

    # -- one encoder per column type --------------------------------------------------------------------

    def _text_raw(self, value: Any) -> RawValue:
        if type(value) is str:  # the common case, as _text would leave it
            return value if len(value) <= MAX_CELL_CHARS else self._string(value)
        return None if _missing(value) else self._string(_text(value))

    def _number_raw(self, value: Any) -> RawValue:
        if type(value) is Decimal and value.is_finite():  # the common case: money as the sources type it
            return float(value)
        if _missing(value):
            return None
        number = _number(value)
        return number if number is not None else self._string(_text(value))

    def _date_raw(self, value: Any) -> RawValue:
        if type(value) is date:  # the common case: a date column's value
            return float((value - EPOCH_DATE).days)
        return self._moment_raw(value, "date")

    def _datetime_raw(self, value: Any) -> RawValue:
        return self._moment_raw(value, "datetime")

    def _moment_raw(self, value: Any, kind: str) -> RawValue:
        if _missing(value):
            return None
        moment = self._moment(value, kind)
        return serial(moment) if moment is not None else self._string(_text(value))

    def _moment(self, value: Any, kind: str) -> date | datetime | None:
        moment: object = value
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
        if isinstance(moment, datetime):
            if moment.tzinfo is not None and self.tz is not None:
                moment = moment.astimezone(self.tz)
            return moment.date() if kind == "date" else moment
        if isinstance(moment, date):
            return moment if kind == "date" else datetime.combine(moment, time())
        return None

    def _string(self, text: str) -> str:
        if len(text) > MAX_CELL_CHARS:
            if self.oversize != "truncate":
                raise CellTooLong(len(text))
            self.truncated += 1
            text = text[: MAX_CELL_CHARS - len(TRUNCATED_MARKER)] + TRUNCATED_MARKER
        return text


def _bool_raw(value: Any) -> RawValue:
    if _missing(value):
        return None
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return bool(value)


def extended_value(raw: RawValue) -> CellData:
    """The ExtendedValue of a RAW value ({} for None, an empty cell)."""
    if raw is None:
        return {}
    key = "boolValue" if isinstance(raw, bool) else "stringValue" if isinstance(raw, str) else "numberValue"
    return {key: raw}


def cell_of(raw: Any) -> CellData:
    """The CellData of a RAW value from `CellEncoder.raw` (None: an empty cell)."""
    extended = extended_value(raw)
    return {"userEnteredValue": extended} if extended else {}


class CellTooLong(ValueError):
    """A value over 50,000 characters in "fail" mode; the writer adds which row and column."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length
