"""A table's rows as RAW values or RowData: typed cells, money in its row's currency, too-long cells named."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.cells import (
    NUMBER_FORMATS,
    CellData,
    CellEncoder,
    CellTooLong,
    ColumnLike,
    NumberFormat,
    RawEncode,
    number_format,
)
from sheets.limits import cell_too_long

CURRENCY_CODE = re.compile(r"[A-Z]{3}")
CURRENCY_COLUMN = "currency"  # the transaction's currency
HOME_CURRENCY_COLUMN = "home_currency"  # the company's, for the home_* amounts

RowData = dict[str, list[CellData]]  # a Sheets RowData (JSON): {"values": [CellData, ...]}
RawRow = list[Any]  # a row of RAW `values`: numbers, bools, strings, None for an empty cell


def key_of(values: Sequence[Any]) -> tuple[str, ...]:
    """Keys compare as text: realm ids and QBO Ids are strings, sheet reads may give numbers."""
    return tuple(
        "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        for v in values
    )


@dataclass
class FormatRun:
    """Rows [start, end) of one column (0-based data rows) sharing one number format."""

    column: int
    start: int
    end: int
    fmt: NumberFormat


@dataclass
class FormatRuns:
    """The number formats of the columns whose format varies by row (money by currency), as runs of
    consecutive rows: one `repeatCell` per run instead of a format on every cell."""

    runs: list[FormatRun] = field(default_factory=list)
    _open: dict[int, FormatRun] = field(default_factory=dict)

    def add(self, column: int, row: int, fmt: NumberFormat) -> None:
        current = self._open.get(column)
        if current is not None and current.end == row and current.fmt == fmt:
            current.end = row + 1
            return
        self._open[column] = run = FormatRun(column, row, row + 1, fmt)
        self.runs.append(run)


def money_format(currency: Any) -> NumberFormat:
    """The numberFormat of an amount in `currency` (an ISO code); plain money when it is not one."""
    if type(currency) is str and (known := _MONEY_FORMATS.get(currency)) is not None:
        return known  # a row's currency is one of a few codes: its format made once per process
    fmt = _money_format(currency)
    if type(currency) is str and len(_MONEY_FORMATS) < 256:
        _MONEY_FORMATS[currency] = fmt
    return fmt


_MONEY_FORMATS: dict[str, NumberFormat] = {}


def _money_format(currency: Any) -> NumberFormat:
    code = str(currency or "").strip()
    if CURRENCY_CODE.fullmatch(code):
        return {"type": "NUMBER", "pattern": f'#,##0.00 "{code}"'}
    return NUMBER_FORMATS["money"]


def currency_sources(columns: Sequence[ColumnLike]) -> list[int | None]:
    """Per column, the index of the column holding its row's currency (money columns whose table has one)."""
    index = {c.key: i for i, c in enumerate(columns)}
    out: list[int | None] = []
    for column in columns:
        fixed = getattr(column, "currency", None)
        source = HOME_CURRENCY_COLUMN if column.key.startswith("home_") else CURRENCY_COLUMN
        out.append(index.get(source) if column.type == "money" and not fixed else None)
    return out


def _too_long(encode: RawEncode, value: Any) -> bool:
    """Whether `encode` refuses `value` as too long (to name the column of a refused row)."""
    try:
        encode(value)
    except CellTooLong:
        return True
    return False


class TableEncoder:
    """Encodes the rows of one table; `per_row` are the columns whose number format varies by row."""

    def __init__(self, columns: Sequence[ColumnLike], encoder: CellEncoder, tab: str) -> None:
        self.columns, self.encoder, self.tab = list(columns), encoder, tab
        self.kinds = [c.type for c in columns]
        self.raw_encoders = [encoder.raw_for(kind) for kind in self.kinds]
        self.currency_of = currency_sources(columns)
        self.per_row = frozenset(i for i, s in enumerate(self.currency_of) if s is not None)
        self.fields = "userEnteredValue" + (",userEnteredFormat.numberFormat" if self.per_row else "")
        self.rows = 0
        self.format_runs = FormatRuns()

    def values(self, values: Sequence[Any]) -> RawRow:
        """The RAW values of one row; the per-row number formats go to `format_runs`."""
        row = self.rows
        self.rows += 1
        try:
            out = [encode(value) for encode, value in zip(self.raw_encoders, values, strict=False)]
        except CellTooLong as exc:
            index = next(i for i, v in enumerate(values) if _too_long(self.raw_encoders[i], v))
            raise cell_too_long(exc.length, self.rows, self.columns[index].label, self.tab) from None
        for index in self.per_row:
            source = self.currency_of[index]
            assert source is not None  # per_row holds only the columns with a currency source
            self.format_runs.add(index, row, money_format(values[source] if source < len(values) else None))
        return out

    def row(self, values: Sequence[Any], *, every_format: bool = False) -> RowData:
        """RowData of one row; `every_format` also puts the column's number format on each cell."""
        self.rows += 1
        cells = []
        for index, (value, kind) in enumerate(zip(values, self.kinds, strict=False)):
            try:
                cell = self.encoder.cell(value, kind)
            except CellTooLong as exc:
                raise cell_too_long(exc.length, self.rows, self.columns[index].label, self.tab) from None
            source = self.currency_of[index]
            fmt = (
                money_format(values[source] if source < len(values) else None) if source is not None else None
            )
            if fmt is None and every_format:
                fmt = number_format(self.columns[index])
            if cell and fmt is not None:
                cell["userEnteredFormat"] = {"numberFormat": fmt}
            cells.append(cell)
        return {"values": cells}
