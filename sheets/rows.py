"""A table's rows as RowData: typed cells, money in its row's currency, too-long cells named."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sheets.cells import (
    NUMBER_FORMATS,
    CellData,
    CellEncoder,
    CellTooLong,
    ColumnLike,
    NumberFormat,
    number_format,
)
from sheets.limits import cell_too_long

CURRENCY_CODE = re.compile(r"[A-Z]{3}")
CURRENCY_COLUMN = "currency"  # the transaction's currency
HOME_CURRENCY_COLUMN = "home_currency"  # the company's, for the home_* amounts

RowData = dict[str, list[CellData]]  # a Sheets RowData (JSON): {"values": [CellData, ...]}


def money_format(currency: Any) -> NumberFormat:
    """The numberFormat of an amount in `currency` (an ISO code); plain money when it is not one."""
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


class TableEncoder:
    """Encodes the rows of one table; `per_row` are the columns whose number format varies by row."""

    def __init__(self, columns: Sequence[ColumnLike], encoder: CellEncoder, tab: str) -> None:
        self.columns, self.encoder, self.tab = list(columns), encoder, tab
        self.kinds = [c.type for c in columns]
        self.currency_of = currency_sources(columns)
        self.per_row = frozenset(i for i, s in enumerate(self.currency_of) if s is not None)
        self.fields = "userEnteredValue" + (",userEnteredFormat.numberFormat" if self.per_row else "")
        self.rows = 0

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
