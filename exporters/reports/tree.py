"""A QBO report's Rows tree as a flat list of lines in QBO's order, with QBO's labels and semantics.

Kinds of line:
  header    a section's Header (an account section carries its id; when the parent account has postings
            of its own QBO puts them in this Header: `own` is then True and `values` holds them)
  account   a Data row with an id (an account, or a customer/vendor in aging reports)
  computed  a Data row without an id (Balance Sheet "Net Income") or a Summary-only section (Gross Profit)
  subtotal  the Summary of a nested section;  total  the Summary of a top-level section
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from exporters.columns import to_decimal
from qbo.client import JsonObject


@dataclass(frozen=True)
class ReportColumn:
    """A money column of the report: a period, an aging bucket, or the Total."""

    key: str
    title: str
    start: date | None
    end: date | None
    is_total: bool


@dataclass(frozen=True)
class Line:
    kind: str
    label: str
    depth: int
    path: tuple[str, ...]  # labels of the sections above this line
    account_id: str | None
    values: tuple[Decimal | None, ...]
    group: str | None = None
    own: bool = False
    texts: tuple[str, ...] = ()  # leading non-money cells beyond the label (detail reports)

    @property
    def section_path(self) -> str:
        """Sections above plus the line itself, e.g. "Expenses > Utilities > Electric"."""
        if self.kind in ("subtotal", "total"):
            return " > ".join(self.path)  # a section's total sits at the section's own path
        return " > ".join((*self.path, self.label))


def _meta(column: JsonObject) -> dict[str, str]:
    return {m.get("Name"): m.get("Value") for m in column.get("MetaData") or []}


def column_keys(report: JsonObject) -> list[str]:
    """Every column's ColKey (else its title), in order: a detail report's cells by what they hold."""
    raw = (report.get("Columns") or {}).get("Column") or []
    return [str(_meta(c).get("ColKey") or c.get("ColTitle") or "") for c in raw]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def columns_of(report: JsonObject) -> tuple[list[str], list[ReportColumn]]:
    """(titles of the leading label/text columns, the money columns) of a report."""
    header = report.get("Header") or {}
    raw = (report.get("Columns") or {}).get("Column") or []
    first_money = next((i for i, c in enumerate(raw) if c.get("ColType") == "Money"), len(raw))
    money = raw[first_money:] or [{"ColTitle": "Total", "ColType": "Money"}]
    several = len(money) > 1
    out = []
    for index, column in enumerate(money):
        meta = _meta(column)
        key = meta.get("ColKey") or column.get("ColTitle") or f"col{index}"
        is_total = key.lower() == "total" or (not several)
        start = _day(meta.get("StartDate")) or (_day(header.get("StartPeriod")) if is_total else None)
        end = _day(meta.get("EndDate")) or (_day(header.get("EndPeriod")) if is_total else None)
        out.append(ReportColumn(str(key), column.get("ColTitle") or str(key), start, end, is_total))
    lead = [str(c.get("ColTitle") or "") for c in raw[:first_money]] or [""]
    return lead, out


def _cells(
    col_data: list[JsonObject], lead: int, width: int
) -> tuple[str, str | None, tuple[str, ...], tuple[Decimal | None, ...]]:
    first = col_data[0] if col_data else {}
    texts = tuple(str(c.get("value", "")) for c in col_data[1:lead])
    values = tuple(to_decimal(c.get("value")) for c in col_data[lead : lead + width])
    values += (None,) * (width - len(values))
    return str(first.get("value", "")), first.get("id"), texts, values


def lines(report: JsonObject) -> list[Line]:
    """Every row of the report, in QBO's order."""
    lead, money = columns_of(report)
    rows = ((report.get("Rows") or {}).get("Row")) or []
    return list(_walk(rows, 0, (), len(lead), len(money)))


def _walk(rows: list[JsonObject], depth: int, path: tuple[str, ...], lead: int, width: int) -> Iterator[Line]:
    for row in rows:
        if row.get("type") == "Section" or "Summary" in row or "Header" in row:
            yield from _section(row, depth, path, lead, width)
            continue
        label, id_, texts, values = _cells(row.get("ColData") or [], lead, width)
        yield Line(
            "account" if id_ else "computed", label, depth, path, id_, values, row.get("group"), texts=texts
        )


def _section(row: JsonObject, depth: int, path: tuple[str, ...], lead: int, width: int) -> Iterator[Line]:
    group = row.get("group")
    header = row.get("Header")
    label = ""
    if header:
        label, id_, texts, values = _cells(header.get("ColData") or [], lead, width)
        own = bool(id_) and any(v is not None for v in values)
        yield Line("header", label, depth, path, id_, values, group, own, texts)
    inner = path + (label,) if header else path
    yield from _walk(((row.get("Rows") or {}).get("Row")) or [], depth + 1, inner, lead, width)
    summary = row.get("Summary")
    if summary:
        s_label, _id, texts, values = _cells(summary.get("ColData") or [], lead, width)
        kind = "computed" if not header else ("total" if depth == 0 else "subtotal")
        yield Line(kind, s_label, depth, inner if header else path, None, values, group, texts=texts)


def basis(report: JsonObject) -> str:
    return str((report.get("Header") or {}).get("ReportBasis") or "")


def report_currency(report: JsonObject) -> str:
    return str((report.get("Header") or {}).get("Currency") or "")
