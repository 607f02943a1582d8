"""Typed cells: QuickBooks values as Sheets CellData, numbers as numbers, dates as serials, text as text."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from sheets.limits import MAX_CELL_CHARS

EPOCH = datetime(1899, 12, 30)
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
    return float((value - EPOCH.date()).days)


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


@dataclass
class CellEncoder:
    """Turns row values into CellData; counts (or refuses) cells over 50,000 characters."""

    oversize: str = "fail"  # "fail" | "truncate"
    tz: tzinfo | None = None
    truncated: int = 0

    def value(self, value: Any, kind: str) -> CellData:
        """The ExtendedValue of one value for a column type ({} is an empty cell)."""
        if value is None or (isinstance(value, float | Decimal) and value != value):
            return {}
        if kind in ("number", "money"):
            number = _number(value)
            return {"numberValue": number} if number is not None else self._string(_text(value))
        if kind in ("date", "datetime"):
            moment = self._moment(value, kind)
            return {"numberValue": serial(moment)} if moment is not None else self._string(_text(value))
        if kind == "bool":
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return {"boolValue": value.strip().lower() == "true"}
            return {"boolValue": bool(value)}
        return self._string(_text(value))

    def raw(self, value: Any, kind: str) -> Any:
        """The value as a RAW `values` entry: a number, bool or string; None for an empty cell."""
        extended = self.value(value, kind)
        return next(iter(extended.values())) if extended else None

    def cell(self, value: Any, kind: str) -> CellData:
        """CellData for updateCells (no value: an empty cell)."""
        extended = self.value(value, kind)
        return {"userEnteredValue": extended} if extended else {}

    def row(self, values: Any, kinds: list[str]) -> dict[str, list[CellData]]:
        """RowData of one row."""
        return {"values": [self.cell(v, k) for v, k in zip(values, kinds, strict=False)]}

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

    def _string(self, text: str) -> CellData:
        if len(text) > MAX_CELL_CHARS:
            if self.oversize != "truncate":
                raise CellTooLong(len(text))
            self.truncated += 1
            text = text[: MAX_CELL_CHARS - len(TRUNCATED_MARKER)] + TRUNCATED_MARKER
        return {"stringValue": text}


RAW_KEYS = {bool: "boolValue", int: "numberValue", float: "numberValue", str: "stringValue"}


def cell_of(raw: Any) -> CellData:
    """The CellData of a RAW value from `CellEncoder.raw` (None: an empty cell)."""
    return {} if raw is None else {"userEnteredValue": {RAW_KEYS[type(raw)]: raw}}


class CellTooLong(ValueError):
    """A value over 50,000 characters in "fail" mode; the writer adds which row and column."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length
